-- Which revisions were flagged as notable most recently (home page and Atom feed)?
-- $rule and $site narrow the list when not NULL.
with notable as (
    select * from notable_changes
),
versions as (
    select version_id, article_id, version_no, title from versions
),
final as (
    select
        n.comparison_id, n.rule, n.detail, n.found_at, n.url,
        v.article_id, v.version_id, v.version_no, v.title, a.site,
        c.old_version_id
    from notable n
    join versions v using (version_id)
    join articles a using (article_id)
    join comparisons c using (comparison_id)
    where ($rule is null or n.rule = $rule) and ($site is null or a.site = $site)
)
select * from final order by found_at desc, url, rule limit $limit

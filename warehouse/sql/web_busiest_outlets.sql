-- Which outlets revise most: articles, revisions, and the share of articles ever revised?
with per_site as (
    select
        site,
        count(*)                                    as n_articles,
        sum(n_versions - 1)                         as n_revisions,
        count(*) filter (where n_versions > 1)      as n_revised
    from articles
    where site is not null
    group by site
),
final as (
    select site, n_articles, n_revisions, n_revised,
           round(100.0 * n_revised / n_articles, 1) as pct_revised
    from per_site
)
select * from final
where $site is null or site = $site
order by n_revisions desc, n_articles desc, site
limit $limit

-- What changed between two versions, with the urls, sites, titles and times a reader needs?
-- One row per comparison: `comparisons` joined to both sides' articles and versions.
create or replace view changes as
with comparisons as (
    select * from core.comparisons
),
sides as (
    select v.version_id, v.article_id, v.title, v.seen_at, a.url, a.site
    from core.versions v
    join core.articles a using (article_id)
),
final as (
    select
        c.comparison_id::varchar     as comparison_id,
        c.relation::varchar          as relation,
        o.url::varchar               as old_url,
        n.url::varchar               as new_url,
        o.site::varchar              as old_site,
        n.site::varchar              as new_site,
        o.title::varchar             as old_title,
        n.title::varchar             as new_title,
        o.seen_at::timestamptz       as old_seen_at,
        n.seen_at::timestamptz       as new_seen_at,
        c.n_same::integer            as n_same,
        c.n_changed::integer         as n_changed,
        c.n_added::integer           as n_added,
        c.n_removed::integer         as n_removed,
        c.n_moved::integer           as n_moved,
        c.title_changed::boolean     as title_changed,
        c.significance::varchar      as significance,
        c.summary::varchar           as summary,
        c.n_boilerplate::integer     as n_boilerplate,
        c.old_version_id::varchar    as old_version_id,
        c.new_version_id::varchar    as new_version_id,
        n.article_id::varchar        as article_id
    from comparisons c
    join sides o on o.version_id = c.old_version_id
    join sides n on n.version_id = c.new_version_id
)
select * from final;

-- Which outlets republished each story's original, and what did each keep, cut, change and swap?
-- One row per republication comparison, naming the version of the original actually compared.
create or replace view republications as
with comparisons as (
    select * from core.comparisons where relation = 'republication'
),
members as (
    select story_id, article_id, version_id from core.story_members where not is_original
),
sides as (
    select v.version_id, v.article_id, v.version_no, a.url, a.site
    from core.versions v
    join core.articles a using (article_id)
),
swaps as (
    select comparison_id, count(*) as n_swaps
    from core.phrase_edits
    where removed <> '' and inserted <> ''
    group by comparison_id
),
final as (
    select
        m.story_id::varchar                  as story_id,
        o.url::varchar                       as original_url,
        o.site::varchar                      as original_site,
        n.url::varchar                       as copy_url,
        n.site::varchar                      as copy_site,
        c.n_same::integer                    as n_kept,
        c.n_removed::integer                 as n_cut,
        c.n_changed::integer                 as n_changed,
        c.n_added::integer                   as n_added,
        coalesce(s.n_swaps, 0)::integer      as n_swaps,
        c.jaccard::double                    as jaccard,
        c.containment::double                as containment,
        c.old_version_id::varchar            as original_version_id,
        o.version_no::integer                as original_version_no,
        c.new_version_id::varchar            as copy_version_id,
        c.comparison_id::varchar             as comparison_id
    from comparisons c
    join members m on m.version_id = c.new_version_id
    join sides o on o.version_id = c.old_version_id
    join sides n on n.version_id = c.new_version_id
    left join swaps s using (comparison_id)
)
select * from final;

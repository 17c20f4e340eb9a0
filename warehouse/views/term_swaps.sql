-- Which terms do outlets and editors swap for which, and how often, across the warehouse?
create or replace view term_swaps as
with phrase_edits as (
    select * from core.phrase_edits where removed <> '' and inserted <> ''
),
comparisons as (
    select comparison_id, new_version_id from core.comparisons where relation <> 'reextraction'
),
sites as (
    select v.version_id, a.site
    from core.versions v join core.articles a using (article_id)
),
final as (
    select
        p.removed::varchar                        as removed,
        p.inserted::varchar                       as inserted,
        count(*)::bigint                          as occurrences,
        count(distinct p.comparison_id)::bigint   as n_comparisons,
        count(distinct s.site)::bigint            as n_sites
    from phrase_edits p
    join comparisons c using (comparison_id)
    left join sites s on s.version_id = c.new_version_id
    group by p.removed, p.inserted
)
select * from final order by occurrences desc, removed, inserted;

-- Which terms did each outlet swap for which, and how often? $site narrows it when not NULL.
with swaps as (
    select * from phrase_edits where removed <> '' and inserted <> ''
),
final as (
    select
        p.removed, p.inserted, a.site,
        count(*)                          as occurrences,
        count(distinct p.comparison_id)   as n_comparisons,
        any_value(v.article_id)           as example_article_id
    from swaps p
    join comparisons c using (comparison_id)
    join versions v on v.version_id = c.new_version_id
    join articles a on a.article_id = v.article_id
    where $site is null or a.site = $site
    group by p.removed, p.inserted, a.site
)
select * from final order by occurrences desc, removed, inserted, site limit $limit

-- Which revision comparisons no longer compare two consecutive versions of their article?
-- (A capture that arrived late now stands between them.) $new_version_ids: the new sides
-- of the comparisons just stored; only their articles are looked at.
with touched as (
    select distinct v.article_id
    from core.versions v
    where v.version_id in (select unnest($new_version_ids::varchar[]))
),
ordered as (
    select
        v.version_id,
        lead(v.version_id) over (
            partition by v.article_id order by v.seen_at, v.version_no
        ) as next_version_id
    from core.versions v
    semi join touched using (article_id)
),
final as (
    select c.comparison_id
    from core.comparisons c
    join ordered o on o.version_id = c.old_version_id
    where c.relation = 'revision'
      and c.new_version_id is distinct from o.next_version_id
)
select comparison_id from final

-- Who ran this story: every member with its outlet, version and similarity, original first,
-- and the original's version each republication was compared with (the one it matches best).
with republications as (
    select new_version_id as version_id, any_value(old_version_id) as compared_with
    from comparisons where relation = 'republication'
    group by new_version_id
)
select m.article_id, m.version_id, m.jaccard, m.containment, m.is_original,
       a.url, a.site, v.title, v.byline, v.published_at, r.compared_with
from story_members m
join articles a using (article_id)
join versions v on v.version_id = m.version_id
left join republications r on r.version_id = m.version_id
where m.story_id = $story_id
order by m.is_original desc, v.published_at nulls last, a.url

-- Who ran this story: every member with its outlet, version and similarity, original first.
select m.article_id, m.version_id, m.jaccard, m.containment, m.is_original,
       a.url, a.site, v.title, v.byline, v.published_at
from story_members m
join articles a using (article_id)
join versions v on v.version_id = m.version_id
where m.story_id = $story_id
order by m.is_original desc, v.published_at nulls last, a.url

-- What is this story: its original version, size and first publication?
select s.story_id, s.original_version_id, s.n_articles, s.n_sites, s.first_published,
       v.title, v.article_id, a.url, a.site
from stories s
join versions v on v.version_id = s.original_version_id
join articles a on a.article_id = v.article_id
where s.story_id = $story_id

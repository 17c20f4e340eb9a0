-- Which stories were republished most widely, newest first among equals?
select s.story_id, s.n_articles, s.n_sites, s.first_published, v.title, a.site
from stories s
join versions v on v.version_id = s.original_version_id
join articles a on a.article_id = v.article_id
order by s.n_sites desc, s.n_articles desc, s.first_published desc nulls last, s.story_id
limit $limit

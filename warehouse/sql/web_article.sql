-- What is this article: its address, outlet, story and how many versions it has?
select a.article_id, coalesce(a.url, c.source_key) as url, a.site, a.first_seen, a.last_seen,
       a.n_versions, a.latest_version_id, a.story_id
from articles a join core.articles c using (article_id)
where a.article_id = $article_id

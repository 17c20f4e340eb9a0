-- Which articles were revised most, and when did they last change?
select a.article_id, a.url, a.site, a.n_versions, a.last_seen, v.title
from articles a
join versions v on v.version_id = a.latest_version_id
where a.n_versions > 1
order by a.n_versions desc, a.last_seen desc, a.url
limit $limit

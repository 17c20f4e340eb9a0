-- Which articles of this outlet changed most, and how much?
with revisions as (
    select c.new_version_id, c.n_changed + c.n_added + c.n_removed + c.n_moved as n_edits
    from comparisons c where relation = 'revision'
),
edits as (
    select v.article_id, sum(r.n_edits) as n_edits
    from revisions r join versions v on v.version_id = r.new_version_id
    group by v.article_id
)
select a.article_id, a.url, a.n_versions, a.last_seen, v.title, coalesce(e.n_edits, 0) as n_edits
from articles a
join versions v on v.version_id = a.latest_version_id
left join edits e on e.article_id = a.article_id
where a.site = $site
order by a.n_versions desc, n_edits desc, a.last_seen desc, a.url
limit $limit

-- How many revisions, and how many edited sentences, per day: for one article or one outlet?
with revisions as (
    select c.new_version_id, c.n_changed + c.n_added + c.n_removed + c.n_moved as n_edits
    from comparisons c where relation = 'revision'
),
final as (
    select v.seen_at::date as day, count(*) as n_revisions, sum(r.n_edits) as n_edits
    from revisions r
    join versions v on v.version_id = r.new_version_id
    join articles a on a.article_id = v.article_id
    where ($article_id is null or a.article_id = $article_id)
      and ($site is null or a.site = $site)
    group by day
)
select * from final order by day

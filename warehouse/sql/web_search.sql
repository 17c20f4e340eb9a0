-- Which articles' versions contain every word of $q, best first, and does their latest
-- version still contain them ("once said X and no longer does")?
with hits as (
    select d.version_id, d.article_id, d.version_no, d.title, d.text,
           fts_search_docs.match_bm25(d.version_id, $q, conjunctive := 1) as score
    from search.docs d
),
matched as (
    select * from hits where score is not null
),
per_article as (
    select
        m.article_id,
        arg_max(m.version_id, m.score)                     as version_id,
        arg_max(m.version_no, m.score)                     as version_no,
        arg_max(m.title, m.score)                          as title,
        arg_max(m.text, m.score)                           as text,
        max(m.score)                                       as score,
        list(m.version_no order by m.version_no)           as matched_versions,
        bool_or(m.version_id = a.latest_version_id)        as still_says
    from matched m join articles a using (article_id)
    group by m.article_id
),
final as (
    select p.*, a.url, a.site, a.n_versions
    from per_article p join articles a using (article_id)
    where not $gone or not p.still_says
)
select * from final order by score desc, url limit $limit

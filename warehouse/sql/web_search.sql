-- Which articles' versions contain every word of $q, best first, and does their latest
-- version still contain them ("once said X and no longer does")? Scores and groups on the
-- narrow columns first; titles and texts are read for the $limit articles shown only.
with scored as (
    select version_id, article_id, version_no, is_latest,
           fts_search_docs.match_bm25(version_id, $q, conjunctive := 1) as score
    from search.docs
),
matched as (
    select * from scored where score is not null
),
per_article as (
    select
        article_id,
        arg_max(version_id, score)              as version_id,
        max(score)                              as score,
        list(version_no order by version_no)    as matched_versions,
        bool_or(is_latest)                      as still_says
    from matched
    group by article_id
),
top as (
    select * from per_article
    where not $gone or not still_says
    order by score desc
    limit $limit
),
final as (
    select t.*, d.version_no, d.title, d.text, d.n_versions, d.url, d.site
    from top t join search.docs d using (version_id)
)
select * from final order by score desc, url

-- Which articles' versions contain every word of $q, best first, and does their latest
-- version still contain them ("once said X and no longer does")?
with hits as (
    select d.*, fts_search_docs.match_bm25(d.version_id, $q, conjunctive := 1) as score
    from search.docs d
),
matched as (
    select * from hits where score is not null
),
per_article as (
    select
        article_id,
        arg_max(version_id, score)                 as version_id,
        arg_max(version_no, score)                 as version_no,
        arg_max(title, score)                      as title,
        arg_max(text, score)                       as text,
        max(score)                                 as score,
        list(version_no order by version_no)       as matched_versions,
        bool_or(is_latest)                         as still_says,
        any_value(n_versions)                      as n_versions,
        any_value(url)                             as url,
        any_value(site)                            as site
    from matched
    group by article_id
),
final as (
    select * from per_article where not $gone or not still_says
)
select * from final order by score desc, url limit $limit

-- Which sentences of these versions are their site's boilerplate (found in $min_articles or
-- more articles of the site)? Comparisons label them as page furniture.
with wanted_versions as (
    select v.version_id, a.site
    from core.versions v join core.articles a using (article_id)
    semi join wanted using (version_id)
    where a.site is not null
),
candidates as (
    select distinct w.site, s.sentence_hash
    from wanted_versions w join core.sentences s using (version_id)
),
boilerplate as (
    select c.site, c.sentence_hash
    from candidates c
    join core.sentences s using (sentence_hash)
    join core.versions v on v.version_id = s.version_id
    join core.articles a on a.article_id = v.article_id and a.site = c.site
    group by c.site, c.sentence_hash
    having count(distinct a.article_id) >= $min_articles
)
select w.version_id, b.sentence_hash
from wanted_versions w
join boilerplate b using (site)

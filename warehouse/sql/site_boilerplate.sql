-- Which sentences of these versions are their site's boilerplate (found in $min_articles or
-- more articles of the site)? Comparisons label them as page furniture.
-- Every stored sentence is kept or dropped by semi-joins on the batch's sites and its
-- (site, hash) pairs, never multiplied, so no join grows with a repeated line's copies.
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
site_versions as (
    select v.version_id, v.article_id, a.site
    from core.versions v join core.articles a using (article_id)
    semi join (select distinct site from wanted_versions) ws using (site)
),
boilerplate as (
    select sv.site, s.sentence_hash
    from core.sentences s
    join site_versions sv using (version_id)
    semi join candidates c on c.site = sv.site and c.sentence_hash = s.sentence_hash
    group by sv.site, s.sentence_hash
    having count(distinct sv.article_id) >= $min_articles
)
select w.version_id, b.sentence_hash
from wanted_versions w
join boilerplate b using (site)

-- Which text can full-text search find? Every version's title, byline and text, one row each,
-- with whether it is its article's latest; rebuilt whole by `pressdiff index` (and by
-- `web`/`search` when it is missing or behind).
create schema if not exists search;
create or replace table search.docs as
select v.version_id, v.article_id, v.version_no,
       coalesce(v.title, '') as title, coalesce(v.byline, '') as byline, v.text,
       v.version_no = max(v.version_no) over (partition by v.article_id) as is_latest,
       count(*) over (partition by v.article_id) as n_versions,
       coalesce(a.url, a.source_key) as url, a.site
from core.versions v
join core.articles a using (article_id);
create or replace table search.meta as
-- format: fulltext.FORMAT, raised whenever search.docs changes shape
select count(*)::bigint as n_versions, now() as built_at, 2 as format from search.docs;

-- Which text can full-text search find? Every version's title, byline and text, one row each;
-- rebuilt whole by `pressdiff index` (and by `web`/`search` when it is missing or behind).
create schema if not exists search;
create or replace table search.docs as
select version_id, article_id, version_no,
       coalesce(title, '') as title, coalesce(byline, '') as byline, text
from core.versions;
create or replace table search.meta as
select count(*)::bigint as n_versions, now() as built_at from search.docs;

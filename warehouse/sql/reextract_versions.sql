-- Which versions (of site $site, or of every site when it is NULL) can be re-extracted:
-- each with the stored page (snapshot) it was extracted from, NULL for local files.
select
    v.version_id,
    v.source,
    coalesce(a.url, v.source) as url,
    v.text_hash,
    (
        select any_value(f.snapshot)
        from core.fetches f
        where f.url = v.source and f.fetched_at = v.seen_at and f.snapshot is not null
    ) as snapshot
from core.versions v
join core.articles a using (article_id)
where $site is null or a.site = $site
order by v.version_id

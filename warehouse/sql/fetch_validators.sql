-- For the URLs in table `wanted`, what ETag and Last-Modified did their latest fetch send, of the fetches whose body was stored as a version or a sighting?
WITH stored AS (
    SELECT source, seen_at FROM core.versions
    UNION ALL SELECT source, seen_at FROM core.sightings
)
SELECT f.url, arg_max(f.etag, f.fetched_at), arg_max(f.last_modified, f.fetched_at)
FROM core.fetches f SEMI JOIN wanted USING (url)
SEMI JOIN stored s ON s.source = f.url AND s.seen_at = f.fetched_at
WHERE f.status_code = 200 AND f.error IS NULL
  AND (f.etag IS NOT NULL OR f.last_modified IS NOT NULL)
GROUP BY f.url

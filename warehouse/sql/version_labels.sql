-- How is each of these versions named in a header: its article, and 'URL v2 (seen 2026-03-05 09:15)'?
SELECT v.version_id, v.article_id,
       format('{} v{} (seen {})', coalesce(a.url, a.source_key), v.version_no,
              strftime(v.seen_at, '%Y-%m-%d %H:%M'))
FROM versions v
JOIN core.articles a USING (article_id)
WHERE v.version_id IN (SELECT unnest(?))

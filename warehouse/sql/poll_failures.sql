-- Of the sources just polled (table polled), which failed, and how many times in a row now?
-- A poll failed when a reject of this poll names the source (not a crawl limit it reached).
-- (The caller replaces their rows with these: a lake has no INSERT OR REPLACE.)
SELECT p.source_id,
       CASE WHEN failed.source_id IS NULL THEN 0 ELSE coalesce(old.failures, 0) + 1 END
           AS failures
FROM polled p
LEFT JOIN (
    SELECT DISTINCT p.source_id
    FROM polled p JOIN core.rejects r ON r.source IN (p.uri, p.fetched_uri)
    WHERE r."at" >= $now AND r.reason <> 'limit reached'
) failed USING (source_id)
LEFT JOIN core.poll_failures old USING (source_id)

-- Which sources are due for a poll at $now (every one with $force)?
SELECT source_id, kind, uri
FROM core.sources
WHERE $force OR next_poll_at IS NULL OR next_poll_at <= $now
ORDER BY uri

-- When is each source just polled (table polled) due again? After its interval; after a
-- failed poll sooner: 1, 2, 4 ... minutes, doubling with each failure in a row, at most
-- the interval.
UPDATE core.sources s
SET last_polled_at = $now,
    next_poll_at = $now + CASE
        WHEN f.failures > 0 THEN least(
            coalesce(s.poll_interval, $every),
            to_minutes(CAST(pow(2, least(f.failures - 1, 30)) AS BIGINT))
        )
        ELSE coalesce(s.poll_interval, $every)
    END
FROM polled p LEFT JOIN core.poll_failures f USING (source_id)
WHERE s.source_id = p.source_id

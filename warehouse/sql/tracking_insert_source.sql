-- Which source is watched from now on ($source_id, $kind, $uri, added and due $now,
-- polled every $every or the default)?
INSERT INTO core.sources (source_id, kind, uri, added_at, last_polled_at, next_poll_at,
                          poll_interval)
VALUES ($source_id, $kind, $uri, $now, NULL, $now, $every)

-- Which new links (table new) are tracked from now on, due at once? Known URLs are kept.
INSERT INTO core.tracked (url, site, source_id, first_seen, published_at, next_check_at,
                          reason)
SELECT url, site, source_id, first_seen, published_at, next_check_at, 'new link: first fetch'
FROM new
ANTI JOIN core.tracked USING (url)

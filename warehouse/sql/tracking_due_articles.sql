-- Which tracked articles are due for a visit at $now (every one still scheduled, with
-- $force), and what does the scheduler know of each?
SELECT url, site, first_seen, published_at, last_checked_at, last_changed_at,
       n_checks, n_unchanged_streak, n_changes, next_check_at, reason
FROM core.tracked
WHERE next_check_at IS NOT NULL AND ($force OR next_check_at <= $now)
ORDER BY next_check_at, url

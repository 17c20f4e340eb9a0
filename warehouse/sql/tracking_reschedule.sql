-- What is each visited article's state after a visit at $now (table upd), and when is it
-- checked next?
UPDATE core.tracked t
SET last_checked_at = $now,
    last_changed_at = u.new_last_changed_at,
    n_checks = u.n_checks,
    n_unchanged_streak = u.n_unchanged_streak,
    n_changes = u.n_changes,
    next_check_at = u.next_check_at,
    reason = u.reason
FROM upd u
WHERE t.url = u.url

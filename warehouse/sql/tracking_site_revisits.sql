-- What did past revisits of the wanted sites (table wanted: site) find, in order: the ages
-- each check covered, whether it found a change, and the time since the last change?
SELECT site, previous_check_at - origin, checked_at - origin, outcome = 'changed',
       previous_check_at - last_changed_at
FROM core.revisits
SEMI JOIN wanted USING (site)
WHERE previous_check_at IS NOT NULL AND outcome IN ('changed', 'unchanged')
ORDER BY checked_at

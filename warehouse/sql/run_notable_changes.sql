-- Which revisions of one run matched a notable-change rule, and why?
SELECT url, rule, coalesce(detail, '') FROM notable_changes
WHERE run_id = ?
ORDER BY url, rule

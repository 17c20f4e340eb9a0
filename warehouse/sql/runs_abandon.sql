-- Which runs left `running` by a dead process are now marked abandoned?
UPDATE core.runs SET status = 'abandoned', finished_at = ?
WHERE run_id IN (SELECT unnest(?::VARCHAR[]))

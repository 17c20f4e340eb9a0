-- Which of the wanted versions (table wanted: version_id) have no sketch yet, and their text?
SELECT version_id, norm
FROM core.versions
SEMI JOIN wanted USING (version_id)
ANTI JOIN core.dedupe_sketches USING (version_id)
ORDER BY version_id

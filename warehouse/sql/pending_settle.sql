-- Which owed work is being settled? (the rows of the Arrow table `done` are struck off)
DELETE FROM core.pending_work p USING done d
WHERE p.kind = d.kind AND p.version_id = d.version_id
  AND p.new_version_id IS NOT DISTINCT FROM d.new_version_id

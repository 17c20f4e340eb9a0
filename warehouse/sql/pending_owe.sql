-- Which work does this run now owe? (the rows of the Arrow table `rows`, recorded under the run)
INSERT INTO core.pending_work (kind, version_id, new_version_id, run_id)
SELECT kind, version_id, new_version_id, ? FROM rows

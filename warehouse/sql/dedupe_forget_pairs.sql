-- Which stored pairs does a batch of verified pairs (table found) replace?
DELETE FROM core.duplicate_pairs
WHERE (version_a, version_b) IN (SELECT (version_a, version_b) FROM found)

-- Which verified pairs touch any version of the articles of the frontier (table step:
-- version_id), and which versions do those articles have (a row with null pair columns
-- for a version without pairs)?
WITH versions AS (
    SELECT version_id FROM core.versions WHERE article_id IN (
        SELECT article_id FROM core.versions SEMI JOIN step USING (version_id))
)
SELECT version_a, version_b, method, estimated_jaccard, shared, n_a, n_b,
       params, v.version_id
FROM versions v
LEFT JOIN core.duplicate_pairs p
  ON p.version_a = v.version_id OR p.version_b = v.version_id

-- Which stored versions are near-duplicate candidates of the new ones (table new_versions)?
-- Two ways in: an equal key in one LSH band (Jaccard), or enough shared containment anchors
-- (a republication that keeps only part of the original). Parameters: $max_df (anchors in
-- more versions are boilerplate), $min_shared, $min_share (of the smaller text's anchors).
-- Every pair once, version_a < version_b, with how it was found and its estimated Jaccard.
WITH new_bands AS (
    SELECT b.* FROM core.lsh_bands b SEMI JOIN new_versions n USING (version_id)
),
band_hits AS (
    SELECT least(n.version_id, o.version_id) AS version_a,
           greatest(n.version_id, o.version_id) AS version_b,
           count(DISTINCT n.band) AS bands_shared
    FROM new_bands n
    JOIN core.lsh_bands o ON o.band = n.band AND o.key = n.key AND o.version_id <> n.version_id
    GROUP BY ALL
),
new_anchors AS (
    SELECT a.* FROM core.dedupe_anchors a SEMI JOIN new_versions n USING (version_id)
),
anchor_df AS (
    SELECT key, count(*) AS df
    FROM core.dedupe_anchors SEMI JOIN (SELECT DISTINCT key FROM new_anchors) USING (key)
    GROUP BY key
),
anchor_hits AS (
    SELECT least(n.version_id, o.version_id) AS version_a,
           greatest(n.version_id, o.version_id) AS version_b,
           count(DISTINCT n.key) AS anchors_shared
    FROM new_anchors n
    JOIN anchor_df d ON d.key = n.key AND d.df <= $max_df
    JOIN core.dedupe_anchors o ON o.key = n.key AND o.version_id <> n.version_id
    GROUP BY ALL
),
anchor_ok AS (
    SELECT h.*
    FROM anchor_hits h
    JOIN core.dedupe_sketches sa ON sa.version_id = h.version_a
    JOIN core.dedupe_sketches sb ON sb.version_id = h.version_b
    WHERE h.anchors_shared >= $min_shared
      AND h.anchors_shared >= $min_share * least(sa.n_anchors, sb.n_anchors)
),
candidates AS (
    SELECT version_a, version_b,
           CASE WHEN b.bands_shared IS NULL THEN 'anchor'
                WHEN a.anchors_shared IS NULL THEN 'lsh'
                ELSE 'lsh+anchor' END AS method,
           coalesce(b.bands_shared, 0) AS bands_shared,
           coalesce(a.anchors_shared, 0) AS anchors_shared
    FROM band_hits b FULL JOIN anchor_ok a USING (version_a, version_b)
)
SELECT c.version_a, c.version_b, c.method, c.bands_shared, c.anchors_shared,
       len(list_filter(list_zip(sa.signature, sb.signature), lambda x: x[1] = x[2]))
           / len(sa.signature) AS estimated_jaccard
FROM candidates c
JOIN core.dedupe_sketches sa ON sa.version_id = c.version_a
JOIN core.dedupe_sketches sb ON sb.version_id = c.version_b
ORDER BY c.version_a, c.version_b;

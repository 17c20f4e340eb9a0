-- Which stored versions of other articles are near-duplicate candidates of the new ones
-- (table new_versions)?
-- Three ways in: an equal key in one LSH band (Jaccard); enough shared containment anchors
-- (a republication that keeps only part of the original); or one shared whole sentence of
-- $sentence_min_words or more words (a short copy has too few anchors; 0 turns it off).
-- Parameters: $max_df (anchors and sentences in more versions are boilerplate),
-- $min_shared, $min_share (of the smaller text's anchors), $sentence_min_words.
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
new_sentences AS (
    SELECT DISTINCT version_id, sentence_hash
    FROM core.sentences SEMI JOIN new_versions USING (version_id)
    WHERE $sentence_min_words > 0
      AND length(norm) - length(replace(norm, ' ', '')) + 1 >= $sentence_min_words
),
sentence_df AS (
    SELECT sentence_hash, count(DISTINCT version_id) AS df
    FROM core.sentences SEMI JOIN (SELECT DISTINCT sentence_hash FROM new_sentences)
         USING (sentence_hash)
    GROUP BY sentence_hash
),
sentence_hits AS (
    SELECT least(n.version_id, o.version_id) AS version_a,
           greatest(n.version_id, o.version_id) AS version_b,
           count(DISTINCT n.sentence_hash) AS sentences_shared
    FROM new_sentences n
    JOIN sentence_df d ON d.sentence_hash = n.sentence_hash AND d.df <= $max_df
    JOIN core.sentences o ON o.sentence_hash = n.sentence_hash AND o.version_id <> n.version_id
    GROUP BY ALL
),
candidates AS (
    SELECT version_a, version_b,
           concat_ws('+', CASE WHEN b.bands_shared IS NOT NULL THEN 'lsh' END,
                          CASE WHEN a.anchors_shared IS NOT NULL THEN 'anchor' END,
                          CASE WHEN s.sentences_shared IS NOT NULL THEN 'sentence' END)
               AS method,
           coalesce(b.bands_shared, 0) AS bands_shared,
           coalesce(a.anchors_shared, 0) AS anchors_shared,
           coalesce(s.sentences_shared, 0) AS sentences_shared
    FROM band_hits b
    FULL JOIN anchor_ok a USING (version_a, version_b)
    FULL JOIN sentence_hits s USING (version_a, version_b)
),
-- Each side looked up in a join of two (MATERIALIZED: planned on its own): a lake's tables
-- carry no distinct counts, and planned together the joins of versions and sketches to
-- both sides became a product of the two tables first (6 million rows at 2,500 versions,
-- out of the writer's memory).
side_a AS MATERIALIZED (
    SELECT c.*, v.article_id AS article_a
    FROM candidates c JOIN core.versions v ON v.version_id = c.version_a
),
other_articles AS MATERIALIZED (
    SELECT c.* EXCLUDE (article_a)
    FROM side_a c JOIN core.versions v ON v.version_id = c.version_b
    WHERE v.article_id <> c.article_a
),
sketch_a AS MATERIALIZED (
    SELECT c.*, s.signature AS signature_a
    FROM other_articles c JOIN core.dedupe_sketches s ON s.version_id = c.version_a
)
SELECT c.version_a, c.version_b, c.method, c.bands_shared, c.anchors_shared,
       c.sentences_shared,
       len(list_filter(list_zip(c.signature_a, sb.signature), lambda x: x[1] = x[2]))
           / len(c.signature_a) AS estimated_jaccard
FROM sketch_a c
JOIN core.dedupe_sketches sb ON sb.version_id = c.version_b
ORDER BY c.version_a, c.version_b;

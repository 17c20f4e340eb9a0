-- What does verification compare of the wanted versions (table wanted: version_id): the
-- dedupe_docs columns, with the text rebuilt from sentences leaving out each site's
-- boilerplate (a sentence in $min_articles or more articles of the site)?
WITH w AS (
    SELECT v.version_id, v.article_id, a.site, v.published_at,
           least(a.first_seen, (SELECT min(x.seen_at) FROM core.versions x
                                WHERE x.article_id = v.article_id)) AS seen_at
    FROM core.versions v JOIN core.articles a USING (article_id)
    SEMI JOIN wanted USING (version_id)),
ws AS (
    SELECT w.version_id, w.site, s.sentence_no, s.norm, s.sentence_hash
    FROM w JOIN core.sentences s USING (version_id)),
sites AS (SELECT DISTINCT site FROM w WHERE site IS NOT NULL),
candidates AS (SELECT DISTINCT site, sentence_hash FROM ws WHERE site IS NOT NULL),
boilerplate AS (
    -- semi-joins keep or drop each stored sentence, never multiply it
    SELECT a.site, s.sentence_hash
    FROM core.sentences s
    JOIN core.versions v USING (version_id)
    JOIN core.articles a USING (article_id)
    SEMI JOIN sites USING (site)
    SEMI JOIN candidates c ON c.site = a.site AND c.sentence_hash = s.sentence_hash
    GROUP BY a.site, s.sentence_hash
    HAVING count(DISTINCT a.article_id) >= $min_articles)
SELECT w.version_id, w.article_id, w.site, w.published_at,
       coalesce(string_agg(ws.norm, ' ' ORDER BY ws.sentence_no)
                FILTER (WHERE b.sentence_hash IS NULL), ''),
       w.seen_at
FROM w
LEFT JOIN ws USING (version_id)
LEFT JOIN boilerplate b ON b.site = ws.site AND b.sentence_hash = ws.sentence_hash
GROUP BY ALL

-- What did each member of a story keep, change, add, drop and swap compared with the story's original?
-- (Core tables, not the views: the same rows for these columns, without the views'
-- warehouse-wide aggregates, which took seconds at 100,000 versions.)
WITH members AS (
    SELECT m.*, a.site, coalesce(a.url, a.source_key) AS url, v.published_at
    FROM core.story_members m
    JOIN core.articles a USING (article_id)
    JOIN core.versions v ON v.version_id = m.version_id
    WHERE m.story_id = $story
),
original AS (
    SELECT article_id FROM members WHERE is_original
),
cmp AS (
    SELECT c.*, vn.article_id AS member_article
    FROM core.comparisons c
    JOIN core.versions vo ON vo.version_id = c.old_version_id
    JOIN core.versions vn ON vn.version_id = c.new_version_id
    WHERE c.relation = 'republication'
      AND vo.article_id = (SELECT article_id FROM original)
),
swaps AS (
    SELECT comparison_id,
           string_agg(DISTINCT removed || ' → ' || inserted, '; ') AS swapped
    FROM core.phrase_edits
    WHERE removed <> '' AND inserted <> ''
      AND comparison_id IN (SELECT comparison_id FROM cmp)
    GROUP BY comparison_id
)
SELECT CASE WHEN m.is_original THEN 'original' ELSE '' END, m.site, m.url,
       m.version_id, m.published_at, round(m.jaccard, 2), round(m.containment, 2),
       c.n_same, c.n_changed, c.n_added, c.n_removed, s.swapped
FROM members m
LEFT JOIN cmp c ON c.member_article = m.article_id
LEFT JOIN swaps s ON s.comparison_id = c.comparison_id
ORDER BY m.is_original DESC, m.published_at NULLS LAST, m.url

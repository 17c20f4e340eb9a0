-- What did run $run find for each visited URL (table wanted: url): a first version, a
-- changed one, the same text, or a failure?
SELECT w.url,
       CASE WHEN r.url IS NOT NULL AND v.version_id IS NULL THEN 'failed'
            WHEN v.first THEN 'first'
            WHEN v.version_id IS NOT NULL THEN 'changed'
            WHEN a.article_id IS NULL THEN 'failed'
            ELSE 'unchanged' END
FROM wanted w
LEFT JOIN core.articles a ON a.url = w.url
LEFT JOIN (SELECT article_id, any_value(version_id) AS version_id,
                  bool_and(version_no = 1) AS first
           FROM core.versions WHERE run_id = $run GROUP BY article_id) v
       ON v.article_id = a.article_id
LEFT JOIN (SELECT DISTINCT source AS url FROM core.rejects WHERE run_id = $run) r
       ON r.url = w.url

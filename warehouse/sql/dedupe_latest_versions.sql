-- Which article, and which latest version of it, does each wanted version (table wanted:
-- version_id) belong to?
SELECT v.version_id, v.article_id, a.latest_version_id
FROM core.versions v
JOIN articles a USING (article_id)
SEMI JOIN wanted USING (version_id)

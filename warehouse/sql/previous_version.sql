-- Which version of the same article came just before this one?
SELECT p.version_id
FROM versions v
JOIN versions p ON p.article_id = v.article_id AND p.version_no = v.version_no - 1
WHERE v.version_id = ?

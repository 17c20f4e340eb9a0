-- Which version is the original of the story this version belongs to (when it is not the version itself)?
SELECT s.original_version_id
FROM versions v
JOIN articles a USING (article_id)
JOIN stories s USING (story_id)
WHERE v.version_id = ? AND s.original_version_id <> v.version_id

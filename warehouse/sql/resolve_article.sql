-- Which article does what a person typed name: an article id, its canonical URL, the file of an article without one, or one of its version ids?
SELECT article_id FROM core.articles
WHERE article_id = $ref OR url = $url OR source_key = $ref
UNION ALL
SELECT article_id FROM core.versions WHERE version_id = $ref
LIMIT 1

-- What is one story: its size, first publication, and its original's title, URL and version?
SELECT s.story_id, s.n_articles, s.n_sites, s.first_published, v.title,
       coalesce(a.url, a.source_key), s.original_version_id
FROM stories s
JOIN core.versions v ON v.version_id = s.original_version_id  -- its title: no numbering needed
JOIN core.articles a ON a.article_id = v.article_id
WHERE s.story_id = ?

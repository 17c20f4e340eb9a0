-- How is the full-text index over search.docs built? (stemmed, accents stripped, lower-cased)
PRAGMA create_fts_index('search.docs', 'version_id', 'title', 'byline', 'text',
    stemmer = 'porter', stopwords = 'none', strip_accents = 1, lower = 1, overwrite = 1)

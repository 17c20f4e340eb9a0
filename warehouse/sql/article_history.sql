-- What are one article's versions, newest first, with the counts of each one's comparison to the version before?
SELECT version_no, version_id, seen_at, valid_to, n_words, title,
       n_same, n_changed, n_added, n_removed, n_moved, title_changed
FROM history(?)

-- What do stories need of the wanted versions (table wanted: version_id): their article,
-- site, publication date, text, and when their article was first seen?
SELECT v.version_id, v.article_id, a.site, v.published_at, v.norm,
       least(a.first_seen, (SELECT min(x.seen_at) FROM core.versions x
                            WHERE x.article_id = v.article_id))  -- article's first
FROM core.versions v
JOIN core.articles a USING (article_id)
SEMI JOIN wanted USING (version_id)

-- Which versions are stored for the articles of a batch (table wanted: article_id)?
select v.article_id, v.seen_at, v.text_hash, v.version_id, v.version_no
from core.versions v
semi join wanted using (article_id)

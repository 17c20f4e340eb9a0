-- Which articles already hold each text of a batch (table hash_tbl: text_hash)?
select text_hash, list(article_id)
from core.versions
semi join hash_tbl using (text_hash)
group by text_hash

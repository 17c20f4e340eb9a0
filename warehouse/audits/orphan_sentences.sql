-- Sentences of versions that do not exist.
select s.version_id, s.sentence_no
from core.sentences s anti join core.versions v using (version_id)

-- What are the sentences of the wanted versions (table wanted: version_id), in order?
SELECT version_id, sentence_no, paragraph_no, text, norm, sentence_hash
FROM core.sentences
SEMI JOIN wanted USING (version_id)
ORDER BY version_id, sentence_no

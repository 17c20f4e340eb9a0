-- Which word-level edits a stored comparison found inside its changed and moved sentences.
select old_sentence_no, new_sentence_no, removed, inserted
from core.phrase_edits
where comparison_id = $comparison_id
order by old_sentence_no, new_sentence_no, removed, inserted

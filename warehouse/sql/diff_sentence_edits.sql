-- Which sentence rows a stored comparison has, in the order they were stored.
select
    kind,
    old_sentence_no,
    new_sentence_no,
    old_text,
    new_text,
    similarity,
    moved,
    category,
    significance,
    rule
from core.sentence_edits
where comparison_id = $comparison_id
order by edit_no

-- Sentence by sentence, what did each comparison find kept, changed, added, removed or moved?
create or replace view sentence_edits as
select
    comparison_id::varchar    as comparison_id,
    kind::varchar             as kind,
    old_sentence_no::integer  as old_sentence_no,
    new_sentence_no::integer  as new_sentence_no,
    old_text::varchar         as old_text,
    new_text::varchar         as new_text,
    similarity::double        as similarity,
    coalesce(moved, false)::boolean as moved,  -- a changed sentence that also changed place
    category::varchar         as category,      -- see tasks/compare/categories.py; NULL when same
    significance::varchar     as significance,  -- minor | substantive | major
    rule::varchar             as rule           -- the rule that gave both, with its evidence
from core.sentence_edits
order by comparison_id, edit_no;

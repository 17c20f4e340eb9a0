-- Inside changed and moved sentences, which words were removed and which inserted?
create or replace view phrase_edits as
select
    comparison_id::varchar    as comparison_id,
    old_sentence_no::integer  as old_sentence_no,
    new_sentence_no::integer  as new_sentence_no,
    removed::varchar          as removed,
    inserted::varchar         as inserted
from core.phrase_edits;

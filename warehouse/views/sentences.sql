-- How is each version segmented into the sentences that comparisons align?
create or replace view sentences as
select
    version_id::varchar     as version_id,
    sentence_no::integer    as sentence_no,
    paragraph_no::integer   as paragraph_no,
    text::varchar           as text,
    sentence_hash::varchar  as sentence_hash
from core.sentences;

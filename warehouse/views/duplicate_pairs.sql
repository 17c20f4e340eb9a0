-- Which pairs of versions are near-duplicates, how were they found, and how alike are they?
create or replace view duplicate_pairs as
select
    version_a::varchar          as version_a,
    version_b::varchar          as version_b,
    method::varchar             as method,
    estimated_jaccard::double   as estimated_jaccard,
    jaccard::double             as jaccard,
    containment::double         as containment,
    params::json                as params
from core.duplicate_pairs;

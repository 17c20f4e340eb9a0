-- Which pairs of versions were compared, and how much of each changed?
create or replace view comparisons as
select
    comparison_id::varchar   as comparison_id,
    old_version_id::varchar  as old_version_id,
    new_version_id::varchar  as new_version_id,
    relation::varchar        as relation,
    jaccard::double          as jaccard,
    containment::double      as containment,
    n_same::integer          as n_same,
    n_changed::integer       as n_changed,
    n_added::integer         as n_added,
    n_removed::integer       as n_removed,
    n_moved::integer         as n_moved,
    title_changed::boolean   as title_changed,
    n_boilerplate::integer   as n_boilerplate,   -- page furniture rows, in no other count
    significance::varchar    as significance,    -- the most significant edit's (tasks/categories.py)
    summary::varchar         as summary          -- "headline, 2 wording, 1 number"
from core.comparisons;

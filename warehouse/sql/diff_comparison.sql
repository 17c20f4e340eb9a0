-- Which stored comparison of two versions `pressdiff diff` shows: the pair as a revision or a republication (the relation asked for first), with its counts.
select
    comparison_id,
    relation,
    jaccard,
    containment,
    n_same,
    n_changed,
    n_added,
    n_removed,
    n_moved,
    title_changed,
    n_boilerplate,
    significance,
    summary
from core.comparisons
where
    old_version_id = $old
    and new_version_id = $new
    and relation in ('revision', 'republication')
order by relation = $relation desc
limit 1

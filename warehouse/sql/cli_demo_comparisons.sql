-- What changed between the demo's versions, revision or republication?
select
    c.relation,
    o.title as old,
    n.title as new,
    c.n_same,
    c.n_changed,
    c.n_added,
    c.n_removed,
    c.n_moved,
    round(c.containment, 2) as containment
from comparisons c
join versions o on o.version_id = c.old_version_id
join versions n on n.version_id = c.new_version_id
order by c.relation, new

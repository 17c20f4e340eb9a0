-- How did this article change, version by version (oldest first), with each revision's counts?
with versions as (
    select * from versions where article_id = $article_id
),
revisions as (
    select * from comparisons where relation = 'revision'
),
final as (
    select
        v.version_id, v.version_no, v.title, v.byline, v.seen_at, v.valid_to, v.n_words,
        c.comparison_id, c.old_version_id,
        c.n_same, c.n_changed, c.n_added, c.n_removed, c.n_moved, c.title_changed,
        coalesce(c.n_changed + c.n_added + c.n_removed + c.n_moved, 0) as n_edits
    from versions v
    left join revisions c on c.new_version_id = v.version_id
)
select * from final order by version_no

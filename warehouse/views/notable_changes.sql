-- Which revisions are notable: a new headline, a quote removed, a number changed, many
-- sentences removed, or a correction notice added? One row per comparison and rule.
-- A number changed is a number replaced by another inside a paired sentence (a deleted
-- figure is not one); a new headline's detail is "old title → new title". Filter on the
-- comparison's `significance` and `summary` (its edit categories). A revision caused by
-- the extraction, not the newsroom (`comparisons.cause`), is never notable.
create or replace view notable_changes as
with revisions as (
    select c.*
    from core.comparisons c
    semi join comparisons k on k.comparison_id = c.comparison_id and k.cause = 'editorial'
    where c.relation = 'revision'
),
edits as (
    select e.*
    from core.sentence_edits e semi join revisions using (comparison_id)
    where e.category is distinct from 'boilerplate'
),
hits as (
    select r.comparison_id, 'headline changed' as rule,
           coalesce(o.title, '(no title)') || ' → ' || coalesce(n.title, '(no title)') as detail
    from revisions r
    join core.versions o on o.version_id = r.old_version_id
    join core.versions n on n.version_id = r.new_version_id
    where r.title_changed
    union all
    select comparison_id, 'quote removed', any_value(old_text)
    from edits where kind = 'removed' and regexp_matches(old_text, '["“”«»]')
    group by comparison_id
    union all
    select p.comparison_id, 'number changed', string_agg(p.removed || ' → ' || p.inserted, '; ')
    from core.phrase_edits p semi join revisions using (comparison_id)
    where regexp_matches(p.removed, '\d') and regexp_matches(p.inserted, '\d')
    group by p.comparison_id
    union all
    select comparison_id, 'sentences removed', n_removed || ' sentences removed'
    from revisions where n_removed >= 3
    union all
    select comparison_id, 'correction added', any_value(new_text)
    from edits
    where kind = 'added'
      and regexp_matches(new_text, '^(\(?(correction|clarification|update|editor''s note)\b|this (story|article) (has been|was) (updated|corrected))', 'i')
    group by comparison_id
),
final as (
    select
        h.comparison_id::varchar   as comparison_id,
        c.new_version_id::varchar  as version_id,
        a.url::varchar             as url,
        h.rule::varchar            as rule,
        h.detail::varchar          as detail,
        c.compared_at::timestamptz as found_at,
        c.run_id::varchar          as run_id,
        c.significance::varchar    as significance,
        c.summary::varchar         as summary
    from hits h
    join revisions c using (comparison_id)
    join core.versions v on v.version_id = c.new_version_id
    join core.articles a on a.article_id = v.article_id
)
select * from final;

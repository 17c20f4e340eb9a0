-- Which pairs of versions were compared, how much of each changed, and was it the
-- newsroom ('editorial') or the extraction ('extraction': the reason says which rule)?
-- A revision is extraction-caused when (1) a re-extraction of a stored page gives the other
-- side's text, or both sides came from the same stored bytes; (2) its only edits are page
-- furniture (category 'boilerplate') and the headline is unchanged; (3) every edit of it
-- is one that 3+ articles of the site made in the same run (a template change). A
-- 'reextraction' comparison (pressdiff reextract) is an extractor change by definition.
create or replace view comparisons as
with compared as (
    select * from core.comparisons
),
site_of as (
    select v.version_id, v.article_id, v.text_hash, v.source, v.seen_at, a.site
    from core.versions v join core.articles a using (article_id)
),
snapshot_of as (
    select s.version_id, any_value(f.snapshot) as snapshot
    from site_of s
    join core.fetches f on f.url = s.source and f.fetched_at = s.seen_at
    where f.snapshot is not null
    group by s.version_id
),
reextracted as (
    select c.comparison_id
    from compared c
    join core.reextractions r on r.version_id = c.old_version_id
    join site_of n on n.version_id = c.new_version_id
    where c.relation = 'revision' and r.text_hash = n.text_hash
    union
    select c.comparison_id
    from compared c
    join snapshot_of o on o.version_id = c.old_version_id
    join snapshot_of n on n.version_id = c.new_version_id
    where c.relation = 'revision' and o.snapshot = n.snapshot
),
edits as (
    select c.comparison_id, c.run_id, n.site, n.article_id, e.category,
           e.kind || ':' || coalesce(os.sentence_hash, '') || ':' || coalesce(ns.sentence_hash, '') as edit_key
    from compared c
    join core.sentence_edits e using (comparison_id)
    join site_of n on n.version_id = c.new_version_id
    left join core.sentences os
        on os.version_id = c.old_version_id and os.sentence_no = e.old_sentence_no
    left join core.sentences ns
        on ns.version_id = c.new_version_id and ns.sentence_no = e.new_sentence_no
    where c.relation = 'revision' and e.kind <> 'same'
),
template_edits as (
    select run_id, site, edit_key, count(distinct article_id) as n_articles
    from edits
    group by all
    having count(distinct article_id) >= 3
),
edit_causes as (
    select e.comparison_id,
           bool_and(e.category = 'boilerplate') as only_boilerplate,
           bool_and(e.category = 'boilerplate' or t.edit_key is not null) as only_template,
           max(t.n_articles) as n_articles,
           any_value(e.site) as site
    from edits e
    left join template_edits t using (run_id, site, edit_key)
    group by e.comparison_id
),
causes as (
    select
        c.comparison_id,
        case
            when c.relation = 'reextraction'
                then 'a re-extraction of the stored page gives another text'
            when c.relation <> 'revision' then null
            when x.comparison_id is not null
                then 'the same stored page gives both texts (an extractor change)'
            when c.title_changed then null
            when k.only_boilerplate then 'only page furniture changed'
            when k.only_template
                then format('template change: {} articles of {} changed the same way in one run',
                            k.n_articles, k.site)
        end as cause_reason
    from compared c
    left join reextracted x using (comparison_id)
    left join edit_causes k using (comparison_id)
),
final as (
    select
        c.comparison_id::varchar   as comparison_id,
        c.old_version_id::varchar  as old_version_id,
        c.new_version_id::varchar  as new_version_id,
        c.relation::varchar        as relation,
        c.jaccard::double          as jaccard,
        c.containment::double      as containment,
        c.n_same::integer          as n_same,
        c.n_changed::integer       as n_changed,
        c.n_added::integer         as n_added,
        c.n_removed::integer       as n_removed,
        c.n_moved::integer         as n_moved,
        c.title_changed::boolean   as title_changed,
        c.n_boilerplate::integer   as n_boilerplate,   -- page furniture rows, in no other count
        c.significance::varchar    as significance,    -- the most significant edit's (tasks/compare/categories.py)
        c.summary::varchar         as summary,         -- "headline, 2 wording, 1 number"
        (case when k.cause_reason is null then 'editorial' else 'extraction' end)::varchar
                                   as cause,
        k.cause_reason::varchar    as cause_reason
    from compared c
    join causes k using (comparison_id)
)
select * from final;

-- Which articles are one story (a wire story and its republications), and which is the original?
create or replace view stories as
with stories as (
    select * from core.stories
),
members as (
    select m.story_id, m.article_id, a.site, v.published_at
    from core.story_members m
    join core.articles a using (article_id)
    join core.versions v using (version_id)
),
per_story as (
    select
        story_id,
        count(distinct article_id)  as n_articles,
        count(distinct site)        as n_sites,
        min(published_at)           as first_published
    from members
    group by story_id
),
final as (
    select
        s.story_id::varchar              as story_id,
        s.original_version_id::varchar   as original_version_id,
        p.n_articles::integer            as n_articles,
        p.n_sites::integer               as n_sites,
        p.first_published::timestamptz   as first_published
    from stories s
    join per_story p using (story_id)
)
select * from final;

-- Which articles does the warehouse know, and how many versions has each had?
create or replace view articles as
with articles as (
    select * from core.articles
),
versions as (
    select article_id, version_id, version_no, seen_at from core.versions
),
sightings as (
    select v.article_id, max(s.seen_at) as last_sighting
    from core.sightings s join core.versions v using (version_id)
    group by v.article_id
),
per_article as (
    select
        article_id,
        count(*)                          as n_versions,
        min(seen_at)                      as first_version_seen,
        max(seen_at)                      as last_version_seen,
        arg_max(version_id, seen_at)      as latest_version_id
    from versions
    group by article_id
),
stories as (
    select article_id, any_value(story_id) as story_id from core.story_members group by article_id
),
final as (
    select
        a.article_id::varchar                                          as article_id,
        a.url::varchar                                                 as url,
        a.site::varchar                                                as site,
        least(a.first_seen, p.first_version_seen)::timestamptz         as first_seen,
        greatest(p.last_version_seen, s.last_sighting)::timestamptz    as last_seen,
        coalesce(p.n_versions, 0)::integer                             as n_versions,
        p.latest_version_id::varchar                                   as latest_version_id,
        st.story_id::varchar                                           as story_id
    from articles a
    left join per_article p using (article_id)
    left join sightings s using (article_id)
    left join stories st using (article_id)
)
select * from final;

-- Which article versions belong to which story, how much of each is in the original, and
-- which version of the original was each copy compared with?
create or replace view story_members as
with members as (
    select * from core.story_members
),
compared as (
    select new_version_id as version_id, arg_max(old_version_id, v.seen_at) as compared_with
    from core.comparisons c
    join core.versions v on v.version_id = c.old_version_id
    where c.relation = 'republication'
    group by new_version_id
),
final as (
    select
        m.story_id::varchar            as story_id,
        m.article_id::varchar          as article_id,
        m.version_id::varchar          as version_id,
        m.jaccard::double              as jaccard,
        m.containment::double          as containment,
        m.is_original::boolean         as is_original,
        c.compared_with::varchar       as compared_with_version_id
    from members m
    left join compared c using (version_id)
)
select * from final;

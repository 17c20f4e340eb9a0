-- Which article versions belong to which story, and how much of each is in the original?
create or replace view story_members as
select
    story_id::varchar      as story_id,
    article_id::varchar    as article_id,
    version_id::varchar    as version_id,
    jaccard::double        as jaccard,
    containment::double    as containment,
    is_original::boolean   as is_original
from core.story_members;

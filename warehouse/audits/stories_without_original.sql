-- Stories that have no member marked as the original, or more than one.
select story_id, count(*) filter (where is_original) as originals
from core.story_members
group by story_id
having count(*) filter (where is_original) <> 1

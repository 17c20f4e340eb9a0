-- Which sources are watched, when was each polled and is it due, and how many articles has it?
select
    source_id,
    kind,
    uri,
    poll_interval,
    last_polled_at,
    next_poll_at,
    (select count(*) from tracked_articles t where t.source_id = s.source_id) as articles
from sources s
order by uri

-- Which feeds, sitemaps and pages do scheduled runs poll, and when next?
create or replace view sources as
select
    source_id::varchar as source_id, kind::varchar as kind, uri::varchar as uri,
    added_at::timestamptz as added_at, last_polled_at::timestamptz as last_polled_at,
    next_poll_at::timestamptz as next_poll_at, poll_interval::interval as poll_interval
from core.sources;

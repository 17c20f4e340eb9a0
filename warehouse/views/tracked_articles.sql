-- Which articles do scheduled runs revisit, when next, and why then?
create or replace view tracked_articles as
select
    url::varchar as url, site::varchar as site, source_id::varchar as source_id,
    first_seen::timestamptz as first_seen, published_at::timestamptz as published_at,
    last_checked_at::timestamptz as last_checked_at,
    last_changed_at::timestamptz as last_changed_at, n_checks::integer as n_checks,
    n_changes::integer as n_changes, next_check_at::timestamptz as next_check_at,
    reason::varchar as reason
from core.tracked;

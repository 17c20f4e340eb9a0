-- Every revisit of a tracked article: why it was checked then, what it found, what next.
create or replace view revisits as
select
    url::varchar as url, site::varchar as site, checked_at::timestamptz as checked_at,
    due_at::timestamptz as due_at, due_reason::varchar as due_reason,
    outcome::varchar as outcome, next_check_at::timestamptz as next_check_at,
    reason::varchar as reason, run_id::varchar as run_id
from core.revisits;

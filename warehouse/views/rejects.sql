-- Which inputs could not become a version, and why?
create or replace view rejects as
select source::varchar as source, reason::varchar as reason, detail::varchar as detail,
       "at"::timestamptz as "at", run_id::varchar as run_id
from core.rejects;

-- Every HTTP attempt: what was asked, what came back, and what it cost.
create or replace view fetches as
select
    url::varchar as url, final_url::varchar as final_url, status_code::integer as status_code,
    error::varchar as error, fetched_at::timestamptz as fetched_at, bytes::bigint as bytes,
    etag::varchar as etag, last_modified::varchar as last_modified,
    elapsed_ms::double as elapsed_ms, content_type::varchar as content_type,
    snapshot::varchar as snapshot, run_id::varchar as run_id
from core.fetches;

-- What did each ingest or scheduled run do, and how did it end?
create or replace view runs as
select
    run_id::varchar as run_id, flow_run_id::varchar as flow_run_id,
    started_at::timestamptz as started_at, finished_at::timestamptz as finished_at,
    status::varchar as status, command::varchar as command,
    n_inputs::bigint as n_inputs, n_articles_new::bigint as n_articles_new,
    n_versions_new::bigint as n_versions_new, n_unchanged::bigint as n_unchanged,
    n_duplicates::bigint as n_duplicates, n_rejected::bigint as n_rejected,
    n_comparisons::bigint as n_comparisons
from core.runs;

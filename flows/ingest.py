"""The ingest flow: plan inputs, extract in parallel, store in bulk, compare, summarise."""

from __future__ import annotations

from prefect import flow

from tasks.discover import batched, plan
from tasks.extract import extract_batch
from tasks.load import close_run, open_run, record_rejects, store_batch
from tasks.report import RunSummary, publish_summary, reject_reasons
from warehouse.store import StoreResult


@flow(name="ingest", validate_parameters=False)
def ingest(
    sources: list[str],
    db: str,
    workers: int = 1,
    batch_size: int = 200,
    max_bytes: int = 20_000_000,
    min_words: int = 20,
    command: str = "ingest",
) -> RunSummary:
    """Load SOURCES into the warehouse `db`: one new version per new text of an article."""
    inputs = plan(sources)
    run_id = open_run(db, command)
    record_rejects(db, inputs.rejects, run_id)
    stored, pending = StoreResult(), None
    for refs in batched(inputs.refs, batch_size):  # extract batch k+1 while storing batch k
        future = extract_batch.submit(refs, workers, max_bytes, min_words)
        if pending is not None:
            stored.add(store_batch(db, pending.result(), run_id))
        pending = future
    if pending is not None:
        stored.add(store_batch(db, pending.result(), run_id))
    summary = RunSummary(
        run_id=run_id,
        inputs=len(inputs.refs) + len(inputs.urls),
        articles_new=stored.articles_new,
        versions_new=stored.versions_new,
        unchanged=stored.unchanged,
        duplicates=stored.duplicates,
        rejected=stored.rejected + len(inputs.rejects),
        skipped=len(inputs.skipped),
        reject_reasons=reject_reasons(db, run_id),
    )
    summary.status = close_run(db, run_id, summary.counts())
    publish_summary(summary)
    return summary

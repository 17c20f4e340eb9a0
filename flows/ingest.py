"""The ingest flow: plan inputs, fetch what is remote, extract in parallel, store in bulk,
compare new versions, find stories."""

from __future__ import annotations

from itertools import chain

from prefect import flow

from pressdiff.settings import Settings
from tasks.dedupe import find_stories
from tasks.discover import batched, plan
from tasks.extract import extract_batch
from tasks.load import close_run, compare_versions, open_run, record_rejects, store_batch
from tasks.report import RunSummary, publish_summary, reject_reasons
from tasks.web import expand_sources, fetch_articles
from warehouse.store import StoreResult

DEDUPE_BATCH = 2000  # new versions matched against the warehouse per task run


@flow(name="ingest", validate_parameters=False)
def ingest(
    sources: list[str], db: str, settings: Settings | None = None, command: str = "ingest"
) -> RunSummary:
    """Load or fetch SOURCES into the warehouse `db`: a new version per new text."""
    s = settings or Settings()
    inputs = plan(sources)
    run_id = open_run(db, command)
    record_rejects(db, inputs.rejects, run_id)
    remote = expand_sources(db, inputs.urls, run_id, s)
    record_rejects(db, remote.rejects, run_id)
    stored, pending = StoreResult(), None
    local = batched(inputs.refs + remote.pages, s.batch_size)
    fetched = (
        fetch_articles(db, links, run_id, s)
        for links in batched(inputs.links + remote.links, s.batch_size)
    )
    for batch in chain(local, fetched):  # extract batch k+1 while storing batch k
        future = extract_batch.submit(batch, s.workers, s.max_file_bytes, s.min_words)
        if pending is not None:
            stored.add(store_batch(db, pending.result(), run_id))
        pending = future
    if pending is not None:
        stored.add(store_batch(db, pending.result(), run_id))
    republished = [
        pair
        for ids in batched(stored.new_version_ids, DEDUPE_BATCH)
        for pair in find_stories(db, ids, run_id, **s.dedupe_params())
    ]
    compared = sum(
        compare_versions(db, pairs, relation, run_id, s.same_threshold, s.change_threshold)
        for relation, todo in (("revision", stored.revisions), ("republication", republished))
        for pairs in batched(todo, s.batch_size)
    )
    summary = RunSummary(
        run_id=run_id,
        inputs=len(inputs.refs) + len(inputs.urls) + len(inputs.links) + len(remote.links),
        articles_new=stored.articles_new,
        versions_new=stored.versions_new,
        unchanged=stored.unchanged,
        duplicates=stored.duplicates,
        rejected=stored.rejected + len(inputs.rejects) + len(remote.rejects),
        comparisons=compared,
        skipped=len(inputs.skipped),
        reject_reasons=reject_reasons(db, run_id),
    )
    summary.status = close_run(db, run_id, summary.counts())
    publish_summary(summary)
    return summary

"""The ingest flow: plan inputs, fetch what is remote, then the shared pipeline."""

from __future__ import annotations

from prefect import flow
from prefect.utilities.annotations import quote

from flows.pipeline import process
from flows.settings import Settings
from tasks.steps.closing import close_with_summary
from tasks.steps.fetch import expand_sources
from tasks.steps.load import open_run, record_rejects
from tasks.steps.plan import plan
from tasks.steps.report import RunSummary


@flow(name="ingest", validate_parameters=False)
def ingest(
    sources: list[str], db: str, settings: Settings | None = None, command: str = "ingest"
) -> RunSummary:
    """Load or fetch SOURCES into the warehouse `db`: a new version per new text (extracted
    on the Dask cluster of `settings.dask_address` when it names one)."""
    s = settings or Settings()
    inputs = plan(sources)
    run_id = open_run(db, command)
    record_rejects(db, quote(inputs.rejects), run_id)
    remote = expand_sources(db, quote(inputs.urls), run_id, s.fetch, s.crawl)
    record_rejects(db, quote(remote.rejects), run_id)
    stored, compared = process(
        db, run_id, inputs.refs + remote.pages, inputs.links + remote.links, s
    )
    return close_with_summary(
        db,
        run_id,
        stored,
        compared,
        inputs=len(inputs.refs) + len(inputs.urls) + len(inputs.links) + len(remote.links),
        rejected=len(inputs.rejects) + len(remote.rejects),
        skipped=len(inputs.skipped),
        skipped_by_name=inputs.skipped_by_name,
    )

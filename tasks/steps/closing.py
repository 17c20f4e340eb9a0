"""Closing a run, the same way for every flow: its summary assembled from what the shared
pipeline stored and compared plus what the flow itself counted, recorded on the run's row
(which also gives its final status), published as the flow run's artifact, and the one
summary line logged that `pressdiff serve` prints."""

from __future__ import annotations

from prefect import get_run_logger

from tasks.steps import stage_clock
from tasks.steps.load import close_run
from tasks.steps.report import SUMMARY, RunSummary, publish_summary, reject_reasons
from warehouse.store import StoreResult


def close_with_summary(
    db: str,
    run_id: str,
    stored: StoreResult,
    compared: int,
    *,
    inputs: int,
    rejected: int = 0,
    skipped: int = 0,
    skipped_by_name: list[str] | None = None,
    tracked_new: int = 0,
) -> RunSummary:
    """The summary of run `run_id`, closed and published. `rejected` counts the inputs the
    flow refused before the pipeline (it adds the pipeline's own); call it inside a flow."""
    summary = RunSummary(
        run_id=run_id,
        inputs=inputs,
        articles_new=stored.articles_new,
        versions_new=stored.versions_new,
        unchanged=stored.unchanged,
        duplicates=stored.duplicates,
        rejected=stored.rejected + rejected,
        comparisons=compared,
        skipped=skipped,
        skipped_by_name=skipped_by_name or [],
        tracked_new=tracked_new,
        reject_reasons=reject_reasons(db, run_id),
        stage_seconds=stage_clock.take(run_id),
    )
    summary.status = close_run(db, run_id, summary.counts())
    publish_summary(summary)
    return summary


def log_summary(line: str) -> None:
    """Log the one line that sums up a flow run (`pressdiff serve` prints it per run)."""
    get_run_logger().info(SUMMARY + line)


def skipped(reason: str) -> RunSummary:
    """The summary of a run that did not start (`reason`), logged as its one line."""
    log_summary(f"skipped: {reason}")
    return RunSummary(run_id="", status=f"skipped: {reason}")

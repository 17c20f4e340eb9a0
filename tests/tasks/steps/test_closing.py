"""Closing a run the one way every flow does: its summary adds what the flow counted to what
the pipeline stored, and the runs row records the same counts and status."""

from __future__ import annotations

from prefect import flow

from tasks.steps.closing import close_with_summary, skipped
from tasks.steps.load import open_run, record_rejects
from warehouse.connection import close_warehouse, warehouse
from warehouse.records import Reject
from warehouse.store import StoreResult


@flow(name="closing-test")
def _a_run(db: str):
    run_id = open_run(db, "ingest")
    record_rejects(db, [Reject("/gone.html", "missing", "no such file")], run_id)
    stored = StoreResult(articles_new=2, versions_new=3, unchanged=1, duplicates=1, rejected=1)
    return close_with_summary(
        db, run_id, stored, 4, inputs=7, rejected=1, skipped=2, skipped_by_name=["README"]
    )


def test_a_closed_run_has_one_summary_in_the_flow_and_the_runs_row(tmp_path, prefect) -> None:
    db = str(tmp_path / "w.duckdb")
    try:
        summary = _a_run(db)
        row = (
            warehouse(db)
            .execute(
                "select status, n_inputs, n_articles_new, n_versions_new, n_unchanged, "
                "n_duplicates, n_rejected, n_comparisons from runs where run_id = ?",
                [summary.run_id],
            )
            .fetchone()
        )
    finally:
        close_warehouse(db)
    assert summary.as_dict() == {
        "run_id": summary.run_id,
        "status": "completed_with_rejects",
        "inputs": 7,
        "articles_new": 2,
        "versions_new": 3,
        "unchanged": 1,
        "duplicates": 1,
        "rejected": 2,  # the pipeline's one and the flow's one
        "comparisons": 4,
        "skipped": 2,
        "skipped_by_name": ["README"],
        "tracked_new": 0,
        "reject_reasons": {"missing": 1},
        "stage_seconds": {},  # no stage of the pipeline ran
    }
    assert row == ("completed_with_rejects", 7, 2, 3, 1, 1, 2, 4)


def test_a_skipped_run_says_why_in_its_status(prefect) -> None:
    @flow(name="skipped-test")
    def _skipped():
        return skipped("another tick is running")

    summary = _skipped()
    assert (summary.run_id, summary.status) == ("", "skipped: another tick is running")

"""The nightly maintenance flow: checkpoint the warehouse, run the audits."""

from __future__ import annotations

from prefect import flow, get_run_logger

from tasks.steps.maintenance import audit_line, checkpoint, run_audits
from tasks.steps.report import SUMMARY
from tasks.steps.schedule import tick_lock


@flow(name="maintain", validate_parameters=False)
def maintain(db: str) -> dict[str, int]:
    """Checkpoint `db` (folding its write-ahead log in) and count each audit's bad rows."""
    with tick_lock(db) as held:
        if not held:
            get_run_logger().info(SUMMARY + "skipped: a tick is running")
            return {"skipped": 1}
        checkpoint(db)
        found = run_audits(db)
        get_run_logger().info(SUMMARY + audit_line(found))
        return found

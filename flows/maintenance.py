"""The nightly maintenance flow: checkpoint the warehouse, run the audits."""

from __future__ import annotations

from prefect import flow

from tasks.steps.closing import log_summary
from tasks.steps.maintenance import audit_line, checkpoint, run_audits
from tasks.steps.schedule import tick_lock


@flow(name="maintain", validate_parameters=False)
def maintain(db: str) -> dict[str, int]:
    """Checkpoint `db` (folding its write-ahead log in) and count each audit's bad rows."""
    with tick_lock(db) as held:
        if not held:
            log_summary("skipped: a tick is running")
            return {"skipped": 1}
        checkpoint(db)
        found = run_audits(db)
        log_summary(audit_line(found))
        return found

"""The nightly maintenance flow: checkpoint the warehouse, run the audits."""

from __future__ import annotations

from prefect import flow

from tasks.maintenance import checkpoint, run_audits
from tasks.schedule import tick_lock


@flow(name="maintain", validate_parameters=False)
def maintain(db: str) -> dict[str, int]:
    """Checkpoint `db` (folding its write-ahead log in) and count each audit's bad rows."""
    with tick_lock(db) as held:
        if not held:
            return {"skipped": 1}
        checkpoint(db)
        return run_audits(db)

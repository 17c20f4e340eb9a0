"""Keeping the warehouse healthy: checkpoints, and audits that return bad rows."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from warehouse import maintenance
from warehouse.connection import warehouse


def audit_line(found: dict[str, int]) -> str:
    """The maintenance run in one line: the checkpoint, and what the audits found."""
    bad = {name: n for name, n in found.items() if n}
    if not bad:
        return f"checkpointed; {len(found)} audits, no bad rows"
    return "checkpointed; audits found bad rows: " + ", ".join(
        f"{name} {n}" for name, n in sorted(bad.items())
    )


@task(name="checkpoint", cache_policy=NO_CACHE)
def checkpoint(db: str) -> None:
    """Fold the write-ahead log into the database file."""
    maintenance.checkpoint(warehouse(db))


@task(name="run-audits", cache_policy=NO_CACHE)
def run_audits(db: str) -> dict[str, int]:
    """Each audit's count of bad rows (zero means healthy)."""
    return maintenance.audit(warehouse(db))

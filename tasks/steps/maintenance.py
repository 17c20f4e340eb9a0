"""Keeping the warehouse healthy: checkpoints, and audits that return bad rows."""

from __future__ import annotations

from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from warehouse.connection import warehouse

AUDITS = Path(__file__).resolve().parents[1] / "warehouse" / "audits"


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
    warehouse(db).execute("CHECKPOINT")


@task(name="run-audits", cache_policy=NO_CACHE)
def run_audits(db: str) -> dict[str, int]:
    """Each audit's count of bad rows (zero means healthy)."""
    con = warehouse(db)
    return {
        p.stem: con.execute(
            f"SELECT count(*) FROM ({p.read_text().rstrip().rstrip(';')})"
        ).fetchone()[0]
        for p in sorted(AUDITS.glob("*.sql"))
    }

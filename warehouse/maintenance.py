"""Keeping the warehouse healthy: checkpoints, and the audits.

An audit is a query in `warehouse/audits/NAME.sql` that returns bad rows (SQLMesh's audits):
zero rows means healthy. The nightly `maintain` flow counts each one's rows.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

AUDITS = Path(__file__).parent / "audits"


def checkpoint(con: duckdb.DuckDBPyConnection) -> None:
    """Fold the write-ahead log into the database file."""
    con.execute("CHECKPOINT")


def audit_names() -> list[str]:
    """Every audit, by file name."""
    return sorted(p.stem for p in AUDITS.glob("*.sql"))


def bad_rows(con: duckdb.DuckDBPyConnection, name: str) -> list[tuple]:
    """The rows audit `name` finds."""
    return con.execute((AUDITS / f"{name}.sql").read_text()).fetchall()


def audit(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Each audit's count of bad rows (zero means healthy)."""
    return {
        name: con.execute(
            f"SELECT count(*) FROM ({(AUDITS / f'{name}.sql').read_text().rstrip().rstrip(';')})"
        ).fetchone()[0]
        for name in audit_names()
    }

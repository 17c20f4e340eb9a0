"""Keeping the warehouse healthy: checkpoints, and the audits.

A DuckDB file's checkpoint folds its write-ahead log in. A DuckLake's (`checkpoint_lake`)
writes small inserts kept in the catalog out as Parquet (data inlining), merges adjacent
small files, expires the snapshots older than `RETENTION` (time travel reaches that far
back) and deletes the files no snapshot still reads.

An audit is a query in `warehouse/audits/NAME.sql` that returns bad rows (SQLMesh's audits):
zero rows means healthy. The nightly `maintain` flow counts each one's rows.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from warehouse.lake import CATALOG, lake_of, write_lock

# How far back a lake's time travel reaches after maintenance (at least a week).
RETENTION = timedelta(days=7)

AUDITS = Path(__file__).parent / "audits"


def checkpoint(con: duckdb.DuckDBPyConnection, retention: timedelta = RETENTION) -> None:
    """Fold the write-ahead log into the database file; on a lake, `checkpoint_lake`."""
    if lake_of(con) is None:
        con.execute("CHECKPOINT")
    else:
        checkpoint_lake(con, retention)


def checkpoint_lake(con: duckdb.DuckDBPyConnection, retention: timedelta = RETENTION) -> None:
    """Flush inlined rows, merge adjacent files, expire snapshots older than `retention`,
    delete the files nothing reads any more (each step its own commit, in the writer lock)."""
    before = datetime.now(UTC) - retention
    steps = [
        ("CALL ducklake_flush_inlined_data(?)", [CATALOG]),
        ("CALL ducklake_merge_adjacent_files(?)", [CATALOG]),
        ("CALL ducklake_expire_snapshots(?, older_than => ?)", [CATALOG, before]),
        ("CALL ducklake_cleanup_old_files(?, cleanup_all => true)", [CATALOG]),
    ]
    for sql, params in steps:
        # each call commits on its own: inside BEGIN ... COMMIT duckdb 1.5.5 crashed
        with write_lock(con):
            con.execute(sql, params)


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

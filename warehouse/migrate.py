"""Numbered migrations, applied in order, one transaction each, recorded in the warehouse.

`warehouse/migrations/NNNN_name.sql` files are never edited once landed. The views and
macros in `warehouse/views/*.sql` are re-created (in file-name order) on every migrate.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb

from warehouse.sqlfiles import run
from warehouse.transaction import transaction

HERE = Path(__file__).parent
MIGRATIONS = HERE / "migrations"
VIEWS = HERE / "views"


def available() -> list[Path]:
    """Every migration file, in the order it applies."""
    return sorted(MIGRATIONS.glob("[0-9][0-9][0-9][0-9]_*.sql"))


def applied(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Names of the migrations already applied (read-only)."""
    try:
        rows = con.execute("SELECT name FROM core.schema_migrations ORDER BY name").fetchall()
    except duckdb.CatalogException:
        return []
    return [r[0] for r in rows]


def pending(con: duckdb.DuckDBPyConnection) -> list[Path]:
    """Migration files not applied yet (read-only)."""
    done = set(applied(con))
    return [p for p in available() if p.stem not in done]


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply pending migrations, then re-create every view. Returns what was applied."""
    todo = pending(con)
    if todo or not applied(con):
        run(con, "migrations_ledger")
    for path in todo:
        with transaction(con):
            con.execute(path.read_text())
            con.execute(
                "INSERT INTO core.schema_migrations (name, applied_at) VALUES (?, ?)",
                [path.stem, datetime.now(UTC)],
            )
    create_views(con)
    return [p.stem for p in todo]


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    """Re-create the contract's views and macros."""
    for path in sorted(VIEWS.glob("*.sql")):
        con.execute(path.read_text())

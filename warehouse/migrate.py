"""Numbered migrations, applied in order, one transaction each, recorded in the warehouse.

`warehouse/migrations/NNNN_name.sql` files are never edited once landed. The views and
macros in `warehouse/views/*.sql` are re-created (in file-name order) on every migrate.

A DuckLake runs the same files in their lake form (warehouse/lake.py `lake_form`: no keys
or constraints), and re-creates its views in one transaction: a reader sees all the old
views or all the new ones.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb

from warehouse.lake import lake_form, lake_of
from warehouse.sqlfiles import text
from warehouse.transaction import transaction

HERE = Path(__file__).parent
MIGRATIONS = HERE / "migrations"
VIEWS = HERE / "views"


def available() -> list[Path]:
    """Every migration file, in the order it applies."""
    return sorted(MIGRATIONS.glob("[0-9][0-9][0-9][0-9]_*.sql"))


def applied(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Names of the migrations already applied (read-only)."""
    if not _ledger_exists(con):
        return []
    rows = con.execute("SELECT name FROM core.schema_migrations ORDER BY name").fetchall()
    return [r[0] for r in rows]


def pending(con: duckdb.DuckDBPyConnection) -> list[Path]:
    """Migration files not applied yet (read-only)."""
    done = set(applied(con))
    return [p for p in available() if p.stem not in done]


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply pending migrations, then re-create every view. Returns what was applied."""
    lake = lake_of(con) is not None
    with transaction(con):  # on a lake, one writer at a time migrates
        todo = pending(con)
        if todo or not applied(con):
            _ddl(con, text("migrations_ledger"), lake)
    for path in todo:
        with transaction(con):
            if path.stem in applied(con):
                continue
            _ddl(con, path.read_text(), lake)
            con.execute(
                "INSERT INTO core.schema_migrations (name, applied_at) VALUES (?, ?)",
                [path.stem, datetime.now(UTC)],
            )
    if lake:
        _create_lake_views(con)
    else:
        create_views(con)
    return [p.stem for p in todo]


def _ddl(con: duckdb.DuckDBPyConnection, sql: str, lake: bool) -> None:
    con.execute(lake_form(sql) if lake else sql)


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    """Re-create the contract's views and macros."""
    for path in sorted(VIEWS.glob("*.sql")):
        con.execute(path.read_text())


def _create_lake_views(con: duckdb.DuckDBPyConnection) -> None:
    """Re-create a lake's views and macros in their lake form, in one transaction (one
    snapshot: a reader sees all the old views or all the new ones)."""
    sql = "\n".join(lake_form(p.read_text()) for p in sorted(VIEWS.glob("*.sql")))
    with transaction(con):
        con.execute(sql)


def _ledger_exists(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the ledger exists (asked, not tried: a failed query would abort a transaction)."""
    return bool(
        con.execute(
            "SELECT 1 FROM duckdb_tables() WHERE database_name = current_database() "
            "AND schema_name = 'core' AND table_name = 'schema_migrations'"
        ).fetchall()
    )

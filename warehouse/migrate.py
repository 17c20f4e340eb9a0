"""Numbered migrations, applied in order, one transaction each, recorded in the warehouse.

`warehouse/migrations/NNNN_name.sql` files are never edited once landed. The views and
macros in `warehouse/views/*.sql` are re-created (in file-name order, one transaction: a
reader sees all the old views or all the new ones) when a migration ran or their text
changed or one is missing; the ledger's table comment records a digest of the text in
place and how many views it made, so opening an unchanged warehouse writes nothing (on a
lake, no catalog commit and no snapshot). A view someone replaced with plain DuckDB stays
as they left it until the views' text next changes.

A DuckLake runs the same files in their lake form (warehouse/lake.py `lake_form`: no keys
or constraints).
"""

from __future__ import annotations

import hashlib
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
    """Apply pending migrations, then re-create the views if a migration ran or their text
    changed. Returns what was applied."""
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
    sql = view_sql(lake)
    digest = hashlib.sha256(sql.encode()).hexdigest()
    if todo or _views_in_place(con) != digest:  # else no write (on a lake: no snapshot)
        with transaction(con):  # one snapshot: a reader sees all old views or all new ones
            con.execute(sql)
            n = _count_views(con)
            con.execute(f"COMMENT ON TABLE core.schema_migrations IS 'views {digest} {n}'")
    return [p.stem for p in todo]


def _ddl(con: duckdb.DuckDBPyConnection, sql: str, lake: bool) -> None:
    con.execute(lake_form(sql) if lake else sql)


def view_sql(lake: bool = False) -> str:
    """The contract's views and macros (in their lake form on a lake), in file-name order."""
    texts = (p.read_text() for p in sorted(VIEWS.glob("*.sql")))
    return "\n".join(lake_form(t) if lake else t for t in texts)


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    """Re-create the contract's views and macros."""
    con.execute(view_sql(lake_of(con) is not None))


def _views_in_place(con: duckdb.DuckDBPyConnection) -> str | None:
    """The digest of the view text last created here, if all those views are still there
    (the ledger's comment records both; a dropped view has them all made anew)."""
    rows = con.execute(
        "SELECT comment FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = 'core' AND table_name = 'schema_migrations'"
    ).fetchall()
    words = (rows[0][0] or "").split() if rows else []
    if len(words) != 3 or words[0] != "views" or words[2] != str(_count_views(con)):
        return None
    return words[1]


def _count_views(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute(
        "SELECT count(*) FROM duckdb_views() WHERE NOT internal "
        "AND database_name = current_database()"
    ).fetchone()[0]


def _ledger_exists(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the ledger exists (asked, not tried: a failed query would abort a transaction)."""
    return bool(
        con.execute(
            "SELECT 1 FROM duckdb_tables() WHERE database_name = current_database() "
            "AND schema_name = 'core' AND table_name = 'schema_migrations'"
        ).fetchall()
    )

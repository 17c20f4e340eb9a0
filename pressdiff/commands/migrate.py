"""`pressdiff migrate-warehouse [OLD] NEW`: every core table of a DuckDB-file warehouse
copied into a new warehouse (warehouse/migrate_warehouse.py does it), with a line per table
as it is copied and the rows per table at the end."""

from __future__ import annotations

import click

from pressdiff.commands.options import (
    EXIT_OK,
    _database,
    data_path_option,
    err,
    out,
    require_data_path,
)
from pressdiff.errors import UsageError
from pressdiff.render import print_rows, safe_text


@click.command("migrate-warehouse")
@click.argument("names", nargs=-1, metavar="[OLD] NEW")
@click.option(
    "--db",
    default=None,
    show_default="$PRESSDIFF_DB or ./pressdiff.duckdb",
    help="The DuckDB warehouse file to copy when OLD is not given.",
)
@data_path_option
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def migrate_warehouse(names, db, debug) -> int:
    """Copy the DuckDB-file warehouse OLD (default: --db) into a new warehouse NEW.

    NEW is a path or a postgresql:// URL (with --data-path); it is created with this
    version's tables and views, and refused if it already holds data. OLD is only read,
    never changed. Every core table is copied in one transaction (a failure leaves NEW
    empty), one line per table as it goes, then the rows copied per table. The full-text
    index is rebuilt later by `pressdiff index`.
    """
    from warehouse.migrate_warehouse import migrate_warehouse as migrate
    from warehouse.writer_lock import shown

    if len(names) not in (1, 2):
        raise UsageError("migrate-warehouse takes NEW, or OLD and NEW")
    old, new = (db or _database(), *names) if len(names) == 1 else names
    require_data_path(new)

    def say(table: str, rows: int, done: int, total: int) -> None:
        err.print(safe_text(f"[{done}/{total}] core.{table}: {rows:,} {_rows(rows)}"))

    copied = migrate(old, new, say)
    print_rows(out, ("table", "rows"), list(copied.tables.items()), "table")
    if copied.upgraded:
        out.print(f"{old} was of an older format: its copy was brought up to date first")
    if copied.snapshots:
        out.print(f"{copied.snapshots:,} stored pages copied beside {new}")
    total = sum(copied.tables.values())
    out.print(
        safe_text(
            f"{total:,} {_rows(total)} in {len(copied.tables)} tables copied: the warehouse "
            f"{shown(new)} is ready, and {old} is unchanged"
        )
    )
    return EXIT_OK


def _rows(n: int) -> str:
    return "row" if n == 1 else "rows"

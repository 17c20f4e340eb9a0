"""Copying a DuckDB-file warehouse into a new one: `pressdiff migrate-warehouse OLD NEW`.

OLD, a DuckDB file of this version's format, is only ever read: it is attached READ_ONLY.
(One of an older format is first copied to a temporary file, and that copy is brought up to
date by the migrations; one made by a newer pressdiff is refused.) NEW, a path or a
`postgresql://` URL, is opened the way every command opens a warehouse — created and
migrated to this version's tables and views — and refused if any of its core tables holds
a row: the command never adds to or replaces a warehouse.

In one transaction (which on a lake holds its writer lock), NEW is checked to be empty and
every core table of OLD is copied into NEW's table of the same name, column by column by
name (`INSERT INTO new.core.T (cols) SELECT cols FROM old.core.T`); only the migrations
ledger is NEW's own. A failure leaves NEW empty, so the command can simply be run again.
The fetched pages of a local warehouse (its snapshot folder) are copied beside a local NEW.
The full-text index is not copied: `pressdiff index` (or the first `web` or `search`)
rebuilds it.

Where NEW opens: `_opener`. `warehouse.connection.connect` opens it (creating it when
missing, migrating it, with NEW as the connection's default catalog), as it opens any
warehouse; `warehouse.lake.attach(db)`, if that module offers one, instead. Without
warehouse/lake.py a postgresql:// NEW is refused.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pressdiff.errors import SetupError, UsageError
from warehouse.connection import connect, open_file
from warehouse.migrate import applied, available
from warehouse.sqlfiles import run
from warehouse.transaction import transaction
from warehouse.writer_lock import is_url, shown

OLD = "pressdiff_old"  # the name OLD is attached under in NEW's connection
LEDGER = "schema_migrations"  # NEW keeps its own

Progress = Callable[[str, int, int, int], None]  # (table, rows copied, tables done, tables)


@dataclass
class Copied:
    """What a migration copied: rows per core table, snapshot files, and whether OLD was
    of an older format (the migrations applied to its temporary copy)."""

    tables: dict[str, int] = field(default_factory=dict)
    snapshots: int = 0
    upgraded: list[str] = field(default_factory=list)


def migrate_warehouse(old: str, new: str, progress: Progress | None = None) -> Copied:
    """Copy every core table of the DuckDB-file warehouse `old` into the new warehouse `new`."""
    old_path, open_new = _check_names(old, new), _opener(new)
    copied = Copied()
    with _current_form(old_path, new, copied) as source:
        _refuse_data_in_existing_file(new)
        con = open_new(new)
        try:
            copied.tables = _copy_tables(con, new, source, progress)
        finally:
            con.close()
    copied.snapshots = _copy_snapshots(old_path, new)
    return copied


def _check_names(old: str, new: str) -> Path:
    if is_url(old):
        raise UsageError(f"OLD must be a DuckDB warehouse file, not {shown(old)}")
    old_path = Path(old)
    if not is_url(new) and Path(new).absolute() == old_path.absolute():
        raise UsageError(f"OLD and NEW are the same file ({old}): name a new warehouse")
    return old_path


@contextmanager
def _current_form(old: Path, new: str, copied: Copied) -> Iterator[Path]:
    """OLD itself when it is of this version's format, else an up-to-date temporary copy."""
    con = open_file(old, read_only=True)  # a missing file or another writer: one line
    try:
        done = applied(con)
    finally:
        con.close()
    known = [p.stem for p in available()]
    if not done:
        raise SetupError(f"{old} is not a pressdiff warehouse (it has no migrations ledger)")
    if newer := sorted(set(done) - set(known)):
        raise SetupError(
            f"{old} was made by a newer pressdiff (migrations {', '.join(newer)}): "
            "migrate it with that version"
        )
    copied.upgraded = [name for name in known if name not in done]
    if not copied.upgraded:
        yield old
        return
    beside = None if is_url(new) else Path(new).absolute().parent
    if beside is not None:
        beside.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pressdiff-migrate-", dir=beside) as tmp:
        copy = Path(tmp) / old.name
        shutil.copyfile(old, copy)
        if old.with_name(old.name + ".wal").exists():
            shutil.copyfile(old.with_name(old.name + ".wal"), copy.with_name(copy.name + ".wal"))
        connect(copy).close()  # the migrations bring the copy up to date
        yield copy


def _refuse_data_in_existing_file(new: str) -> None:
    """An existing NEW file is checked read-only first: a full one is refused untouched."""
    if is_url(new) or not Path(new).exists():
        return
    con = open_file(Path(new), read_only=True)
    try:
        _refuse_data(con, new, _catalog(con))
    finally:
        con.close()


def _opener(new: str) -> Callable[[str], duckdb.DuckDBPyConnection]:
    """How NEW is opened, created when missing and migrated: as every command opens a
    warehouse (`connect`), unless warehouse.lake offers an `attach` of its own."""
    try:
        import warehouse.lake as lake
    except ModuleNotFoundError as exc:
        if exc.name != "warehouse.lake":
            raise
        if is_url(new):
            raise SetupError(
                f"{shown(new)}: this pressdiff stores warehouses as DuckDB files only; "
                "name a path for NEW"
            ) from None
        return connect
    return getattr(lake, "attach", connect)


def _catalog(con: duckdb.DuckDBPyConnection) -> str:
    return con.execute("SELECT current_database()").fetchone()[0]


def _tables(con: duckdb.DuckDBPyConnection, catalog: str) -> dict[str, list[str]]:
    """The core tables of `catalog` (but the ledger), each with its columns in order."""
    rows = run(con, "migrate_warehouse_tables", [catalog, LEDGER]).fetchall()
    return dict(rows)


def _refuse_data(con: duckdb.DuckDBPyConnection, new: str, catalog: str) -> None:
    for table in _tables(con, catalog):
        if con.execute(f"SELECT count(*) FROM {_name(catalog, table)}").fetchone()[0]:
            raise UsageError(
                f"the warehouse {shown(new)} already holds data (core.{table} has rows): "
                "name a new warehouse; migrate-warehouse never adds to one"
            )


def _copy_tables(
    con: duckdb.DuckDBPyConnection, new: str, old: Path, progress: Progress | None
) -> dict[str, int]:
    """Every core table of OLD into NEW's, in one transaction (on a lake, inside its writer
    lock: two copies into one NEW cannot both find it empty)."""
    catalog = _catalog(con)
    target = _tables(con, catalog)
    literal = str(old.absolute()).replace("'", "''")
    con.execute(f"ATTACH '{literal}' AS {OLD} (READ_ONLY)")
    try:
        source = _tables(con, OLD)
        counts: dict[str, int] = {}
        with transaction(con):
            _refuse_data(con, new, catalog)
            for done, (table, columns) in enumerate(source.items(), 1):
                if missing := [c for c in columns if c not in target.get(table, [])]:
                    raise SetupError(
                        f"the new warehouse has no column core.{table}.{missing[0]}: "
                        "OLD and this pressdiff disagree about the warehouse's format"
                    )
                cols = ", ".join(_quote(c) for c in columns)
                counts[table] = con.execute(
                    f"INSERT INTO {_name(catalog, table)} ({cols}) "
                    f"SELECT {cols} FROM {_name(OLD, table)}"
                ).fetchone()[0]
                if progress is not None:
                    progress(table, counts[table], done, len(source))
        return counts
    finally:
        con.execute(f"DETACH {OLD}")


def _copy_snapshots(old: Path, new: str) -> int:
    """Copy the fetched pages beside OLD to beside a local NEW; the number of files."""
    from warehouse.store import snapshot_dir

    source = snapshot_dir(old)
    if is_url(new) or not source.is_dir():
        return 0
    shutil.copytree(source, snapshot_dir(new), dirs_exist_ok=True)
    return sum(1 for p in source.rglob("*") if p.is_file())


def _name(catalog: str, table: str) -> str:
    return f"{_quote(catalog)}.core.{_quote(table)}"


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'

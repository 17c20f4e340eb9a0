"""The warehouse as a DuckLake: tables as Parquet files, a catalog in a transactional database.

What `--db` names decides what is opened (`is_lake`):
- a `postgresql://` URL: a lake whose catalog is that PostgreSQL database, its files at
  `PRESSDIFF_DATA_PATH` (required);
- a path to a SQLite file: a lake whose catalog is that file, its files in the folder
  `PATH.files/` beside it (or `PRESSDIFF_DATA_PATH`);
- a path to a DuckDB file: the single-file warehouse, opened as it always was;
- a path to nothing yet: a new warehouse of `NEW_WAREHOUSE_FORMAT` ("duckdb" or "lake";
  the environment variable `PRESSDIFF_WAREHOUSE_FORMAT` overrides it).

One code path for every catalog: the extensions are LOADed from the installed wheels
(never downloaded: autoinstall and autoload are off), one ATTACH line names the catalog, and
the lake is the connection's default database (`USE`), so every query reads `core.x` and the
views as in a DuckDB file.

DuckLake has no primary keys, unique constraints or indexes: its schema is the migrations'
with those left out (`lake_form`). Uniqueness comes from the design instead: ids are content
hashes, inserts into keyed tables skip the keys already stored (warehouse/keys.py), and
every write transaction runs inside the writer lock (`write_lock`), taken just before BEGIN,
so what a batch reads to decide includes every other writer's commits.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from pressdiff.errors import SetupError
from warehouse.writer_lock import is_url, writer_lock

# What a warehouse that does not exist yet becomes: "duckdb" (one file) or "lake".
NEW_WAREHOUSE_FORMAT = "duckdb"
FORMATS = ("duckdb", "lake")

CATALOG = "pd"  # the name the lake is attached as (and users' ATTACH line in README)

# Inserts of at most this many rows are kept in the catalog, not written as a Parquet file
# each: a tick's handful of revisits, runs rows and fetches make no files.
# ducklake_flush_inlined_data (nightly maintenance) writes them out.
DATA_INLINING_ROW_LIMIT = 100

# How long a writer waits for another's commit before giving up (commits take a second).
LOCK_TIMEOUT = 300.0

# The extensions, by the wheel that ships each and the name DuckDB loads it under.
EXTENSIONS = {
    "ducklake": "ducklake",
    "sqlite": "sqlite_scanner",
    "postgres": "postgres_scanner",
}

SQLITE_MAGIC = b"SQLite format 3\x00"
_LAKE_VARIABLE = "pressdiff_lake"  # set on a lake connection: the db it was opened as


def new_format() -> str:
    """What a new warehouse becomes: `PRESSDIFF_WAREHOUSE_FORMAT`, else NEW_WAREHOUSE_FORMAT."""
    chosen = os.environ.get("PRESSDIFF_WAREHOUSE_FORMAT") or NEW_WAREHOUSE_FORMAT
    if chosen not in FORMATS:
        raise SetupError(f"PRESSDIFF_WAREHOUSE_FORMAT must be one of {', '.join(FORMATS)}")
    return chosen


def is_lake(db: str | Path) -> bool:
    """Whether `db` is (or, not existing yet, will be) a DuckLake."""
    if is_url(db):
        return True
    path = Path(db)
    try:
        with path.open("rb") as f:
            return f.read(16) == SQLITE_MAGIC
    except FileNotFoundError:
        return new_format() == "lake"
    except OSError:
        return False


def located(db: str | Path) -> str:
    """`db` as a process started elsewhere (a scheduled run, a worker) must name it: a
    PostgreSQL URL as it is, a path made absolute."""
    return str(db) if is_url(db) else str(Path(db).resolve())


def data_path(db: str | Path) -> str:
    """Where the lake `db` keeps its Parquet files (a folder or object-store prefix, ending
    in /): `PRESSDIFF_DATA_PATH`, else the folder `DB.files/` beside a local catalog."""
    given = os.environ.get("PRESSDIFF_DATA_PATH")
    if given:
        return given if given.endswith("/") else given + "/"
    if is_url(db):
        raise SetupError(
            "a PostgreSQL warehouse needs PRESSDIFF_DATA_PATH (or --data-path): "
            "the folder its Parquet files live in"
        )
    path = Path(db).absolute()
    return str(path.with_name(path.name + ".files")) + "/"


def cache_dir() -> Path:
    """pressdiff's folder in this machine's cache (`$XDG_CACHE_HOME`, else ~/.cache)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pressdiff"


def extension_dir() -> Path:
    """A folder holding the extensions under the names DuckDB loads them by, copied once from
    the installed wheels (the sqlite wheel's file must be called sqlite_scanner)."""
    folder = cache_dir() / f"duckdb-extensions-v{duckdb.__version__}"
    for wheel, name in EXTENSIONS.items():
        target = folder / f"{name}.duckdb_extension"
        if not target.exists():
            folder.mkdir(parents=True, exist_ok=True)
            _copy_atomically(_wheel_file(wheel), target)
    return folder


def _wheel_file(wheel: str) -> Path:
    module = __import__(f"duckdb_extension_{wheel}")
    root = Path(module.__file__).parent / "extensions" / f"v{duckdb.__version__}"
    found = sorted(root.glob("*.duckdb_extension"))
    if not found:
        raise SetupError(
            f"no {wheel} extension for duckdb {duckdb.__version__} in {root}; "
            "reinstall with 'uv sync'"
        )
    return found[0]


def _copy_atomically(src: Path, target: Path) -> None:
    """Copy so that another process never loads half a file."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
    os.close(fd)
    shutil.copyfile(src, tmp)
    os.replace(tmp, target)


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def attach_sql(db: str | Path, *, read_only: bool) -> str:
    """The ATTACH statement of the lake `db` (what README tells plain DuckDB users)."""
    local = not is_url(db)
    catalog = f"ducklake:sqlite:{Path(db).absolute()}" if local else f"ducklake:postgres:{db}"
    options = [f"DATA_PATH {_quote(data_path(db))}"]
    if local and not os.environ.get("PRESSDIFF_DATA_PATH"):
        options.append("OVERRIDE_DATA_PATH true")  # the folder beside it, wherever it moved
    options.append(
        "READ_ONLY" if read_only else f"DATA_INLINING_ROW_LIMIT {DATA_INLINING_ROW_LIMIT}"
    )
    return f"ATTACH {_quote(catalog)} AS {CATALOG} ({', '.join(options)})"


def open_lake(
    db: str | Path, *, read_only: bool, config: dict | None = None
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the lake `db` attached and in use; a new local lake is
    created (once, under the writer lock) when opened for writing."""
    if read_only and not is_url(db) and not Path(db).exists():
        raise SetupError(f"no warehouse at {db}: run 'pressdiff ingest' or 'pressdiff demo' first")
    spill = Path(tempfile.gettempdir(), "pressdiff-spill") if is_url(db) else Path(f"{db}.tmp")
    settings = {
        "temp_directory": str(spill.absolute()),  # a DuckDB file spills beside itself too
        **(config or {}),
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    }
    con = duckdb.connect(":memory:", config=settings)
    try:
        folder = extension_dir()
        for name in ("ducklake", "postgres_scanner" if is_url(db) else "sqlite_scanner"):
            con.execute(f"LOAD {_quote(str(folder / f'{name}.duckdb_extension'))}")
        if read_only:
            con.execute(attach_sql(db, read_only=True))
        else:
            with writer_lock(str(db), LOCK_TIMEOUT):  # the first creation must not race
                _prepare_catalog(db)
                con.execute(attach_sql(db, read_only=False))
        con.execute(f"USE {CATALOG}")
        con.execute(f"SET VARIABLE {_LAKE_VARIABLE} = ?", [str(db)])
    except duckdb.Error as exc:
        con.close()
        raise SetupError(f"cannot open the warehouse {db}: {exc}") from exc
    return con


def _prepare_catalog(db: str | Path) -> None:
    """A new local catalog is a SQLite file in WAL mode: its readers never wait for a commit."""
    if is_url(db):
        return
    path = Path(db)
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    Path(data_path(db)).mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as catalog:
        catalog.execute("PRAGMA journal_mode = WAL")
    catalog.close()


def local_parts(db: str | Path) -> list[Path]:
    """Every file and folder a local warehouse `db` is made of besides its snapshots: the
    file, its write-ahead log, and a lake's data folder, catalog journal, lock file and
    full-text index."""
    p = Path(db)
    names = [".wal", ".files", "-wal", "-shm", "-journal", ".lock", ".tmp", ".search"]
    return [p, *(p.with_name(p.name + n) for n in names)]


def lake_of(con: duckdb.DuckDBPyConnection) -> str | None:
    """The db a lake connection was opened as; None for a DuckDB file."""
    try:
        return con.execute(f"SELECT getvariable('{_LAKE_VARIABLE}')").fetchone()[0]
    except duckdb.Error:
        return None


@contextmanager
def write_lock(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Hold the writer lock of `con`'s lake for the block (nothing for a DuckDB file, which
    allows one writing process anyway)."""
    db = lake_of(con)
    if db is None:
        yield
        return
    with writer_lock(db, LOCK_TIMEOUT):
        yield


def lake_form(sql: str) -> str:
    """The DDL `sql` (a migration, the ledger, the views) as a DuckLake takes it: without
    PRIMARY KEY, UNIQUE and column comments of views, which it does not implement, and with a
    boolean default written as a literal ('false'), the only default ADD COLUMN accepts."""
    sql = re.sub(r"\s+PRIMARY KEY\b", "", sql, flags=re.IGNORECASE)
    sql = re.sub(r",\s*UNIQUE\s*\([^)]*\)", "", sql, flags=re.IGNORECASE)
    sql = re.sub(r"\s+UNIQUE\b", "", sql, flags=re.IGNORECASE)
    sql = re.sub(r"\bDEFAULT\s+(true|false)\b", r"DEFAULT '\1'", sql, flags=re.IGNORECASE)
    return re.sub(r"(?im)^comment on column \S+ is '(?:[^']|'')*';\n?", "", sql)

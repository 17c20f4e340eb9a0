"""Opening the warehouse: a DuckLake (warehouse/lake.py) or one DuckDB file, UTC everywhere."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pressdiff.errors import SetupError, WarehouseLockedError
from warehouse import lake
from warehouse.abandoned import abandon_dead_runs
from warehouse.migrate import migrate

# How long opening waits for another process to let go of the file before saying it is in
# use: a web page or a short query holds it for milliseconds, an ingest for its whole run.
LOCK_WAIT = 5.0

_LOCK = re.compile(r"Conflicting lock is held in (?P<proc>.+?) \(PID (?P<pid>\d+)\)")


def _locked_message(path: Path, exc: duckdb.Error) -> str:
    m = _LOCK.search(str(exc))
    holder = f"process {m['pid']} ({m['proc']})" if m else "another process"
    return (
        f"the warehouse {path} is in use by {holder}; wait for it to finish "
        "or stop it, then try again"
    )


def connect(path: str | Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open `path`; a writable connection is migrated first. Lock conflicts become one line."""
    con = open_file(path, read_only=read_only)
    con.execute("SET TimeZone = 'UTC'")
    if not read_only:
        migrate(con)
        abandon_dead_runs(con, datetime.now(UTC))
    return con


def open_file(
    db: str | Path, *, read_only: bool, config: dict | None = None
) -> duckdb.DuckDBPyConnection:
    """duckdb.connect, with a missing warehouse, a lock conflict or a bad file as one line;
    a lake (a PostgreSQL URL, or a SQLite catalog file) attached and in use."""
    if lake.is_lake(db):
        return lake.open_lake(db, read_only=read_only, config=config)
    path = Path(db)
    if read_only and not path.exists():
        raise SetupError(
            f"no warehouse at {path}: run 'pressdiff ingest' or 'pressdiff demo' first"
        )
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + LOCK_WAIT
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only, config=config or {})
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise SetupError(f"cannot open the warehouse {path}: {exc}") from exc
            if time.monotonic() >= deadline:
                raise WarehouseLockedError(_locked_message(path, exc)) from exc
            time.sleep(0.1)  # a reader's page or a tick's commit holds it for milliseconds
        except duckdb.Error as exc:
            raise SetupError(f"cannot open the warehouse {path}: {exc}") from exc


# DuckDB's own default is 80% of the machine's memory. The writer's queries are joins over
# one batch at a time; past this limit DuckDB spills to a temporary folder beside the
# warehouse rather than growing (ingest's whole process tree stays under 1.5 GB).
MEMORY_LIMIT = "512MB"

_connections: dict[str, duckdb.DuckDBPyConnection] = {}


def warehouse(db: str) -> duckdb.DuckDBPyConnection:
    """The connection of this process to `db`, opened (and migrated) on first use."""
    if db not in _connections:
        con = connect(db)
        con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        _connections[db] = con
    return _connections[db]


def adopt_warehouse(db: str, con: duckdb.DuckDBPyConnection) -> None:
    """Use `con`, opened by the caller, as this process's connection to `db`."""
    _connections[db] = con


def close_warehouse(db: str) -> None:
    """Close this process's connection to `db`, releasing the file for other processes."""
    con = _connections.pop(db, None)
    if con is not None:
        if lake.lake_of(con) is None:  # a lake's CHECKPOINT is its nightly maintenance
            con.execute("CHECKPOINT")
        con.close()

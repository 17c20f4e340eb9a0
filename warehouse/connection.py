"""Opening the warehouse: one DuckDB file, one writer, UTC everywhere."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pressdiff.errors import SetupError, WarehouseLockedError
from warehouse.abandoned import abandon_dead_runs
from warehouse.migrate import migrate

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
    path = Path(path)
    if read_only and not path.exists():
        raise SetupError(
            f"no warehouse at {path}: run 'pressdiff ingest' or 'pressdiff demo' first"
        )
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise WarehouseLockedError(_locked_message(path, exc)) from exc
        raise SetupError(f"cannot open the warehouse {path}: {exc}") from exc
    except duckdb.Error as exc:
        raise SetupError(f"cannot open the warehouse {path}: {exc}") from exc
    con.execute("SET TimeZone = 'UTC'")
    if not read_only:
        migrate(con)
        abandon_dead_runs(con, datetime.now(UTC))
    return con

"""Saving a query's result to the one file a user named: `pressdiff sql --output FILE`.

The user's SQL never writes (the reader refuses COPY and has no file access); this module
does, after the query ran, and only to FILE. Its suffix picks the format: .csv and .json
hold the same text as `--format csv|json` but every value exact (no escapes for the
terminal); .parquet keeps DuckDB's column types.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from pressdiff.errors import SetupError, UsageError
from pressdiff.render import format_rows

SUFFIXES = (".csv", ".json", ".parquet")


def check_output(path: str | Path, db: str | Path) -> Path:
    """`path` if the result may be written there: a known suffix, and not the warehouse
    (nor its .wal) by any name: a symlink or a hard link to it counts as the warehouse."""
    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise UsageError(f"--output must end in .csv, .json or .parquet, not {path.name!r}")
    warehouse = Path(db).resolve()
    own = (warehouse, warehouse.with_name(warehouse.name + ".wal"))
    if path.resolve() in own or any(_same_file(path, f) for f in own):
        raise UsageError(f"--output {path} is the warehouse itself; name another file")
    return path


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # either one missing or unreadable: not the same existing file
        return False


def write_result(cur: duckdb.DuckDBPyConnection, path: Path) -> int:
    """Write the result held by `cur` to `path` in its suffix's format; returns the row count."""
    fmt = path.suffix.lower().lstrip(".")
    try:
        if fmt == "parquet":
            import pyarrow.parquet as pq

            table = cur.to_arrow_table()
            pq.write_table(table, path)
            return table.num_rows
        columns = [d[0] for d in cur.description]
        rows = cur.fetchall()
        with path.open("w", encoding="utf-8", newline="") as f:
            f.write(format_rows(columns, rows, fmt, exact=True))
        return len(rows)
    except OSError as exc:
        raise SetupError(f"cannot write {path}: {exc.strerror or exc}") from exc

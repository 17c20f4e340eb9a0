"""The warehouse's questions in files: `warehouse/sql/NAME.sql`, each opening with a `--`
line saying which question it answers, read once and run with bound parameters."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import duckdb

SQL = Path(__file__).parent / "sql"


@functools.cache
def text(name: str) -> str:
    """The SQL of `warehouse/sql/{name}.sql`."""
    return (SQL / f"{name}.sql").read_text()


def run(con: duckdb.DuckDBPyConnection, name: str, params: Any = None) -> duckdb.DuckDBPyConnection:
    """Run query `name` on `con` with `params` (a list, or a dict for `$name` parameters)."""
    return con.execute(text(name), params)

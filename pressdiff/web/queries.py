"""The viewer's questions: each a `warehouse/sql/web_NAME.sql` file, run with bound values."""

from __future__ import annotations

from typing import Any

import duckdb

from warehouse import sqlfiles


def text(name: str) -> str:
    """The SQL of `warehouse/sql/web_{name}.sql`."""
    return sqlfiles.text(f"web_{name}")


def rows(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> list[dict[str, Any]]:
    """Every row of query `name` as a dict, with `params` bound by name."""
    cur = con.execute(text(name), params)
    columns = [d[0] for d in cur.description]
    return [dict(zip(columns, r, strict=True)) for r in cur.fetchall()]


def one(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> dict[str, Any] | None:
    """The first row of query `name`, or None."""
    found = rows(con, name, **params)
    return found[0] if found else None

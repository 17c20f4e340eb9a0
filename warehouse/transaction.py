"""One transaction around a block of warehouse writes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

_open: set[int] = set()  # connections (by id) inside a transaction() block


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Commit the block's writes together, or roll them all back if it raises.

    A block inside another one on the same connection joins it: its writes commit or roll
    back with the outer block's (DuckDB has no nested transactions)."""
    if id(con) in _open:
        yield con
        return
    con.execute("BEGIN TRANSACTION")
    _open.add(id(con))
    try:
        yield con
    except BaseException:
        _open.discard(id(con))
        con.execute("ROLLBACK")
        raise
    _open.discard(id(con))
    con.execute("COMMIT")

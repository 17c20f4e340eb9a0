"""One transaction around a block of warehouse writes: on a DuckLake, inside its writer lock.

Every write goes through `transaction`. On a lake the lock is taken before BEGIN, so the
block reads (and decides from) every other writer's commits, and held to its COMMIT only:
never across fetching, extraction or comparing, which happen outside these blocks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from warehouse.lake import write_lock

_open: set[int] = set()  # connections (by id) inside a transaction() block


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Commit the block's writes together, or roll them all back if it raises.

    A block inside another one on the same connection joins it: its writes commit or roll
    back with the outer block's (DuckDB has no nested transactions)."""
    if id(con) in _open:
        yield con
        return
    with write_lock(con):
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

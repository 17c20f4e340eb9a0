"""Work a stored batch still owes, kept in the warehouse so that a killed run loses none.

Storing a batch commits its versions; matching them against the warehouse and comparing
revisions and republications follow in later transactions. Each piece of that work is a
`core.pending_work` row written in the transaction that makes it due (`owe`) and deleted
in the one that stores its result (`settle`). A run killed between the two leaves rows
behind; the next run reads them (`owed`) and does that work before its own, so the
warehouse ends as if nothing had been interrupted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from warehouse.sqlfiles import run

STORIES = "stories"  # a new version to match against the warehouse
RELATIONS = ("revision", "republication")  # a pair of versions to compare


@dataclass(slots=True)
class Owed:
    """Work left by interrupted runs: versions to match, pairs to compare by relation."""

    version_ids: list[str] = field(default_factory=list)
    pairs: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.version_ids or self.pairs)


def _rows(kind: str, items: Iterable[str | tuple[str, str]]) -> pa.Table:
    olds, news = [], []
    for item in items:
        old, new = (item, None) if isinstance(item, str) else item
        olds.append(old)
        news.append(new)
    return pa.table(
        {
            "kind": pa.array([kind] * len(olds), pa.string()),
            "version_id": pa.array(olds, pa.string()),
            "new_version_id": pa.array(news, pa.string()),
        }
    )


def owe(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    items: Iterable[str | tuple[str, str]],
    run_id: str,
) -> None:
    """Record work now due: version ids to match (`STORIES`) or (old, new) pairs."""
    rows = _rows(kind, items)
    if not rows.num_rows:
        return
    con.register("rows", rows)
    try:
        run(con, "pending_owe", [run_id])
    finally:
        con.unregister("rows")


def settle(
    con: duckdb.DuckDBPyConnection, kind: str, items: Iterable[str | tuple[str, str]]
) -> None:
    """Forget work whose result is being stored (in the same transaction)."""
    done = _rows(kind, items)
    if not done.num_rows:
        return
    con.register("done", done)
    try:
        run(con, "pending_settle")
    finally:
        con.unregister("done")


def owed(con: duckdb.DuckDBPyConnection) -> Owed:
    """Everything still owed, each piece once, in a stable order."""
    rows = con.execute(
        "SELECT DISTINCT kind, version_id, new_version_id FROM core.pending_work ORDER BY ALL"
    ).fetchall()
    out = Owed()
    for kind, old, new in rows:
        if kind == STORIES:
            out.version_ids.append(old)
        else:
            out.pairs.setdefault(kind, []).append((old, new))
    return out

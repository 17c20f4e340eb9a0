"""Writing to the warehouse: articles, versions, sentences, sightings, rejects and runs.

Every write is a bulk insert of an Arrow table inside one transaction per batch. What a
batch's articles are (new versions, sightings, duplicates) is decided in tasks/versions.py
from what `known` and `moved` read here; `write_plan` inserts the decided rows. The same
transaction records the work the batch makes due (matching its new versions, comparing
its revisions) in `core.pending_work`, so a run killed before that work is done leaves it
to the next run (warehouse/pending.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from pressdiff import processes
from warehouse import pending
from warehouse.columns import Columns
from warehouse.keys import KEYS
from warehouse.lake import data_path, is_url
from warehouse.records import Reject, StoreResult
from warehouse.transaction import transaction

__all__ = ["Columns", "StoreResult", "insert_arrow", "known", "moved", "write_plan"]

_SQL = Path(__file__).parent / "sql"
MOVED_SQL = (_SQL / "moved_files.sql").read_text()
KNOWN_VERSIONS_SQL = (_SQL / "store_known_versions.sql").read_text()
HASHES_ELSEWHERE_SQL = (_SQL / "store_hashes_elsewhere.sql").read_text()
START_RUN_SQL = (_SQL / "store_start_run.sql").read_text()


def moved(con: duckdb.DuckDBPyConnection, own: Mapping[str, str]) -> dict[str, str]:
    """Of new url-less articles, text hash by article id, the ones whose text is a stored
    url-less article's current text: a local file renamed or moved keeps its article (its
    id maps to the stored one's)."""
    if not own:
        return {}
    wanted = pa.table({"article_id": _str(list(own)), "text_hash": _str(list(own.values()))})  # noqa: F841
    return dict(con.execute(MOVED_SQL).fetchall())


def insert_arrow(con: duckdb.DuckDBPyConnection, table: str, rows: dict[str, list]) -> None:
    """Bulk-insert columns `rows` into `table` by column name; into a keyed table
    (warehouse/keys.py), only the rows whose key is not stored yet."""
    if not rows or not next(iter(rows.values())):
        return
    batch = pa.table(rows)  # noqa: F841 - read by DuckDB's replacement scan
    key = KEYS.get(table)
    new = f"batch ANTI JOIN {table} USING ({', '.join(key)})" if key else "batch"
    with transaction(con):
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {new}")


def _str(values: list) -> pa.Array:
    """Ids or hashes as a string column, even when there are none (an empty list would be
    typed null, and DuckDB would cast the other side of the join to it)."""
    return pa.array(values, pa.string())


def known(
    con: duckdb.DuckDBPyConnection, ids: list[str], hashes: list[str]
) -> tuple[list[tuple], dict[str, set[str]]]:
    """The stored versions of articles `ids` (article_id, seen_at, text_hash, version_id,
    version_no), and by text hash of `hashes` the articles that hold it."""
    wanted = pa.table({"article_id": _str(ids)})  # noqa: F841
    rows = con.execute(KNOWN_VERSIONS_SQL).fetchall()
    hash_tbl = pa.table({"text_hash": _str(hashes)})  # noqa: F841
    elsewhere = con.execute(HASHES_ELSEWHERE_SQL).fetchall()
    return rows, {h: set(a) for h, a in elsewhere}


def write_plan(
    con: duckdb.DuckDBPyConnection,
    cols: Mapping[str, Mapping[str, list]],
    result: StoreResult,
    run_id: str,
) -> None:
    """Insert a batch's decided rows (columns by core table) and record the matching and
    comparisons its new versions make due, in one transaction."""
    with transaction(con):
        for table, rows in cols.items():
            insert_arrow(con, f"core.{table}", dict(rows))
        pending.owe(con, pending.STORIES, result.new_version_ids, run_id)
        pending.owe(con, "revision", result.revisions, run_id)


def store_rejects(
    con: duckdb.DuckDBPyConnection, rejects: Iterable[Reject], run_id: str, now: datetime
) -> int:
    """Record every reject of a batch; returns how many."""
    rows = Columns()
    for r in rejects:
        rows.add(source=r.source, reason=r.reason, detail=r.detail, at=now, run_id=run_id)
    insert_arrow(con, "core.rejects", rows)
    return len(rows.get("source", []))


def start_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    flow_run_id: str | None,
    command: str,
    now: datetime,
) -> None:
    """Record that a run started, and which process runs it (see abandon_dead_runs)."""
    owner = processes.me()
    with transaction(con):
        con.execute(
            START_RUN_SQL,
            {
                "run_id": run_id,
                "flow_run_id": flow_run_id,
                "now": now,
                "command": command,
                "pid": owner.pid,
                "host": owner.host,
                "process_start": owner.start,
            },
        )


def finish_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    status: str,
    counts: dict[str, int],
    now: datetime,
) -> None:
    """Record how a run ended and what it counted (keys are core.runs count columns)."""
    sets = ", ".join(f"{k} = ?" for k in counts)  # keys come from code, never from input
    with transaction(con):
        con.execute(
            f"UPDATE core.runs SET status = ?, finished_at = ?, {sets} WHERE run_id = ?",
            [status, now, *counts.values(), run_id],
        )


def snapshot_dir(db: str | Path) -> Path:
    """Where raw fetched bodies of the warehouse `db` are kept: beside a local warehouse, in
    the data folder of a PostgreSQL-catalog lake."""
    if is_url(db):
        return Path(data_path(db)) / "snapshots"
    p = Path(db)
    return p.with_name(p.name + ".snapshots")

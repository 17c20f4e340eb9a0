"""Every HTTP attempt as a `fetches` row, and the validators conditional requests send."""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import pyarrow as pa

from tasks.fetch import FETCH_COLUMNS, FetchResult
from warehouse.store import insert_arrow

COLUMNS = (*FETCH_COLUMNS, "content_type", "snapshot")


def store_fetches(
    con: duckdb.DuckDBPyConnection, results: Iterable[FetchResult], run_id: str
) -> int:
    """One row per attempt (retried attempts included); returns how many."""
    cols: dict[str, list] = {c: [] for c in (*COLUMNS, "run_id")}
    for result in results:
        for attempt in (*result.previous, result):
            for c in COLUMNS:
                cols[c].append(getattr(attempt, c))
            cols["run_id"].append(run_id)
    insert_arrow(con, "core.fetches", cols)
    return len(cols["url"])


def validators(
    con: duckdb.DuckDBPyConnection, urls: list[str]
) -> dict[str, tuple[str | None, str | None]]:
    """url -> (ETag, Last-Modified) of its latest successful fetch, for URLs with a version."""
    wanted = pa.table({"url": urls})  # noqa: F841
    rows = con.execute(
        """SELECT f.url, arg_max(f.etag, f.fetched_at), arg_max(f.last_modified, f.fetched_at)
           FROM core.fetches f SEMI JOIN wanted USING (url)
           WHERE f.status_code = 200 AND f.error IS NULL
             AND (f.etag IS NOT NULL OR f.last_modified IS NOT NULL)
           GROUP BY f.url"""
    ).fetchall()
    return {url: (etag, lm) for url, etag, lm in rows}

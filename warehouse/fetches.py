"""Every HTTP attempt as a `fetches` row, and the validators conditional requests send."""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import pyarrow as pa

from pressdiff.errors import BlockedURLError
from tasks.web.fetch import FetchResult, normalize_url
from warehouse.store import Columns, insert_arrow


def store_fetches(
    con: duckdb.DuckDBPyConnection, results: Iterable[FetchResult], run_id: str
) -> int:
    """One row per attempt (retried attempts included); returns how many."""
    cols = Columns()
    for result in results:
        for row in result.rows():
            cols.add(**row, run_id=run_id)
    insert_arrow(con, "core.fetches", cols)
    return len(cols.get("url", []))


def validators(
    con: duckdb.DuckDBPyConnection, urls: list[str]
) -> dict[str, tuple[str | None, str | None]]:
    """url -> (ETag, Last-Modified) of its latest fetch that was stored as a version or a
    sighting: a body that was rejected, or never stored, is fetched in full again."""
    wanted = pa.table({"url": pa.array([normalized(u) for u in urls], pa.string())})  # noqa: F841
    rows = con.execute(
        """WITH stored AS (
               SELECT source, seen_at FROM core.versions
               UNION ALL SELECT source, seen_at FROM core.sightings
           )
           SELECT f.url, arg_max(f.etag, f.fetched_at), arg_max(f.last_modified, f.fetched_at)
           FROM core.fetches f SEMI JOIN wanted USING (url)
           SEMI JOIN stored s ON s.source = f.url AND s.seen_at = f.fetched_at
           WHERE f.status_code = 200 AND f.error IS NULL
             AND (f.etag IS NOT NULL OR f.last_modified IS NOT NULL)
           GROUP BY f.url"""
    ).fetchall()
    return {url: (etag, lm) for url, etag, lm in rows}


def normalized(url: str) -> str:
    """`url` as the fetcher records it (unchanged when the fetcher would refuse it)."""
    try:
        return normalize_url(url)
    except BlockedURLError:
        return url

"""Every HTTP attempt as a `fetches` row, and the validators conditional requests send.

The fetcher (tasks/web/fetcher.py) gives results that know their rows; URLs come here
already as the fetcher records them (tasks/web/urls.py `recorded_url`): nothing here
decides what a URL is.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

import duckdb
import pyarrow as pa

from warehouse.store import Columns, insert_arrow

_VALIDATORS = (Path(__file__).parent / "sql" / "fetch_validators.sql").read_text()


class Fetched(Protocol):
    """A fetch of one URL: a `fetches` row per HTTP attempt, retried ones first."""

    def rows(self) -> list[dict[str, Any]]: ...


def store_fetches(con: duckdb.DuckDBPyConnection, results: Iterable[Fetched], run_id: str) -> int:
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
    sighting: a body that was rejected, or never stored, is fetched in full again. `urls`
    are as the fetcher records them."""
    wanted = pa.table({"url": pa.array(urls, pa.string())})  # noqa: F841 -- read by the SQL
    rows = con.execute(_VALIDATORS).fetchall()
    return {url: (etag, lm) for url, etag, lm in rows}

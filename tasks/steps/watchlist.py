"""Watching and unwatching sources: the watchlist's rules (tasks/schedule/sources.py) over
the warehouse's `sources` (warehouse/tracking.py). No Prefect: `pressdiff watch` calls it."""

from __future__ import annotations

from datetime import datetime, timedelta

import duckdb

from tasks.schedule.sources import source_entry
from tasks.web.urls import canonical_url
from warehouse import tracking


def add_source(
    con: duckdb.DuckDBPyConnection,
    uri: str,
    kind: str | None,
    every: timedelta | None,
    now: datetime,
) -> tuple[tracking.Source, bool]:
    """Watch `uri` (idempotent); returns the source and whether it is new."""
    uri, kind = source_entry(uri, kind)
    return tracking.add_source(con, uri, kind, every, now)


def remove_source(con: duckdb.DuckDBPyConnection, ref: str) -> str:
    """Stop watching a source, given its URI or id; returns the URI."""
    return tracking.remove_source(con, ref, canonical_url(ref))

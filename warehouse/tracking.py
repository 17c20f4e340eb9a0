"""The watchlist (`sources`) and the tracked articles scheduled runs revisit.

What to watch and how (canonical URIs, kinds, tracked links) is decided in
tasks/schedule/sources.py, and when to come back in tasks/schedule/revisit.py; here are
the rows they read and write.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa

from pressdiff.errors import NotFoundError
from warehouse.ids import stable_id
from warehouse.store import insert_arrow
from warehouse.transaction import transaction

_SQL = Path(__file__).parent / "sql"
_POLL_FAILURES = (_SQL / "poll_failures.sql").read_text()
_POLL_SCHEDULE = (_SQL / "poll_schedule.sql").read_text()
_UPDATE_SOURCE = (_SQL / "tracking_update_source.sql").read_text()
_INSERT_SOURCE = (_SQL / "tracking_insert_source.sql").read_text()
_DUE_SOURCES = (_SQL / "tracking_due_sources.sql").read_text()
_TRACK = (_SQL / "tracking_track.sql").read_text()
_DUE_ARTICLES = (_SQL / "tracking_due_articles.sql").read_text()
_SITE_REVISITS = (_SQL / "tracking_site_revisits.sql").read_text()
_OUTCOMES = (_SQL / "tracking_outcomes.sql").read_text()
_RESCHEDULE = (_SQL / "tracking_reschedule.sql").read_text()

REVISIT_COLUMNS = (
    "url",
    "site",
    "checked_at",
    "due_at",
    "due_reason",
    "previous_check_at",
    "origin",
    "last_changed_at",
    "outcome",
    "next_check_at",
    "reason",
    "run_id",
)
STATE_COLUMNS = (
    "url",
    "new_last_changed_at",
    "n_checks",
    "n_unchanged_streak",
    "n_changes",
    "next_check_at",
    "reason",
)


@dataclass(slots=True, frozen=True)
class Source:
    """One watched source."""

    source_id: str
    kind: str
    uri: str


def add_source(
    con: duckdb.DuckDBPyConnection,
    uri: str,
    kind: str,
    every: timedelta | None,
    now: datetime,
) -> tuple[Source, bool]:
    """Watch the canonical `uri` as `kind` (idempotent); returns the source and whether it
    is new."""
    source = Source(stable_id("source", uri), kind, uri)
    with transaction(con):
        exists = con.execute("SELECT 1 FROM core.sources WHERE uri = ?", [uri]).fetchone()
        if exists:
            con.execute(_UPDATE_SOURCE, {"kind": kind, "every": every, "uri": uri})
        else:
            values = {"source_id": source.source_id, "kind": kind, "uri": uri, "now": now}
            con.execute(_INSERT_SOURCE, {**values, "every": every})
    return source, not exists


def remove_source(con: duckdb.DuckDBPyConnection, ref: str, uri: str) -> str:
    """Stop watching a source, given its id `ref` or its canonical `uri`; returns the URI."""
    with transaction(con):
        row = con.execute(
            "SELECT source_id, uri FROM core.sources WHERE source_id = ? OR uri = ?", [ref, uri]
        ).fetchone()
        if row is None:
            raise NotFoundError(f"{ref!r} is not on the watchlist; see 'pressdiff watch list'")
        con.execute("DELETE FROM core.sources WHERE source_id = ?", [row[0]])
    return row[1]


def due_sources(con: duckdb.DuckDBPyConnection, now: datetime, force: bool) -> list[Source]:
    """Sources whose next poll is due (all of them with `force`)."""
    rows = con.execute(_DUE_SOURCES, {"force": force, "now": now}).fetchall()
    return [Source(*r) for r in rows]


def polled(
    con: duckdb.DuckDBPyConnection,
    sources: Iterable[Source],
    now: datetime,
    default_every: timedelta,
    fetched_uris: Sequence[str],
) -> None:
    """Record that `sources` were polled now, and when each is due again: after its
    interval, or, when this poll failed (a reject of the poll names the source: its
    `fetched_uris`, each source's URI as the fetcher records it), after 1, 2, 4 ...
    minutes, doubling with each failure in a row, at most the interval."""
    sources = list(sources)
    polled = pa.table(  # noqa: F841
        {
            "source_id": [s.source_id for s in sources],
            "uri": [s.uri for s in sources],
            "fetched_uri": list(fetched_uris),  # as rejects name it
        }
    )
    with transaction(con):
        failures = con.execute(_POLL_FAILURES, {"now": now}).fetchall()
        con.execute(
            "DELETE FROM core.poll_failures WHERE source_id IN (SELECT source_id FROM polled)"
        )
        insert_arrow(
            con,
            "core.poll_failures",
            {"source_id": [r[0] for r in failures], "failures": [r[1] for r in failures]},
        )
        con.execute(_POLL_SCHEDULE, {"now": now, "every": default_every})


def track(
    con: duckdb.DuckDBPyConnection,
    links: Sequence[tuple[str, str | None, datetime | None]],
    source_id: str | None,
    now: datetime,
) -> int:
    """Track new articles (canonical url, site, published_at), due at once; returns how
    many were not tracked yet."""
    if not links:
        return 0
    n = len(links)
    new = pa.table(  # noqa: F841
        {
            "url": pa.array([u for u, _, _ in links], pa.string()),
            "site": pa.array([s for _, s, _ in links], pa.string()),
            "source_id": pa.array([source_id] * n, pa.string()),
            "first_seen": [now] * n,
            "published_at": [p for _, _, p in links],
            "next_check_at": [now] * n,
        }
    )
    with transaction(con):
        before = con.execute("SELECT count(*) FROM core.tracked").fetchone()[0]
        con.execute(_TRACK)
        return con.execute("SELECT count(*) FROM core.tracked").fetchone()[0] - before


def due_articles(con: duckdb.DuckDBPyConnection, now: datetime, force: bool) -> list[tuple]:
    """Tracked articles whose next check is due (every one still scheduled, with `force`):
    url, site, the seven ArticleState fields (first_seen ... n_changes), due at, reason."""
    return con.execute(_DUE_ARTICLES, {"force": force, "now": now}).fetchall()


def site_revisits(con: duckdb.DuckDBPyConnection, sites: Iterable[str | None]) -> list[tuple]:
    """Past revisits of `sites` in order: (site, age from, age to, changed, since change)."""
    wanted = pa.table({"site": pa.array(list({s for s in sites if s}), pa.string())})  # noqa: F841
    return con.execute(_SITE_REVISITS).fetchall()


def outcomes(con: duckdb.DuckDBPyConnection, urls: list[str], run_id: str) -> dict[str, str]:
    """What this run found for each visited URL: changed, unchanged, first or failed."""
    wanted = pa.table({"url": pa.array(urls, pa.string())})  # noqa: F841
    return dict(con.execute(_OUTCOMES, {"run": run_id}).fetchall())


def reschedule(con: duckdb.DuckDBPyConnection, rows: list[dict], now: datetime) -> None:
    """Write each visited article's new state and next check, and its revisits row."""
    if not rows:
        return
    upd = pa.table({k: [r[k] for r in rows] for k in STATE_COLUMNS})  # noqa: F841
    with transaction(con):
        insert_arrow(con, "core.revisits", {k: [r[k] for r in rows] for k in REVISIT_COLUMNS})
        con.execute(_RESCHEDULE, {"now": now})

"""The watchlist (`sources`) and the tracked articles scheduled runs revisit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pyarrow as pa

from pressdiff.errors import NotFoundError, UsageError
from tasks.schedule.revisit import ArticleState, SiteStats
from tasks.web.urls import canonical_url, site_of
from warehouse.fetches import normalized
from warehouse.ids import stable_id
from warehouse.store import insert_arrow

_SQL = Path(__file__).parent / "sql"
_POLL_FAILURES = (_SQL / "poll_failures.sql").read_text()
_POLL_SCHEDULE = (_SQL / "poll_schedule.sql").read_text()

KINDS = ("feed", "sitemap", "page")


@dataclass(slots=True, frozen=True)
class Source:
    """One watched source."""

    source_id: str
    kind: str
    uri: str


def guess_kind(uri: str) -> str:
    """feed, sitemap or page, from the URL alone (polling sniffs the content anyway); a
    homepage is a feed source: polling follows the feeds it advertises."""
    low = uri.lower()
    if urlsplit(uri).path in ("", "/"):
        return "feed"
    if "sitemap" in low:
        return "sitemap"
    if any(k in low for k in ("rss", "atom", "/feed", "feed.", ".xml", "feeds.")):
        return "feed"
    return "page"


def add_source(
    con: duckdb.DuckDBPyConnection,
    uri: str,
    kind: str | None,
    every: timedelta | None,
    now: datetime,
) -> tuple[Source, bool]:
    """Watch `uri` (idempotent); returns the source and whether it is new."""
    if not uri.lower().startswith(("http://", "https://")):
        raise UsageError(f"{uri!r} is not an http(s) URL")
    uri = canonical_url(uri)
    kind = kind or guess_kind(uri)
    if kind not in KINDS:
        raise UsageError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    source = Source(stable_id("source", uri), kind, uri)
    exists = con.execute("SELECT 1 FROM core.sources WHERE uri = ?", [uri]).fetchone()
    if exists:
        con.execute(
            "UPDATE core.sources SET kind = ?, poll_interval = coalesce(?, poll_interval) "
            "WHERE uri = ?",
            [kind, every, uri],
        )
    else:
        con.execute(
            "INSERT INTO core.sources VALUES (?, ?, ?, ?, NULL, ?, ?)",
            [source.source_id, kind, uri, now, now, every],
        )
    return source, not exists


def remove_source(con: duckdb.DuckDBPyConnection, ref: str) -> str:
    """Stop watching a source, given its URI or id; returns the URI."""
    row = con.execute(
        "SELECT source_id, uri FROM core.sources WHERE source_id = ? OR uri = ?",
        [ref, canonical_url(ref)],
    ).fetchone()
    if row is None:
        raise NotFoundError(f"{ref!r} is not on the watchlist; see 'pressdiff watch list'")
    con.execute("DELETE FROM core.sources WHERE source_id = ?", [row[0]])
    return row[1]


def due_sources(con: duckdb.DuckDBPyConnection, now: datetime, force: bool) -> list[Source]:
    """Sources whose next poll is due (all of them with `force`)."""
    rows = con.execute(
        "SELECT source_id, kind, uri FROM core.sources "
        "WHERE $force OR next_poll_at IS NULL OR next_poll_at <= $now ORDER BY uri",
        {"force": force, "now": now},
    ).fetchall()
    return [Source(*r) for r in rows]


def polled(
    con: duckdb.DuckDBPyConnection,
    sources: Iterable[Source],
    now: datetime,
    default_every: timedelta,
) -> None:
    """Record that `sources` were polled now, and when each is due again: after its
    interval, or, when this poll failed (a reject of the poll names the source), after
    1, 2, 4 ... minutes, doubling with each failure in a row, at most the interval."""
    sources = list(sources)
    polled = pa.table(  # noqa: F841
        {
            "source_id": [s.source_id for s in sources],
            "uri": [s.uri for s in sources],
            "fetched_uri": [normalized(s.uri) for s in sources],  # as rejects name it
        }
    )
    con.execute(_POLL_FAILURES, {"now": now})
    con.execute(_POLL_SCHEDULE, {"now": now, "every": default_every})


def track(
    con: duckdb.DuckDBPyConnection,
    links: Iterable[tuple[str, str | None, datetime | None]],
    source_id: str | None,
    now: datetime,
) -> int:
    """Track new article URLs (url, title, published_at), due at once; returns how many."""
    rows: dict[str, tuple] = {}
    for url, _title, published in links:
        u = canonical_url(url)
        rows.setdefault(u, (u, site_of(u), source_id, now, published, now))
    if not rows:
        return 0
    names = ("url", "site", "source_id", "first_seen", "published_at", "next_check_at")
    new = pa.table({n: [r[i] for r in rows.values()] for i, n in enumerate(names)})  # noqa: F841
    before = con.execute("SELECT count(*) FROM core.tracked").fetchone()[0]
    con.execute(
        """INSERT INTO core.tracked (url, site, source_id, first_seen, published_at,
                                     next_check_at, reason)
           SELECT *, 'new link: first fetch' FROM new ANTI JOIN core.tracked USING (url)"""
    )
    return con.execute("SELECT count(*) FROM core.tracked").fetchone()[0] - before


@dataclass(slots=True)
class Due:
    """A tracked article due for a visit, with its scheduling state."""

    url: str
    site: str | None
    state: ArticleState
    due_at: datetime | None
    due_reason: str | None


def due_articles(con: duckdb.DuckDBPyConnection, now: datetime, force: bool) -> list[Due]:
    """Tracked articles whose next check is due (every one still scheduled, with `force`)."""
    rows = con.execute(
        """SELECT url, site, first_seen, published_at, last_checked_at, last_changed_at,
                  n_checks, n_unchanged_streak, n_changes, next_check_at, reason
           FROM core.tracked
           WHERE next_check_at IS NOT NULL AND ($force OR next_check_at <= $now)
           ORDER BY next_check_at, url""",
        {"force": force, "now": now},
    ).fetchall()
    return [Due(r[0], r[1], ArticleState(*r[2:9]), r[9], r[10]) for r in rows]


def site_stats(con: duckdb.DuckDBPyConnection, sites: Iterable[str | None]) -> dict:
    """What each site's past revisits teach, replayed from `revisits`."""
    wanted = pa.table({"site": pa.array(list({s for s in sites if s}), pa.string())})  # noqa: F841
    rows = con.execute(
        """SELECT site, previous_check_at - origin, checked_at - origin, outcome = 'changed',
                  previous_check_at - last_changed_at
           FROM core.revisits SEMI JOIN wanted USING (site)
           WHERE previous_check_at IS NOT NULL AND outcome IN ('changed', 'unchanged')
           ORDER BY checked_at"""
    ).fetchall()
    stats: dict[str, SiteStats] = {}
    for site, age_from, age_to, changed, since in rows:
        stats.setdefault(site, SiteStats()).record(age_from, age_to, changed, since)
    return stats


def outcomes(con: duckdb.DuckDBPyConnection, urls: list[str], run_id: str) -> dict[str, str]:
    """What this run found for each visited URL: changed, unchanged, first or failed."""
    wanted = pa.table({"url": pa.array(urls, pa.string())})  # noqa: F841
    rows = con.execute(
        """SELECT w.url,
                  CASE WHEN r.url IS NOT NULL AND v.version_id IS NULL THEN 'failed'
                       WHEN v.first THEN 'first'
                       WHEN v.version_id IS NOT NULL THEN 'changed'
                       WHEN a.article_id IS NULL THEN 'failed'
                       ELSE 'unchanged' END
           FROM wanted w
           LEFT JOIN core.articles a ON a.url = w.url
           LEFT JOIN (SELECT article_id, any_value(version_id) AS version_id,
                             bool_and(version_no = 1) AS first
                      FROM core.versions WHERE run_id = $run GROUP BY article_id) v
                  ON v.article_id = a.article_id
           LEFT JOIN (SELECT DISTINCT source AS url FROM core.rejects WHERE run_id = $run) r
                  ON r.url = w.url""",
        {"run": run_id},
    ).fetchall()
    return dict(rows)


def reschedule(con: duckdb.DuckDBPyConnection, rows: list[dict], now: datetime) -> None:
    """Write each visited article's new state and next check, and its revisits row."""
    if not rows:
        return
    insert_arrow(
        con,
        "core.revisits",
        {
            k: [r[k] for r in rows]
            for k in (
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
        },
    )
    cols = (
        "url",
        "new_last_changed_at",
        "n_checks",
        "n_unchanged_streak",
        "n_changes",
        "next_check_at",
        "reason",
    )
    upd = pa.table({k: [r[k] for r in rows] for k in cols})  # noqa: F841
    con.execute(
        """UPDATE core.tracked t SET last_checked_at = $now,
               last_changed_at = u.new_last_changed_at, n_checks = u.n_checks,
               n_unchanged_streak = u.n_unchanged_streak, n_changes = u.n_changes,
               next_check_at = u.next_check_at, reason = u.reason
           FROM upd u WHERE t.url = u.url""",
        {"now": now},
    )

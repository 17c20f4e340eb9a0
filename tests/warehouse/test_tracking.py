"""The watchlist and the tracked articles in a real warehouse: rows in, rows out."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from pressdiff.errors import NotFoundError
from warehouse import tracking
from warehouse.connection import connect
from warehouse.ids import stable_id

T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)
HOUR = timedelta(hours=1)
FEED = "https://news.example/feed.xml"


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect(tmp_path / "w.duckdb")
    yield con
    con.close()


def sources(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        "SELECT source_id, kind, uri, added_at, last_polled_at, next_poll_at, poll_interval "
        "FROM core.sources ORDER BY uri"
    ).fetchall()


def test_a_source_is_inserted_once_then_updated(con: duckdb.DuckDBPyConnection) -> None:
    source, new = tracking.add_source(con, FEED, "feed", timedelta(minutes=10), T0)
    assert (source, new) == (tracking.Source(stable_id("source", FEED), "feed", FEED), True)
    assert sources(con) == [(source.source_id, "feed", FEED, T0, None, T0, timedelta(minutes=10))]
    again, new = tracking.add_source(con, FEED, "sitemap", None, T0 + HOUR)
    assert (again.kind, new) == ("sitemap", False)
    # the kind changes; without an interval given, the old one stays; added_at stays
    assert sources(con) == [
        (source.source_id, "sitemap", FEED, T0, None, T0, timedelta(minutes=10))
    ]


def test_a_source_is_removed_by_id_or_uri(con: duckdb.DuckDBPyConnection) -> None:
    a, _ = tracking.add_source(con, FEED, "feed", None, T0)
    tracking.add_source(con, "https://wire.example/sitemap.xml", "sitemap", None, T0)
    assert tracking.remove_source(con, a.source_id, "unused") == FEED
    assert tracking.remove_source(con, "x", "https://wire.example/sitemap.xml") == (
        "https://wire.example/sitemap.xml"
    )
    assert sources(con) == []
    with pytest.raises(NotFoundError, match="'x' is not on the watchlist; see 'pressdiff"):
        tracking.remove_source(con, "x", "https://nowhere.example/")


def test_due_sources_are_the_unpolled_and_the_overdue(con: duckdb.DuckDBPyConnection) -> None:
    a, _ = tracking.add_source(con, FEED, "feed", None, T0)
    b, _ = tracking.add_source(con, "https://paper.example/", "feed", None, T0)
    con.execute("UPDATE core.sources SET next_poll_at = ? WHERE uri = ?", [T0 + HOUR, FEED])
    assert tracking.due_sources(con, T0, force=False) == [b]
    assert tracking.due_sources(con, T0, force=True) == [a, b]  # ordered by uri
    assert tracking.due_sources(con, T0 + HOUR, force=False) == [a, b]


def test_tracked_links_are_inserted_once(con: duckdb.DuckDBPyConnection) -> None:
    links = [
        ("https://news.example/a", "news.example", T0 - HOUR),
        ("https://x.example/b", None, None),
    ]
    assert tracking.track(con, links, "src", T0) == 2
    assert (
        tracking.track(
            con, [*links, ("https://news.example/c", "news.example", None)], None, T0 + HOUR
        )
        == 1
    )
    assert tracking.track(con, [], None, T0) == 0
    rows = con.execute(
        "SELECT url, site, source_id, first_seen, published_at, next_check_at, reason, n_checks "
        "FROM core.tracked ORDER BY url"
    ).fetchall()
    first = "new link: first fetch"
    assert rows == [
        ("https://news.example/a", "news.example", "src", T0, T0 - HOUR, T0, first, 0),
        ("https://news.example/c", "news.example", None, T0 + HOUR, None, T0 + HOUR, first, 0),
        ("https://x.example/b", None, "src", T0, None, T0, first, 0),
    ]


def test_due_articles_and_their_rescheduling(con: duckdb.DuckDBPyConnection) -> None:
    tracking.track(con, [("https://news.example/a", "news.example", T0 - HOUR)], None, T0)
    tracking.track(con, [("https://news.example/b", "news.example", None)], None, T0 + HOUR)
    state = (T0, T0 - HOUR, None, None, 0, 0, 0)
    a = ("https://news.example/a", "news.example", *state, T0, "new link: first fetch")
    assert tracking.due_articles(con, T0, force=False) == [a]
    assert [r[0] for r in tracking.due_articles(con, T0, force=True)] == [
        "https://news.example/a",
        "https://news.example/b",
    ]
    row = {
        "url": "https://news.example/a",
        "site": "news.example",
        "checked_at": T0 + HOUR,
        "due_at": T0,
        "due_reason": "new link: first fetch",
        "previous_check_at": None,
        "origin": T0 - HOUR,
        "last_changed_at": None,
        "outcome": "first",
        "next_check_at": T0 + 2 * HOUR,
        "reason": "every 15 min",
        "run_id": "run",
        "new_last_changed_at": T0 + HOUR,
        "n_checks": 1,
        "n_unchanged_streak": 0,
        "n_changes": 1,
    }
    tracking.reschedule(con, [row], T0 + HOUR)
    tracking.reschedule(con, [], T0 + HOUR)  # nothing visited: nothing written
    assert con.execute(
        "SELECT last_checked_at, last_changed_at, n_checks, n_unchanged_streak, n_changes, "
        "next_check_at, reason FROM core.tracked WHERE url = 'https://news.example/a'"
    ).fetchall() == [(T0 + HOUR, T0 + HOUR, 1, 0, 1, T0 + 2 * HOUR, "every 15 min")]
    assert con.execute("SELECT url, outcome, run_id FROM core.revisits").fetchall() == [
        ("https://news.example/a", "first", "run")
    ]


def test_site_revisits_are_the_checks_that_teach(con: duckdb.DuckDBPyConnection) -> None:
    base = {
        "site": "news.example",
        "due_at": None,
        "due_reason": None,
        "origin": T0,
        "next_check_at": None,
        "reason": "r",
        "run_id": "run",
    }
    checks = [
        {
            "url": "u1",
            "checked_at": T0 + HOUR,
            "previous_check_at": None,
            "last_changed_at": None,
            "outcome": "first",
        },
        {
            "url": "u1",
            "checked_at": T0 + 3 * HOUR,
            "previous_check_at": T0 + HOUR,
            "last_changed_at": None,
            "outcome": "changed",
        },
        {
            "url": "u1",
            "checked_at": T0 + 5 * HOUR,
            "previous_check_at": T0 + 3 * HOUR,
            "last_changed_at": T0 + 3 * HOUR,
            "outcome": "unchanged",
        },
        {
            "url": "u1",
            "checked_at": T0 + 6 * HOUR,
            "previous_check_at": T0 + 5 * HOUR,
            "last_changed_at": None,
            "outcome": "failed",
        },
    ]
    from warehouse.store import insert_arrow

    rows = [{**base, **c} for c in checks]
    insert_arrow(con, "core.revisits", {k: [r[k] for r in rows] for k in tracking.REVISIT_COLUMNS})
    assert tracking.site_revisits(con, ["news.example", None, "other.example"]) == [
        ("news.example", HOUR, 3 * HOUR, True, None),
        ("news.example", 3 * HOUR, 5 * HOUR, False, timedelta(0)),
    ]


def test_outcomes_of_a_run(con: duckdb.DuckDBPyConnection) -> None:
    from tasks.steps.load import store_articles
    from warehouse.records import Article, Reject
    from warehouse.store import store_rejects

    def article(url: str, text_hash: str) -> Article:
        return Article(
            "s",
            url,
            url,
            "news.example",
            None,
            None,
            None,
            None,
            None,
            f"text {text_hash}",
            [],
            text_hash,
            2,
            "test",
        )

    store_articles(con, [article("https://n.example/old", "h1")], "before", T0)
    store_articles(con, [article("https://n.example/same", "h2")], "before", T0)
    store_articles(con, [article("https://n.example/old", "h3")], "run", T0 + HOUR)
    store_articles(con, [article("https://n.example/new", "h4")], "run", T0 + HOUR)
    store_rejects(con, [Reject("https://n.example/gone", "fetch failed")], "run", T0 + HOUR)
    urls = [f"https://n.example/{p}" for p in ("old", "same", "new", "gone", "never")]
    assert tracking.outcomes(con, urls, "run") == {
        "https://n.example/old": "changed",
        "https://n.example/same": "unchanged",
        "https://n.example/new": "first",
        "https://n.example/gone": "failed",
        "https://n.example/never": "failed",
    }

"""A failed poll of a watched source is retried after 1, 2, 4 ... minutes, not the interval."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from tasks.steps import watchlist
from tasks.web.urls import recorded_url
from warehouse import store, tracking
from warehouse.connection import connect
from warehouse.records import Reject

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
EVERY = timedelta(minutes=15)


@pytest.fixture
def con(tmp_path: Path):
    connection = connect(tmp_path / "w.duckdb")
    yield connection
    connection.close()


def poll(
    con: duckdb.DuckDBPyConnection, source: tracking.Source, at: datetime, *rejects: Reject
) -> timedelta:
    """One poll of `source` at `at` with these rejects; returns how long until the next."""
    store.store_rejects(con, list(rejects), "run", at)
    tracking.polled(con, [source], at, EVERY, [recorded_url(source.uri)])
    last, following = con.execute(
        "SELECT last_polled_at, next_poll_at FROM sources WHERE source_id = ?", [source.source_id]
    ).fetchone()
    assert last == at
    return following - at


def test_failed_polls_back_off_from_a_minute_to_the_interval(con) -> None:
    source, _ = watchlist.add_source(con, "https://news.example/feed.xml", "feed", None, START)
    failure = Reject(source.uri, "fetch failed", "HTTP 503")
    waits, at = [], START
    for ok in [False, False, False, False, False, True, False, True]:
        wait = poll(con, source, at) if ok else poll(con, source, at, failure)
        waits.append(wait)
        at += wait
    assert [w // timedelta(minutes=1) for w in waits] == [1, 2, 4, 8, 15, 15, 1, 15]


def test_what_counts_as_a_failed_poll(con) -> None:
    feed, _ = watchlist.add_source(con, "https://news.example/feed.xml", "feed", None, START)
    home, _ = watchlist.add_source(con, "https://paper.example/", "feed", None, START)
    index, _ = watchlist.add_source(con, "https://wire.example/sitemap.xml", "sitemap", None, START)
    rejects = [
        Reject("https://paper.example/", "no feed", "the page advertises no feed"),
        Reject(index.uri, "limit reached", "21 sitemaps and feeds not followed: over 50"),
        Reject("https://news.example/a/1", "fetch failed", "HTTP 404"),  # an article, not it
    ]
    store.store_rejects(con, rejects, "run", START)
    store.store_rejects(con, [Reject(feed.uri, "fetch failed", "old")], "old", START - EVERY)
    tracking.polled(
        con, [feed, home, index], START, EVERY, [recorded_url(s.uri) for s in (feed, home, index)]
    )
    assert con.execute(
        "SELECT uri, next_poll_at - last_polled_at FROM sources ORDER BY uri"
    ).fetchall() == [
        ("https://news.example/feed.xml", EVERY),
        ("https://paper.example/", timedelta(minutes=1)),
        ("https://wire.example/sitemap.xml", EVERY),
    ]


def test_a_source_polled_every_few_seconds_retries_within_its_interval(con) -> None:
    source, _ = watchlist.add_source(
        con, "https://news.example/feed.xml", "feed", timedelta(seconds=30), START
    )
    failure = Reject(source.uri, "fetch failed", "connection failed")
    assert poll(con, source, START, failure) == timedelta(seconds=30)

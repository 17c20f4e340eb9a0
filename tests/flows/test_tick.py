"""Scheduled ticks on the real Prefect engine against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from flows.settings import Settings
from flows.tick import tick
from tasks.steps import watchlist
from tasks.steps.schedule import tick_lock
from tests.helpers import PARAS, feed, open_db
from tests.httpserver import Response, article, make_server
from warehouse.connection import close_warehouse, warehouse

pytestmark = pytest.mark.usefixtures("prefect")


def settings(**kw) -> Settings:
    return Settings(allow_private=True, host_delay=0, fetch_retries=0, workers=0, **kw)


def run(db: Path, s: Settings | None = None, **kw):
    try:
        return tick(db=str(db), settings=s or settings(), **kw)
    finally:
        close_warehouse(str(db))


def rows(db: Path, sql: str) -> list[tuple]:
    with open_db(db) as con:
        return con.execute(sql).fetchall()


@pytest.fixture
def site():
    with make_server() as server:
        base = server.url("")
        server.set("/robots.txt", Response(404))
        server.set(
            "/feed.xml", Response(body=feed(base, "/a", "/b"), content_type="application/rss+xml")
        )
        server.set("/a", Response(body=article("Flood gates open", *PARAS), etag='"a1"'))
        server.set(
            "/b",
            Response(
                body=article(
                    "Harbour wall", *reversed(PARAS[:2]), "The wall was finished in the spring."
                ),
                etag='"b1"',
            ),
        )
        yield server


def test_two_ticks_track_revisit_and_reschedule(tmp_path, site):
    db = tmp_path / "w.duckdb"
    con = warehouse(str(db))
    watchlist.add_source(con, site.url("/feed.xml"), "feed", None, datetime.now(UTC))
    close_warehouse(str(db))

    first = run(db)
    assert (first.tracked_new, first.articles_new, first.versions_new) == (2, 2, 2)
    assert rows(db, "select outcome, count(*) from revisits group by 1") == [("first", 2)]
    # each tracked article has its next check and the reason for it
    tracked = rows(
        db, "select url, n_checks, next_check_at > now(), reason from tracked_articles order by url"
    )
    assert [(u.rsplit("/", 1)[-1], n, later) for u, n, later, _ in tracked] == [
        ("a", 0, True),
        ("b", 0, True),
    ]
    assert all(r.startswith("tier <3h: every 15 min") for *_, r in tracked)

    site.set(
        "/a",
        Response(
            body=article(
                "Flood gates open early",
                *PARAS[:2],
                "About 3,400 homes lie behind the new defences.",
            ),
            etag='"a2"',
        ),
    )
    site.set("/hook", Response(204))
    hooks = {"headline changed": site.url("/hook"), "correction added": site.url("/none")}
    second = run(db, settings(webhooks=hooks), force=True)
    assert (second.versions_new, second.unchanged, second.rejected) == (1, 1, 0)
    # the unchanged article cost a 304, the changed one a 200 and a revision comparison
    assert [h.headers.get("if-none-match") for h in site.hits("/b")] == [None, '"b1"']
    assert rows(
        db,
        "select split_part(url, '/', -1), status_code from fetches "
        "where url like '%/b' order by fetched_at",
    ) == [("b", 200), ("b", 304)]
    assert rows(db, "select relation, n_changed from comparisons where relation = 'revision'") == [
        ("revision", 1)
    ]
    assert rows(
        db,
        "select split_part(url, '/', -1), outcome from revisits "
        "where run_id = (select max_by(run_id, started_at) from runs) "
        "order by 1",
    ) == [("a", "changed"), ("b", "unchanged")]
    assert rows(db, "select rule from notable_changes order by rule") == [
        ("headline changed",),
        ("number changed",),
    ]
    # the webhook of the rule that matched got one JSON summary; the other got nothing
    (post,) = site.hits("/hook")
    assert post.method == "POST" and json.loads(post.body) == {
        "run_id": rows(db, "select max_by(run_id, started_at) from runs")[0][0],
        "changes": [
            {
                "url": site.url("/a"),
                "rule": "headline changed",
                "detail": "Flood gates open → Flood gates open early",
            }
        ],
    }
    assert site.hits("/none") == []
    # a change brings the next check sooner than an unchanged streak does
    (a_next,), (b_next,) = rows(db, "select next_check_at from tracked_articles order by url")
    assert a_next < b_next
    # the watched feed was polled twice (--force) and is due again later
    assert rows(db, "select last_polled_at is not null, next_poll_at > now() from sources") == [
        (True, True)
    ]


def test_nothing_due_means_no_requests(tmp_path, site):
    db = tmp_path / "w.duckdb"
    con = warehouse(str(db))
    watchlist.add_source(con, site.url("/feed.xml"), "feed", timedelta(hours=1), datetime.now(UTC))
    close_warehouse(str(db))
    run(db)
    hits = len(site.hits("/a")) + len(site.hits("/feed.xml"))
    summary = run(db)  # nothing is due yet: no poll, no revisit
    assert (summary.inputs, summary.versions_new) == (0, 0)
    assert len(site.hits("/a")) + len(site.hits("/feed.xml")) == hits


def test_an_overlapping_tick_is_skipped(tmp_path, site):
    db = tmp_path / "w.duckdb"
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with tick_lock(str(db)) as ok:
            assert ok
            held.set()
            release.wait(30)

    t = threading.Thread(target=hold)
    t.start()
    try:
        held.wait(10)
        summary = run(db)
    finally:
        release.set()
        t.join()
    assert summary.status == "skipped: another tick is running"
    assert not db.exists() or rows(db, "select count(*) from runs") == [(0,)]


def test_a_watched_homepage_is_read_through_the_feed_it_advertises(tmp_path, site):
    site.set(
        "/",
        Response(
            body=(
                '<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml">'
                "</head><body><h1>The Millbrook Herald</h1></body></html>"
            )
        ),
    )
    db = tmp_path / "w.duckdb"
    con = warehouse(str(db))
    source, _ = watchlist.add_source(con, site.url("/"), None, None, datetime.now(UTC))
    close_warehouse(str(db))
    assert source.kind == "feed"  # a homepage is watched through its feed
    summary = run(db)
    assert (summary.tracked_new, summary.versions_new) == (2, 2)
    assert rows(db, "select split_part(url, '/', -1) from tracked_articles order by 1") == [
        ("a",),
        ("b",),
    ]
    assert rows(
        db,
        "select count(*) from versions v join articles a using (article_id) "
        f"where a.url = '{site.url('/')}'",
    ) == [(0,)]  # the homepage is no article


def test_a_watched_homepage_without_a_feed_is_a_reject_of_the_run(tmp_path, site):
    site.set("/", Response(body="<html><body><h1>The Millbrook Herald</h1></body></html>"))
    db = tmp_path / "w.duckdb"
    con = warehouse(str(db))
    watchlist.add_source(con, site.url("/"), "feed", None, datetime.now(UTC))
    close_warehouse(str(db))
    summary = run(db)
    assert (summary.rejected, summary.reject_reasons, summary.status) == (
        1,
        {"no feed": 1},
        "completed_with_rejects",
    )
    assert rows(db, f"select source, reason from rejects where run_id = '{summary.run_id}'") == [
        (site.url("/"), "no feed")
    ]

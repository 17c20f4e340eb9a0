"""Fetching through the ingest flow: pages, feeds and sitemaps served by a real HTTP server
on 127.0.0.1, conditional requests, failures that become rejects, and web archives.

Every page here is fictional and written for these tests.
"""

from __future__ import annotations

import gzip
import time
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path

import pytest

from flows.settings import Settings
from flows.tick import tick
from pressdiff.cli import main
from tasks.inputs.warc import iter_warc, iter_warcs
from tasks.steps import watchlist
from tasks.steps.fetch import expand as expand_step
from tasks.text.extract import extract_document
from tasks.web.snapshots import content_hash
from tasks.web.urls import canonical_url
from tests.helpers import FAST, STORIES, corpus, query
from tests.helpers import fetch_run as run
from tests.httpserver import (
    LocalServer,
    Response,
    article,
    fail_then,
    http_date,
    redirect,
    robots,
    rss,
    sitemap,
    sitemap_index,
)
from tests.httpserver import http_server as http_server  # the fixture
from warehouse.connection import _connections as warehouse_connections
from warehouse.connection import close_warehouse, warehouse
from warehouse.records import Article, Document
from warehouse.transaction import _open as open_transactions

pytestmark = pytest.mark.usefixtures("prefect")

# --- Pages and sources ----------------------------------------------------------------------


def page(slug: str, *extra: str) -> str:
    """The article page of story `slug`, with `extra` paragraphs appended (an update)."""
    title, *paragraphs = STORIES[slug]
    return article(title, *paragraphs, *extra)


UPDATE = "Late on Monday the council added that the pier will also get a new lifeboat slipway."


def atom(entries: list[tuple[str, str, str]]) -> str:
    """An Atom feed of (link, title, updated) entries."""
    parts = [
        f'<entry><title>{escape(title)}</title><link href="{escape(link)}"/>'
        f"<id>{escape(link)}</id><updated>{updated}</updated></entry>"
        for link, title, updated in entries
    ]
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Valley Post</title><id>urn:valley-post</id>"
        "<updated>2024-05-02T08:00:00Z</updated>" + "".join(parts) + "</feed>"
    )


def xml(body: str, content_type: str = "application/xml") -> Response:
    return Response(body=body, content_type=content_type)


# --- Running and reading --------------------------------------------------------------------


FETCH_ROW = """select url, final_url, status_code, error, bytes, etag, last_modified,
                      content_type, snapshot
               from fetches where run_id = ? order by url, fetched_at"""
REJECTS = "select source, reason, detail from rejects where run_id = ? order by source"
HTML = "text/html; charset=utf-8"


def counts(summary) -> tuple[int, int, int, int, int]:
    return (
        summary.articles_new,
        summary.versions_new,
        summary.unchanged,
        summary.rejected,
        summary.comparisons,
    )


# --- One page -------------------------------------------------------------------------------


def test_cli_ingest_of_a_page_url(tmp_path, http_server: LocalServer, monkeypatch, capsys):
    body = page("pier").encode()
    http_server.set("/news/pier", Response(body=body, etag='"pier-1"'))
    monkeypatch.setenv("PRESSDIFF_HOST_DELAY", "0")
    monkeypatch.setenv("PRESSDIFF_FETCH_RETRIES", "1")
    db = tmp_path / "w.duckdb"
    url = http_server.url("/news/pier")
    argv = ["ingest", url + "?utm_source=newsletter", "--db", str(db), "--allow-private"]
    code = main([*argv, "--workers", "0"])
    close_warehouse(str(db))
    assert code == 0, capsys.readouterr().err
    digest = content_hash(body)
    assert query(db, "select url, site, n_versions from articles") == [(url, "127.0.0.1", 1)]
    (run_id,) = query(db, "select run_id from runs")[0]
    assert query(db, FETCH_ROW, [run_id]) == [
        (url, url, 200, None, len(body), '"pier-1"', None, HTML, digest)
    ]
    fetched_at = query(db, "select fetched_at from fetches")[0][0]
    assert query(db, "select version_no, title, seen_at, source, n_words from versions") == [
        (1, "Harbour council backs new pier", fetched_at, url, 56)
    ]
    snapshot = Path(f"{db}.snapshots") / digest[:2] / digest[2:4] / f"{digest}.gz"
    assert gzip.decompress(snapshot.read_bytes()) == body
    assert query(db, "select status, n_versions_new, n_rejected from runs") == [("completed", 1, 0)]
    assert [r.path for r in http_server.requests] == ["/robots.txt", "/news/pier"]


def test_second_ingest_of_a_page_url_is_a_sighting(tmp_path, http_server: LocalServer):
    http_server.set("/news/pier", Response(body=page("pier"), etag='"pier-1"'))
    db = tmp_path / "w.duckdb"
    url = http_server.url("/news/pier")
    first = run([url], db)
    second = run([url], db)
    assert counts(first) == (1, 1, 0, 0, 0)
    assert counts(second) == (0, 0, 1, 0, 0)
    assert query(db, "select count(*) from versions") == [(1,)]
    assert query(
        db,
        "select s.version_id = a.latest_version_id, s.run_id, s.source "
        "from core.sightings s, articles a",
    ) == [(True, second.run_id, url)]


def test_second_ingest_of_a_page_url_asks_if_none_match(tmp_path, http_server: LocalServer):
    http_server.set("/news/pier", Response(body=page("pier"), etag='"pier-1"'))
    db = tmp_path / "w.duckdb"
    url = http_server.url("/news/pier")
    run([url], db)
    second = run([url], db)
    assert [h.headers.get("if-none-match") for h in http_server.hits("/news/pier")] == [
        None,
        '"pier-1"',
    ]
    assert counts(second) == (0, 0, 1, 0, 0)
    assert query(
        db, "select status_code, bytes, snapshot from fetches where run_id = ?", [second.run_id]
    ) == [(304, 0, None)]


# --- Conditional requests for article links -------------------------------------------------


@pytest.mark.parametrize(
    ("validator", "changed", "header"),
    [
        ({"etag": '"pier-1"'}, {"etag": '"pier-2"'}, "if-none-match"),
        (
            {"last_modified": http_date(1_714_550_400)},
            {"last_modified": http_date(1_714_636_800)},
            "if-modified-since",
        ),
    ],
    ids=["etag", "last-modified"],
)
def test_unchanged_article_is_not_fetched_again_and_a_change_is_a_revision(
    tmp_path, http_server: LocalServer, validator, changed, header
):
    url = http_server.url("/news/pier")
    feed_body = rss([(url, None, None)])
    http_server.update(
        {
            "/feed.xml": xml(feed_body, "application/rss+xml"),
            "/news/pier": Response(body=page("pier"), **validator),
        }
    )
    db = tmp_path / "w.duckdb"
    feed = http_server.url("/feed.xml")
    first = run([feed], db)
    second = run([feed], db)
    assert counts(first) == (1, 1, 0, 0, 0)
    assert counts(second) == (0, 0, 1, 0, 0)
    sent = validator.get("etag") or validator.get("last_modified")
    assert [h.headers.get(header) for h in http_server.hits("/news/pier")] == [None, sent]
    etag, last_modified = validator.get("etag"), validator.get("last_modified")
    assert query(db, FETCH_ROW, [second.run_id]) == [
        (feed, feed, 200, None, len(feed_body), None, None, "application/rss+xml",
         content_hash(feed_body.encode())),
        (url, url, 304, None, 0, etag, last_modified, None, None),  # no body, no snapshot
    ]  # fmt: skip
    (fetched_at,) = query(db, "select fetched_at from fetches where status_code = 304")[0]
    (v1,) = query(db, "select version_id from versions")[0]
    assert query(db, "select version_id, seen_at, run_id, source from core.sightings") == [
        (v1, fetched_at, second.run_id, url)
    ]
    assert query(db, "select n_unchanged, status from runs where run_id = ?", [second.run_id]) == [
        (1, "completed")
    ]

    http_server.set("/news/pier", Response(body=page("pier", UPDATE), **changed))
    third = run([feed], db)
    assert counts(third) == (0, 1, 0, 0, 1)
    assert query(db, "select version_no, n_words from versions order by version_no") == [
        (1, 56),
        (2, 72),
    ]
    assert query(
        db,
        """select c.relation, c.n_same, c.n_added, c.n_removed, c.n_changed
           from comparisons c join versions o on o.version_id = c.old_version_id
           join versions n on n.version_id = c.new_version_id
           where o.version_no = 1 and n.version_no = 2""",
    ) == [("revision", 3, 1, 0, 0)]


# --- Feeds and sitemaps ---------------------------------------------------------------------


def test_feeds_sitemaps_and_a_local_feed_file_lead_to_every_article(
    tmp_path, http_server: LocalServer
):
    u = {slug: http_server.url(f"/a/{slug}") for slug in STORIES}
    routes = {f"/a/{slug}": Response(body=page(slug)) for slug in STORIES}
    pubdate = "Wed, 01 May 2024 09:30:00 GMT"
    routes |= {
        "/rss.xml": xml(
            rss([(u["pier"], "Pier plan wins council vote", pubdate), (u["library"], None, None)]),
            "application/rss+xml",
        ),
        "/atom.xml": xml(
            atom([(u["tram"], "Green light for tram extension", "2024-05-02T07:00:00Z")]),
            "application/atom+xml",
        ),
        "/sitemap.xml": xml(sitemap([u["orchard"]])),
        "/sitemap-index.xml": xml(
            sitemap_index([http_server.url("/sitemaps/1.xml"), http_server.url("/sitemaps/2.xml")])
        ),
        "/sitemaps/1.xml": xml(sitemap([u["choir"]])),
        "/sitemaps/2.xml": xml(sitemap([u["bridge"]])),
    }
    http_server.update(routes)
    local = tmp_path / "local-feed.xml"
    local.write_text(rss([(u["lighthouse"], "Gullrock cottage sells for double", None)]))
    db = tmp_path / "w.duckdb"
    sources = ["/rss.xml", "/atom.xml", "/sitemap.xml", "/sitemap-index.xml"]
    summary = run([*map(http_server.url, sources), local], db)
    assert counts(summary) == (7, 7, 0, 0, 0)
    assert summary.status == "completed"
    assert query(
        db,
        """select a.url, v.title, v.published_at, v.source
           from versions v join articles a using (article_id) order by a.url""",
    ) == [
        (u["bridge"], "Footbridge closed for repairs", None, u["bridge"]),
        (u["choir"], "Miners' choir celebrates centenary", None, u["choir"]),
        (u["library"], "Village library reopens after flood", None, u["library"]),
        (u["lighthouse"], "Gullrock cottage sells for double", None, u["lighthouse"]),
        (u["orchard"], "Frost threatens apple harvest", None, u["orchard"]),
        (u["pier"], "Pier plan wins council vote", datetime(2024, 5, 1, 9, 30, tzinfo=UTC),
         u["pier"]),
        (u["tram"], "Green light for tram extension", datetime(2024, 5, 2, 7, tzinfo=UTC),
         u["tram"]),
    ]  # fmt: skip
    fetched = sources + ["/sitemaps/1.xml", "/sitemaps/2.xml"] + [f"/a/{s}" for s in STORIES]
    fetched.remove("/a/market")
    assert query(db, "select url, final_url, status_code, error from fetches order by url") == [
        (http_server.url(p), http_server.url(p), 200, None) for p in sorted(fetched)
    ]
    assert http_server.hits("/a/market") == []


# --- Failures -------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.mark.parametrize("via", ["urls", "feed"])
def test_failed_fetches_are_rejects_and_the_run_goes_on(tmp_path, http_server: LocalServer, via):
    http_server.update(
        {
            "/robots.txt": robots("User-agent: *\nDisallow: /private/\n"),
            "/flaky": fail_then(1, Response(status=500, body="<p>Busy</p>"), Response(
                body=page("library"))),
            "/private/memo": Response(body=page("tram")),
            "/chart.png": Response(body=PNG, content_type="image/png"),
            "/old": redirect("/mid", 301),
            "/mid": redirect("/final?utm_medium=social"),
            "/final": Response(body=page("orchard")),
        }
    )  # fmt: skip
    paths = ["/missing", "/flaky", "/private/memo", "/chart.png", "/old"]
    urls = [http_server.url(p) for p in paths]
    if via == "feed":
        http_server.set(
            "/feed.xml", xml(rss([(u, None, None) for u in urls]), "application/rss+xml")
        )
        sources = [http_server.url("/feed.xml")]
    else:
        sources = urls
    db = tmp_path / "w.duckdb"
    summary = run(sources, db)
    missing, flaky, memo, png, old = urls
    final = http_server.url("/final")
    assert counts(summary) == (2, 2, 0, 3, 0)
    assert summary.reject_reasons == {"fetch failed": 3}
    assert query(db, "select status, n_rejected from runs") == [("completed_with_rejects", 3)]
    rows = query(
        db,
        """select url, final_url, status_code, error, bytes is not null, content_type
           from fetches where url not like '%/feed.xml' order by url, fetched_at""",
    )
    assert rows == [
        (png, png, 200, "content type image/png is not an article", False, "image/png"),
        (flaky, flaky, 500, "HTTP 500", False, HTML),
        (flaky, flaky, 200, None, True, HTML),
        (missing, missing, 404, "HTTP 404", False, HTML),
        (old, final + "?utm_medium=social", 200, None, True, HTML),
        (memo, memo, None, "robots.txt disallows", False, None),
    ]
    assert query(db, REJECTS, [summary.run_id]) == [
        (png, "fetch failed", "content type image/png is not an article"),
        (missing, "fetch failed", "HTTP 404"),
        (memo, "fetch failed", "robots.txt disallows"),
    ]
    assert query(
        db, "select a.url, v.source from versions v join articles a using (article_id) order by 1"
    ) == [(final, old), (flaky, flaky)]
    assert http_server.hits("/private/memo") == []
    assert [
        len(http_server.hits(p)) for p in ("/flaky", "/old", "/mid", "/final?utm_medium=social")
    ] == [2, 1, 1, 1]


def test_private_addresses_are_refused_by_default(tmp_path, http_server: LocalServer):
    http_server.set("/news/pier", Response(body=page("pier")))
    url = http_server.url("/news/pier")
    local = tmp_path / "links.rss"
    local.write_text(rss([(http_server.url("/news/other"), "Other news", None)]))
    db = tmp_path / "w.duckdb"
    summary = run([url, local], db, allow_private=False)
    refusal = "blocked: loopback address 127.0.0.1"
    assert counts(summary) == (0, 0, 0, 2, 0)
    other = http_server.url("/news/other")
    assert query(db, REJECTS, [summary.run_id]) == [
        (other, "fetch failed", refusal),
        (url, "fetch failed", refusal),
    ]
    assert query(db, FETCH_ROW, [summary.run_id]) == [
        (other, other, None, refusal, None, None, None, None, None),
        (url, url, None, refusal, None, None, None, None, None),
    ]
    assert http_server.requests == []


# --- Known bugs -----------------------------------------------------------------------------


def test_redirected_article_not_modified_is_a_sighting(tmp_path, http_server: LocalServer):
    http_server.update(
        {
            "/feed.xml": xml(rss([(http_server.url("/old"), None, None)]), "application/rss+xml"),
            "/old": redirect("/final", 301),
            "/final": Response(body=page("pier"), etag='"pier-1"'),
        }
    )
    db = tmp_path / "w.duckdb"
    feed = http_server.url("/feed.xml")
    assert counts(run([feed], db)) == (1, 1, 0, 0, 0)
    second = run([feed], db)
    assert [h.headers.get("if-none-match") for h in http_server.hits("/final")] == [
        None,
        '"pier-1"',
    ]
    assert query(db, REJECTS, [second.run_id]) == []
    assert counts(second) == (0, 0, 1, 0, 0)


def test_feed_title_kept_for_a_link_with_tracking_parameters(tmp_path, http_server: LocalServer):
    link = http_server.url("/news/pier?utm_source=rss")
    http_server.update(
        {
            "/feed.xml": xml(
                rss([(link, "Pier plan wins council vote", None)]), "application/rss+xml"
            ),
            "/news/pier": Response(body=page("pier")),
        }
    )
    db = tmp_path / "w.duckdb"
    run([http_server.url("/feed.xml")], db)
    assert query(db, "select title from versions") == [("Pier plan wins council vote",)]


def test_a_fetched_feed_item_whose_link_names_no_page_is_a_reject(
    tmp_path, http_server: LocalServer
):
    good = http_server.url("/news/pier")
    feed = rss([(good, "Pier plan wins council vote", None), ("javascript:alert(1)", "Bad", None)])
    http_server.update(
        {
            "/feed.xml": xml(feed, "application/rss+xml"),
            "/news/pier": Response(body=page("pier")),
        }
    )
    db = tmp_path / "w.duckdb"
    summary = run([http_server.url("/feed.xml")], db)
    assert query(db, "select title from versions") == [("Pier plan wins council vote",)]
    assert summary.rejected == 1
    rejects = query(db, REJECTS, [summary.run_id])
    assert len(rejects) == 1 and "javascript:alert(1)" in rejects[0][2] + rejects[0][0]


def test_link_with_tracking_parameters_is_fetched_conditionally(tmp_path, http_server: LocalServer):
    link = http_server.url("/news/pier?utm_source=rss")
    http_server.update(
        {
            "/feed.xml": xml(rss([(link, None, None)]), "application/rss+xml"),
            "/news/pier": Response(body=page("pier"), etag='"pier-1"'),
        }
    )
    db = tmp_path / "w.duckdb"
    run([http_server.url("/feed.xml")], db)
    run([http_server.url("/feed.xml")], db)
    assert [h.headers.get("if-none-match") for h in http_server.hits("/news/pier")] == [
        None,
        '"pier-1"',
    ]


def test_page_fetched_but_never_stored_is_fetched_in_full_again(tmp_path, http_server: LocalServer):
    url = http_server.url("/news/pier")
    http_server.update(
        {
            "/feed.xml": xml(rss([(url, None, None)]), "application/rss+xml"),
            "/news/pier": Response(body=page("pier"), etag='"pier-1"'),
        }
    )
    db = tmp_path / "w.duckdb"
    first = run([http_server.url("/feed.xml")], db, min_words=100)
    assert query(db, REJECTS, [first.run_id]) == [(url, "too short", "56 words, fewer than 100")]
    second = run([http_server.url("/feed.xml")], db)
    assert query(db, REJECTS, [second.run_id]) == []
    assert counts(second) == (1, 1, 0, 0, 0)
    # no validator was sent the second time: nothing of the page was kept to compare with
    assert [h.headers.get("if-none-match") for h in http_server.hits("/news/pier")] == [None, None]


# --- Limits on what sources lead to ---------------------------------------------------------


def nested_indexes(fanout: int):
    """A route answering every /idx?n=K with a sitemap index of `fanout` further indexes."""

    def route(request):
        n = int(request.path.partition("n=")[2] or 0)
        children = [f"/idx?n={n * fanout + i + 1}" for i in range(fanout)]
        return xml(sitemap_index(["http://" + request.headers["host"] + c for c in children]))

    return route


def test_sitemap_index_recursion_stops_at_the_source_limit(tmp_path, http_server: LocalServer):
    # the case: an index of 30 indexes of 30 made 579 requests with 930 planned
    http_server.set("/idx", nested_indexes(30))
    db = tmp_path / "w.duckdb"
    url = http_server.url("/idx?n=0")
    summary = run([url], db, max_sitemaps_per_source=10)
    assert len([r for r in http_server.requests if r.path.startswith("/idx")]) == 10
    assert query(db, REJECTS, [summary.run_id]) == [
        (url, "limit reached",
         "21 sitemaps and feeds not followed: over 10 per source "
         "(PRESSDIFF_MAX_SITEMAPS_PER_SOURCE)"),
        (url, "limit reached",
         "270 sitemaps and feeds not followed: over 10 per source "
         "(PRESSDIFF_MAX_SITEMAPS_PER_SOURCE)"),
    ]  # fmt: skip
    assert summary.reject_reasons == {"limit reached": 2}
    assert query(db, "select status, n_rejected from runs") == [("completed_with_rejects", 2)]


def expand(db: Path, urls: list[str], run_id: str | None = None, **kw):
    """The step under `expand_sources` itself (no flow): what the sources lead to, and the
    rejects."""
    try:
        run_id = run_id or uuid.uuid4().hex
        s = Settings(**(FAST | kw))
        return expand_step(str(db), urls, run_id, s.fetch, s.crawl)
    finally:
        close_warehouse(str(db))


def test_feed_links_are_capped_per_source_and_per_run(tmp_path, http_server: LocalServer):
    items = [(http_server.url(f"/a?n={n}"), None, None) for n in range(1000)]
    http_server.update(
        {
            "/big.xml": xml(rss(items), "application/rss+xml"),
            "/small.xml": xml(rss(items[:10]), "application/rss+xml"),
        }
    )
    big, small = http_server.url("/big.xml"), http_server.url("/small.xml")
    out = expand(tmp_path / "w.duckdb", [big, small], max_links_per_source=6, max_links_per_run=8)
    assert [link.url for link in out.links] == [u for u, _, _ in items[:6] + items[:2]]
    assert [(r.source, r.reason, r.detail) for r in out.rejects] == [
        (big, "limit reached",
         "994 article links not followed: over 6 per source (PRESSDIFF_MAX_LINKS_PER_SOURCE)"),
        (small, "limit reached",
         "8 article links not followed: over 8 per run (PRESSDIFF_MAX_LINKS_PER_RUN)"),
    ]  # fmt: skip


def test_the_run_limit_is_shared_by_every_expansion_of_a_run(tmp_path, http_server: LocalServer):
    http_server.set("/idx", nested_indexes(3))
    db = tmp_path / "w.duckdb"
    run_a, run_b = uuid.uuid4().hex, uuid.uuid4().hex
    first = expand(db, [http_server.url("/idx?n=0")], run_a, max_sitemaps_per_run=5)
    second = expand(db, [http_server.url("/idx?n=100")], run_a, max_sitemaps_per_run=5)
    other_run = expand(db, [http_server.url("/idx?n=200")], run_b, max_sitemaps_per_run=5)
    deeper = "3 sitemaps not followed: nested deeper than 3 (first: {})"
    over = "sitemaps and feeds not followed: over 5 per run (PRESSDIFF_MAX_SITEMAPS_PER_RUN)"
    # each: the index (1), its 3 children, 1 of their 9 children; the second has no room
    assert [r.detail for r in first.rejects + second.rejects + other_run.rejects] == [
        f"8 {over}",
        deeper.format(http_server.url("/idx?n=13")),
        f"1 {over}",
        f"8 {over}",
        deeper.format(http_server.url("/idx?n=5413")),
    ]


def test_self_referencing_sitemap_is_read_once(tmp_path, http_server: LocalServer):
    me, leaf = http_server.url("/sitemap.xml"), http_server.url("/leaf.xml")
    http_server.update(
        {
            "/sitemap.xml": xml(sitemap_index([me, leaf, me + "#again"])),
            "/leaf.xml": xml(sitemap([http_server.url("/a/pier")])),
        }
    )
    out = expand(tmp_path / "w.duckdb", [me])
    assert ([link.url for link in out.links], out.rejects) == ([http_server.url("/a/pier")], [])
    assert (len(http_server.hits("/sitemap.xml")), len(http_server.hits("/leaf.xml"))) == (1, 1)


def test_sitemaps_nested_too_deep_are_a_reject(tmp_path, http_server: LocalServer):
    for n in range(5):
        http_server.set(f"/s{n}.xml", xml(sitemap_index([http_server.url(f"/s{n + 1}.xml")])))
    top = http_server.url("/s0.xml")
    out = expand(tmp_path / "w.duckdb", [top])
    assert [(r.source, r.reason, r.detail) for r in out.rejects] == [
        (top, "limit reached",
         f"1 sitemaps not followed: nested deeper than 3 (first: {http_server.url('/s3.xml')})")
    ]  # fmt: skip
    fetched = [r.path for r in http_server.requests if r.path != "/robots.txt"]
    assert fetched == ["/s0.xml", "/s1.xml", "/s2.xml"]


def poll(db: Path, **kw):
    """One forced scheduled tick."""
    try:
        return tick(db=str(db), settings=Settings(**(FAST | kw)), force=True)
    finally:
        close_warehouse(str(db))


def test_a_failed_poll_is_retried_after_a_minute(tmp_path, http_server: LocalServer):
    # the trap: a loopback source watched without --allow-private fails, and its
    # next poll was pushed back by the whole interval
    feed = http_server.url("/feed.xml")
    http_server.set("/feed.xml", xml(rss([]), "application/rss+xml"))
    db = tmp_path / "w.duckdb"
    watchlist.add_source(warehouse(str(db)), feed, "feed", None, datetime.now(UTC))
    close_warehouse(str(db))
    failed = poll(db, allow_private=False)
    blocked = query(db, "select next_poll_at - last_polled_at from sources")
    ok = poll(db, allow_private=True)
    assert query(db, REJECTS, [failed.run_id]) == [
        (feed, "fetch failed", "blocked: loopback address 127.0.0.1")
    ]
    assert blocked == [(timedelta(minutes=1),)]
    assert query(db, REJECTS, [ok.run_id]) == []
    assert query(db, "select next_poll_at - last_polled_at from sources") == [
        (timedelta(seconds=Settings().poll_every),)
    ]


def test_no_warehouse_transaction_is_open_while_waiting_on_the_network(
    tmp_path, http_server: LocalServer
):
    # each request is answered only after checking that the flow's connection holds no
    # transaction. The flow may be writing what another response brought in a short
    # transaction of its own; one held across the network wait cannot end before this very
    # request is answered, so a free moment within 2 s suffices. The check reads what
    # warehouse.transaction records, never the connection itself: a DuckDB connection used
    # from two threads at once corrupts the process's memory (a BEGIN sent from here once
    # brought the whole test run down later with "malloc(): unaligned tcache chunk").
    db = tmp_path / "w.duckdb"
    seen: list[str] = []

    def free_within(seconds: float = 2.0) -> str:
        deadline = time.monotonic() + seconds
        while True:
            con = warehouse_connections.get(str(db))
            if con is None or id(con) not in open_transactions:
                return "free"
            if time.monotonic() > deadline:
                return "a write transaction is open"
            time.sleep(0.05)

    def probe(answer: Response):
        def route(request):
            seen.append(f"{request.path}: {free_within()}")
            return answer

        return route

    links = [(http_server.url(f"/a/{slug}"), None, None) for slug in ("pier", "tram")]
    http_server.update(
        {
            "/feed.xml": probe(xml(rss(links), "application/rss+xml")),
            "/a/pier": probe(Response(body=page("pier"))),
            "/a/tram": probe(Response(body=page("tram"))),
        }
    )
    summary = run([http_server.url("/feed.xml")], db)
    assert counts(summary) == (2, 2, 0, 0, 0)
    assert sorted(seen) == ["/a/pier: free", "/a/tram: free", "/feed.xml: free"]


# --- Web archives ---------------------------------------------------------------------------

GOVUK = (
    "BL-20140325121225068-00000-32090~opera~8443.warc.gz",
    "BL-20140325122341434-00000-32090~opera~8443.warc.gz",
)


def expected_timelines(paths: list[Path]) -> tuple[dict, set, int]:
    """Independently of the warehouse: per canonical URL, the (seen_at, text_hash) of each
    capture whose extracted text differs from the one before; the (url, seen_at) of captures
    that repeat the current text; and how many captures there were."""
    extracted: dict[bytes, Article | None] = {}  # identical bodies extract alike
    versions: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
    repeats = set()
    captures = sorted(iter_warcs(paths), key=lambda c: c.captured_at)
    for cap in captures:
        if cap.status != 200 or cap.body is None:
            continue
        if cap.body not in extracted:
            doc = Document("test", cap.target_uri, url=cap.target_uri, html=cap.body)
            result = extract_document(doc)
            extracted[cap.body] = result if isinstance(result, Article) else None
        found = extracted[cap.body]
        if found is None:
            continue
        url, timeline = canonical_url(cap.target_uri), versions[canonical_url(cap.target_uri)]
        if timeline and timeline[-1][1] == found.text_hash:
            repeats.add((url, cap.captured_at))
        else:
            timeline.append((cap.captured_at, found.text_hash))
    return dict(versions), repeats, len(captures)


@pytest.mark.corpus
def test_govuk_recrawl_new_versions_only_where_the_text_changed(tmp_path):
    folder = corpus("warc", "ukwa-govuk-revisit")
    paths = [folder / name for name in GOVUK]
    versions, repeats, n_captures = expected_timelines(paths)
    db = tmp_path / "w.duckdb"
    summary = run(paths, db)
    stored = defaultdict(list)
    for url, seen_at, text_hash in query(
        db,
        """select a.url, v.seen_at, v.text_hash from versions v join articles a using (article_id)
           order by a.url, v.seen_at""",
    ):
        stored[url].append((seen_at, text_hash))
    assert dict(stored) == versions  # seen_at is each capture's WARC-Date
    sightings = query(
        db,
        """select a.url, s.seen_at, s.source from core.sightings s
           join core.versions v using (version_id) join articles a using (article_id)""",
    )
    assert {(url, seen_at) for url, seen_at, _ in sightings} == repeats
    second = [c for c in iter_warc(paths[1]) if canonical_url(c.target_uri) in versions]
    revisits = {(canonical_url(c.target_uri), c.captured_at) for c in second if c.revisit}
    assert revisits and revisits <= repeats  # revisit records are sightings
    # responses whose bytes changed were compared by their text, whatever it gave
    assert any(not c.revisit for c in second)
    assert {source for *_, source in sightings} <= {str(p) for p in paths}
    n_rejects = query(db, "select count(*) from rejects")[0][0]
    assert sum(map(len, versions.values())) + len(repeats) + n_rejects == n_captures
    assert (summary.versions_new, summary.unchanged, summary.rejected) == (
        sum(map(len, versions.values())),
        len(repeats),
        n_rejects,
    )


@pytest.mark.corpus
def test_wikipedia_blackout_and_after_are_two_versions_and_a_revision(tmp_path):
    folder = corpus("warc", "ukwa-wikipedia-sopa")
    paths = [folder / "blackout-sopa-wikipedia-homepage.warc.gz",
             folder / "post-blackout-main-page.warc.gz"]  # fmt: skip
    db = tmp_path / "w.duckdb"
    summary = run(paths, db)
    main_page = "http://en.wikipedia.org/wiki/Main_Page"
    assert query(db, "select url, n_versions from articles") == [(main_page, 2)]
    assert query(db, "select version_no, seen_at, source from versions order by 1") == [
        (1, datetime(2012, 1, 18, 14, 31, 32, tzinfo=UTC), str(paths[0])),
        (2, datetime(2012, 1, 19, 10, 2, 3, tzinfo=UTC), str(paths[1])),
    ]
    assert query(
        db,
        """select o.version_no, n.version_no, c.relation from comparisons c
           join versions o on o.version_id = c.old_version_id
           join versions n on n.version_id = c.new_version_id""",
    ) == [(1, 2, "revision")]
    assert summary.comparisons == 1


@pytest.mark.corpus
def test_common_crawl_sample_every_html_capture_is_accounted_for(tmp_path):
    path = corpus("warc", "resiliparse", "warcfile.warc.gz")
    n_captures = sum(1 for _ in iter_warc(path))
    db = tmp_path / "w.duckdb"
    summary = run([path], db)
    outcomes = query(
        db,
        """select (select count(*) from versions where source = $p)
                + (select count(*) from core.sightings where source = $p)
                + (select count(*) from rejects where source = $p or source like $p || '#%')""",
        {"p": str(path)},
    )
    assert (n_captures, outcomes) == (16, [(16,)])
    assert summary.versions_new + summary.unchanged + summary.rejected == 16

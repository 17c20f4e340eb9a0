"""The commands' read queries in warehouse/sql/cli_*.sql, run on a real warehouse file."""

from __future__ import annotations

from datetime import UTC, datetime

from warehouse import store, tracking
from warehouse.cli_reads import (
    DEMO_SHOWCASE,
    SQL,
    blocked_addresses,
    demo_counts,
    demo_showcase,
    watchlist,
)
from warehouse.connection import connect
from warehouse.records import Reject

NOW = datetime(2026, 3, 5, 9, 15, tzinfo=UTC)


def test_every_cli_query_says_which_question_it_answers() -> None:
    for path in sorted(SQL.glob("cli_*.sql")):
        first = path.read_text().splitlines()[0]
        assert first.startswith("-- ") and first.endswith("?"), path.name


def test_demo_counts_tell_a_demo_warehouse_from_another(tmp_path) -> None:
    con = connect(tmp_path / "w.duckdb")
    assert demo_counts(con) == (0, 0, 0)
    store.start_run(con, "r1", None, "demo", NOW)
    assert demo_counts(con) == (1, 1, 0)
    store.start_run(con, "r2", None, "ingest", NOW)
    assert demo_counts(con) == (2, 1, 0)


def test_the_demo_showcase_has_its_titles_and_columns(tmp_path) -> None:
    con = connect(tmp_path / "w.duckdb")
    shown = demo_showcase(con)
    assert [title for title, _, _ in shown] == [title for title, _ in DEMO_SHOWCASE]
    columns = {title: cols for title, cols, _ in shown}
    assert columns["Articles"] == ["url", "site", "n_versions", "story_id"]
    assert columns["Versions"] == [
        "url", "version_no", "title", "published", "dateline", "n_words"
    ]  # fmt: skip
    assert columns["What changed between versions"] == [
        "relation", "old", "new", "n_same", "n_changed", "n_added", "n_removed", "n_moved",
        "containment",
    ]  # fmt: skip
    assert columns["Stories: who ran the wire story, and how much of it"] == [
        "url", "is_original", "jaccard", "containment"
    ]  # fmt: skip
    assert columns["Notable revisions"] == ["url", "rule", "detail"]
    assert all(rows == [] for _, _, rows in shown)


def test_watchlist_lists_sources_by_uri_with_their_article_counts(tmp_path) -> None:
    con = connect(tmp_path / "w.duckdb")
    tracking.add_source(con, "https://b.example/feed.xml", "feed", None, NOW)
    tracking.add_source(con, "https://a.example/sitemap.xml", "sitemap", None, NOW)
    columns, rows = watchlist(con)
    assert columns == [
        "source_id", "kind", "uri", "poll_interval", "last_polled_at", "next_poll_at", "articles"
    ]  # fmt: skip
    assert [(r[1], r[2], r[4], r[6]) for r in rows] == [
        ("sitemap", "https://a.example/sitemap.xml", None, 0),
        ("feed", "https://b.example/feed.xml", None, 0),
    ]


def test_blocked_addresses_counts_one_runs_refusals_by_kind(tmp_path) -> None:
    con = connect(tmp_path / "w.duckdb")
    refused = [
        Reject("http://127.0.0.1/a", "fetch", "blocked: loopback address 127.0.0.1"),
        Reject("http://127.0.0.1/b", "fetch", "blocked: loopback address 127.0.0.1"),
        Reject("http://10.0.0.1/", "fetch", "blocked: private address 10.0.0.1"),
        Reject("https://x.example/", "fetch", "HTTP 404"),
    ]
    store.store_rejects(con, refused, "r1", NOW)
    store.store_rejects(con, refused[:1], "r2", NOW)
    assert blocked_addresses(con, "r1") == [("loopback", 2), ("private", 1)]
    assert blocked_addresses(con, "r3") == []

"""Storing articles: identity, versions, sightings, duplicates, rejects, runs, and queries."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from tasks.steps.load import store_articles
from tasks.text.extract import TEXT_EXTRACTOR, extract_document
from tasks.versions import article_id_of, article_key
from warehouse.connection import connect
from warehouse.ids import stable_id
from warehouse.records import Article, Document, Reject, StoreResult
from warehouse.store import finish_run, start_run, store_rejects

URL = "https://news.example.com/library"
T0 = datetime(2024, 1, 1, 12, tzinfo=UTC)
HOUR = timedelta(hours=1)

V1 = (
    "The city council voted on Tuesday to close the old library on Main Street. "
    'Officials said the building had become "unsafe". '
    "Residents protested outside the town hall for two hours."
)
# The same text in other typography: curly quotes, other spaces and line breaks.
V1_RETYPED = (
    "The city council voted on Tuesday to close the old library on Main Street.\n"
    "Officials  said the building had become\u00a0“unsafe”.\n"
    "Residents protested outside the town hall for two hours."
)
V2 = (
    "The city council voted on Tuesday to close the old library on Main Street. "
    'Officials said the building had become "unsafe" and too costly to repair. '
    "Residents protested outside the town hall for two hours."
)


def article(
    text: str = V1,
    url: str | None = f"{URL}?utm_source=rss",
    seen_at: datetime | None = None,
    source: str = "feed.xml",
    key: str = "feed.xml#1",
) -> Article:
    doc = Document(
        source=source,
        key=key,
        url=url,
        text=f"LONDON (Reuters) - {text}",
        title="Library to close",
        byline="Jane Doe",
        published_at="2024-01-01",
        seen_at=seen_at,
    )
    result = extract_document(doc, min_words=5)
    assert isinstance(result, Article)
    return result


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect(tmp_path / "w.duckdb")
    yield con
    con.close()


def rows(con: duckdb.DuckDBPyConnection, sql: str, *params: object) -> list[tuple]:
    return con.execute(sql, list(params)).fetchall()


def records(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, object]]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


ARTICLE_ID = stable_id("article", URL)


def version_id(text_article: Article) -> str:
    return stable_id("version", ARTICLE_ID, text_article.text_hash)


@pytest.fixture(scope="module")
def revised(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    """One article in two versions, with the comparison the compare task would store.

    Shared by the read-only query tests of this module: (connection, v1, v2).
    """
    con = connect(tmp_path_factory.mktemp("revised") / "w.duckdb")
    a1, a2 = article(V1), article(V2)
    store_articles(con, [a1], "run1", T0)
    store_articles(con, [a2], "run2", T0 + 2 * HOUR)
    v1, v2 = version_id(a1), version_id(a2)
    con.execute(
        "INSERT INTO core.comparisons (comparison_id, old_version_id, new_version_id, relation, "
        "n_same, n_changed, n_added, n_removed, n_moved, title_changed) "
        "VALUES ('c1', ?, ?, 'revision', 2, 1, 0, 0, 0, true)",
        [v1, v2],
    )
    yield con, v1, v2
    con.close()


# ---------------------------------------------------------------- new, unchanged, revised


def test_new_article(con: duckdb.DuckDBPyConnection) -> None:
    a = article()
    vid = version_id(a)
    assert store_articles(con, [a], "run1", T0) == StoreResult(
        articles_new=1, versions_new=1, new_version_ids=[vid]
    )
    assert rows(con, "SELECT * FROM articles") == [
        (ARTICLE_ID, URL, "news.example.com", T0, T0, 1, vid, None)
    ]
    assert records(con, "SELECT * FROM versions") == [
        {
            "version_id": vid,
            "article_id": ARTICLE_ID,
            "version_no": 1,
            "title": "Library to close",
            "byline": "Jane Doe",
            "published_at": datetime(2024, 1, 1, tzinfo=UTC),
            "dateline": "LONDON (Reuters)",
            "seen_at": T0,
            "valid_from": T0,
            "valid_to": None,
            "text": V1,
            "text_hash": a.text_hash,
            "n_words": 30,
            "language": None,
            "source": "feed.xml",
            "extractor": TEXT_EXTRACTOR,
        }
    ]
    assert rows(con, "SELECT * FROM sentences ORDER BY sentence_no") == [
        (vid, s.sentence_no, s.paragraph_no, s.text, s.hash) for s in a.sentences
    ]
    assert [s.sentence_no for s in a.sentences] == [1, 2, 3]
    assert rows(con, "SELECT source_key, run_id FROM core.articles, core.versions") == [
        (URL, "run1")
    ]
    assert rows(con, "SELECT * FROM core.sightings") == []


def test_same_text_again_is_a_sighting_not_a_version(con: duckdb.DuckDBPyConnection) -> None:
    first = article()
    store_articles(con, [first], "run1", T0)
    again = article(V1_RETYPED, url=f"{URL}#comments", source="page.html")
    assert again.text != first.text
    assert again.text_hash == first.text_hash
    assert store_articles(con, [again], "run2", T0 + HOUR) == StoreResult(unchanged=1)
    assert rows(con, "SELECT * FROM core.sightings") == [
        (version_id(first), T0 + HOUR, "run2", "page.html")
    ]
    assert rows(con, "SELECT version_no, text FROM versions") == [(1, V1)]
    assert rows(con, "SELECT n_versions, first_seen, last_seen FROM articles") == [
        (1, T0, T0 + HOUR)
    ]


def test_changed_text_is_version_two(con: duckdb.DuckDBPyConnection) -> None:
    a1, a2 = article(V1), article(V2)
    v1, v2 = version_id(a1), version_id(a2)
    store_articles(con, [a1], "run1", T0)
    assert store_articles(con, [a2], "run2", T0 + 2 * HOUR) == StoreResult(
        versions_new=1, revisions=[(v1, v2)], new_version_ids=[v2]
    )
    assert rows(
        con,
        "SELECT version_id, version_no, seen_at, valid_from, valid_to, text FROM versions "
        "ORDER BY version_no",
    ) == [
        (v1, 1, T0, T0, T0 + 2 * HOUR, V1),
        (v2, 2, T0 + 2 * HOUR, T0 + 2 * HOUR, None, V2),
    ]
    assert rows(
        con, "SELECT n_versions, latest_version_id, first_seen, last_seen FROM articles"
    ) == [(2, v2, T0, T0 + 2 * HOUR)]


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (T0 - HOUR, None),
        (T0, V1),
        (T0 + HOUR, V1),
        (T0 + 2 * HOUR, V2),
        (T0 + 30 * 24 * HOUR, V2),
    ],
)
def test_article_as_of(revised: tuple, at: datetime, expected: str | None) -> None:
    con, _, _ = revised
    got = rows(con, "SELECT article_id, text FROM article_as_of(?)", at)
    assert got == ([] if expected is None else [(ARTICLE_ID, expected)])


def test_revert_to_an_earlier_text_is_current_again(con: duckdb.DuckDBPyConnection) -> None:
    store_articles(con, [article(V1)], "run1", T0)
    store_articles(con, [article(V2)], "run2", T0 + HOUR)
    store_articles(con, [article(V1)], "run3", T0 + 2 * HOUR)
    assert rows(con, "SELECT text FROM article_as_of(?)", T0 + 3 * HOUR) == [(V1,)]


def test_versions_ingested_out_of_order(con: duckdb.DuckDBPyConnection) -> None:
    later, earlier = article(V2, seen_at=T0 + HOUR), article(V1, seen_at=T0)
    store_articles(con, [later], "run1", T0 + 2 * HOUR)
    store_articles(con, [earlier], "run2", T0 + 2 * HOUR)
    assert rows(con, "SELECT count(*) FROM versions WHERE valid_to < valid_from") == [(0,)]
    assert rows(con, "SELECT text FROM article_as_of(?)", T0 + timedelta(minutes=90)) == [(V2,)]


def test_the_same_text_under_another_url_is_a_duplicate(con: duckdb.DuckDBPyConnection) -> None:
    store_articles(con, [article()], "run1", T0)
    copy = article(url="https://other.example.org/copy")
    copy_id = stable_id("article", "https://other.example.org/copy")
    copy_version = stable_id("version", copy_id, copy.text_hash)
    assert store_articles(con, [copy], "run2", T0 + HOUR) == StoreResult(
        articles_new=1, versions_new=1, duplicates=1, new_version_ids=[copy_version]
    )
    assert rows(con, "SELECT article_id, url, site, n_versions FROM articles ORDER BY url") == [
        (ARTICLE_ID, URL, "news.example.com", 1),
        (copy_id, "https://other.example.org/copy", "other.example.org", 1),
    ]


def test_duplicate_within_one_batch(con: duckdb.DuckDBPyConnection) -> None:
    a, b = article(), article(url="https://b.example.org/x")
    b_version = stable_id("version", stable_id("article", "https://b.example.org/x"), b.text_hash)
    assert store_articles(con, [a, b], "run1", T0) == StoreResult(
        articles_new=2, versions_new=2, duplicates=1, new_version_ids=[version_id(a), b_version]
    )


def test_batch_with_the_same_article_twice(con: duckdb.DuckDBPyConnection) -> None:
    a = article()
    assert store_articles(con, [a, article(V1_RETYPED)], "run1", T0) == StoreResult(
        articles_new=1, versions_new=1, unchanged=1, new_version_ids=[version_id(a)]
    )
    assert rows(con, "SELECT count(*) FROM versions") == [(1,)]
    assert rows(con, "SELECT count(*) FROM sentences") == [(3,)]
    assert rows(con, "SELECT version_id, seen_at, run_id FROM core.sightings") == [
        (version_id(a), T0, "run1")
    ]


def test_batch_with_two_texts_of_one_article_orders_them_by_seen_at(
    con: duckdb.DuckDBPyConnection,
) -> None:
    a1, a2 = article(V1, seen_at=T0), article(V2, seen_at=T0 + HOUR)
    v1, v2 = version_id(a1), version_id(a2)
    assert store_articles(con, [a2, a1], "run1", T0 + 2 * HOUR) == StoreResult(
        articles_new=1, versions_new=2, revisions=[(v1, v2)], new_version_ids=[v1, v2]
    )
    assert rows(
        con, "SELECT version_id, version_no, valid_from, valid_to FROM versions ORDER BY version_no"
    ) == [
        (v1, 1, T0, T0 + HOUR),
        (v2, 2, T0 + HOUR, None),
    ]


def test_empty_batch(con: duckdb.DuckDBPyConnection) -> None:
    assert store_articles(con, [], "run1", T0) == StoreResult()
    assert rows(con, "SELECT count(*) FROM core.versions") == [(0,)]


def test_ids_are_stable_across_warehouses(tmp_path: Path) -> None:
    def ids(path: Path) -> list[tuple]:
        con = connect(path)
        store_articles(con, [article(V1)], "a", T0)
        store_articles(con, [article(V2)], "b", T0 + HOUR)
        out = rows(con, "SELECT article_id, version_id, version_no FROM versions ORDER BY 3")
        con.close()
        return out

    first = ids(tmp_path / "one.duckdb")
    assert first == ids(tmp_path / "two.duckdb")
    assert first == [
        (ARTICLE_ID, version_id(article(V1)), 1),
        (ARTICLE_ID, version_id(article(V2)), 2),
    ]


def test_article_without_url_is_keyed_by_its_absolute_source_path(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = tmp_path / "local.jsonl"
    a = article(url=None, source=str(path), key=f"{path}#L3")
    assert article_key(a) == f"{path}#L3"
    assert article_id_of(a) == stable_id("article", f"{path}#L3")
    store_articles(con, [a], "run1", T0)
    assert rows(con, "SELECT article_id, url, source_key, site FROM core.articles") == [
        (stable_id("article", f"{path}#L3"), None, f"{path}#L3", None)
    ]


def test_article_key_of_a_url_source_key_is_kept() -> None:
    a = article(url=None, key="https://example.com/a#frag")
    assert article_key(a) == "https://example.com/a#frag"


# ---------------------------------------------------------------- rejects and runs


def test_store_rejects(con: duckdb.DuckDBPyConnection) -> None:
    rejects = [
        Reject("a.txt", "empty", "the file has no content"),
        Reject("b.jsonl", "malformed JSON", "line 2: Expecting value"),
        Reject("c.html", "no article text"),
    ]
    assert store_rejects(con, rejects, "run1", T0) == 3
    assert store_rejects(con, [], "run1", T0) == 0
    assert rows(con, 'SELECT source, reason, detail, "at", run_id FROM rejects ORDER BY 1') == [
        ("a.txt", "empty", "the file has no content", T0, "run1"),
        ("b.jsonl", "malformed JSON", "line 2: Expecting value", T0, "run1"),
        ("c.html", "no article text", "", T0, "run1"),
    ]


def test_start_and_finish_run(con: duckdb.DuckDBPyConnection) -> None:
    start_run(con, "run1", "flow-123", "ingest a.txt", T0)
    assert rows(con, "SELECT * FROM runs") == [
        ("run1", "flow-123", T0, None, "running", "ingest a.txt", 0, 0, 0, 0, 0, 0, 0)
    ]
    finish_run(
        con,
        "run1",
        "completed_with_rejects",
        {"n_inputs": 5, "n_articles_new": 2, "n_versions_new": 3, "n_rejected": 1},
        T0 + HOUR,
    )
    start_run(con, "run2", None, "run", T0 + 2 * HOUR)
    assert rows(con, "SELECT * FROM runs ORDER BY run_id") == [
        (
            "run1",
            "flow-123",
            T0,
            T0 + HOUR,
            "completed_with_rejects",
            "ingest a.txt",
            5,
            2,
            3,
            0,
            0,
            1,
            0,
        ),
        ("run2", None, T0 + 2 * HOUR, None, "running", "run", 0, 0, 0, 0, 0, 0, 0),
    ]


def test_store_result_add() -> None:
    total = StoreResult(articles_new=1, versions_new=1, new_version_ids=["a"])
    total.add(
        StoreResult(
            versions_new=1,
            unchanged=2,
            duplicates=1,
            rejected=3,
            revisions=[("a", "b")],
            new_version_ids=["b"],
        )
    )
    assert total == StoreResult(
        articles_new=1,
        versions_new=2,
        unchanged=2,
        duplicates=1,
        rejected=3,
        revisions=[("a", "b")],
        new_version_ids=["a", "b"],
    )


# ---------------------------------------------------------------- local files renamed (issue 18.8)


def test_a_local_file_renamed_or_moved_keeps_its_article(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """A file without a URL was keyed by its path only: renamed, it became a new article
    and a false 'republication' of itself (7.1 % of a corpus). The same text under a new
    name is now a sighting of the stored article, recorded with the new path."""
    old, new = tmp_path / "drafts" / "story.txt", tmp_path / "archive" / "2024-story.txt"
    store_articles(con, [article(url=None, source=str(old), key=str(old))], "run1", T0)
    moved = article(V1_RETYPED, url=None, source=str(new), key=str(new))
    assert store_articles(con, [moved], "run2", T0 + HOUR) == StoreResult(unchanged=1)
    assert rows(con, "SELECT source_key FROM core.articles") == [(str(old),)]
    assert rows(con, "SELECT source, run_id FROM core.sightings ORDER BY run_id") == [
        (str(new), "run2")
    ]
    # Edited where it lies, the file is a new version of its article, as before ...
    edited = article(V2, url=None, source=str(old), key=str(old))
    assert store_articles(con, [edited], "run3", T0 + 2 * HOUR).versions_new == 1
    assert rows(con, "SELECT count(*), max(n_versions) FROM articles") == [(1, 2)]
    # ... and a copy of its superseded text elsewhere is another article, not a revert.
    copy = tmp_path / "copy.txt"
    stale = article(V1, url=None, source=str(copy), key=str(copy))
    assert store_articles(con, [stale], "run4", T0 + 3 * HOUR).articles_new == 1

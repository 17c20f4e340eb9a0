"""Comparisons in a real warehouse: versions read for comparing, results written whole,
replaced, and dropped when a late capture comes between their versions."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from tasks.compare.align import compare
from tasks.steps.load import store_articles
from tasks.text.extract import extract_document
from warehouse.comparisons import (
    comparison_id,
    load_versions,
    stale_revisions,
    store_comparisons,
    unseen_pairs,
)
from warehouse.connection import connect
from warehouse.records import Article, Document

T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)
HOUR = timedelta(hours=1)
URL = "https://news.example.com/harbour"
V1 = (
    "The harbour authority said on Tuesday that the eastern pier would stay closed. "
    "Engineers found three cracked supports during an inspection on Monday."
)
V2 = (
    "The harbour authority said on Wednesday that the eastern pier would stay closed. "
    "Engineers found three cracked supports during an inspection on Monday. "
    "Ferries will use the western terminal until the end of the month."
)
V0 = "The harbour authority said that the eastern pier was damaged by a storm overnight."


def article(text: str, seen_at: datetime, url: str = URL, title: str = "Pier closed") -> Article:
    doc = Document(source="feed", key="feed#1", url=url, text=text, title=title, seen_at=seen_at)
    result = extract_document(doc, min_words=5)
    assert isinstance(result, Article)
    return result


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect(tmp_path / "w.duckdb")
    yield con
    con.close()


def revision(con: duckdb.DuckDBPyConnection) -> tuple[str, str]:
    stored = store_articles(con, [article(V1, T0), article(V2, T0 + 2 * HOUR)], "run0", T0)
    [pair] = stored.revisions
    return pair


def test_versions_are_read_with_titles_and_sentences_in_order(
    con: duckdb.DuckDBPyConnection,
) -> None:
    old, new = revision(con)
    versions = load_versions(con, [old, new, old])
    assert versions.keys() == {old, new}
    assert versions[new].title == "Pier closed"
    assert [s.sentence_no for s in versions[new].sentences] == [1, 2, 3]
    assert versions[new].sentences[2].text == (
        "Ferries will use the western terminal until the end of the month."
    )
    assert versions[old].furniture == frozenset()
    assert load_versions(con, []) == {}


def test_a_comparison_is_stored_whole_and_replaced_when_stored_again(
    con: duckdb.DuckDBPyConnection,
) -> None:
    old, new = revision(con)
    assert unseen_pairs(con, [(old, new)], "revision") == [(old, new)]
    v = load_versions(con, [old, new])
    c = compare(v[old].title, v[old].sentences, v[new].title, v[new].sentences)
    assert store_comparisons(con, [(old, new, "revision", c)], "run1", T0 + 3 * HOUR) == 1
    cid = comparison_id(old, new, "revision")
    assert con.execute(
        "SELECT comparison_id, old_version_id, new_version_id, relation, n_same, n_changed, "
        "n_added, n_removed, title_changed, run_id FROM core.comparisons"
    ).fetchall() == [(cid, old, new, "revision", 1, 1, 1, 0, False, "run1")]
    edits = con.execute(
        "SELECT edit_no, kind, old_sentence_no, new_sentence_no FROM core.sentence_edits "
        "ORDER BY edit_no"
    ).fetchall()
    assert edits == [
        (n, e.kind, e.old_sentence_no, e.new_sentence_no) for n, e in enumerate(c.edits, 1)
    ]
    phrases = con.execute("SELECT removed, inserted FROM core.phrase_edits").fetchall()
    assert phrases == [("Tuesday", "Wednesday")]
    assert unseen_pairs(con, [(old, new)], "revision") == []
    assert unseen_pairs(con, [(old, new)], "republication") == [(old, new)]
    # stored again (a re-run): one set of rows, the later run's
    store_comparisons(con, [(old, new, "revision", c)], "run2", T0 + 4 * HOUR)
    assert con.execute("SELECT run_id FROM core.comparisons").fetchall() == [("run2",)]
    assert con.execute("SELECT count(*) FROM core.sentence_edits").fetchone() == (len(edits),)
    assert con.execute("SELECT count(*) FROM core.phrase_edits").fetchone() == (1,)
    assert store_comparisons(con, [], "run3", T0) == 0


@dataclass(frozen=True)
class Counts:
    """Anything with a comparison's fields is stored: the warehouse needs no aligner."""

    jaccard: float = 0.5
    containment: float = 0.5
    n_same: int = 0
    n_changed: int = 0
    n_added: int = 0
    n_removed: int = 0
    n_moved: int = 0
    title_changed: bool = True
    n_boilerplate: int = 0
    significance: str | None = "minor"
    summary: str | None = "headline changed"
    edits: tuple = ()
    phrases: tuple = ()


def test_a_late_capture_between_two_versions_drops_their_revision(
    con: duckdb.DuckDBPyConnection,
) -> None:
    old, new = revision(con)
    store_comparisons(con, [(old, new, "revision", Counts())], "run1", T0 + 3 * HOUR)
    assert stale_revisions(con, [new]) == []
    late = store_articles(con, [article(V0, T0 + HOUR)], "run2", T0 + 4 * HOUR)
    middle = late.new_version_ids[0]
    assert sorted(late.revisions) == sorted([(old, middle), (middle, new)])
    assert stale_revisions(con, [middle]) == [comparison_id(old, new, "revision")]
    store_comparisons(con, [(old, middle, "revision", Counts())], "run2", T0 + 4 * HOUR)
    assert con.execute(
        "SELECT old_version_id, new_version_id, summary FROM core.comparisons"
    ).fetchall() == [(old, middle, "headline changed")]

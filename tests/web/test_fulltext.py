"""The search index: built by the writer when missing, behind or of an older shape, read
by readers; a query means every word; `gone` keeps what the latest version no longer says."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from pressdiff.web import fulltext
from pressdiff.web.reader import reading
from warehouse.connection import connect

T0 = datetime(2026, 3, 4, 7, 30, tzinfo=UTC)


def add_version(db: Path, article: str, no: int, text: str) -> None:
    con = connect(db)
    if no == 1:
        con.execute(
            "INSERT INTO core.articles VALUES (?, ?, ?, 'wire.example', ?)",
            [article, f"https://wire.example/{article}", f"https://wire.example/{article}", T0],
        )
    con.execute(
        """INSERT INTO core.versions VALUES (?, ?, ?, 'Ferry strike', NULL, NULL, NULL, ?,
           ?, lower(?), md5(?), 9, 'en', 'test', 'test', NULL)""",
        [f"{article[:15]}{no}", article, no, T0.replace(hour=7 + no), text, text, text],
    )
    con.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    add_version(path, "a" * 16, 1, "“We asked for rest between shifts,” the organiser said.")
    add_version(path, "a" * 16, 2, "The regional government named a mediator on Thursday.")
    add_version(path, "b" * 16, 1, "Crews want rest between shifts, the union said again.")
    return path


def search(db: Path, q: str, **kw) -> list[tuple]:
    with reading(db) as con:
        return [
            (r["article_id"], r["matched_versions"], r["still_says"])
            for r in fulltext.search(con, q, **kw)
        ]


def test_no_index_finds_nothing_and_says_so(db: Path) -> None:
    with reading(db) as con:
        assert fulltext.state(con) == fulltext.IndexState(None, 3)
    assert search(db, "rest") == []


def test_refresh_builds_once_then_again_when_behind(db: Path) -> None:
    state, took = fulltext.refresh(db)
    assert state == fulltext.IndexState(3, 3) and took is not None
    assert fulltext.refresh(db) == (fulltext.IndexState(3, 3), None)
    add_version(db, "b" * 16, 2, "The union said the strike goes on without rest.")
    with reading(db) as con:
        assert fulltext.state(con).behind == 1
    state, took = fulltext.refresh(db)
    assert state == fulltext.IndexState(4, 4) and took is not None


def test_an_index_of_an_older_shape_is_rebuilt(db: Path) -> None:
    fulltext.refresh(db)
    index = fulltext.index_file(db)  # a lake's index is a DuckDB file of its own
    con = duckdb.connect(str(index)) if index is not None else connect(db)
    con.execute("CREATE OR REPLACE TABLE search.meta AS SELECT 3::bigint AS n_versions")
    con.close()
    with reading(db) as con:
        assert fulltext.state(con).n_indexed is None
    assert fulltext.refresh(db)[1] is not None


def test_every_word_must_match_and_gone_keeps_what_was_removed(db: Path) -> None:
    fulltext.refresh(db)
    assert sorted(search(db, "rest between shifts")) == [
        ("a" * 16, [1], False),
        ("b" * 16, [1], True),
    ]
    assert search(db, "rest between shifts", gone=True) == [("a" * 16, [1], False)]
    assert search(db, "rest mediator") == []
    assert search(db, "mediators") == [("a" * 16, [2], True)]  # stemmed
    assert search(db, "   ;;; ") == []


def test_snippet_marks_the_words_where_most_of_them_are() -> None:
    text = "A night-shift rota. " + "filler " * 30 + "rest between shifts, he said."
    marked = [t for t, hit in fulltext.snippet(text, "rest between shifts") if hit]
    assert marked == ["rest", "between", "shifts,"]

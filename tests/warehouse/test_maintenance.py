"""Keeping the warehouse healthy (warehouse/maintenance.py): the checkpoint, and the audits,
which must find nothing in a warehouse built from real pages and must find each bad row
planted in one."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from flows.maintenance import maintain
from tasks.steps.load import store_articles
from tasks.text.extract import extract_document
from tests.helpers import corpus, duckdb_file_only, open_db, run
from warehouse import maintenance
from warehouse.connection import close_warehouse, connect
from warehouse.records import Article, Document

T0 = datetime(2025, 3, 1, 9, tzinfo=UTC)


def wal(db: Path) -> int:
    """Bytes in the write-ahead log of `db` (0 when there is none)."""
    path = db.with_name(db.name + ".wal")
    return path.stat().st_size if path.exists() else 0


@duckdb_file_only
def test_checkpoint_folds_the_write_ahead_log_into_the_file(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with connect(db) as con:
        con.execute("CREATE TABLE t AS SELECT range AS n FROM range(1000)")
        assert wal(db) > 0
        maintenance.checkpoint(con)
        assert wal(db) == 0
    with open_db(db) as con:
        assert con.execute("SELECT count(*) FROM t").fetchone() == (1000,)


@pytest.fixture(scope="module")
def from_the_corpora(tmp_path_factory: pytest.TempPathFactory, prefect) -> Path:
    """A warehouse the ingest flow built from real pages: the seed pair (a wire story and its
    republication) and the fundus re-crawls (articles in two dated versions)."""
    sources = [corpus("seeds"), corpus("fundus-recrawls")]
    db = tmp_path_factory.mktemp("corpora") / "w.duckdb"
    run(sources, db, workers=1)
    return db


def test_the_audits_find_nothing_in_a_warehouse_built_from_the_corpora(
    from_the_corpora: Path,
) -> None:
    with open_db(from_the_corpora) as con:
        con.execute("SET TimeZone = 'UTC'")
        # what the audits look at is there: revised articles, sentences, a story
        revised, stories, sentences = con.execute(
            "SELECT (SELECT count(*) FROM articles WHERE n_versions > 1), "
            "(SELECT count(*) FROM core.stories), (SELECT count(*) FROM core.sentences)"
        ).fetchone()
        assert revised > 0 and stories > 0 and sentences > 0
        found = {name: maintenance.bad_rows(con, name) for name in maintenance.audit_names()}
    assert found == {
        "orphan_sentences": [],
        "stories_without_original": [],
        "versions_chain": [],
    }


def test_the_maintain_flow_runs_every_audit(from_the_corpora: Path) -> None:
    """The flow's task found no audit at all once it had moved a folder down (it looked for
    tasks/warehouse/audits) and said 'no bad rows' of zero audits."""
    try:
        found = maintain(str(from_the_corpora))
    finally:
        close_warehouse(str(from_the_corpora))
    assert found == {"orphan_sentences": 0, "stories_without_original": 0, "versions_chain": 0}


def article(text: str, url: str) -> Article:
    doc = Document(source="feed.xml", key=url, url=url, text=text, title="Storm", seen_at=None)
    result = extract_document(doc, min_words=3)
    assert isinstance(result, Article)
    return result


# One bad row per audit, planted in a healthy warehouse of two articles (one in two versions):
# the SQL that plants it, and the rows the audit must return ('v2': that second version, 'a':
# its article).
PLANTED = {
    "orphan_sentences": (
        "INSERT INTO core.sentences (version_id, sentence_no, paragraph_no, text, norm, "
        "sentence_hash) VALUES ('gone', 1, 1, 'A sentence.', 'a sentence.', 'h')",
        [("gone", 1)],
    ),
    "stories_without_original": (
        "INSERT INTO core.story_members (story_id, article_id, version_id, is_original) "
        "SELECT 's1', article_id, version_id, false FROM core.versions WHERE version_no = 1",
        [("s1", 0)],
    ),
    "versions_chain": (
        "UPDATE core.versions SET version_no = 3 WHERE version_no = 2",
        [("v2", "a", 3, 2)],
    ),
}


@pytest.fixture
def healthy(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect(tmp_path / "w.duckdb")
    url = "https://weather.example/storm"
    store_articles(con, [article("The storm reached the coast at dawn.", url)], "r1", T0)
    store_articles(
        con,
        [
            article("The storm reached the coast at noon.", url),
            article("Ferries stayed in port all day.", "https://weather.example/ferries"),
        ],
        "r2",
        T0.replace(hour=12),
    )
    assert maintenance.audit(con) == dict.fromkeys(maintenance.audit_names(), 0)
    yield con
    con.close()


def test_every_audit_has_a_planted_bad_row() -> None:
    assert sorted(PLANTED) == maintenance.audit_names()


@pytest.mark.parametrize("name", sorted(PLANTED))
def test_each_audit_finds_the_bad_row_planted_for_it(
    healthy: duckdb.DuckDBPyConnection, name: str
) -> None:
    plant, expected = PLANTED[name]
    article_id, v2 = healthy.execute(
        "SELECT article_id, version_id FROM core.versions WHERE version_no = 2"
    ).fetchone()
    healthy.execute(plant)
    names = {"v2": v2, "a": article_id}
    expected = [tuple(names.get(v, v) if isinstance(v, str) else v for v in r) for r in expected]
    assert maintenance.bad_rows(healthy, name) == expected
    assert maintenance.audit(healthy) == {n: int(n == name) for n in maintenance.audit_names()}

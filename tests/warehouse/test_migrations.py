"""Migrations, the contract's views and macros, and opening a warehouse another process holds."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from pressdiff.errors import SetupError, WarehouseLockedError
from tests.helpers import duckdb_file_only
from warehouse import migrate as migrations
from warehouse.connection import connect
from warehouse.migrate import applied, available, migrate, pending

TSTZ = "TIMESTAMP WITH TIME ZONE"

# The SQL surface of CONTRACT.md: every view with its columns in order (and their types).
# Columns beyond the contract's are allowed; they are listed after a `# added` comment.
CONTRACT_VIEWS: dict[str, list[tuple[str, str]]] = {
    "articles": [
        ("article_id", "VARCHAR"),
        ("url", "VARCHAR"),
        ("site", "VARCHAR"),
        ("first_seen", TSTZ),
        ("last_seen", TSTZ),
        ("n_versions", "INTEGER"),
        ("latest_version_id", "VARCHAR"),
        ("story_id", "VARCHAR"),
    ],
    "versions": [
        ("version_id", "VARCHAR"),
        ("article_id", "VARCHAR"),
        ("version_no", "INTEGER"),
        ("title", "VARCHAR"),
        ("byline", "VARCHAR"),
        ("published_at", TSTZ),
        ("dateline", "VARCHAR"),
        ("seen_at", TSTZ),
        ("valid_from", TSTZ),
        ("valid_to", TSTZ),
        ("text", "VARCHAR"),
        ("text_hash", "VARCHAR"),
        ("n_words", "INTEGER"),
        ("language", "VARCHAR"),
        ("source", "VARCHAR"),
        ("extractor", "VARCHAR"),
    ],
    "sentences": [
        ("version_id", "VARCHAR"),
        ("sentence_no", "INTEGER"),
        ("paragraph_no", "INTEGER"),
        ("text", "VARCHAR"),
        ("sentence_hash", "VARCHAR"),
    ],
    "comparisons": [
        ("comparison_id", "VARCHAR"),
        ("old_version_id", "VARCHAR"),
        ("new_version_id", "VARCHAR"),
        ("relation", "VARCHAR"),
        ("jaccard", "DOUBLE"),
        ("containment", "DOUBLE"),
        ("n_same", "INTEGER"),
        ("n_changed", "INTEGER"),
        ("n_added", "INTEGER"),
        ("n_removed", "INTEGER"),
        ("n_moved", "INTEGER"),
        ("title_changed", "BOOLEAN"),
        ("n_boilerplate", "INTEGER"),
        ("significance", "VARCHAR"),
        ("summary", "VARCHAR"),
        ("cause", "VARCHAR"),
        ("cause_reason", "VARCHAR"),
    ],
    "sentence_edits": [
        ("comparison_id", "VARCHAR"),
        ("kind", "VARCHAR"),
        ("old_sentence_no", "INTEGER"),
        ("new_sentence_no", "INTEGER"),
        ("old_text", "VARCHAR"),
        ("new_text", "VARCHAR"),
        ("similarity", "DOUBLE"),
        ("moved", "BOOLEAN"),
        ("category", "VARCHAR"),
        ("significance", "VARCHAR"),
        ("rule", "VARCHAR"),
    ],
    "phrase_edits": [
        ("comparison_id", "VARCHAR"),
        ("old_sentence_no", "INTEGER"),
        ("new_sentence_no", "INTEGER"),
        ("removed", "VARCHAR"),
        ("inserted", "VARCHAR"),
    ],
    "term_swaps": [
        ("removed", "VARCHAR"),
        ("inserted", "VARCHAR"),
        ("occurrences", "BIGINT"),
        ("n_comparisons", "BIGINT"),
        ("n_sites", "BIGINT"),
    ],
    "rejects": [
        ("source", "VARCHAR"),
        ("reason", "VARCHAR"),
        ("detail", "VARCHAR"),
        ("at", TSTZ),
        # added
        ("run_id", "VARCHAR"),
    ],
    "runs": [
        ("run_id", "VARCHAR"),
        ("flow_run_id", "VARCHAR"),
        ("started_at", TSTZ),
        ("finished_at", TSTZ),
        ("status", "VARCHAR"),
        # added: the command, and the counts the contract mentions
        ("command", "VARCHAR"),
        ("n_inputs", "BIGINT"),
        ("n_articles_new", "BIGINT"),
        ("n_versions_new", "BIGINT"),
        ("n_unchanged", "BIGINT"),
        ("n_duplicates", "BIGINT"),
        ("n_rejected", "BIGINT"),
        ("n_comparisons", "BIGINT"),
    ],
    "fetches": [
        ("url", "VARCHAR"),
        ("final_url", "VARCHAR"),
        ("status_code", "INTEGER"),
        ("error", "VARCHAR"),
        ("fetched_at", TSTZ),
        ("bytes", "BIGINT"),
        ("etag", "VARCHAR"),
        ("last_modified", "VARCHAR"),
        ("elapsed_ms", "DOUBLE"),
        # added
        ("content_type", "VARCHAR"),
        ("snapshot", "VARCHAR"),
        ("run_id", "VARCHAR"),
    ],
    "sources": [
        ("source_id", "VARCHAR"),
        ("kind", "VARCHAR"),
        ("uri", "VARCHAR"),
        ("added_at", TSTZ),
        ("last_polled_at", TSTZ),
        ("next_poll_at", TSTZ),
        # added
        ("poll_interval", "INTERVAL"),
    ],
}
# The contract's column names alone, exactly as CONTRACT.md lists them.
_CONTRACT_TEXT = {
    "articles": "article_id url site first_seen last_seen n_versions latest_version_id story_id",
    "versions": "version_id article_id version_no title byline published_at dateline seen_at "
    "valid_from valid_to text text_hash n_words language source extractor",
    "sentences": "version_id sentence_no paragraph_no text sentence_hash",
    "comparisons": "comparison_id old_version_id new_version_id relation jaccard containment "
    "n_same n_changed n_added n_removed n_moved title_changed",
    "sentence_edits": "comparison_id kind old_sentence_no new_sentence_no old_text new_text "
    "similarity",
    "phrase_edits": "comparison_id old_sentence_no new_sentence_no removed inserted",
    "term_swaps": "removed inserted occurrences n_comparisons n_sites",
    "rejects": "source reason detail at",
    "runs": "run_id flow_run_id started_at finished_at status",
    "fetches": "url final_url status_code error fetched_at bytes etag last_modified elapsed_ms",
    "sources": "source_id kind uri added_at last_polled_at next_poll_at",
    "stories": "story_id original_version_id n_articles n_sites first_published",
    "story_members": "story_id article_id version_id jaccard containment is_original",
    "duplicate_pairs": "version_a version_b method estimated_jaccard jaccard containment params",
}
CONTRACT_COLUMNS = {view: text.split() for view, text in _CONTRACT_TEXT.items()}
NOT_YET = ["stories", "story_members", "duplicate_pairs"]


def columns(con: duckdb.DuckDBPyConnection, view: str) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in con.execute(f"DESCRIBE {view}").fetchall()]


def views(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT view_name FROM duckdb_views() WHERE NOT internal AND schema_name = 'main'"
    ).fetchall()
    return {r[0] for r in rows}


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect(tmp_path / "w.duckdb")
    yield con
    con.close()


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """One migrated warehouse for the tests of this module that only read."""
    con = connect(tmp_path_factory.mktemp("shared") / "w.duckdb")
    yield con
    con.close()


# ---------------------------------------------------------------- migrations


def test_fresh_file_applies_0001_once_and_records_it(tmp_path: Path) -> None:
    path = tmp_path / "fresh.duckdb"
    con = duckdb.connect(str(path))
    assert applied(con) == []
    assert pending(con) == available()
    assert [p.name for p in available()][:1] == ["0001_core.sql"]
    before = datetime.now(UTC)
    assert migrate(con) == [p.stem for p in available()]
    after = datetime.now(UTC)
    rows = con.execute(
        "SELECT name, applied_at FROM core.schema_migrations ORDER BY name"
    ).fetchall()
    assert [r[0] for r in rows] == [p.stem for p in available()]
    assert all(before <= r[1] <= after for r in rows)
    assert applied(con) == [p.stem for p in available()]
    assert pending(con) == []
    # a second migrate on the same connection applies nothing and keeps the ledger
    assert migrate(con) == []
    assert con.execute("SELECT * FROM core.schema_migrations ORDER BY name").fetchall() == rows
    con.close()


def test_a_warehouse_of_the_first_release_with_rows_migrates_to_the_latest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every later migration applies to a warehouse that already holds rows (DuckDB cannot
    commit some ALTERs of a table with rows: a fresh-file test would not see it)."""
    first = [p for p in available() if p.stem in ("0001_core", "0002_tracking")]
    monkeypatch.setattr(migrations, "available", lambda: first)
    monkeypatch.setattr(migrations, "view_sql", lambda lake=False: "SELECT 1")  # today's need 0004
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    migrate(con)
    now = datetime(2026, 3, 4, tzinfo=UTC)
    con.execute(
        "INSERT INTO core.runs (run_id, started_at, status) VALUES ('r1', ?, 'completed')", [now]
    )
    con.execute(
        "INSERT INTO core.comparisons (comparison_id, old_version_id, new_version_id, relation) "
        "VALUES ('c1', 'v1', 'v2', 'revision')"
    )
    con.execute(
        "INSERT INTO core.sentence_edits (comparison_id, edit_no, kind, old_text, new_text) "
        "VALUES ('c1', 1, 'changed', 'It rained.', 'It poured.')"
    )
    con.close()
    monkeypatch.undo()

    con = connect(path)  # applies every later migration to the rows above
    assert applied(con) == [p.stem for p in available()]
    assert con.execute("SELECT count(*) FROM core.sentence_edits").fetchone() == (1,)
    assert con.execute("SELECT count(*) FROM comparisons").fetchone() == (1,)
    con.close()


def test_reopening_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    con = connect(path)
    ledger = con.execute("SELECT * FROM core.schema_migrations").fetchall()
    con.execute(
        "INSERT INTO core.rejects VALUES ('a.txt', 'empty', 'the file has no content', "
        "TIMESTAMPTZ '2024-01-01 00:00:00+00', 'r1')"
    )
    con.close()
    con = connect(path)
    assert con.execute("SELECT * FROM core.schema_migrations").fetchall() == ledger
    assert migrate(con) == []
    # data survives, and the re-created views still read it
    assert con.execute('SELECT source, reason, detail, "at", run_id FROM rejects').fetchall() == [
        ("a.txt", "empty", "the file has no content", datetime(2024, 1, 1, tzinfo=UTC), "r1")
    ]
    con.close()


def test_core_tables_of_0001(shared: duckdb.DuckDBPyConnection) -> None:
    tables = shared.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'core'"
    ).fetchall()
    # later migrations may add tables; these are 0001's and the ledger
    assert {t[0] for t in tables} >= {
        "articles",
        "comparisons",
        "duplicate_pairs",
        "fetches",
        "lsh_bands",
        "phrase_edits",
        "rejects",
        "runs",
        "schema_migrations",
        "sentence_edits",
        "sentences",
        "sightings",
        "sources",
        "stories",
        "story_members",
        "versions",
    }


def test_failed_migration_rolls_back_and_is_not_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0001_a.sql").write_text(
        "CREATE SCHEMA IF NOT EXISTS core; CREATE TABLE core.t1 (x INT);"
    )
    (folder / "0002_b.sql").write_text("CREATE TABLE core.t2 (x INT); SELECT * FROM nowhere;")
    (folder / "notes.sql").write_text("this is not a migration")
    monkeypatch.setattr(migrations, "MIGRATIONS", folder)
    con = duckdb.connect(str(tmp_path / "x.duckdb"))
    assert [p.name for p in available()] == ["0001_a.sql", "0002_b.sql"]
    with pytest.raises(duckdb.CatalogException, match="nowhere"):
        migrate(con)
    assert applied(con) == ["0001_a"]
    assert [p.name for p in pending(con)] == ["0002_b.sql"]
    tables = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'core' ORDER BY 1"
    ).fetchall()
    assert tables == [("schema_migrations",), ("t1",)]
    con.close()


# ---------------------------------------------------------------- views


@pytest.mark.parametrize("view", sorted(CONTRACT_VIEWS))
def test_contract_view_has_exactly_its_columns(
    shared: duckdb.DuckDBPyConnection, view: str
) -> None:
    assert columns(shared, view) == CONTRACT_VIEWS[view]
    # the contract's own columns come first, in the contract's order
    names = [name for name, _ in CONTRACT_VIEWS[view]]
    assert names[: len(CONTRACT_COLUMNS[view])] == CONTRACT_COLUMNS[view]


@pytest.mark.parametrize("view", NOT_YET)
def test_story_views_when_present(shared: duckdb.DuckDBPyConnection, view: str) -> None:
    if view not in views(shared):
        pytest.skip(f"the {view} view does not exist yet")
    assert [name for name, _ in columns(shared, view)][: len(CONTRACT_COLUMNS[view])] == (
        CONTRACT_COLUMNS[view]
    )


def test_every_contract_view_exists_and_reads_empty(shared: duckdb.DuckDBPyConnection) -> None:
    assert set(CONTRACT_VIEWS) <= views(shared)
    for view in CONTRACT_VIEWS:
        assert shared.execute(f"SELECT count(*) FROM {view}").fetchone() == (0,)


def test_views_are_recreated_on_migrate(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DROP VIEW term_swaps")
    con.execute("CREATE OR REPLACE VIEW sentences AS SELECT 1 AS wrong")
    assert migrate(con) == []
    assert columns(con, "term_swaps") == CONTRACT_VIEWS["term_swaps"]
    assert columns(con, "sentences") == CONTRACT_VIEWS["sentences"]


# ---------------------------------------------------------------- macros

T0 = datetime(2024, 1, 1, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """Article art1 with v1 (seen at T0) and v2 (two hours later), compared as a revision."""
    con = connect(tmp_path_factory.mktemp("macros") / "w.duckdb")
    con.execute(
        "INSERT INTO core.articles VALUES ('art1', 'https://example.com/a', 'https://example.com/a',"
        " 'example.com', ?)",
        [T0],
    )
    for no, version_id, seen in [(1, "v1", T0), (2, "v2", T0 + timedelta(hours=2))]:
        con.execute(
            "INSERT INTO core.versions (version_id, article_id, version_no, seen_at, text, norm, "
            "text_hash, n_words) VALUES (?, 'art1', ?, ?, ?, ?, ?, 3)",
            [version_id, no, seen, f"text {no}", f"text {no}", f"hash{no}"],
        )
    con.execute(
        "INSERT INTO core.comparisons (comparison_id, old_version_id, new_version_id, relation, "
        "n_same, n_changed, n_added, n_removed, n_moved, title_changed) "
        "VALUES ('c1', 'v1', 'v2', 'revision', 1, 1, 0, 0, 0, false)"
    )
    yield con
    con.close()


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (T0 - timedelta(seconds=1), []),
        (T0, ["v1"]),
        (T0 + timedelta(hours=1), ["v1"]),
        (T0 + timedelta(hours=2), ["v2"]),
        (T0 + timedelta(days=400), ["v2"]),
    ],
)
def test_article_as_of(
    two_versions: duckdb.DuckDBPyConnection, at: datetime, expected: list[str]
) -> None:
    rows = two_versions.execute("SELECT version_id FROM article_as_of(?)", [at]).fetchall()
    assert [r[0] for r in rows] == expected


def test_article_as_of_returns_versions_columns(two_versions: duckdb.DuckDBPyConnection) -> None:
    rel = two_versions.sql("SELECT * FROM article_as_of(TIMESTAMPTZ '2024-01-01 13:00:00+00')")
    assert rel.columns == [name for name, _ in CONTRACT_VIEWS["versions"]]


def test_history_macro(two_versions: duckdb.DuckDBPyConnection) -> None:
    con = two_versions
    t2 = T0 + timedelta(hours=2)
    expected = [
        (2, "v2", t2, t2, None, None, None, 3, "c1", 1, 1, 0, 0, 0, False),
        (1, "v1", T0, T0, t2, None, None, 3, None, None, None, None, None, None, None),
    ]
    assert con.execute("SELECT * FROM history('https://example.com/a')").fetchall() == expected
    assert con.execute("SELECT * FROM history('art1')").fetchall() == expected
    assert con.execute("SELECT * FROM history('https://example.com/other')").fetchall() == []


# ---------------------------------------------------------------- opening the file


@duckdb_file_only
def test_a_second_process_holding_the_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "held.duckdb"
    connect(path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time\n"
            "con = duckdb.connect(sys.argv[1])\n"
            "print('ready', flush=True)\n"
            "time.sleep(60)\n",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "ready\n"
        for read_only in (False, True):
            with pytest.raises(WarehouseLockedError) as info:
                connect(path, read_only=read_only)
            assert re.fullmatch(
                rf"the warehouse {re.escape(str(path))} is in use by process {holder.pid} "
                r"\(.+\); wait for it to finish or stop it, then try again",
                str(info.value),
            ), str(info.value)
    finally:
        holder.terminate()
        holder.wait(timeout=10)
    connect(path).close()  # free again once the holder is gone


@duckdb_file_only
def test_a_writer_waits_for_a_reader_that_lets_go(tmp_path: Path) -> None:
    """A web page or a short query holds the file for a moment: a writer opening it then
    waits (up to LOCK_WAIT) instead of failing."""
    path = tmp_path / "briefly.duckdb"
    connect(path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time\n"
            "con = duckdb.connect(sys.argv[1], read_only=True)\n"
            "print('ready', flush=True)\n"
            "time.sleep(1)\n"
            "con.close()\n"
            "time.sleep(30)\n",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "ready\n"
        connect(path).close()  # the holder lets go after a second
    finally:
        holder.terminate()
        holder.wait(timeout=10)


def test_read_only_open_of_a_missing_warehouse(tmp_path: Path) -> None:
    path = tmp_path / "none.duckdb"
    with pytest.raises(SetupError) as info:
        connect(path, read_only=True)
    assert str(info.value) == (
        f"no warehouse at {path}: run 'pressdiff ingest' or 'pressdiff demo' first"
    )
    assert not path.exists()


def test_writable_open_creates_folders_and_uses_utc(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "w.duckdb"
    con = connect(path)
    assert path.exists()
    assert con.execute("SELECT current_setting('TimeZone')").fetchone() == ("UTC",)
    con.close()
    ro = connect(path, read_only=True)
    assert ro.execute("SELECT current_setting('TimeZone')").fetchone() == ("UTC",)
    with pytest.raises(duckdb.InvalidInputException):
        ro.execute("INSERT INTO core.runs (run_id, started_at, status) VALUES ('r', now(), 'x')")
    ro.close()


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.duckdb"
    path.write_text("not a database")
    with pytest.raises(SetupError) as info:
        connect(path)
    assert str(info.value).startswith(f"cannot open the warehouse {path}: ")

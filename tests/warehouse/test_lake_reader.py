"""A lake's reader connection: the sqlite extension its catalog needs opens files without
asking DuckDB, so the reader itself refuses what would open one; its cursors read the lake."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pressdiff.cli import main
from pressdiff.web import fulltext
from pressdiff.web.reader import reading
from warehouse import lake
from warehouse.connection import connect
from warehouse.reader import open_reader


@pytest.fixture
def lake_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A new, migrated lake with a SQLite catalog."""
    monkeypatch.setenv("PRESSDIFF_WAREHOUSE_FORMAT", "lake")
    monkeypatch.delenv("PRESSDIFF_DATA_PATH", raising=False)
    db = tmp_path / "w.duckdb"
    connect(db).close()
    assert lake.is_lake(db)
    return db


def catalog_snapshots(db: Path) -> int:
    with lake.open_lake(db, read_only=True) as con:
        found = con.execute("SELECT count(*) FROM ducklake_snapshots(?)", [lake.CATALOG])
        return found.fetchone()[0]


def test_a_lake_reader_opens_no_sqlite_file_itself(lake_db, tmp_path):
    other = tmp_path / "other.sqlite"
    attacks = {
        f"ATTACH '{lake_db}' AS w2 (READ_WRITE)": "a reader may not attach a database",
        f"ATTACH '{lake_db}' AS w3 (TYPE sqlite)": "a reader may not attach a database",
        f"ATTACH 'sqlite:{other}' AS o (READ_WRITE)": "a reader may not attach a database",
        f"ATTACH 'ducklake:sqlite:{lake_db}' AS l2": "a reader may not attach a database",
        f"FROM sqlite_query('{lake_db}', 'DELETE FROM ducklake_snapshot')": (
            "a reader may not open a SQLite file"
        ),
        f"SELECT * FROM sqlite_scan('{lake_db}', 'ducklake_snapshot')": (
            "a reader may not open a SQLite file"
        ),
    }
    before = catalog_snapshots(lake_db)
    with open_reader(lake_db) as con:
        for cursor in (con, con.cursor()):
            for attack, message in attacks.items():
                with pytest.raises(duckdb.PermissionException, match=message):
                    cursor.execute(attack)
                with pytest.raises(duckdb.PermissionException, match=message):
                    cursor.sql(attack)
        attached = con.execute("SELECT database_name FROM duckdb_databases() ORDER BY 1")
        assert attached.fetchall() == [("memory",), ("pd",), ("system",), ("temp",)]
    assert not other.exists()
    assert catalog_snapshots(lake_db) == before


def test_a_lake_readers_cursor_reads_the_lake(lake_db):
    with open_reader(lake_db) as con:
        cursor = con.cursor()
        assert cursor.execute("SELECT current_database()").fetchone() == (lake.CATALOG,)
        assert cursor.execute("SELECT count(*) FROM core.versions").fetchone() == (0,)
        assert cursor.execute("SELECT count(*) FROM versions").fetchone() == (0,)


MORE = (
    "Residents of the outer islands asked for an early crossing on weekdays for pupils.\n\n"
    "The next meeting of the board will be held in the town hall at the end of the month.\n"
)


def capture(folder: Path, name: str, seen: str, season: str, day: str) -> None:
    """A version of the wire story on the ferry timetable, seen at `seen`."""
    (folder / name).write_text(
        f"url: https://wire.example/ferry\ntitle: Ferry timetable set\nseen: {seen}\n\n"
        f"The harbour board set the {season} ferry timetable on {day}.\n\n{MORE}"
    )


def finds_the_ferry_story_only(con) -> None:
    """A search of the index built from the first capture finds it, and nothing else."""
    assert fulltext.state(con) == fulltext.IndexState(1, 1)
    [found] = fulltext.search(con, "ferries timetable")
    assert (found["url"], found["title"], found["still_says"]) == (
        "https://wire.example/ferry",
        "Ferry timetable set",
        True,
    )
    assert fulltext.search(con, "airport") == []


def test_full_text_search_works_on_a_lake(lake_db, tmp_path, prefect):
    """`pressdiff index` builds a lake's index into a file beside its catalog; the web
    reader searches it, and a new version makes it behind until the next build."""
    src = tmp_path / "articles"
    src.mkdir()
    capture(src, "a.txt", "2026-03-01T08:00:00Z", "winter", "Monday")
    assert main(["ingest", str(src), "--db", str(lake_db), "--workers", "0"]) == 0
    assert main(["index", "--db", str(lake_db)]) == 0
    assert fulltext.index_file(lake_db) == tmp_path / "w.duckdb.search"
    assert sorted(p.name for p in tmp_path.glob("w.duckdb.search*")) == ["w.duckdb.search"]
    with reading(lake_db) as con:
        finds_the_ferry_story_only(con)
        assert con.execute("SELECT count(*) FROM core.versions").fetchone() == (1,)
    capture(src, "b.txt", "2026-03-02T08:00:00Z", "spring", "Tuesday")
    assert main(["ingest", str(src), "--db", str(lake_db), "--workers", "0"]) == 0
    with reading(lake_db) as con:
        assert fulltext.state(con) == fulltext.IndexState(1, 2)
    state, took = fulltext.refresh(lake_db)
    assert (state, took is not None) == (fulltext.IndexState(2, 2), True)
    with reading(lake_db) as con:
        [found] = fulltext.search(con, "winter", gone=True)
        assert (found["matched_versions"], found["still_says"]) == ([1], False)

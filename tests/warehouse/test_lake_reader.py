"""A lake's reader connection: the sqlite extension its catalog needs opens files without
asking DuckDB, so the reader itself refuses what would open one; its cursors read the lake."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

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

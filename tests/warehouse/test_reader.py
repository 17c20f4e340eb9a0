"""The reader's connection and statement checks (warehouse/reader.py) called directly; the
`pressdiff sql` command's refusals are tested through the CLI in tests/test_sql_readonly.py."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pressdiff.errors import SetupError, UsageError
from warehouse.connection import connect
from warehouse.reader import open_reader, run_read_only


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    with connect(path) as con:
        con.execute("CREATE TABLE core.notes AS SELECT 1 AS n UNION ALL SELECT 2")
    return path


def test_a_reader_runs_a_query_and_holds_its_result(db: Path) -> None:
    with open_reader(db) as con:
        cur = run_read_only(con, "-- the notes\nSELECT n FROM core.notes ORDER BY n")
        assert cur.fetchall() == [(1,), (2,)]
        assert con.execute("SELECT current_setting('TimeZone')").fetchone() == ("UTC",)


def test_a_second_reader_in_the_process_is_as_locked_as_the_first(db: Path) -> None:
    with open_reader(db) as first, open_reader(db) as second:
        for con in (first, second):
            with pytest.raises(duckdb.Error):
                con.execute("SET enable_external_access = true")
            with pytest.raises(UsageError):
                run_read_only(con, "SELECT * FROM read_text('/etc/hostname')")


def test_a_write_on_the_reader_is_refused_before_it_runs(db: Path) -> None:
    with open_reader(db) as con:
        with pytest.raises(UsageError) as info:
            run_read_only(con, "DELETE FROM core.notes")
        assert str(info.value).startswith("the query is not read-only: DELETE is not allowed")
        assert con.execute("SELECT count(*) FROM core.notes").fetchone() == (2,)


def test_a_failing_query_keeps_duckdbs_hint(db: Path) -> None:
    with open_reader(db) as con, pytest.raises(SetupError) as info:
        run_read_only(con, "SELECT * FROM core.note")
    assert str(info.value) == (
        "the query failed: Catalog Error: Table with name note does not exist!\n"
        'Did you mean "notes"?\n\n'
        "LINE 1: SELECT * FROM core.note\n"
        "                      ^"
    )

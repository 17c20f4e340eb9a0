"""Work a batch still owes (warehouse/pending.py), on a real warehouse file: recorded with
the run that made it due, struck off exactly, read back once each in a stable order."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from warehouse import pending
from warehouse.connection import connect
from warehouse.transaction import transaction


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect(tmp_path / "w.duckdb")
    yield con
    con.close()


def table(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute("SELECT * FROM core.pending_work ORDER BY ALL").fetchall()


def test_owed_work_is_recorded_with_its_run(con: duckdb.DuckDBPyConnection) -> None:
    pending.owe(con, pending.STORIES, ["v2", "v1"], "run1")
    pending.owe(con, "revision", [("v1", "v2")], "run1")
    pending.owe(con, "republication", [], "run1")  # nothing due: nothing written
    assert table(con) == [
        ("revision", "v1", "v2", "run1"),
        ("stories", "v1", None, "run1"),
        ("stories", "v2", None, "run1"),
    ]


def test_settling_strikes_off_exactly_what_was_done(con: duckdb.DuckDBPyConnection) -> None:
    pending.owe(con, pending.STORIES, ["v1", "v2"], "run1")
    pending.owe(con, "revision", [("v1", "v2"), ("v2", "v3")], "run1")
    pending.owe(con, "republication", [("v1", "v2")], "run1")
    with transaction(con):
        pending.settle(con, pending.STORIES, ["v1"])
        pending.settle(con, "revision", [("v1", "v2")])
        pending.settle(con, "republication", [("v9", "v2")])  # never owed: nothing changes
    assert table(con) == [
        ("republication", "v1", "v2", "run1"),
        ("revision", "v2", "v3", "run1"),
        ("stories", "v2", None, "run1"),
    ]


def test_what_is_owed_comes_back_once_each_by_kind(con: duckdb.DuckDBPyConnection) -> None:
    assert not pending.owed(con)
    pending.owe(con, pending.STORIES, ["v2", "v1"], "run1")
    pending.owe(con, pending.STORIES, ["v1"], "run2")  # owed by two interrupted runs
    pending.owe(con, "revision", [("v2", "v3"), ("v1", "v2")], "run2")
    owed = pending.owed(con)
    assert owed
    assert owed == pending.Owed(
        version_ids=["v1", "v2"], pairs={"revision": [("v1", "v2"), ("v2", "v3")]}
    )


def test_a_rolled_back_batch_owes_nothing(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(RuntimeError), transaction(con):
        pending.owe(con, pending.STORIES, ["v1"], "run1")
        raise RuntimeError("killed")
    assert table(con) == []

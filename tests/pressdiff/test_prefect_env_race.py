"""Two `pressdiff ingest` processes started at the same moment beside each other share the
Prefect home beside their warehouses (pressdiff.prefect_env.configure): both start a local
Prefect server on it, and both must succeed. Before the start lock, the second server to
migrate the fresh SQLite database failed ("table ... already exists") and its command
exited 2 with "Prefect's local server did not start". Real processes, through the real CLI.
"""

from __future__ import annotations

import pytest

from tests.helpers import start_ingest


def race(first_db, second_db, warehouse_format: str) -> None:
    """Start both ingests together (a fresh Prefect home each time: its first migration is
    where they collided); both must exit 0 with nothing but blank lines on stderr."""
    fmt = {"PRESSDIFF_WAREHOUSE_FORMAT": warehouse_format}
    pair = [start_ingest(first_db, **fmt), start_ingest(second_db, **fmt)]
    results = [(p.pid, *p.communicate(timeout=600), p.returncode) for p in pair]
    assert [(pid, err.strip(), code) for pid, _, err, code in results] == [
        (pair[0].pid, "", 0),
        (pair[1].pid, "", 0),
    ]


@pytest.mark.parametrize("attempt", range(1))
def test_two_ingests_into_two_warehouses_in_one_folder_both_succeed(tmp_path, attempt):
    race(tmp_path / "a.duckdb", tmp_path / "b.duckdb", "duckdb")


def test_two_ingests_into_one_lake_both_succeed(tmp_path):
    race(tmp_path / "w.duckdb", tmp_path / "w.duckdb", "lake")

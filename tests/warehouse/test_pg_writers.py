"""Two `pressdiff ingest` processes started together into one warehouse whose catalog is a
real PostgreSQL database (tests/pg.py), with overlapping inputs: every view counts what one
process ingesting the union counts, and no keyed row (warehouse/keys.py) is stored twice.

Small on purpose (12 + 12 fundus-news pages, 4 shared): the full-size run, all 258 pages, is
`bench/bench_lake.py --postgres`. The processes report to this session's Prefect server
rather than each starting one of its own, and commit every 3 pages: how far their commits
interleave depends on the machine (on a busy one they overlap from the first batch, on a
quiet one the first may be done before the second has its catalog), so the test asks only
for the outcome, which must hold either way.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT, fundus_pages, open_db, run, view_counts
from warehouse.keys import CHECKED, stored_twice

pytest_plugins = ["tests.pg"]  # the `postgres` fixture


def ingest(folder: Path, url: str, data: Path) -> subprocess.Popen:
    """`pressdiff ingest FOLDER --db URL` started, its files in `data`, reporting to this
    session's Prefect server."""
    from prefect.settings import PREFECT_API_URL

    env = {k: v for k, v in os.environ.items() if k not in ("PRESSDIFF_DB", "PREFECT_HOME")}
    env |= {"PRESSDIFF_DATA_PATH": str(data), "PREFECT_API_URL": PREFECT_API_URL.value()}
    return subprocess.Popen(
        [sys.executable, "-m", "pressdiff.cli", "ingest", str(folder), "--db", url,
         "--workers", "0", "--batch-size", "3"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env,
    )  # fmt: skip


@pytest.mark.corpus
def test_two_writers_on_a_postgresql_catalog_store_what_one_would(
    postgres, prefect, tmp_path, monkeypatch
):
    first = fundus_pages(tmp_path / "first", 0, 12)
    second = fundus_pages(tmp_path / "second", 8, 20)
    union = fundus_pages(tmp_path / "union", 0, 20)
    shared, alone = postgres.database(), postgres.database()
    # Both start on a catalog nobody has created yet: its creation must not race.
    writers = [ingest(f, shared, tmp_path / "shared-files") for f in (first, second)]
    monkeypatch.setenv("PRESSDIFF_DATA_PATH", str(tmp_path / "alone-files"))
    run([union], alone, workers=0)
    for proc in writers:
        _, err = proc.communicate(timeout=600)
        assert proc.returncode in (0, 1) and "Traceback" not in err, err
    monkeypatch.setenv("PRESSDIFF_DATA_PATH", str(tmp_path / "shared-files"))
    with open_db(shared) as con:
        runs = con.execute("SELECT status FROM runs").fetchall()
    assert sorted(runs) == [("completed",), ("completed",)]
    with open_db(shared) as con:
        assert stored_twice(con) == dict.fromkeys(CHECKED, 0)
    together = view_counts(shared)
    monkeypatch.setenv("PRESSDIFF_DATA_PATH", str(tmp_path / "alone-files"))
    assert together == view_counts(alone)
    assert together["versions"] >= 16

"""`pressdiff demo` writes only its own warehouse: never $PRESSDIFF_DB, never a file it did
not make unless that file is named on --fresh. Through the real CLI, as subprocesses."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT, open_db

ARTICLE = (
    "The harbour council voted on Monday to rebuild the old stone pier before winter. "
    "Work will start in May and should take about five months, the council said. "
    "Fishing crews welcomed the decision after two years of delays."
)


def cli(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    """`pressdiff ARGS` in a new process run from `cwd`."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PREFECT_API_URL", "PREFECT_HOME", "PRESSDIFF_DB")
    }
    return subprocess.run(
        [sys.executable, "-m", "pressdiff.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=600,
        env={**clean, "PYTHONPATH": str(ROOT), **env},
    )


def fingerprint(path: Path) -> tuple[str, int]:
    """What must not change: the file's bytes and its modification time."""
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def counts(db: Path) -> tuple:
    with open_db(db) as con:
        return con.execute(
            "select (select count(*) from articles), (select count(*) from versions), "
            "(select count(*) from runs), (select list(distinct command) from runs)"
        ).fetchone()


@pytest.fixture(scope="module")
def real_warehouse(tmp_path_factory) -> Path:
    """A user's warehouse, made by `pressdiff ingest` of articles that are not the demo's."""
    home = tmp_path_factory.mktemp("user")
    for i in range(3):
        (home / "news" / f"a{i}.txt").parent.mkdir(exist_ok=True)
        (home / "news" / f"a{i}.txt").write_text(f"title: Pier {i}\n\n{ARTICLE} Item {i}.")
    db = home / "real.duckdb"
    proc = cli(["ingest", str(home / "news"), "--db", str(db)], home)
    assert proc.returncode == 0, proc.stderr
    return db


def test_demo_ignores_pressdiff_db_and_leaves_that_warehouse_untouched(real_warehouse, tmp_path):
    before, before_counts = fingerprint(real_warehouse), counts(real_warehouse)
    assert before_counts == (3, 3, 1, ["ingest"])
    proc = cli(["demo"], tmp_path, PRESSDIFF_DB=str(real_warehouse))
    assert proc.returncode == 0, proc.stderr
    assert "into pressdiff-demo.duckdb" in proc.stdout
    assert fingerprint(real_warehouse) == before
    assert counts(real_warehouse) == before_counts
    assert counts(tmp_path / "pressdiff-demo.duckdb") == (4, 5, 1, ["demo"])


def test_demo_refuses_a_warehouse_it_did_not_make_unless_named_on_fresh(real_warehouse, tmp_path):
    before = fingerprint(real_warehouse)
    for args in (
        ["demo", "--db", str(real_warehouse)],
        ["demo", "--db", str(real_warehouse), "--fresh"],
    ):
        proc = cli(args, tmp_path)
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.splitlines() == [
            f"error: {real_warehouse} is not a demo warehouse (3 articles from 1 runs); pressdiff "
            "demo leaves it alone: give the demo another --db, or replace that file by naming "
            f"it: --fresh {real_warehouse}"
        ]
        assert fingerprint(real_warehouse) == before
    assert not (tmp_path / "pressdiff-demo.duckdb").exists()
    named = tmp_path / "named.duckdb"
    named.write_bytes(real_warehouse.read_bytes())
    proc = cli(["demo", "--fresh", str(named)], tmp_path)  # named on the flag: replaced
    assert proc.returncode == 0, proc.stderr
    assert counts(named) == (4, 5, 1, ["demo"])
    assert fingerprint(real_warehouse) == before


def test_demo_adds_to_its_own_warehouse_and_fresh_starts_it_again(tmp_path):
    assert cli(["demo"], tmp_path).returncode == 0
    again = cli(["demo"], tmp_path)
    assert again.returncode == 0, again.stderr
    assert "0 versions new, 5 unchanged" in again.stdout
    assert counts(tmp_path / "pressdiff-demo.duckdb") == (4, 5, 2, ["demo"])
    fresh = cli(["demo", "--fresh"], tmp_path)
    assert fresh.returncode == 0, fresh.stderr
    assert counts(tmp_path / "pressdiff-demo.duckdb") == (4, 5, 1, ["demo"])

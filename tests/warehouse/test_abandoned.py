"""A run left 'running' by a process that is gone becomes 'abandoned' at the next writer."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

from pressdiff import processes
from warehouse.connection import connect
from warehouse.store import start_run

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def test_the_next_writer_abandons_runs_whose_process_is_gone(tmp_path):
    db = tmp_path / "w.duckdb"
    con = connect(db)
    start_run(con, "mine", None, "ingest", T0)  # this process: alive
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    me = processes.me()
    rows = [
        ("gone", gone.pid, me.host, None),  # its pid no longer exists
        ("reused", me.pid, me.host, "another-boot/1"),  # a live pid, but another process
        ("elsewhere", 1, "another-host.example", None),  # cannot be checked: kept
        ("legacy", None, None, None),  # before migration 0003: nobody holds it now
    ]
    for run_id, pid, host, start in rows:
        con.execute(
            "INSERT INTO core.runs (run_id, started_at, status, pid, host, process_start) "
            "VALUES (?, ?, 'running', ?, ?, ?)",
            [run_id, T0, pid, host, start],
        )
    con.close()
    con = connect(db)
    assert con.execute("SELECT run_id, status FROM runs ORDER BY run_id").fetchall() == [
        ("elsewhere", "running"),
        ("gone", "abandoned"),
        ("legacy", "abandoned"),
        ("mine", "running"),
        ("reused", "abandoned"),
    ]
    assert con.execute(
        "SELECT count(*) FROM runs WHERE status = 'abandoned' AND finished_at IS NOT NULL"
    ).fetchone() == (3,)

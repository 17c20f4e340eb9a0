"""Runs whose process died: left `running` by a process that is gone (kill -9, power loss),
they are marked `abandoned` by the next command that opens the warehouse for writing."""

from __future__ import annotations

from datetime import datetime

import duckdb

from pressdiff import processes
from warehouse.sqlfiles import run
from warehouse.transaction import transaction


def abandon_dead_runs(con: duckdb.DuckDBPyConnection, now: datetime) -> list[str]:
    """Mark `abandoned` every run left `running` by a process that is gone (kill -9, power
    loss); returns their ids. A run without a recorded process predates migration 0003:
    whoever holds the writer's lock now, it is not running."""
    with transaction(con):
        running = con.execute(
            "SELECT run_id, pid, host, process_start FROM core.runs WHERE status = 'running'"
        ).fetchall()
        dead = [
            run_id
            for run_id, pid, host, start in running
            if pid is None or not processes.alive(processes.Process(pid, host, start))
        ]
        if dead:
            run(con, "runs_abandon", [now, dead])
    return dead

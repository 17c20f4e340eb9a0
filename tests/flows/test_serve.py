"""`pressdiff serve` end to end: a real local Prefect server, scheduled runs against a real
HTTP server whose article changes between ticks, and a clean shutdown on SIGTERM."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT
from tests.flows.test_tick import PARAS, feed
from tests.httpserver import Response, article, make_server


def query(db: Path, sql: str) -> list[tuple] | None:
    """Rows, or None while a scheduled run holds the warehouse."""
    try:
        with duckdb.connect(str(db), read_only=True) as con:
            return con.execute(sql).fetchall()
    except duckdb.Error:
        return None


def wait_for(db: Path, sql: str, check, timeout: float) -> list[tuple] | None:
    deadline = time.monotonic() + timeout
    rows = None
    while time.monotonic() < deadline:
        rows = query(db, sql)
        if rows is not None and check(rows):
            return rows
        time.sleep(1)
    return rows


def listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.slow
def test_serve_runs_the_schedules_and_stops_cleanly(tmp_path):
    db = tmp_path / "w.duckdb"
    env = {
        **os.environ,
        "PRESSDIFF_ALLOW_PRIVATE": "1",
        "PRESSDIFF_HOST_DELAY": "0",
        "PRESSDIFF_WORKERS": "0",
        "PRESSDIFF_REVISIT_SCALE": "0.005",  # 15 min between revisits becomes 4.5 s
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
    }
    env.pop("PREFECT_API_URL", None)
    cli = [sys.executable, "-m", "pressdiff.cli"]
    with make_server() as site:
        base = site.url("")
        site.set("/robots.txt", Response(404))
        site.set(
            "/feed.xml", Response(body=feed(base, "/a", "/b"), content_type="application/rss+xml")
        )
        site.set("/a", Response(body=article("Flood gates open", *PARAS), etag='"a1"'))
        site.set("/b", Response(body=article("Harbour wall", *PARAS[:2]), etag='"b1"'))
        subprocess.run(
            [*cli, "watch", "add", site.url("/feed.xml"), "--db", str(db)],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        serve = subprocess.Popen(
            [*cli, "serve", "--db", str(db), "--interval-scale", "0.02"],  # 5 min -> 6 s
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        try:
            first = wait_for(db, "select count(*) from versions", lambda r: r[0][0] == 2, 240)
            assert first == [(2,)]
            site.set(
                "/a",
                Response(
                    body=article(
                        "Flood gates open early",
                        *PARAS[:2],
                        "About 3,400 homes lie behind the new defences.",
                    ),
                    etag='"a2"',
                ),
            )
            changed = wait_for(
                db,
                "select count(*) from comparisons where relation = 'revision'",
                lambda r: r[0][0] >= 1,
                180,
            )
            assert changed == [(1,)]
            b_304 = wait_for(
                db,
                "select count(*) from fetches where url like '%/b' and status_code = 304",
                lambda r: r[0][0] >= 1,
                60,
            )
            assert b_304 and b_304[0][0] >= 1
        finally:
            serve.send_signal(signal.SIGTERM)
            try:
                output, _ = serve.communicate(timeout=90)
            except subprocess.TimeoutExpired:
                os.killpg(serve.pid, signal.SIGKILL)
                output, _ = serve.communicate()
                pytest.fail(f"serve did not stop on SIGTERM:\n{output[-2000:]}")
    assert serve.returncode == 0, output[-2000:]
    port = int(re.search(r"Prefect UI and API: http://127\.0\.0\.1:(\d+)", output)[1])
    assert not listening(port)  # the Prefect server it started is gone
    runs = query(db, "select count(*), count(*) filter (where status = 'completed') from runs")
    assert runs[0][0] >= 2 and runs[0][0] == runs[0][1]
    assert query(db, "select n_versions from articles where url like '%/a'") == [(2,)]
    assert query(db, "select n_versions from articles where url like '%/b'") == [(1,)]
    leftover = subprocess.run(["pgrep", "-s", str(serve.pid)], capture_output=True, text=True)
    assert leftover.stdout.strip() == ""  # no process of its session survives

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
import httpx
import pytest

from pressdiff.errors import WarehouseLockedError
from tests.helpers import PARAS, ROOT, feed, open_db, stop_serve
from tests.httpserver import Response, article, make_server


def query(db: Path, sql: str) -> list[tuple] | None:
    """Rows, or None while a scheduled run holds the warehouse."""
    try:
        with open_db(db) as con:
            return con.execute(sql).fetchall()
    except (duckdb.Error, WarehouseLockedError):
        return None


def wait_for(db: Path, sql: str, check, timeout: float) -> list[tuple] | None:
    deadline = time.monotonic() + timeout
    rows = None
    while time.monotonic() < deadline:
        rows = query(db, sql)
        if rows is not None and check(rows):
            return rows
        time.sleep(3)  # seldom: a read holds the file, and a tick starting then must wait
    return rows


def assert_clean_stop(output: str) -> None:
    """SIGTERM: a "stopping" line, then "stopped", and nothing Prefect leaks."""
    lines = output.splitlines()
    assert "stopping" in lines and lines[-1] == "stopped", output[-2000:]
    for leak in ("never awaited", "Traceback", "Error logging to API", "RuntimeWarning"):
        assert leak not in output, output[-3000:]


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
            # the tick that stored the revision has closed its run (its line is due)
            closed = wait_for(
                db,
                "select count(*) from runs where finished_at is not null "
                "and n_versions_new = 1 and n_articles_new = 0",
                lambda r: r[0][0] >= 1,
                60,
            )
            assert closed and closed[0][0] >= 1
        finally:
            output = stop_serve(serve)
    assert serve.returncode == 0, output[-2000:]
    assert_clean_stop(output)
    # one line per finished tick: what it polled, stored and flagged
    assert re.search(
        r"^\d\d:\d\d:\d\d poll-watchlist: polled: 2 new links tracked; fetched 2: 2 versions "
        r"new \(2 articles new\), 0 unchanged, 0 rejected; 0 notable changes flagged$",
        output,
        re.M,
    ), output[-3000:]
    assert re.search(
        r"^\d\d:\d\d:\d\d (poll-watchlist|revisit-articles): .*fetched \d+: 1 versions new "
        r"\(0 articles new\).*; [12] notable changes flagged$",
        output,
        re.M,
    ), output[-3000:]
    port = int(re.search(r"Prefect UI: http://127\.0\.0\.1:(\d+)", output)[1])
    assert not listening(port)  # the Prefect server it started is gone
    runs = query(db, "select count(*), count(*) filter (where status = 'completed') from runs")
    assert runs[0][0] >= 2 and runs[0][0] == runs[0][1]
    assert query(db, "select n_versions from articles where url like '%/a'") == [(2,)]
    assert query(db, "select n_versions from articles where url like '%/b'") == [(1,)]
    leftover = subprocess.run(["pgrep", "-s", str(serve.pid)], capture_output=True, text=True)
    assert leftover.stdout.strip() == ""  # no process of its session survives


CHROMIUM = Path("/usr/bin/chromium")  # Debian's package: apt-get install chromium


def browse(url: str, profile: Path, *args: str, budget_ms: int = 20_000) -> str:
    """The page at `url` as headless Chromium renders it (the DOM after its scripts ran)."""
    done = subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--window-size=1400,900",
            f"--virtual-time-budget={budget_ms}",
            *args,
            url,
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.mark.slow
def test_serve_ticks_at_start_and_its_ui_shows_the_deployments_runs_and_logs(tmp_path):
    """Default schedules (first poll due in 5 minutes): a first tick runs at start anyway;
    the printed address is a working Prefect UI on the server's own port, showing the
    deployments, the run and its INFO logs; SIGTERM stops it cleanly."""
    db = tmp_path / "w.duckdb"
    log = tmp_path / "serve.out"
    artifacts = Path(os.environ.get("PRESSDIFF_TEST_ARTIFACTS", tmp_path))
    artifacts.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "PRESSDIFF_HOST_DELAY": "0",
        "PRESSDIFF_WORKERS": "0",
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
    }
    for key in ("PREFECT_API_URL", "PRESSDIFF_ALLOW_PRIVATE"):
        env.pop(key, None)
    cli = [sys.executable, "-m", "pressdiff.cli"]
    with make_server() as site, log.open("w") as out:
        base = site.url("")
        site.set("/robots.txt", Response(404))
        site.set(
            "/feed.xml", Response(body=feed(base, "/a", "/b"), content_type="application/rss+xml")
        )
        site.set("/a", Response(body=article("Flood gates open", *PARAS)))
        site.set("/b", Response(body=article("Harbour wall", *PARAS[:2])))
        subprocess.run(
            [*cli, "watch", "add", site.url("/feed.xml"), "--db", str(db)],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        serve = subprocess.Popen(
            [*cli, "serve", "--db", str(db), "--allow-private"],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        try:
            ui = wait_for_ui(log)
            api = httpx.Client(base_url=f"{ui}/api", timeout=30)
            settings = httpx.get(f"{ui}/ui-settings", timeout=30).json()
            assert settings["api_url"] == f"{ui}/api"  # the UI calls this server, not :4200
            # the first poll happens at start, not after the 5-minute interval (the
            # warehouse is read only once it is done: a read would hold the file)
            (run,) = wait_runs(api, "poll-watchlist-at-start", 240)
            stored = wait_for(db, "select count(*) from versions", lambda r: r[0][0] == 2, 60)
            assert stored == [(2,)], log.read_text()[-3000:]  # (its process may still hold it)
            logs = api.post(
                "/logs/filter", json={"logs": {"flow_run_id": {"any_": [run["id"]]}}}
            ).json()
            infos = {(entry["name"], entry["message"]) for entry in logs if entry["level"] == 20}
            assert ("prefect.task_runs", "Finished in state Completed()") in infos
            summary = (
                "summary: polled: 2 new links tracked; fetched 2: 2 versions new "
                "(2 articles new), 0 unchanged, 0 rejected; 0 notable changes flagged"
            )
            assert ("prefect.flow_runs", summary) in infos
            if CHROMIUM.exists():
                profile = tmp_path / "chromium"
                page = browse(f"{ui}/deployments", profile, "--dump-dom")
                for name in ("poll-watchlist", "revisit-articles", "nightly-maintenance"):
                    assert name in page, page[-3000:]
                shot = artifacts / "serve-ui-deployments.png"
                browse(f"{ui}/deployments", profile, f"--screenshot={shot}")
                assert shot.stat().st_size > 10_000
                # the run's page: its name, deployment and INFO logs with the tick's summary
                run_page = browse(f"{ui}/runs/flow-run/{run['id']}", profile, "--dump-dom")
                for text in ("poll-watchlist-at-start", "poll-watchlist", summary):
                    assert text in run_page, (text, run_page[-3000:])
                browse(
                    f"{ui}/runs/flow-run/{run['id']}",
                    profile,
                    f"--screenshot={artifacts / 'serve-ui-flow-run-logs.png'}",
                )
        finally:
            started = time.monotonic()
            serve.send_signal(signal.SIGTERM)
            try:
                serve.wait(timeout=90)
            except subprocess.TimeoutExpired:
                os.killpg(serve.pid, signal.SIGKILL)
                serve.wait()
                pytest.fail(f"serve did not stop on SIGTERM:\n{log.read_text()[-2000:]}")
            print(f"serve stopped {time.monotonic() - started:.1f} s after SIGTERM")
    output = log.read_text()
    assert serve.returncode == 0, output[-2000:]
    assert_clean_stop(output)
    assert re.search(r"^\d\d:\d\d:\d\d poll-watchlist: polled: 2 new links tracked", output, re.M)
    leftover = subprocess.run(["pgrep", "-s", str(serve.pid)], capture_output=True, text=True)
    assert leftover.stdout.strip() == ""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent (apt-get install chromium): the UI was not rendered")


def wait_for_ui(log: Path, timeout: float = 180) -> str:
    """The Prefect UI address serve printed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = re.search(r"^Prefect UI: (http://127\.0\.0\.1:\d+)", log.read_text(), re.M)
        if found:
            return found[1]
        time.sleep(1)
    raise AssertionError(log.read_text()[-3000:])


def wait_runs(api: httpx.Client, name: str, timeout: float = 60) -> list[dict]:
    """The flow runs called `name`, once one has completed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs = api.post("/flow_runs/filter", json={"flow_runs": {"name": {"any_": [name]}}}).json()
        if runs and all(r["state_type"] == "COMPLETED" for r in runs):
            return runs
        time.sleep(1)
    return runs

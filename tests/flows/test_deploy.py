"""`pressdiff deploy` end to end, the way Prefect users run deployments: a real Prefect
server, the deployments registered through the CLI, `prefect deployment run`, and a
`process` worker (`prefect worker start --run-once`) that runs them from another folder."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.helpers import PARAS, ROOT, feed, open_db
from tests.httpserver import Response, article, make_server

NAMES = {"poll-watchlist-worker", "revisit-articles-worker", "nightly-maintenance-worker"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def prefect_server(tmp_path):
    """`prefect server start` on a free loopback port; yields the environment to use it."""
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_API_URL": api,
        "PREFECT_UI_ENABLED": "false",
        "PREFECT_SERVER_API_HOST": "127.0.0.1",
    }
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert server.poll() is None, (tmp_path / "server.log").read_text()[-2000:]
            time.sleep(0.5)
        yield env
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def run(*args: str, env: dict, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), env=env, cwd=cwd, capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_deploy_then_a_process_worker_runs_the_deployments(tmp_path, prefect_server):
    db = tmp_path / "w.duckdb"
    elsewhere = tmp_path / "worker-cwd"  # the worker runs somewhere else than the checkout
    elsewhere.mkdir()
    env = {
        **prefect_server,
        "PRESSDIFF_DB": str(db),
        "PRESSDIFF_ALLOW_PRIVATE": "1",
        "PRESSDIFF_HOST_DELAY": "0",
        "PRESSDIFF_WORKERS": "0",
    }
    pressdiff = [sys.executable, "-m", "pressdiff.cli"]
    prefect = [sys.executable, "-m", "prefect"]
    api = httpx.Client(base_url=env["PREFECT_API_URL"], timeout=30)
    with make_server() as site:
        base = site.url("")
        site.set("/robots.txt", Response(404))
        site.set(
            "/feed.xml", Response(body=feed(base, "/a", "/b"), content_type="application/rss+xml")
        )
        site.set("/a", Response(body=article("Flood gates open", *PARAS)))
        site.set("/b", Response(body=article("Harbour wall", *PARAS[:2])))
        added = run(*pressdiff, "watch", "add", site.url("/feed.xml"), env=env, cwd=ROOT)
        assert added.returncode == 0, added.stderr

        # from the repository root, with the warehouse from $PRESSDIFF_DB
        deployed = run(*pressdiff, "deploy", env=env, cwd=ROOT)
        assert deployed.returncode == 0, deployed.stdout + deployed.stderr
        assert deployed.stdout.splitlines() == [
            "deployed tick/poll-watchlist-worker (every 300 s) for work pool pressdiff-local",
            "deployed tick/revisit-articles-worker (every 900 s) for work pool pressdiff-local",
            "deployed maintain/nightly-maintenance-worker (cron 0 3 * * *) for work pool "
            "pressdiff-local",
            f"runs use {db}; start a worker: prefect worker start --pool pressdiff-local",
        ]
        pool = api.get("/work_pools/pressdiff-local").json()
        assert pool["type"] == "process"
        deployments = api.post("/deployments/filter", json={}).json()
        assert {d["name"] for d in deployments} == NAMES
        assert {d["parameters"]["db"] for d in deployments} == {str(db)}

        # deploying again is harmless: the pool exists, the deployments are updated
        again = run(*pressdiff, "deploy", env=env, cwd=ROOT)
        assert again.returncode == 0, again.stderr
        assert len(api.post("/deployments/filter", json={}).json()) == 3

        for name in ("tick/poll-watchlist-worker", "maintain/nightly-maintenance-worker"):
            started = run(*prefect, "deployment", "run", name, env=env, cwd=elsewhere)
            assert started.returncode == 0, started.stdout + started.stderr
            worker = run(
                *prefect,
                "worker",
                "start",
                "--pool",
                "pressdiff-local",
                "--run-once",
                env=env,
                cwd=elsewhere,
            )
            assert worker.returncode == 0, worker.stdout[-3000:] + worker.stderr[-3000:]

    runs = api.post("/flow_runs/filter", json={}).json()
    by_deployment = {d["id"]: d["name"] for d in deployments}
    finished = {
        by_deployment[r["deployment_id"]]: r["state_type"]
        for r in runs
        if r["state_type"] not in ("SCHEDULED", "CANCELLED")
    }
    assert finished == {
        "poll-watchlist-worker": "COMPLETED",
        "nightly-maintenance-worker": "COMPLETED",
    }, runs
    with open_db(db) as con:
        assert con.execute("select count(*) from versions").fetchone() == (2,)
        assert con.execute("select status from runs").fetchall() == [("completed",)]


def test_deploy_without_a_server_says_how_to_get_one(tmp_path):
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect-home")}
    env.pop("PREFECT_API_URL", None)
    done = run(
        sys.executable,
        "-m",
        "pressdiff.cli",
        "deploy",
        "--db",
        str(tmp_path / "w.duckdb"),
        env=env,
        cwd=ROOT,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "error: pressdiff deploy registers the schedules on a Prefect server: start one "
        "(prefect server start) and set PREFECT_API_URL=http://127.0.0.1:4200/api, or run "
        "them here with pressdiff serve"
    )

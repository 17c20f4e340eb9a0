"""`pressdiff serve`: the schedules in deployments/prefect.yaml, in the foreground.

The ephemeral Prefect API refuses schedules, so this starts a local Prefect server (or
uses the one PREFECT_API_URL names), serves every deployment of prefect.yaml from this
process, and on Ctrl-C or SIGTERM stops both, cleanly.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import yaml

from pressdiff.errors import SetupError

DEPLOYMENTS = Path(__file__).resolve().parents[1] / "deployments" / "prefect.yaml"


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(api_url: str) -> bool:
    """Whether a Prefect API answers at `api_url`."""
    try:
        return httpx.get(f"{api_url.rstrip('/')}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def start_server(port: int, log: Path, timeout: float = 120) -> subprocess.Popen:
    """Start `prefect server start` on 127.0.0.1:`port`; returns once it answers."""
    log.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "prefect",
            "server",
            "start",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    api = f"http://127.0.0.1:{port}/api"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SetupError(f"the Prefect server stopped while starting; see {log}")
        if healthy(api):
            return proc
        time.sleep(0.5)
    stop(proc)
    raise SetupError(f"the Prefect server did not answer within {timeout:.0f} s; see {log}")


def stop(proc: subprocess.Popen, grace: float = 15) -> None:
    """Stop a process group: SIGINT, then SIGTERM, then SIGKILL."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        if proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            continue


def load_deployments(path: Path = DEPLOYMENTS) -> list[dict]:
    """The deployments of prefect.yaml (anchors resolved)."""
    try:
        return yaml.safe_load(path.read_text())["deployments"]
    except (OSError, KeyError, yaml.YAMLError) as exc:
        raise SetupError(f"cannot read the deployments in {path}: {exc}") from exc


def _flow(entrypoint: str):
    module, name = entrypoint.split(":")
    import importlib

    return getattr(importlib.import_module(module.removesuffix(".py").replace("/", ".")), name)


def build(deployments: list[dict], db: str, interval_scale: float = 1.0) -> list:
    """RunnerDeployments for `deployments`, with `db` as every flow's warehouse."""
    from prefect.client.schemas.objects import ConcurrencyLimitConfig

    out = []
    for d in deployments:
        sched = d["schedules"][0]
        limit = d.get("concurrency_limit") or {}
        out.append(
            _flow(d["entrypoint"]).to_deployment(
                name=d["name"],
                description=d.get("description"),
                parameters={**(d.get("parameters") or {}), "db": db},
                interval=sched["interval"] * interval_scale if "interval" in sched else None,
                cron=sched.get("cron"),
                concurrency_limit=ConcurrencyLimitConfig(**limit) if limit else None,
            )
        )
    return out


def serve(db: str, say: Callable[[str], None], interval_scale: float = 1.0) -> None:
    """Run the schedules until Ctrl-C or SIGTERM; starts (and stops) a Prefect server."""
    from pressdiff.prefect_env import configure, state_dir

    configure(db)
    server = None
    api = os.environ.get("PREFECT_API_URL")
    if not api or not healthy(api):
        port = free_port()
        say("starting a local Prefect server…")
        server = start_server(port, state_dir(db) / "prefect-server.log")
        api = f"http://127.0.0.1:{port}/api"
        os.environ["PREFECT_API_URL"] = api
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        from prefect import serve as prefect_serve

        deployments = build(load_deployments(), str(Path(db).resolve()), interval_scale)
        say(
            f"Prefect UI and API: {api.removesuffix('/api')}  (runs: pressdiff sql "
            '"select * from runs order by started_at desc")'
        )
        say("serving " + ", ".join(d.name for d in deployments) + "; Ctrl-C stops")
        prefect_serve(*deployments, print_starting_message=False)
    except KeyboardInterrupt:
        say("stopping")
    finally:
        if server is not None:
            stop(server)

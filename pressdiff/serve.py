"""`pressdiff serve`: the schedules in deployments/prefect.yaml, in the foreground.

The ephemeral Prefect API refuses schedules, so this starts a local Prefect server with
its UI (or uses the one PREFECT_API_URL names), registers every deployment of
prefect.yaml and runs their flow runs from this process:

- the printed address opens the Prefect UI, which calls the API on the server's own port;
- `poll-watchlist` runs once at start, then on its schedule;
- each finished run is one line: the deployment, and the summary its flow logged
  (what it polled, stored and flagged) or the state it ended in;
- flow and task logs go to the UI at INFO, and stay off this console;
- Ctrl-C or SIGTERM prints "stopping", cancels a run in flight, says every run that
  finished (the cancelled one too), stops the server, exit 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

import yaml

from pressdiff import prefect_server
from pressdiff.errors import SetupError
from pressdiff.prefect_server import free_port, healthy
from warehouse.lake import located

DEPLOYMENTS = Path(__file__).resolve().parents[1] / "deployments" / "prefect.yaml"
FIRST_TICK = "poll-watchlist"  # run at start: nobody should wait 5 minutes for a first poll
POLL_SECONDS = 2.0  # how often the runner and the tick reporter ask the API
LOG_WAIT = 10.0  # how long a finished run's summary may trail its final state
STOP_GRACE = 3.0  # how long a run in flight gets to stop before the runner gives up on it
STOP_SERVER = 2.0  # how long the server gets between SIGTERM and SIGKILL


def server_env(port: int) -> dict[str, str]:
    """The environment of a local server whose UI calls the API on its own port."""
    api = prefect_server.api_url(port)
    return {
        **os.environ,
        "PREFECT_UI_ENABLED": "true",
        "PREFECT_UI_API_URL": api,
        "PREFECT_API_URL": api,
        "PREFECT_UI_URL": api.removesuffix("/api"),
        "PREFECT_SERVER_API_HOST": "127.0.0.1",
        "PREFECT_SERVER_API_PORT": str(port),
        "PREFECT_UI_SHOW_PROMOTIONAL_CONTENT": "false",
        "PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT": "false",
    }


def start_server(port: int, log: Path) -> prefect_server.LocalServer:
    """Start `prefect server start` (API and UI) on 127.0.0.1:`port`; returns once it answers."""
    from pressdiff.prefect_env import start_lock

    command = [sys.executable, "-m", "prefect", "server", "start"]
    command += ["--host", prefect_server.LOOPBACK, "--port", str(port)]
    # one server at a time sets up the database of Prefect's home (an ingest may be starting)
    held = prefect_server.lock_start(start_lock(), prefect_server.startup_timeout())
    try:
        server = prefect_server.start(command, port, server_env(port), log)
        try:
            server.wait_healthy(prefect_server.startup_timeout())
        except BaseException:  # a failed start, or Ctrl-C / SIGTERM while it starts
            server.stop(STOP_SERVER)
            raise
    finally:
        held.close()
    return server


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


def quiet_console_logs() -> None:
    """Flow and task logs reach the UI at INFO; this console has one line per run (a
    failed run's line carries its error; its traceback is in the UI)."""
    if os.environ.get("PREFECT_LOGGING_LEVEL", "").upper() != "DEBUG":
        os.environ["PREFECT_LOGGING_LEVEL"] = "INFO"
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")


def serve(db: str, say: Callable[[str], None], interval_scale: float = 1.0) -> None:
    """Run the schedules until Ctrl-C or SIGTERM; starts (and stops) a Prefect server."""
    from pressdiff.prefect_env import configure, state_dir

    quiet_console_logs()
    configure(db)
    server = None
    previous = signal.signal(signal.SIGTERM, _interrupt)  # until the runner takes over
    try:
        api = os.environ.get("PREFECT_API_URL")
        if not api or not healthy(api):
            port = free_port()
            say("starting a local Prefect server…")
            server = start_server(port, state_dir(db) / "prefect-server.log")
            api = server.api
            os.environ["PREFECT_API_URL"] = api
            os.environ["PREFECT_UI_URL"] = api.removesuffix("/api")
        deployments = build(load_deployments(), located(db), interval_scale)
        say(
            f"Prefect UI: {api.removesuffix('/api')}  (API: {api}; runs also in: pressdiff sql "
            '"select * from runs order by started_at desc")'
        )
        say("serving " + ", ".join(d.name for d in deployments) + "; Ctrl-C stops")
        asyncio.run(_serve(deployments, say, pause=server is None))
    except KeyboardInterrupt:
        say("stopping")
    finally:
        signal.signal(signal.SIGTERM, previous)
        if server is not None:
            _drain_to_api()
            server.stop(STOP_SERVER)
    say("stopped")


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def _drain_to_api(timeout: float = 1.5) -> None:
    """Send the logs and events still queued here before the server they go to stops
    (else Prefect prints "Error logging to API" at exit)."""
    if "prefect" not in sys.modules:
        return
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        with contextlib.suppress(Exception):
            worker.drain_all(timeout=timeout)


async def _serve(deployments: list, say: Callable[[str], None], pause: bool) -> None:
    """Run the deployments' flow runs, report each finished one, stop on SIGINT/SIGTERM.

    `pause`: pause the schedules on the way out (a server that outlives this process
    would otherwise queue runs nobody executes)."""
    from prefect import get_client
    from prefect.runner import Runner

    # from before the first run can start: a tick may end before a slow API call returns
    since = datetime.now(UTC)
    runner = Runner(name="pressdiff-serve", query_seconds=POLL_SECONDS, pause_on_shutdown=pause)
    names = {await runner.aadd_deployment(d): d.name for d in deployments}
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    running = asyncio.create_task(runner.start())
    while not runner.started and not running.done():
        await asyncio.sleep(0.05)
    for sig in (signal.SIGINT, signal.SIGTERM):  # after Runner.start set its own
        loop.add_signal_handler(sig, stopping.set)
    try:
        async with get_client() as client:
            first = next((i for i, n in names.items() if n == FIRST_TICK), None)
            if first is not None:
                await client.create_flow_run_from_deployment(first, name=f"{FIRST_TICK}-at-start")
            reporter = TickReporter(client, names, since, say)
            reporting = asyncio.create_task(reporter.run())
            waiter = asyncio.ensure_future(stopping.wait())
            await asyncio.wait([waiter, running], return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
            if running.done() and not stopping.is_set():
                running.result()  # the runner stopped by itself: say why
            say("stopping")
            reporting.cancel()
            if runner.started:
                # cancels a run in flight (SIGTERM), waits for it, pauses the schedules
                with contextlib.suppress(Exception, asyncio.TimeoutError):
                    await asyncio.wait_for(runner.astop(), STOP_GRACE)
            with contextlib.suppress(Exception, asyncio.CancelledError, asyncio.TimeoutError):
                await asyncio.wait_for(running, STOP_GRACE)
            # every tick that finished gets its line, the last one before the stop included
            with contextlib.suppress(Exception, asyncio.TimeoutError):
                await asyncio.wait_for(reporter.last_sweep(), LOG_WAIT + 2)
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


class TickReporter:
    """One line per finished flow run of `names`' deployments, from the summary it logged."""

    def __init__(self, client, names: dict[UUID, str], since: datetime, say) -> None:
        self.client, self.names, self.since, self.say = client, names, since, say
        self.done: set[UUID] = set()
        self.waiting: dict[UUID, float] = {}

    async def run(self) -> None:
        """Report on every beat until cancelled."""
        while True:
            await asyncio.sleep(POLL_SECONDS)
            await self.sweep()

    async def sweep(self) -> bool:
        """Say the runs that finished since the last sweep; False while a finished run's
        summary is still on its way (or the API did not answer)."""
        from prefect.client.schemas.filters import (
            FlowRunFilter,
            FlowRunFilterDeploymentId,
            FlowRunFilterEndTime,
            FlowRunFilterStateType,
        )
        from prefect.client.schemas.objects import StateType

        terminal = [StateType.COMPLETED, StateType.FAILED, StateType.CRASHED, StateType.CANCELLED]
        try:
            runs = await self.client.read_flow_runs(
                flow_run_filter=FlowRunFilter(
                    deployment_id=FlowRunFilterDeploymentId(any_=list(self.names)),
                    state={"type": FlowRunFilterStateType(any_=terminal)},
                    end_time=FlowRunFilterEndTime(after_=self.since),
                ),
                limit=50,
            )
        except Exception:  # the API is busy or going away: ask again on the next beat
            return False
        settled = True
        fresh = (r for r in runs if r.id not in self.done)
        for fr in sorted(fresh, key=lambda r: r.end_time or self.since):
            summary = await _summary(self.client, fr.id)
            waited = time.monotonic() - self.waiting.setdefault(fr.id, time.monotonic())
            if summary is None and fr.state_type == StateType.COMPLETED and waited < LOG_WAIT:
                settled = False
                continue  # its logs trail its state by a batch or two
            self.done.add(fr.id)
            self.say(tick_line(self.names.get(fr.deployment_id, fr.name), fr, summary))
        return settled

    async def last_sweep(self, budget: float = LOG_WAIT) -> None:
        """On the way out: say every run that finished, the one stopping cancelled too,
        waiting up to `budget` seconds for summaries still on their way."""
        end = time.monotonic() + budget
        while not await self.sweep() and time.monotonic() < end:
            await asyncio.sleep(0.5)


async def _summary(client, flow_run_id: UUID) -> str | None:
    """The one-line summary a flow run logged, if it has arrived."""
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId

    from tasks.steps.report import SUMMARY

    try:
        logs = await client.read_logs(
            LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])), limit=200
        )
    except Exception:
        return None
    lines = [log.message for log in logs if log.message.startswith(SUMMARY)]
    return lines[-1].removeprefix(SUMMARY) if lines else None


def tick_line(name: str, flow_run, summary: str | None) -> str:
    """`HH:MM:SS deployment: summary`, or the state the run ended in."""
    when = (flow_run.end_time or datetime.now(UTC)).astimezone().strftime("%H:%M:%S")
    state = flow_run.state
    if summary and state is not None and state.is_completed():
        return f"{when} {name}: {summary}"
    message = (state.message or "").strip().splitlines()[0] if state and state.message else ""
    if state is not None and state.is_cancelled() and "concurrency limit" in message.lower():
        return f"{when} {name}: skipped: its previous run was still running"
    label = state.name.lower() if state else "finished"
    return f"{when} {name}: {label}" + (f" ({message})" if message else "")

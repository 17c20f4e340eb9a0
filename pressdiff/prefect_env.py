"""Prefect's environment: local, quiet, offline. Call `configure` before importing Prefect."""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from pressdiff import prefect_server, stopping

OFFLINE = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_UI_ENABLED": "false",
    "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
}


def state_dir(db: str | Path) -> Path:
    """The folder beside the warehouse that holds pressdiff's own state (for a PostgreSQL
    catalog, which has no folder, in the current one)."""
    from warehouse.writer_lock import is_url

    return (Path.cwd() if is_url(db) else Path(db).resolve().parent) / ".pressdiff"


def configure(db: str | Path, *, verbose: bool = False, console_logs: bool = True) -> None:
    """Point Prefect at a home beside the warehouse, with telemetry off and logs quiet;
    without `console_logs`, Prefect prints nothing on the terminal (the command says what
    went wrong in one line; its logs still reach Prefect's API).

    Values the user set in the environment win, so an existing Prefect server
    (PREFECT_API_URL) or home is used as it is.
    """
    if not console_logs:
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")
    for key, value in OFFLINE.items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("PREFECT_HOME", str(state_dir(db) / "prefect"))
    Path(os.environ["PREFECT_HOME"]).expanduser().mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")
    os.environ.setdefault("PREFECT_LOGGING_SERVER_LEVEL", "WARNING" if verbose else "ERROR")


def start_server_early() -> Callable[[], None] | None:
    """Boot Prefect's temporary local API server in the background; returns what to call
    to wait for it before a flow.

    Prefect would start it at the first flow call and wait for it. When Prefect is not yet
    imported here (the command line), its server process is started at once, the same way
    Prefect starts it, and PREFECT_API_URL points this process at it: it boots while Prefect
    itself, the flows and the extraction processes are imported. Otherwise it is started
    from a thread. Nothing is started when a server is configured (PREFECT_API_URL).
    """
    if os.environ.get("PREFECT_API_URL"):
        return None
    if "prefect" not in sys.modules and not _has_profiles():
        return _spawn_server()
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value():
        return None

    def boot() -> None:
        from prefect.server.api.server import SubprocessASGIServer

        with contextlib.suppress(Exception):  # the flow call starts it, and reports failures
            timeout = prefect_server.startup_timeout()
            with prefect_server.lock_start(start_lock(), timeout):  # until it answers
                SubprocessASGIServer().start()

    thread = threading.Thread(target=boot, name="prefect-server-boot", daemon=True)
    thread.start()
    return thread.join


def _has_profiles() -> bool:
    """Whether Prefect's home holds profiles (which may name a server of their own)."""
    return (
        Path(os.environ.get("PREFECT_HOME", "~/.prefect")).expanduser() / "profiles.toml"
    ).exists()


def _spawn_server() -> Callable[[], None]:
    """Start the server process as prefect.server.api.server.SubprocessASGIServer does;
    returns what waits until it answers. When another process beside us is starting a
    server on the same Prefect home (start_lock), ours starts once that one answers."""
    port = prefect_server.free_port()
    spec = importlib.util.find_spec("prefect")
    app_dir = Path(next(iter(spec.submodule_search_locations))).parent if spec else Path()
    env = {
        **os.environ,
        "PREFECT_UI_ENABLED": "0",
        "PREFECT__SERVER_EPHEMERAL": "1",
        "PREFECT__SERVER_FINAL": "1",
    }
    home = Path(os.environ.get("PREFECT_HOME", ".")).expanduser()
    command = [
        sys.executable,
        "-m",
        "pressdiff.child_process",  # ends with this process, even on kill -9
        "uvicorn",
        "--app-dir",
        str(app_dir),
        "--factory",
        "prefect.server.api.server:create_app",
        "--host",
        prefect_server.LOOPBACK,
        "--port",
        str(port),
        "--log-level",
        "error",
        "--lifespan",
        "on",
    ]
    log = home / f"server-{os.getpid()}.log"  # kept only when the server fails
    log.unlink(missing_ok=True)
    os.environ["PREFECT_API_URL"] = prefect_server.api_url(port)
    lock = prefect_server.try_lock(start_lock())
    server = _start(command, port, env, log) if lock else None

    def wait() -> None:
        nonlocal lock, server
        timeout = prefect_server.startup_timeout()
        try:
            if server is None:  # another process beside us is starting its server
                lock = prefect_server.lock_start(start_lock(), timeout)
                server = _start(command, port, env, log)
            server.wait_healthy(timeout)
        finally:
            if lock:
                lock.close()

    return wait


def start_lock() -> Path:
    """The lock held while a server on Prefect's home starts (see pressdiff.prefect_server):
    pressdiff processes beside one warehouse, or beside warehouses in one folder, share it."""
    return Path(os.environ.get("PREFECT_HOME", ".")).expanduser() / "server-start.lock"


def _start(
    command: list[str], port: int, env: dict[str, str], log: Path
) -> prefect_server.LocalServer:
    """Start the server process, stopped when this process exits or is killed."""
    server = prefect_server.start(command, port, env, log)
    atexit.register(server.stop, forget_log=True)
    stopping.on_exit_now(server.proc.kill)
    return server

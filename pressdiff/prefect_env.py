"""Prefect's environment: local, quiet, offline. Call `configure` before importing Prefect."""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from pressdiff import stopping
from pressdiff.errors import Interrupted, SetupError

OFFLINE = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_UI_ENABLED": "false",
    "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
}


def state_dir(db: str | Path) -> Path:
    """The folder beside the warehouse that holds pressdiff's own state."""
    return Path(db).resolve().parent / ".pressdiff"


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
    """Start the server process as prefect.server.api.server.SubprocessASGIServer does."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    spec = importlib.util.find_spec("prefect")
    app_dir = Path(next(iter(spec.submodule_search_locations))).parent if spec else Path()
    env = {
        **os.environ,
        "PREFECT_UI_ENABLED": "0",
        "PREFECT__SERVER_EPHEMERAL": "1",
        "PREFECT__SERVER_FINAL": "1",
    }
    home = Path(os.environ.get("PREFECT_HOME", ".")).expanduser()
    log_path = home / f"server-{os.getpid()}.log"  # kept only when the server fails
    log = log_path.open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pressdiff.child_process",  # ends with this process, even on kill -9
            "uvicorn",
            "--app-dir",
            str(app_dir),
            "--factory",
            "prefect.server.api.server:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "error",
            "--lifespan",
            "on",
        ],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # out of the terminal's Ctrl-C: this process stops it, last
    )
    log.close()  # the server holds its own copy
    atexit.register(_stop, proc, log_path)
    stopping.on_exit_now(proc.kill)
    url = f"http://127.0.0.1:{port}/api"
    os.environ["PREFECT_API_URL"] = url
    timeout = float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120"))
    started = time.monotonic()
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: no proxy

    def wait() -> None:
        while True:
            if stopping.requested():
                raise Interrupted()
            if proc.poll() is not None:
                err = log_path.read_text(errors="replace").strip().splitlines()
                last = err[-1] if err else f"exit code {proc.returncode}"
                raise SetupError(f"Prefect's local server did not start ({log_path}): {last}")
            with contextlib.suppress(OSError), direct.open(f"{url}/health", timeout=2) as answer:
                if answer.status == 200:
                    return
            if time.monotonic() - started > timeout:
                _stop(proc, None)
                raise SetupError(
                    f"Prefect's local server did not answer within {timeout:.0f} s "
                    "(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS)"
                )
            time.sleep(0.1)

    return wait


def _stop(proc: subprocess.Popen, log_path: Path | None) -> None:
    """Stop the server; its log goes too when it was still serving (nothing to report)."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    if log_path is not None:
        log_path.unlink(missing_ok=True)

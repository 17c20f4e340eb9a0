"""A local Prefect server process: started on a free loopback port, waited for until its
API answers /health, and stopped with its whole process group.

Two servers must not start at once on one Prefect home: the first to start creates the
tables of its SQLite database, and the second, migrating it at the same moment, fails with
"table ... already exists" (uvicorn's exit code 3). `try_lock`/`lock_start` take the home's
start lock, held until the server answers (its migrations done).

Both ways pressdiff runs a server use this: the temporary API of a command's flow run
(pressdiff.prefect_env, uvicorn without the UI) and `pressdiff serve`'s server with its UI
(pressdiff.serve). The server runs in a session of its own, out of the terminal's Ctrl-C:
the command stops it, last.
"""

from __future__ import annotations

import fcntl
import os
import signal
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from pressdiff import stopping
from pressdiff.errors import Interrupted, SetupError

LOOPBACK = "127.0.0.1"
POLL = 0.1  # seconds between two looks at a starting server


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def api_url(port: int) -> str:
    """The API address of a local server on `port`."""
    return f"http://{LOOPBACK}:{port}/api"


def startup_timeout() -> float:
    """How long a local server may take to answer, in seconds."""
    return float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120"))


_direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def healthy(api: str, timeout: float = 2) -> bool:
    """Whether a Prefect API answers at `api` (a loopback one asked past any proxy)."""
    local = urlsplit(api).hostname in (LOOPBACK, "localhost", "::1")
    opener = _direct if local else urllib.request.build_opener()
    try:
        with opener.open(f"{api.rstrip('/')}/health", timeout=timeout) as answer:
            return answer.status == 200
    except (OSError, ValueError):
        return False


@dataclass
class LocalServer:
    """A server process started by `start`, its API address and its log file."""

    proc: subprocess.Popen
    api: str
    log: Path
    started: float = field(default_factory=time.monotonic)

    def wait_healthy(self, timeout: float) -> None:
        """Return once the API answers; a SetupError (with the log's last line) when the
        process ends first or `timeout` seconds after the start pass, Interrupted when this
        process is asked to stop (pressdiff.stopping) meanwhile."""
        while True:
            if stopping.requested():
                raise Interrupted()
            if self.proc.poll() is not None:
                lines = self.log.read_text(errors="replace").strip().splitlines()
                last = lines[-1] if lines else f"exit code {self.proc.returncode}"
                raise SetupError(f"Prefect's local server did not start ({self.log}): {last}")
            if healthy(self.api):
                return
            if time.monotonic() - self.started > timeout:
                self.stop()
                raise SetupError(
                    f"Prefect's local server did not answer within {timeout:.0f} s "
                    f"({self.log}; PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS)"
                )
            time.sleep(POLL)

    def stop(self, grace: float = 5, *, forget_log: bool = False) -> None:
        """Stop the server's process group: SIGTERM, then SIGKILL after `grace` seconds.
        `forget_log`: delete the log too when the server was still serving (nothing to
        report)."""
        if self.proc.poll() is not None:
            return
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.proc.wait(grace)
                break
            except subprocess.TimeoutExpired:
                continue
        if forget_log:
            self.log.unlink(missing_ok=True)


def start(command: list[str], port: int, env: dict[str, str], log: Path) -> LocalServer:
    """Start `command` (a server that will listen on 127.0.0.1:`port`) in a session of its
    own, its output appended to `log`; returns at once (see LocalServer.wait_healthy)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:  # the server holds its own copy
        proc = subprocess.Popen(
            command,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return LocalServer(proc, api_url(port), log)


def try_lock(path: Path) -> IO | None:
    """Take the exclusive lock on `path` (flock) if it is free now; the open file holds it
    (closing it, or this process ending, releases it). None when another process holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    held = path.open("a")
    try:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        held.close()
        return None
    return held


def lock_start(path: Path, timeout: float) -> IO:
    """Wait for the exclusive lock on `path` (see try_lock); a SetupError after `timeout`
    seconds, Interrupted when this process is asked to stop (pressdiff.stopping)."""
    deadline = time.monotonic() + timeout
    while (held := try_lock(path)) is None:
        if stopping.requested():
            raise Interrupted()
        if time.monotonic() > deadline:
            raise SetupError(
                f"another process has been starting Prefect's local server for more than "
                f"{timeout:.0f} s ({path}; PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS)"
            )
        time.sleep(POLL)
    return held

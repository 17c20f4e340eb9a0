"""Prefect's environment: local, quiet, offline. Call `configure` before importing Prefect."""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

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


def configure(db: str | Path, *, verbose: bool = False) -> None:
    """Point Prefect at a home beside the warehouse, with telemetry off and logs quiet.

    Values the user set in the environment win, so an existing Prefect server
    (PREFECT_API_URL) or home is used as it is.
    """
    for key, value in OFFLINE.items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("PREFECT_HOME", str(state_dir(db) / "prefect"))
    Path(os.environ["PREFECT_HOME"]).expanduser().mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")
    os.environ.setdefault("PREFECT_LOGGING_SERVER_LEVEL", "WARNING" if verbose else "ERROR")


def start_server_early() -> threading.Thread | None:
    """Boot Prefect's temporary local API server in the background; `join` before a flow.

    Prefect would start it at the first flow call and wait about five seconds; started here
    it boots while the flows are imported and the extraction processes start. Nothing is
    started when a server is configured (PREFECT_API_URL).
    """
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value():
        return None

    def boot() -> None:
        from prefect.server.api.server import SubprocessASGIServer

        with contextlib.suppress(Exception):  # the flow call starts it, and reports failures
            SubprocessASGIServer().start()

    thread = threading.Thread(target=boot, name="prefect-server-boot", daemon=True)
    thread.start()
    return thread

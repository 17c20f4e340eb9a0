"""Serving the viewer with uvicorn: in the foreground (`pressdiff web`) or in a thread
beside the schedules (`pressdiff serve --web`). Loopback unless told otherwise."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import uvicorn

from pressdiff.web.app import create_app

HOST, PORT = "127.0.0.1", 8080


def config(db: str | Path, host: str = HOST, port: int = PORT) -> uvicorn.Config:
    """uvicorn's configuration for the viewer over `db`: quiet, no access log."""
    return uvicorn.Config(
        create_app(db), host=host, port=port, log_level="warning", access_log=False
    )


def run(db: str | Path, host: str, port: int, say: Callable[[str], None]) -> None:
    """Serve until Ctrl-C or SIGTERM."""
    server = uvicorn.Server(config(db, host, port))
    say(f"pressdiff web: http://{host}:{port}/  (read-only; Ctrl-C stops)")
    server.run()


def start_in_thread(
    db: str | Path, say: Callable[[str], None], host: str = HOST, port: int = PORT
) -> uvicorn.Server:
    """Start the viewer in a daemon thread (it stops with the process); returns its server,
    whose `should_exit = True` stops it."""
    server = uvicorn.Server(config(db, host, port))
    threading.Thread(target=server.run, name="pressdiff-web", daemon=True).start()
    say(f"web viewer: http://{host}:{port}/")
    return server

"""Fixtures every test can use: the shared corpora and a private Prefect home."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

from pressdiff import prefect_server
from tests.helpers import corpus

# Prefect stays offline and quiet in tests, with its home in a throwaway folder.
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

# Property tests check what comes out, never how fast: no per-example deadline (hypothesis'
# 200 ms failed a test on a loaded machine).
settings.register_profile("pressdiff", deadline=None)
settings.load_profile("pressdiff")


@pytest.fixture
def seeds() -> Path:
    """The folder of the two seed documents."""
    return corpus("seeds")


@pytest.fixture(scope="session")
def prefect(tmp_path_factory: pytest.TempPathFactory):
    """The real Prefect engine, against a temporary local API server for the session."""
    os.environ["PREFECT_HOME"] = str(tmp_path_factory.mktemp("prefect-home"))
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session", autouse=True)
def prefect_api(tmp_path_factory: pytest.TempPathFactory):
    """One local Prefect server (API only) for the commands the tests run, through
    PREFECT_API_URL, as a user with a server of their own has it: each command would
    otherwise start and set up its own, seconds of CPU each, on a machine that runs
    hundreds of them. The tests of that start (tests.helpers.Cli, start_ingest, serve, the
    start-race and lake tests) remove PREFECT_API_URL from their commands' environment."""
    if os.environ.get("PREFECT_API_URL"):
        yield os.environ["PREFECT_API_URL"]
        return
    home = tmp_path_factory.mktemp("prefect-api")
    port = prefect_server.free_port()
    command = [sys.executable, "-m", "prefect", "server", "start", "--no-services", "--no-ui"]
    command += ["--host", prefect_server.LOOPBACK, "--port", str(port)]
    env = {**os.environ, "PREFECT_HOME": str(home / "home"), "PREFECT_UI_ENABLED": "false"}
    server = prefect_server.start(command, port, env, home / "server.log")
    try:
        server.wait_healthy(prefect_server.startup_timeout())
        os.environ["PREFECT_API_URL"] = server.api
        yield server.api
    finally:
        os.environ.pop("PREFECT_API_URL", None)
        server.stop(5)

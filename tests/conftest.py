"""Fixtures every test can use: the shared corpora and a private Prefect home."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers import corpus

# Prefect stays offline and quiet in tests, with its home in a throwaway folder.
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


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

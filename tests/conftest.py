"""Fixtures every test can use: the shared corpora and a private Prefect home."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPORA = Path(os.environ.get("PRESSDIFF_CORPORA", ROOT.parent / "shared" / "corpora"))


def corpus(*parts: str) -> Path:
    """A path inside ../shared/corpora; the test is skipped when it is absent."""
    path = CORPORA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"corpus not available: {path}")
    return path


@pytest.fixture
def seeds() -> Path:
    """The folder of the two seed documents."""
    return corpus("seeds")

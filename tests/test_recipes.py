"""Every recipe in docs/recipes.md runs through the real CLI and returns rows."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.helpers import ROOT

RECIPES = ROOT / "docs" / "recipes.md"
SQL_BLOCK = re.compile(r"^## (?P<title>.+?)\n.*?```sql\n(?P<sql>.+?)```", re.S | re.M)


def recipes() -> list[tuple[str, str]]:
    return [(m["title"], m["sql"]) for m in SQL_BLOCK.finditer(RECIPES.read_text())]


def pressdiff(*args: str, db: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRESSDIFF_DB": str(db)}
    return subprocess.run(
        [sys.executable, "-m", "pressdiff.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


def article(seen: datetime, title: str, body: str) -> str:
    return (
        f"url: https://harbour-news.example/2026/tide-barrier\ntitle: {title}\n"
        f"seen: {seen.isoformat()}\ndate {seen.date().isoformat()}\n\n{body}\n"
    )


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    """examples/ plus an article revised within the last day and one input too short to keep."""
    folder = tmp_path_factory.mktemp("inputs")
    now = datetime.now(UTC).replace(microsecond=0)
    lines = [
        "The tide barrier at Kestrel Point closed for the first time this winter on Monday.",
        "Engineers said the barrier held back a surge of 2.1 metres during the night.",
        "“We were ready for this,” said barrier manager Tomas Eide.",
        "Residents of the lower town were asked to move cars away from the quay.",
    ]
    body = "\n\n".join(lines)
    first = article(now - timedelta(hours=3), "Tide barrier closes as surge hits", body)
    lines[1] = "Engineers said the barrier held back a surge of 2.4 metres during the night."
    del lines[2]
    body = "\n\n".join(lines)
    second = article(now - timedelta(hours=1), "Kestrel Point barrier holds back a surge", body)
    (folder / "tide-barrier-1.txt").write_text(first)
    (folder / "tide-barrier-2.txt").write_text(second)
    (folder / "too-short.txt").write_text("Three words only.\n")
    path = tmp_path_factory.mktemp("warehouse") / "recipes.duckdb"
    got = pressdiff("ingest", str(ROOT / "examples" / "articles"), str(folder), db=path)
    assert got.returncode == 1, got.stderr  # the short file is a reject
    return path


def test_there_are_at_least_ten_recipes():
    assert len(recipes()) >= 10


@pytest.mark.parametrize("title, query", recipes(), ids=[t for t, _ in recipes()])
def test_recipe_runs_and_returns_rows(db, title, query):
    got = pressdiff("sql", query, "--format", "json", db=db)
    assert got.returncode == 0, got.stderr
    rows = json.loads(got.stdout)
    assert rows, f"recipe {title!r} returned no rows"

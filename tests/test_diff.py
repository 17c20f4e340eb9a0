"""`pressdiff diff` through the real command line: it shows the comparison the warehouse
stored for a pair (what the views say), and aligns only a pair never compared."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from tasks.compare.align import compare
from tasks.compare.settings import AlignSettings
from tasks.steps.load import store_articles
from tasks.text.extract import extract_document
from tests.helpers import ROOT
from warehouse.comparisons import load_versions, store_comparisons
from warehouse.connection import connect
from warehouse.records import Document
from warehouse.store import start_run

URL = "https://wire.example/world/harbour-board"
BEFORE = (
    "The harbour board met on Monday to discuss the winter timetable for the island ferries.\n\n"
    "Its chair said the crossings would run every two hours from the first of December.\n\n"
    "Islanders had asked for an early boat to reach the mainland hospital on time."
)
# the middle sentence is edited: close enough that default thresholds call it 'changed'
AFTER = BEFORE.replace(
    "Its chair said the crossings would run every two hours from the first of December.",
    "Its chair said the crossings would run every three hours from the middle of December.",
)
# Thresholds under which no edited sentence is ever one changed sentence
STRICT = AlignSettings(same=0.9, change=0.99, loose=2.0)


def pressdiff(*args: str) -> subprocess.CompletedProcess:
    """`pressdiff ARGS` in a new process, output piped."""
    return subprocess.run(
        [sys.executable, "-m", "pressdiff.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**os.environ, "COLUMNS": "200"},
    )


def two_versions(db: Path, align: AlignSettings | None) -> tuple[str, str]:
    """A warehouse holding one article in two versions, compared with `align` (None: never
    compared); returns (old, new) version ids."""
    con = connect(db)
    try:
        start_run(con, "run", None, "test", datetime.now(UTC))
        for day, text in ((1, BEFORE), (2, AFTER)):
            doc = Document(f"v{day}.txt", f"v{day}.txt", url=URL, text=text, title="Board")
            article = extract_document(doc)
            store_articles(con, [article], "run", datetime(2026, 3, day, tzinfo=UTC))
        old_id, new_id = (
            r[0]
            for r in con.execute(
                "SELECT version_id FROM core.versions ORDER BY version_no"
            ).fetchall()
        )
        if align is not None:
            v = load_versions(con, [old_id, new_id])
            c = compare(
                *(v[old_id].title, v[old_id].sentences, v[new_id].title, v[new_id].sentences),
                **asdict(align),
            )
            store_comparisons(con, [(old_id, new_id, "revision", c)], "run", datetime.now(UTC))
    finally:
        con.close()
    return old_id, new_id


def kinds(proc: subprocess.CompletedProcess) -> list[tuple]:
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    return [(r["kind"], r["old_sentence_no"], r["new_sentence_no"]) for r in rows]


def test_diff_shows_the_stored_comparison_not_a_fresh_alignment(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    two_versions(db, STRICT)
    con = connect(db, read_only=True)
    try:
        stored = con.execute(
            "SELECT kind, old_sentence_no, new_sentence_no FROM core.sentence_edits "
            "ORDER BY edit_no"
        ).fetchall()
    finally:
        con.close()
    assert stored == [("same", 1, 1), ("removed", 2, None), ("added", None, 2), ("same", 3, 3)]
    assert kinds(pressdiff("diff", URL, "--db", str(db), "--format", "json")) == stored
    table = pressdiff("diff", URL, "--db", str(db))
    assert table.returncode == 0, table.stderr
    assert "revision: 2 same, 0 changed, 1 added, 1 removed, 0 moved" in table.stdout


def test_a_pair_never_compared_is_aligned_now(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    old_id, new_id = two_versions(db, None)
    assert kinds(pressdiff("diff", old_id, new_id, "--db", str(db), "--format", "json")) == [
        ("same", 1, 1),
        ("changed", 2, 2),
        ("same", 3, 3),
    ]

"""Text from articles reaches the terminal as text (issue #18, defect 4).

A title or sentence holding Rich markup, ANSI and OSC escapes is ingested from text files
written here, then printed by the real command line in a new process: every command exits 0,
prints the markup literally, and no escape reaches the output.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from pressdiff.cli import main
from pressdiff.render import FORMATS, print_rows, safe_text, visible
from tests.helpers import ROOT

HOSTILE = "[/bold] [link=https://evil.example]x[/link] \x1b]0;pwned\x07 \x1b[2J \x9b31m"
SHOWN = "[/bold] [link=https://evil.example]x[/link] \\x1b]0;pwned\\x07 \\x1b[2J \\x9b31m"
WIRE = "https://wire.example/harbour-notice"
BODY = [
    "HARBOURTON - The harbour board of the town of Harbourton met on Monday to discuss the "
    "new ferry timetable for the winter season.",
    f"A speaker quoted the notice {HOSTILE} before the vote was taken by the members.",
    "The board said the new timetable would start in the first week of December.",
    "Residents of the outer islands have asked for an early morning crossing on weekdays.",
    "The next meeting of the board will be held in the town hall at the end of the month.",
]


def write(path: Path, url: str, seen: str, title: str, body: list[str]) -> None:
    path.write_text(f"url: {url}\ntitle: {title}\nseen: {seen}T08:00:00Z\n\n" + "\n\n".join(body))


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory, prefect) -> Path:
    """An article in two versions and a copy on another site, all with hostile text."""
    src = tmp_path_factory.mktemp("hostile")
    revised = [
        *BODY[:2],
        f"The board said the new timetable {HOSTILE} would start in March.",
        *BODY[3:],
    ]
    write(src / "v1.txt", WIRE, "2026-03-01", f"Board {HOSTILE} meets", BODY)
    write(src / "v2.txt", WIRE, "2026-03-02", f"Board {HOSTILE} votes", revised)
    copy = [*BODY[:3], "Islanders asked for an early crossing.", *BODY[4:]]
    write(src / "copy.txt", "https://outlet.example/notice", "2026-03-01", f"Copy {HOSTILE}", copy)
    db = tmp_path_factory.mktemp("warehouse") / "w.duckdb"
    assert main(["ingest", str(src), "--db", str(db), "--workers", "0"]) == 0
    return db


def cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    """`pressdiff ARGS` in a new process; its output as text."""
    return subprocess.run(
        [sys.executable, "-m", "pressdiff.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**os.environ, "COLUMNS": "400", **env},
    )


def printed_as_text(proc: subprocess.CompletedProcess) -> str:
    """stdout of a successful command that let no control character through."""
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    for stream in (proc.stdout, proc.stderr):
        for bad in ("\x1b", "\x07", "\x9b", "\x9d"):
            assert bad not in stream
    return proc.stdout


@pytest.mark.parametrize("fmt", FORMATS)
def test_sql_prints_titles_and_texts_as_text(warehouse, fmt):
    query = (
        "SELECT title AS t FROM versions UNION ALL "
        "SELECT DISTINCT text FROM sentences WHERE text LIKE 'A speaker%' ORDER BY t"
    )
    out = printed_as_text(cli("sql", query, "--format", fmt, "--db", str(warehouse)))
    if fmt == "json":  # the data stays exact, in JSON's escapes
        assert [row["t"] for row in json.loads(out)] == [
            f"A speaker quoted the notice {HOSTILE} before the vote was taken by the members.",
            f"Board {HOSTILE} meets",
            f"Board {HOSTILE} votes",
            f"Copy {HOSTILE}",
        ]
        assert "\\u001b]0;pwned\\u0007" in out and "\\u009b31m" in out
    else:
        assert f"Board {SHOWN} meets" in out and f"Copy {SHOWN}" in out
        assert f"A speaker quoted the notice {SHOWN} before" in out


def test_history_prints_titles_as_text(warehouse):
    out = printed_as_text(cli("history", WIRE, "--db", str(warehouse)))
    for word in SHOWN.split():  # the table wraps the title column at spaces
        assert out.count(word) == 2, word
    assert out.rstrip().endswith("2 rows")


def test_diff_prints_titles_and_sentences_as_text(warehouse):
    out = printed_as_text(cli("diff", WIRE, "--db", str(warehouse)))
    assert f"Board {SHOWN} [-meets-]{{+votes+}}" in out
    assert f"A speaker quoted the notice {SHOWN} before" in out
    assert f"+ The board said the new timetable {SHOWN} would start in March." in out


def test_story_prints_titles_as_text(warehouse):
    out = printed_as_text(cli("story", WIRE, "--db", str(warehouse)))
    # the story is headed by its original's title (which copy is the original is the
    # stories' rule, not this test's): whichever it is, it prints as text
    headed = [f": Board {SHOWN} votes", f": Board {SHOWN} meets", f": Copy {SHOWN}"]
    assert any(title in out for title in headed), out
    assert "2 articles on 2 sites" in out


def test_a_colour_terminal_gets_styles_but_no_escape_from_the_text(warehouse):
    proc = cli("diff", WIRE, "--db", str(warehouse), FORCE_COLOR="1", TTY_COMPATIBLE="1")
    assert proc.returncode == 0, proc.stderr
    assert "\x1b[" in proc.stdout  # rich's own colours
    assert "\x1b]" not in proc.stdout and "\x1b[2J" not in proc.stdout and "\x07" not in proc.stdout
    assert "\\x1b[2J" in proc.stdout


def test_markup_in_what_a_person_typed_is_text(warehouse):
    proc = cli("sql", 'SELECT 1 AS "[/red] [link=https://evil.example]x"', "--db", str(warehouse))
    assert "[/red] [link=https://evil.example]x" in printed_as_text(proc)
    proc = cli("history", "[/bold]\x1b[2J", "--db", str(warehouse))
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "error: no article or version matches '[/bold]\\x1b[2J'; list them with "
        "'pressdiff sql \"select article_id, url from articles\"'"
    ]


def test_the_ingest_summary_prints_no_escape(tmp_path, prefect, capsys):
    (tmp_path / "[bold]\x1b]0;x\x07.txt").write_text("")  # rejected: empty
    code = main(["ingest", str(tmp_path), "--db", str(tmp_path / "w.duckdb"), "--workers", "0"])
    out, err = capsys.readouterr()
    assert code == 1
    assert "rejected, empty: 1" in out
    assert "\x1b" not in out + err and "\x07" not in out + err


def test_visible_writes_every_terminal_control_as_an_escape():
    assert visible("a\tb\nc") == "a\tb\nc"
    assert visible("\x00\x07\x08\x0d\x1b\x7f") == "\\x00\\x07\\x08\\x0d\\x1b\\x7f"
    assert visible("\x80\x9b\x9d\x9f") == "\\x80\\x9b\\x9d\\x9f"
    assert visible("\u202eevil\u2066") == "\\u202eevil\\u2066"
    assert visible("é ✓ [b]") == "é ✓ [b]"


def test_print_rows_takes_no_markup_from_names_titles_or_values():
    console = Console(record=True, width=200, color_system=None)
    print_rows(console, ["[/b]"], [("[link=https://evil.example]x[/link]",)], title="[/i]")
    out = console.export_text()
    assert "[/b]" in out and "[/i]" in out and "[link=https://evil.example]x[/link]" in out
    assert safe_text("[b]x[/b]").plain == "[b]x[/b]"

"""Querying as a person does, through the real command line in a new process: queries from
files, pipes and `--` comments, DuckDB's whole error, every --format, 80 columns and pipes,
stories of local files, and a folder's files that are not articles."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT

WIRE = ROOT / "examples" / "articles" / "meridian-wire-ferry-strike.txt"
# A sentence longer than the 200 columns piped output used to be cut at.
LONG = (
    "The union said in a statement that it had asked the Harbour Authority for a written "
    "promise of eleven hours of rest between night shifts, a second deckhand on every late "
    "crossing, and a review of the rota by an independent {who} before the summer timetable."
)


def pressdiff(*args: str, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess:
    """`pressdiff ARGS` in a new process, output piped; Prefect's home beside the warehouse."""
    drop = ("PREFECT_API_URL", "PREFECT_HOME", "COLUMNS")
    clean = {k: v for k, v in os.environ.items() if k not in drop}
    return subprocess.run(
        [sys.executable, "-m", "pressdiff.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        input=stdin,
        env={**clean, **env},
    )


@pytest.fixture(scope="module")
def ingested(tmp_path_factory) -> tuple[Path, Path, subprocess.CompletedProcess]:
    """(warehouse, folder, the ingest): two local copies of a wire story without URLs, and
    files that are not articles by their names; the README is also named explicitly."""
    folder = tmp_path_factory.mktemp("corpus")
    body = [
        line for line in WIRE.read_text().splitlines() if not line.startswith(("url:", "seen:"))
    ]
    (folder / "local").mkdir()
    (folder / "local" / "wire-copy.txt").write_text("\n".join([*body, LONG.format(who="panel")]))
    edited = [*body[:-1], LONG.format(who="mediator"), "Readers can write to the desk at any hour."]
    (folder / "local" / "edited-copy.txt").write_text("\n".join(edited))
    (folder / "README.md").write_text("Notes on this corpus.\n")
    (folder / "LICENSE").write_text("CC-BY 4.0\n")
    (folder / "index.json").write_text('{"files": ["local/wire-copy.txt"]}\n')
    (folder / "ground-truth.json").write_text('{"wire-copy": {"articleBody": "x"}}\n')
    (folder / "wire-copy.expected.json").write_text('{"title": "x"}\n')
    (folder / ".DS_Store").write_bytes(b"\x00\x01Bud1")
    db = folder.parent / f"{folder.name}.duckdb"
    proc = pressdiff("ingest", str(folder), str(folder / "README.md"), "--db", str(db))
    return db, folder, proc


def ids(db: Path, query: str) -> list[str]:
    proc = pressdiff("sql", query, "--db", str(db), "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()[1:]


def test_a_folder_skips_files_that_are_not_articles_by_name(ingested):
    db, folder, proc = ingested
    assert proc.returncode == 1, proc.stderr  # the README named on the command line was read
    lines = proc.stdout.splitlines()
    assert lines[0] == (
        "2 articles new, 2 versions new, 0 unchanged, 0 duplicates, 1 rejected, 1 comparison"
    )
    assert lines[1] == (
        "6 files skipped by name (.DS_Store, LICENSE, README.md, ground-truth.json, ...); "
        "name them on the command line to include them"
    )
    rejects = pressdiff("sql", "select source from rejects", "--db", str(db), "--format", "json")
    assert json.loads(rejects.stdout) == [{"source": str(folder / "README.md")}]
    assert "Traceback" not in proc.stderr


def test_sql_reads_the_query_from_standard_input_and_files(ingested, tmp_path):
    db = str(ingested[0])
    query = "-- how many articles?\nselect count(*) as n from articles where 1 = 1"
    assert pressdiff("sql", query, "--db", db, "--format", "csv").stdout == "n\n2\n"
    assert pressdiff("sql", "--format=csv", query, "--db", db).stdout == "n\n2\n"
    assert pressdiff("sql", "-", "--db", db, "--format", "csv", stdin=query).stdout == "n\n2\n"
    (tmp_path / "q.sql").write_text(query)
    proc = pressdiff("sql", "-f", str(tmp_path / "q.sql"), "--db", db, "--format", "csv")
    assert proc.stdout == "n\n2\n"
    typo = pressdiff("sql", "--formt", "csv", "select 1", "--db", db)  # still an option
    assert typo.returncode == 2 and "No such option '--formt'" in typo.stderr
    both = pressdiff("sql", "select 1", "-f", str(tmp_path / "q.sql"), "--db", db)
    assert (both.returncode, both.stderr) == (
        2,
        "error: give a query: pressdiff sql QUERY, pressdiff sql -f FILE, or pressdiff sql - < "
        "FILE\n",
    )


def test_a_query_error_is_duckdbs_whole_message(ingested):
    proc = pressdiff("sql", "select url from artciles", "--db", str(ingested[0]))
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        "error: the query failed: Catalog Error: Table with name artciles does not exist!",
        'Did you mean "articles"?',
        "",
        "LINE 1: select url from artciles",
        "                        ^",
    ]


def test_format_line_prints_one_field_per_line(ingested):
    proc = pressdiff(
        "sql", "select 1 as n, 'a\nb' as two_lines", "--db", str(ingested[0]), "--format", "line"
    )
    assert proc.stdout == "        n = 1\ntwo_lines = a\n            b\n"


def test_history_diff_and_story_take_every_format(ingested):
    db = str(ingested[0])
    original, copy = ids(db, "select version_id from versions order by title nulls first, source")
    story = json.loads(pressdiff("story", copy, "--db", db, "--format", "json").stdout)
    assert sorted(m["version_id"] for m in story) == sorted([original, copy])
    assert {m["role"] for m in story} == {"original", ""}
    history = json.loads(pressdiff("history", copy, "--db", db, "--format", "json").stdout)
    assert [(h["version_id"], h["n_same"]) for h in history] == [(copy, None)]
    edits = json.loads(pressdiff("diff", original, copy, "--db", db, "--format", "json").stdout)
    assert {e["relation"] for e in edits} == {"republication"}
    assert [e["new_text"] for e in edits if e["kind"] == "changed"] in (
        [LONG.format(who="panel")],
        [LONG.format(who="mediator")],
    )
    for fmt in ("csv", "markdown", "line", "table"):
        for command in (["history", copy], ["diff", original, copy], ["story", copy]):
            proc = pressdiff(*command, "--db", db, "--format", fmt)
            assert proc.returncode == 0 and copy in proc.stdout, (command, fmt, proc.stderr)


def test_ids_are_whole_and_tables_fit_80_columns(ingested):
    db = str(ingested[0])
    version_ids = ids(db, "select version_id from versions")
    article_ids = ids(db, "select article_id from articles")
    wide = "select version_id, article_id, title, text from versions"
    for command in (["history", version_ids[0]], ["story", version_ids[0]], ["sql", wide]):
        proc = pressdiff(*command, "--db", db, COLUMNS="80")
        assert proc.returncode == 0, proc.stderr
        words = set(re.split(r"[\s│┃]+", proc.stdout))
        assert version_ids[0] in words, command
        if command[0] != "history":
            assert set(version_ids) <= words, command
        if command[0] == "sql":
            assert set(article_ids) <= words
            assert max(len(line) for line in proc.stdout.splitlines()) <= 80


def test_piped_text_lines_are_not_broken(ingested):
    db = str(ingested[0])
    original, copy = ids(db, "select version_id from versions order by title nulls first, source")
    proc = pressdiff("diff", original, copy, "--db", db)
    changed = [line for line in proc.stdout.splitlines() if line.startswith("~ ")]
    assert len(changed) == 1 and len(changed[0]) > 200
    assert "[-panel-]{+mediator+}" in changed[0] or "[-mediator-]{+panel+}" in changed[0]


def test_a_story_of_local_files_names_them_and_hints_a_diff_that_works(ingested):
    db, folder, _ = ingested
    proc = pressdiff("story", str(folder / "local" / "wire-copy.txt"), "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    assert "None" not in proc.stdout and "0 sites" not in proc.stdout
    [head] = [line for line in proc.stdout.splitlines() if line.startswith("original ")]
    assert re.fullmatch(
        rf"original {re.escape(str(folder))}/local/(wire|edited)-copy\.txt \(version \w{{16}}\), "
        r"first published 2026-03-04 00:00:00\+00:00; 2 articles on local files",
        head,
    )
    [hint] = re.findall(r"pressdiff diff (\w+) (\w+)", proc.stdout)
    followed = pressdiff("diff", *hint, "--db", str(db))
    assert followed.returncode == 0, followed.stderr
    assert "republication: " in followed.stdout


def test_diff_of_a_first_version_hints_a_diff_that_works(ingested):
    db = ingested[0]
    [copy] = ids(db, "select version_id from story_members where not is_original")
    proc = pressdiff("diff", copy, "--db", str(db))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    [hint] = re.findall(r"its story's original: pressdiff diff (\w+) (\w+)$", proc.stderr)
    followed = pressdiff("diff", *hint, "--db", str(db))
    assert followed.returncode == 0, followed.stderr

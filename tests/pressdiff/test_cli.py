"""The command line as a person uses it: help, docs, output formats, errors and exit codes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest

from pressdiff.cli import cli, main
from tests.helpers import ROOT

EXAMPLES = ROOT / "examples" / "articles"
CONTRACT_COMMANDS = ["ingest", "sql", "history", "diff", "story", "watch", "run", "serve", "demo"]


def test_every_command_has_help_and_is_documented(capsys):
    readme = (ROOT / "README.md").read_text()
    for name, command in commands():
        assert command.help and len(command.help.split()) >= 8, name
        assert f"pressdiff {name}" in readme, f"README does not document {name}"
        assert main([*name.split(), "--help"]) == 0
        out = capsys.readouterr().out
        assert "--db" in out and "--debug" in out, name
    assert set(CONTRACT_COMMANDS) <= {name.split()[0] for name, _ in commands()}


def commands() -> list[tuple[str, click.Command]]:
    """Every command, with groups' subcommands as 'group sub'."""
    out = []
    for name, command in cli.commands.items():
        if isinstance(command, click.Group):
            out += [(f"{name} {sub}", c) for sub, c in command.commands.items()]
        else:
            out.append((name, command))
    return out


def test_changelog_names_every_command():
    changelog = (ROOT / "CHANGELOG.md").read_text()
    for name, _ in commands():
        assert f"pressdiff {name.split()[0]}" in changelog, name


def test_missing_warehouse_is_one_line_and_exit_2(tmp_path, capsys):
    code = main(["sql", "select 1", "--db", str(tmp_path / "none.duckdb")])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    assert err.strip().splitlines() == [
        f"error: no warehouse at {tmp_path / 'none.duckdb'}: run 'pressdiff ingest' or "
        "'pressdiff demo' first"
    ]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory, prefect) -> Path:
    db = tmp_path_factory.mktemp("demo") / "w.duckdb"
    assert main(["ingest", str(EXAMPLES), "--db", str(db), "--workers", "1"]) == 0
    return db


def test_sql_formats(demo_db, capsys):
    query = "select url, n_versions from articles where url like '%wire%'"
    assert main(["sql", query, "--db", str(demo_db), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {"url": "https://wire.example/world/porthaven-ferry-strike", "n_versions": 2}
    ]
    assert main(["sql", query, "--db", str(demo_db), "--format", "csv"]) == 0
    assert capsys.readouterr().out == (
        "url,n_versions\nhttps://wire.example/world/porthaven-ferry-strike,2\n"
    )
    assert main(["sql", query, "--db", str(demo_db), "--format", "markdown"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "| url | n_versions |",
        "|---|---|",
        "| https://wire.example/world/porthaven-ferry-strike | 2 |",
    ]


def test_sql_is_read_only(demo_db, capsys):
    assert main(["sql", "delete from core.versions", "--db", str(demo_db)]) == 2
    err = capsys.readouterr().err
    assert "read-only" in err and "Traceback" not in err


def test_history_diff_and_story(demo_db, capsys):
    url = "https://wire.example/world/porthaven-ferry-strike?utm_source=newsletter"
    assert main(["history", url, "--db", str(demo_db), "--format", "json"]) == 0
    newest, first = json.loads(capsys.readouterr().out)
    counts = ("n_same", "n_changed", "n_added", "n_removed", "n_moved", "title_changed")
    assert [newest[c] for c in counts] == [11, 1, 1, 2, 0, True]
    assert [first[c] for c in counts] == [None] * 6
    assert main(["history", url, "--db", str(demo_db)]) == 0
    assert "first version" in capsys.readouterr().out
    assert main(["diff", url, "--db", str(demo_db)]) == 0
    out = capsys.readouterr().out
    assert "~ About [-14,000-]{+16,000+} passengers" in out
    assert "revision: 11 same, 1 changed, 1 added, 2 removed, 0 moved" in out
    assert main(["story", url, "--db", str(demo_db)]) == 0
    out = capsys.readouterr().out
    assert "3 articles on 3 sites" in out
    assert "Harbour Authority → port regulator" in out


def test_unknown_article_is_one_line(demo_db, capsys):
    assert main(["history", "https://nowhere.example/x", "--db", str(demo_db)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: no article or version matches 'https://nowhere.example/x'")


def test_rejects_give_exit_code_1(tmp_path, prefect, capsys):
    (tmp_path / "empty.txt").write_text("")
    code = main(["ingest", str(tmp_path / "empty.txt"), "--db", str(tmp_path / "w.duckdb")])
    out = capsys.readouterr().out
    assert code == 1
    assert "1 rejected" in out and "rejected, empty: 1" in out


def test_a_locked_warehouse_names_the_process(tmp_path):
    db = tmp_path / "w.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(db)!r}); print('ok', flush=True); "
            "time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        t = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "pressdiff.cli", "ingest", str(EXAMPLES), "--db", str(db)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
        )
        assert time.perf_counter() - t < 60  # refused before Prefect starts, not after
    finally:
        holder.kill()
        holder.wait()
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert re.search(rf"in use by process {holder.pid} \(", proc.stderr)


def _cli(args: list[str], **env: str) -> subprocess.CompletedProcess:
    """`pressdiff ARGS` in a new process, with Prefect's home beside the warehouse."""
    clean = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "PREFECT_HOME")}
    return subprocess.run(
        [sys.executable, "-m", "pressdiff.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        env={**clean, **env},
    )


def test_the_command_line_starts_prefects_server_itself_and_stops_it(tmp_path):
    db = tmp_path / "w.duckdb"
    proc = _cli(["ingest", str(EXAMPLES), "--db", str(db)])
    assert proc.returncode == 0, proc.stderr
    assert "5 versions new" in proc.stdout and "3 comparisons" in proc.stdout
    home = tmp_path / ".pressdiff" / "prefect"
    assert (home / "prefect.db").exists()  # the server kept its runs beside the warehouse
    assert list(home.glob("server-*.log")) == []  # stopped at exit, nothing to report


def test_a_server_that_cannot_start_is_one_line_and_exit_2(tmp_path):
    broken = "sqlite+aiosqlite:////nonexistent-dir/prefect.db"
    proc = _cli(
        ["ingest", str(EXAMPLES), "--db", str(tmp_path / "w.duckdb")],
        PREFECT_SERVER_DATABASE_CONNECTION_URL=broken,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    [log] = (tmp_path / ".pressdiff" / "prefect").glob("server-*.log")
    assert f"Prefect's local server did not start ({log})" in proc.stderr

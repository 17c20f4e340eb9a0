"""Stopping an ingest: Ctrl-C and SIGTERM keep what was stored, mark the run and leave no
process behind; a second Ctrl-C quits at once; a killed run is abandoned by the next one.

Through the real CLI as a subprocess, its stderr on a pseudo-terminal (as a person sees
it, progress bar included), on a few hundred real pages of ../shared/corpora.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from tests.helpers import ROOT, Cli, corpus, open_db

pytestmark = pytest.mark.corpus


def pages() -> str:
    """About 290 real pages: a glob the CLI expands."""
    return str(corpus("trafilatura-eval", "eval") / "[0-4]*.html.gz")


def descendants(pid: int) -> dict[int, str]:
    """Every process below `pid` (found through /proc), with its start time."""
    children: dict[int, list[int]] = {}
    starts: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        starts[int(entry.name)] = fields[19]
    found, todo = {}, [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found[child] = starts[child]
            todo.append(child)
    return found


def still_running(procs: dict[int, str]) -> list[int]:
    """Which of `procs` still exist (same pid and start time), zombies aside."""
    alive = []
    for pid, start in procs.items():
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[19] == start and fields[0] != "Z":
            alive.append(pid)
    return alive


def rows(db: Path, sql: str) -> list[tuple]:
    with open_db(db) as con:
        return con.execute(sql).fetchall()


def ingest(db: Path) -> Cli:
    # small batches and one worker: on a quiet machine two workers finished all 290 pages
    # before the signal came, and the run was rightly 'completed'
    return Cli(["ingest", pages(), "--db", str(db), "--batch-size", "10", "--workers", "1"])


def no_duplicates(db: Path) -> None:
    assert rows(
        db,
        "select count(*) - count(distinct (article_id, text_hash)), "
        "count(*) - count(distinct version_id) from versions",
    ) == [(0, 0)]
    assert rows(db, "select count(*) - count(distinct url) from articles") == [(0,)]


@pytest.mark.parametrize(
    ("signum", "code", "word", "group"),
    [
        (signal.SIGINT, 130, "interrupted", True),  # Ctrl-C: the terminal signals the group
        (signal.SIGINT, 130, "interrupted", False),  # kill -INT PID
        (signal.SIGTERM, 143, "terminated", False),  # kill PID
    ],
)
def test_a_signal_stores_what_was_extracted_marks_the_run_and_leaves_no_process(
    tmp_path, signum, code, word, group
):
    db = tmp_path / "w.duckdb"
    cli = ingest(db)
    cli.wait_for_stored()
    children = descendants(cli.proc.pid)
    assert len(children) >= 3  # Prefect's server, the fork server and the workers
    (os.killpg if group else os.kill)(cli.proc.pid, signum)
    exit_code, took, lines = cli.finish()
    assert exit_code == code, lines
    assert took < 60  # the brief asks for 10 s on a quiet machine; this one is shared
    text = cli.text()
    assert "Traceback" not in text, text[text.find("Traceback") :][:4000]  # all of it
    assert lines == [  # the progress bar aside
        f"{word}: storing what is already extracted, then stopping "
        f"({'Ctrl-C' if signum == signal.SIGINT else 'a second signal'} quits at once)"
    ]
    time.sleep(1)
    assert still_running(children) == []
    [(status, stored)] = rows(db, "select status, n_versions_new from runs")
    assert status == "interrupted"
    assert stored > 0
    assert rows(db, "select count(*) from versions") == [(stored,)]
    rerun = ingest(db)
    exit_code, _, lines = rerun.finish(timeout=1800)
    assert exit_code in (0, 1), lines
    assert rows(db, "select status from runs order by started_at") == [
        ("interrupted",),
        ("completed_with_rejects" if exit_code else "completed",),
    ]
    [(first, second, unchanged)] = rows(
        db,
        "select first(n_versions_new order by started_at), last(n_versions_new order by "
        "started_at), last(n_unchanged order by started_at) from runs",
    )
    assert unchanged >= stored  # the first run's pages are sightings now, not new versions
    assert rows(db, "select count(*) from versions") == [(first + second,)]
    no_duplicates(db)


def test_a_second_ctrl_c_quits_at_once_and_the_run_is_abandoned_later(tmp_path):
    db = tmp_path / "w.duckdb"
    cli = ingest(db)
    cli.wait_for_stored()
    children = descendants(cli.proc.pid)
    os.killpg(cli.proc.pid, signal.SIGINT)
    time.sleep(0.3)
    os.killpg(cli.proc.pid, signal.SIGINT)
    exit_code, _, lines = cli.finish(timeout=30)
    assert exit_code == 130
    text = cli.text()
    assert "Traceback" not in text, text[text.find("Traceback") :][:4000]  # all of it
    assert lines == [
        "interrupted: storing what is already extracted, then stopping (Ctrl-C quits at once)"
    ]
    time.sleep(1)
    assert still_running(children) == []
    after = Cli(["ingest", str(ROOT / "examples" / "articles"), "--db", str(db)])
    assert after.finish(timeout=600)[0] == 0
    statuses = rows(db, "select status from runs order by started_at")
    assert statuses in ([("interrupted",), ("completed",)], [("abandoned",), ("completed",)])


def test_a_killed_run_is_abandoned_by_the_next_ingest(tmp_path):
    db = tmp_path / "w.duckdb"
    cli = ingest(db)
    cli.wait_for_stored()
    children = descendants(cli.proc.pid)
    cli.proc.kill()
    cli.finish()
    time.sleep(2)
    assert still_running(children) == []  # Prefect's server and the workers went with it
    after = Cli(["ingest", str(ROOT / "examples" / "articles"), "--db", str(db)])
    assert after.finish(timeout=600)[0] == 0
    assert rows(db, "select status, finished_at is not null from runs order by started_at") == [
        ("abandoned", True),
        ("completed", True),
    ]

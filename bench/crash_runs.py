"""Crash runs for bench/chaos.py and tests/flows/test_chaos.py: ingest real pages through
the real command line, kill it with SIGKILL (the whole process tree: the command,
Prefect's server, the extraction processes at once, as a power cut would) at a chosen point, run
it again, and describe the resulting warehouse so that two can be compared."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from warehouse.connection import open_file

ROOT = Path(__file__).resolve().parents[1]
CORPORA = Path(os.environ.get("PRESSDIFF_CORPORA", ROOT.parent / "shared" / "corpora"))

VIEWS = sorted(
    p.stem for p in (ROOT / "warehouse" / "views").glob("*.sql") if not p.stem.startswith("zz")
)
AUDITS = sorted((ROOT / "warehouse" / "audits").glob("*.sql"))

# Rows that must be unique: (table, key columns).
KEYS = [
    ("core.articles", "article_id"),
    ("core.versions", "version_id"),
    ("core.versions", "article_id, version_no"),
    ("core.sentences", "version_id, sentence_no"),
    ("core.comparisons", "comparison_id"),
    ("core.sentence_edits", "comparison_id, edit_no"),
    ("core.dedupe_sketches", "version_id"),
    ("core.lsh_bands", "version_id, band"),
    ("core.duplicate_pairs", "version_a, version_b"),
    ("core.story_members", "article_id"),
]

# What identifies the content of the main views (their ids are stable hashes).
CONTENT = {
    "versions": "version_id, article_id, version_no, text_hash, n_words",
    "sentences": "version_id, sentence_no, sentence_hash",
    "comparisons": "comparison_id, relation, n_same, n_changed, n_added, n_removed, n_moved",
    "duplicate_pairs": "version_a, version_b, method, round(jaccard, 9)",
    "stories": "story_id, original_version_id, n_articles",
    "story_members": "story_id, article_id, version_id, is_original",
    "phrase_edits": "comparison_id, old_sentence_no, new_sentence_no, removed, inserted",
}


def pages(folder: Path, n_news: int = 125, corpora: Path = CORPORA) -> list[str]:
    """About 150 inputs that make versions, revisions and a story, and that a re-run
    leaves alone: revisions written into `folder` (three wire texts from the seeds, each in
    two dated versions), the seed pair (a republication), and `n_news` fundus news pages.
    (Undated versions of one URL in one ingest, the fundus re-crawls and fundus-news's two
    taz pages, are left out: a re-run reads them again as reverts, killed or not.)"""
    seeds = sorted((corpora / "seeds").glob("*.txt"))
    wire = seeds[0].read_text().splitlines()
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for k in range(3):
        edited = list(wire)
        edited[k + 1] = edited[k + 1].replace(" the ", " the revised ", 1)
        for hour, body in ((8, wire[k:]), (12, edited[k:])):
            path = folder / f"wire-{k}-{hour}.txt"
            head = (
                f"url: https://wire.example/chaos/{k}\nseen: 2026-03-0{k + 1}T{hour:02d}:00:00Z\n\n"
            )
            path.write_text(head + "\n".join(body) + "\n")
            written.append(str(path))
    news = sorted(
        str(p)
        for p in (corpora / "fundus-news").rglob("*.html.gz")
        if not p.name.startswith("Taz_")
    )
    return written + [str(p) for p in seeds] + news[:n_news]


def env() -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    }


def process_tree(root: int) -> list[int]:
    """`root` and every process descending from it, from /proc."""
    children: dict[int, list[int]] = {}
    for d in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{d}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(d))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def kill(proc: subprocess.Popen) -> None:
    """SIGKILL `proc` and all its descendants at once, as a power cut would (Prefect's
    server runs in a session of its own, so its process group alone is not enough)."""
    for pid in process_tree(proc.pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    proc.wait()


def ingest(
    db: Path,
    files: list[str],
    pause_at: str | None = None,
    batch_size: int = 25,
    kill_after: float | None = None,
) -> str:
    """Ingest `files` into `db`; with `pause_at` ('point:n', see tasks/steps/pause_points.py),
    kill the run with SIGKILL once it holds there, with `kill_after` after that many
    seconds. Returns 'killed at ...' or the exit code ('exit 0'): a run that ends before
    reaching its kill point says so."""
    marker = db.with_name(db.name + ".paused")
    marker.unlink(missing_ok=True)
    extra = {"PRESSDIFF_PAUSE_AT": pause_at or "", "PRESSDIFF_PAUSE_FILE": str(marker)}
    cmd = [sys.executable, "-m", "pressdiff.cli", "ingest", "--db", str(db), "--workers", "1"]
    log = db.with_name(db.name + ".stderr")
    with log.open("wb") as stderr:
        proc = subprocess.Popen(
            [*cmd, "--batch-size", str(batch_size), *files],
            env={**env(), **extra},
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        return _watch(proc, marker, log, pause_at, kill_after)
    finally:
        if proc.poll() is None:  # whatever happened here, nothing is left running
            kill(proc)


def _watch(
    proc: subprocess.Popen, marker: Path, log: Path, pause_at: str | None, kill_after: float | None
) -> str:
    start = time.monotonic()
    while proc.poll() is None and time.monotonic() < start + 600:
        if pause_at and marker.exists():
            kill(proc)
            return f"killed at {marker.read_text().strip()}"
        if kill_after is not None and time.monotonic() > start + kill_after:
            kill(proc)
            return f"killed at {kill_after:.1f} s"
        time.sleep(0.05)
    if proc.poll() is None:
        kill(proc)
        return "timed out"
    err = log.read_text(errors="replace")
    return f"exit {proc.returncode}" + (f": {err.strip()[-2000:]}" if proc.returncode > 1 else "")


def describe(db: Path) -> dict[str, object]:
    """What two warehouses of the same inputs must agree on, and their health."""
    with open_file(db, read_only=True) as con:  # a DuckDB file, or a lake attached
        con.execute("SET TimeZone = 'UTC'")

        def one(sql: str) -> object:
            return con.execute(sql).fetchone()[0]

        counts = {v: one(f"SELECT count(*) FROM {v}") for v in VIEWS}
        last_run = "SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1"
        return {
            "counts": {v: n for v, n in counts.items() if v not in ("runs", "rejects")},
            "content": {
                v: sorted(con.execute(f"SELECT {cols} FROM {v}").fetchall(), key=repr)
                for v, cols in CONTENT.items()
            },
            "rejects": sorted(
                con.execute("SELECT DISTINCT source, reason FROM rejects").fetchall()
            ),
            "last_run_rejects": one(
                f"SELECT count(*) FROM rejects SEMI JOIN ({last_run}) USING (run_id)"
            ),
            "duplicates": {
                f"{t} ({k})": one(f"SELECT count(*) - count(DISTINCT ({k})) FROM {t}")
                for t, k in KEYS
            },
            "audits": {p.stem: len(con.execute(p.read_text()).fetchall()) for p in AUDITS},
            "running": one("SELECT count(*) FROM runs WHERE status = 'running'"),
            "pending_work": one("SELECT count(*) FROM core.pending_work"),
        }

"""Reading the warehouse while `pressdiff serve` ticks (#13): on a lake, `pressdiff sql` run
every 0.3 s through a scheduled tick that stores versions in several commits never fails,
and the counts it sees never go down. (On a DuckDB file the tick holds the file for its
whole run: a read in that time waits, then fails with "in use by process".)"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from tests.helpers import ROOT, STORIES, feed, open_db, stop_serve
from tests.httpserver import Response, article, make_server

FORMAT = "lake"
PAGE_DELAY = 0.7  # seconds each article page takes to answer: the tick fetches for ~6 s


@dataclass(frozen=True, slots=True)
class Read:
    began: datetime
    ended: datetime
    count: int | None  # None: the read failed
    error: str = ""


def read_count(db, env: dict[str, str]) -> Read:
    """`pressdiff sql "select count(*) from versions"` as a person runs it."""
    began = datetime.now(UTC)
    done = subprocess.run(
        [sys.executable, "-m", "pressdiff.cli", "sql", "select count(*) from versions",
         "--db", str(db), "--format", "csv"],
        capture_output=True, text=True, timeout=120, cwd=ROOT, env=env,
    )  # fmt: skip
    ended = datetime.now(UTC)
    if done.returncode != 0:
        return Read(began, ended, None, done.stderr)
    return Read(began, ended, int(done.stdout.split()[-1]))


def tick_closed(db) -> bool:
    """Whether the tick that stored versions has closed its run."""
    with open_db(db) as con:
        return con.execute(TICK_THAT_STORED).fetchall() != []


TICK_THAT_STORED = (
    "SELECT started_at, finished_at FROM runs WHERE n_versions_new > 0 AND finished_at IS NOT NULL"
)


@pytest.mark.slow
def test_sql_never_fails_and_counts_never_go_down_during_a_serve_tick(tmp_path):
    db = tmp_path / "w.duckdb"
    env = {
        **os.environ,
        "PRESSDIFF_WAREHOUSE_FORMAT": FORMAT,
        "PRESSDIFF_DB": "",
        "PRESSDIFF_ALLOW_PRIVATE": "1",
        "PRESSDIFF_HOST_DELAY": "0",
        "PRESSDIFF_FETCH_PER_HOST": "1",
        "PRESSDIFF_WORKERS": "0",
        "PRESSDIFF_BATCH_SIZE": "2",  # the tick commits its 8 versions 2 at a time
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
    }
    for key in ("PREFECT_API_URL", "PRESSDIFF_DATA_PATH"):
        env.pop(key, None)
    cli = [sys.executable, "-m", "pressdiff.cli"]
    with make_server() as site:
        paths = [f"/{name}" for name in STORIES]
        site.set("/robots.txt", Response(404))
        rss = feed(site.url(""), *paths)
        site.set("/feed.xml", Response(body=rss, content_type="application/rss+xml"))
        for path, (title, *paragraphs) in zip(paths, STORIES.values(), strict=True):
            site.set(path, Response(body=article(title, *paragraphs), delay=PAGE_DELAY))
        subprocess.run(
            [*cli, "watch", "add", site.url("/feed.xml"), "--db", str(db)],
            env=env, cwd=ROOT, check=True, capture_output=True,
        )  # fmt: skip  # the lake exists before anything reads it
        serve = subprocess.Popen(
            [*cli, "serve", "--db", str(db), "--interval-scale", "0.02"],
            env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True,
        )  # fmt: skip  # its first tick, at start, polls the feed and stores the 8 articles
        reads: list[Read] = []
        try:
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline and serve.poll() is None:
                reads.append(read_count(db, env))
                if reads[-1].count == len(paths) and tick_closed(db):
                    break
                time.sleep(0.3)
        finally:
            output = stop_serve(serve)
    assert serve.returncode == 0, output[-3000:]
    assert [r.error for r in reads if r.count is None] == []
    counts = [r.count for r in reads]
    assert counts[-1] == len(paths), output[-3000:]
    assert counts == sorted(counts)  # never down
    with open_db(db) as con:
        ((started, finished),) = con.execute(TICK_THAT_STORED).fetchall()
    during = [r for r in reads if started < r.began and r.ended < finished]
    assert during, (started, finished, reads)  # reads ran whole while the tick wrote

"""Crash safety by hand: many kill points, each on a fresh warehouse, each compared with an
uninterrupted run of the same pages.

    uv run python bench/chaos.py [--points 12] [--seed 1]

Each trial ingests ~150 inputs (../shared/corpora: seeds, revisions written from them,
fundus-news) through the real command line, kills the whole process group with SIGKILL at
a random point, runs the same ingest again, and compares the warehouse with the
uninterrupted one (bench/crash_runs.py: every view's counts and content, duplicates,
audits, work owed, runs left 'running'). Half the points are named phase boundaries
(tasks/steps/pause_points.py, a random arrival), half a random time into the run.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import crash_runs as chaos

POINTS = ["store-batch", "store-written", "stories-indexed", "compare-written"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=12)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    tmp = Path(tempfile.mkdtemp(prefix="pressdiff-chaos-"))
    files = chaos.pages(tmp / "revisions")
    t = time.perf_counter()
    print(f"{len(files)} pages; uninterrupted run: {chaos.ingest(tmp / 'whole.duckdb', files)}")
    whole_s = time.perf_counter() - t
    whole = chaos.describe(tmp / "whole.duckdb")
    tried = reached = equal = 0
    duplicates = stale = 0
    for i in range(args.points):
        db = tmp / f"trial-{i}.duckdb"
        if i % 2 == 0:
            killed = chaos.ingest(db, files, pause_at=f"{rng.choice(POINTS)}:{rng.randint(1, 6)}")
        else:
            killed = chaos.ingest(db, files, kill_after=rng.uniform(2, whole_s))
        tried += 1
        rerun = chaos.ingest(db, files)
        got = chaos.describe(db)
        same = all(got[k] == whole[k] for k in ("counts", "content", "rejects"))
        reached += killed.startswith("killed")
        equal += same
        duplicates += sum(got["duplicates"].values())
        stale += got["running"]
        print(
            f"{i:3} {killed:32} re-run {rerun:7} same as uninterrupted: {same}, "
            f"duplicates {sum(got['duplicates'].values())}, "
            f"audit rows {sum(got['audits'].values())}, owed {got['pending_work']}, "
            f"running {got['running']}",
            flush=True,
        )
    print(
        f"\nkill points tried {tried}, reached {reached}, runs compared {tried}, "
        f"equal {equal}, duplicates {duplicates}, runs left 'running' {stale}"
    )


if __name__ == "__main__":
    main()

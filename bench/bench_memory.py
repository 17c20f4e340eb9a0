"""Peak memory of `pressdiff ingest` on many small texts and on one huge feed.

    uv run python bench/bench_memory.py [--files 5000 50000] [--feed-items 100000]

Generates, in a temporary folder, N small plain-text articles (bench/small_texts.py:
sentences built from word lists; one in ten is a near-duplicate of an earlier text: a
copy with a sentence changed and its outlet's footer added, in another outlet's folder)
and an RSS file of M items.
Each is ingested into a fresh warehouse through the real command line
(`python -m pressdiff.cli ingest`), while this process samples every 0.1 s the resident
memory of the whole process tree (the command, Prefect's server, the extraction
processes). Prints, per input: wall time, peak RSS of the tree (the sum of the processes'
RSS: shared pages counted once per process, so an upper bound), and what was stored.

The feed's items link to loopback addresses, which ingest refuses without
--allow-private: every item becomes a `rejects` row without touching the network, so the
run measures what 100,000 links cost (planning, fetch attempts, fetches and rejects
rows), not 100,000 page downloads.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.crash_runs import process_tree  # noqa: E402
from bench.small_texts import write_feed, write_texts  # noqa: E402


def _tree_rss(root: int) -> int:
    """Resident bytes of `root` and all its descendants, from /proc."""
    total, page = 0, os.sysconf("SC_PAGE_SIZE")
    for pid in process_tree(root):
        try:
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1]) * page
        except (OSError, IndexError, ValueError):
            pass
    return total


def measured(cmd: list[str], env: dict) -> tuple[float, int, subprocess.CompletedProcess]:
    """Wall time, peak tree RSS and the finished process of `cmd`."""
    proc = subprocess.Popen(
        cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss(proc.pid))
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    t = time.perf_counter()
    sampler.start()
    out, err = proc.communicate()
    elapsed = time.perf_counter() - t
    done.set()
    sampler.join()
    return elapsed, peak[0], subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def ingest(source: Path, db: Path, env: dict, workers: int) -> None:
    cmd = [sys.executable, "-m", "pressdiff.cli", "ingest", "--db", str(db), "--json"]
    elapsed, peak, proc = measured([*cmd, "--workers", str(workers), str(source)], env)
    if proc.returncode not in (0, 1):
        sys.exit(f"ingest of {source} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    s = json.loads(proc.stdout[proc.stdout.index("{") :])
    print(
        f"{source.name:>14} {elapsed:9.1f} s {peak / 2**20:10.0f} MB   "
        f"versions {s.get('versions_new')}, duplicates {s.get('duplicates')}, "
        f"rejected {s.get('rejected')}, comparisons {s.get('comparisons')}",
        flush=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, nargs="*", default=[5000, 50000])
    ap.add_argument("--feed-items", type=int, nargs="*", default=[100000])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="pressdiff-bench-memory-"))
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_HOME": str(tmp / "prefect-home"),
    }
    print(f"{'input':>14} {'wall':>11} {'peak RSS':>13}   (whole process tree)", flush=True)
    for n in args.files:
        folder = tmp / f"{n}-files"
        write_texts(folder, n)
        ingest(folder, tmp / f"files-{n}.duckdb", env, args.workers)
    for n in args.feed_items:
        feed = tmp / f"feed-{n}.rss"
        write_feed(feed, n)
        ingest(feed, tmp / f"feed-{n}.duckdb", env, args.workers)
    print("target: peak RSS under 1.5 GB (1536 MB) for every input")
    if args.keep:
        print(f"kept {tmp}")
    else:
        subprocess.run(["rm", "-rf", str(tmp)], check=False)


if __name__ == "__main__":
    main()

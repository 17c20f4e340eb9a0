"""Ingest into a DuckDB file against ingest into a DuckLake (SQLite catalog), back to back.

    uv run python bench/bench_lake.py [--pages 400] [--workers 1] [--rounds 1]

For each format, as whole `pressdiff ingest` processes on the same real pages: the first
ingest into a new warehouse, then an unchanged re-run of the same pages (every page a
sighting). Rounds alternate the formats, so both see the same load of a shared machine.
Prints whole seconds and the ratios lake / duckdb (below 1: the lake is faster).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_ingest import pages

ROOT = Path(__file__).resolve().parents[1]
FORMATS = ("duckdb", "lake")


def ingest(paths: list[str], db: Path, fmt: str, workers: int) -> float:
    """Seconds of one `pressdiff ingest` process of `paths` into `db`."""
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "PRESSDIFF_DB")}
    env["PRESSDIFF_WAREHOUSE_FORMAT"] = fmt
    cmd = [sys.executable, "-m", "pressdiff.cli", "ingest", *paths, "--db", str(db)]
    t = time.perf_counter()
    proc = subprocess.run(
        [*cmd, "--workers", str(workers)], capture_output=True, text=True, env=env, cwd=ROOT
    )
    elapsed = time.perf_counter() - t
    if proc.returncode not in (0, 1):
        sys.exit(f"{fmt}: exit {proc.returncode}\n{proc.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    paths = pages(args.pages)
    times: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.rounds):
            order = FORMATS if r % 2 == 0 else FORMATS[::-1]
            for fmt in order:
                db = Path(tmp) / f"{r}-{fmt}.warehouse"
                times.setdefault((fmt, "first"), []).append(ingest(paths, db, fmt, args.workers))
                times.setdefault((fmt, "re-run"), []).append(ingest(paths, db, fmt, args.workers))
    print(f"{len(paths)} pages, {args.workers} worker(s), {args.rounds} round(s); seconds:")
    for kind in ("first", "re-run"):
        d, lk = (min(times[(fmt, kind)]) for fmt in FORMATS)
        print(f"  {kind:7} duckdb {d:5.0f}  lake {lk:5.0f}  lake/duckdb {lk / d:.2f}")


if __name__ == "__main__":
    main()

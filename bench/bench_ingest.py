"""Ingest throughput against a plain trafilatura loop on the same real pages, in one run.

    uv run python bench/bench_ingest.py [--pages 600] [--workers 1 2]

Prints pages per second of:
  baseline  one process: read, gunzip, trafilatura.bare_extraction (pressdiff's options)
  pipeline  `pressdiff ingest` (Prefect flow, extraction processes, DuckDB writer)
both as whole processes (interpreter, imports, Prefect start-up included) and in steady
state (timed inside a process after start-up and a warm-up run), and the ratios
pipeline / baseline. Pages come from ../shared/corpora (fundus-news, trafilatura-eval).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPORA = Path(os.environ.get("PRESSDIFF_CORPORA", ROOT.parent / "shared" / "corpora"))

BASELINE = r"""
import gzip, json, sys, time
t0 = time.perf_counter()
import trafilatura
from tasks.extract import TRAFILATURA_OPTIONS
paths = json.load(open(sys.argv[1]))
t1 = time.perf_counter()
n = 0
for p in paths:
    with open(p, "rb") as f:
        html = f.read()
    if html[:2] == b"\x1f\x8b":
        html = gzip.decompress(html)
    doc = trafilatura.bare_extraction(html, **TRAFILATURA_OPTIONS)
    n += doc is not None
t2 = time.perf_counter()
print(json.dumps({"steady_s": t2 - t1, "extracted": n}))
"""

STEADY = r"""
import json, sys, time
from pressdiff.prefect_env import configure
db, warm_db, workers = sys.argv[2], sys.argv[3], int(sys.argv[4])
configure(db)
from flows.ingest import ingest
from pressdiff.settings import Settings
from tasks.load import close_warehouse
paths = json.load(open(sys.argv[1]))
ingest(sources=paths[:20], db=warm_db, settings=Settings(workers=workers))  # warm up
close_warehouse(warm_db)
t = time.perf_counter()
s = ingest(sources=paths, db=db, settings=Settings(workers=workers))
close_warehouse(db)
print(json.dumps({"steady_s": time.perf_counter() - t, "versions": s.versions_new,
                  "rejected": s.rejected, "unchanged": s.unchanged}))
"""


def pages(n: int) -> list[str]:
    """The first `n` real pages, alternating between the two corpora."""
    a = sorted(str(p) for p in (CORPORA / "fundus-news").rglob("*.html.gz"))
    b = sorted(str(p) for p in (CORPORA / "trafilatura-eval" / "eval").rglob("*.html.gz"))
    mixed = [p for pair in zip(a, b, strict=False) for p in pair] + a[len(b) :] + b[len(a) :]
    return mixed[:n]


def timed(cmd: list[str], env: dict, ok: tuple[int, ...] = (0, 1)) -> tuple[float, str]:
    """Wall time and stdout of `cmd`; exits on a return code not in `ok` (1: rejects)."""
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, check=False)
    elapsed = time.perf_counter() - t
    if proc.returncode not in ok:
        sys.exit(f"{' '.join(cmd[:4])} failed:\n{proc.stderr[-2000:]}")
    return elapsed, proc.stdout


def last_json(stdout: str) -> dict:
    return json.loads(stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=600)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args()
    if not CORPORA.exists():
        sys.exit(f"corpora not found at {CORPORA}")
    paths = pages(args.pages)
    tmp = Path(tempfile.mkdtemp(prefix="pressdiff-bench-"))
    listing = tmp / "pages.json"
    listing.write_text(json.dumps(paths))
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_HOME": str(tmp / "prefect-home"),
    }
    n = len(paths)
    print(f"{n} pages from {CORPORA}")

    whole, out = timed([sys.executable, "-c", BASELINE, str(listing)], env)
    base = last_json(out)
    base_whole, base_steady = n / whole, n / base["steady_s"]
    rows = [("baseline (1 process)", base_whole, base_steady, "", "")]
    # Prefect's home is created once, as on any machine after its first run.
    timed(
        [
            sys.executable,
            "-m",
            "pressdiff.cli",
            "ingest",
            "--db",
            str(tmp / "init.duckdb"),
            "--workers",
            "1",
            *paths[:5],
        ],
        env,
    )
    for w in args.workers:
        db = tmp / f"whole-{w}.duckdb"
        whole, _ = timed(
            [
                sys.executable,
                "-m",
                "pressdiff.cli",
                "ingest",
                "--db",
                str(db),
                "--workers",
                str(w),
                *paths,
            ],
            env,
        )
        _, out = timed(
            [
                sys.executable,
                "-c",
                STEADY,
                str(listing),
                str(tmp / f"s{w}.duckdb"),
                str(tmp / f"warm{w}.duckdb"),
                str(w),
            ],
            env,
        )
        steady = last_json(out)
        rows.append(
            (
                f"pipeline --workers {w}",
                n / whole,
                n / steady["steady_s"],
                f"{n / whole / base_whole:.2f}",
                f"{n / steady['steady_s'] / base_steady:.2f}",
            )
        )
    t = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pressdiff.cli",
            "ingest",
            "--db",
            str(tmp / "startup.duckdb"),
            "--workers",
            "1",
            paths[0],
        ],
        capture_output=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    startup = time.perf_counter() - t

    print(
        f"\n{'':24} {'whole pages/s':>14} {'steady pages/s':>15} {'whole ratio':>12} "
        f"{'steady ratio':>13}"
    )
    for name, w, s, rw, rs in rows:
        print(f"{name:24} {w:14.1f} {s:15.1f} {rw:>12} {rs:>13}")
    print(f"\nstart-up (one page, whole process): {startup:.1f} s")
    print(
        "targets: steady ratio >= 0.85 with --workers 1, >= 1.6 with --workers 2; start-up < 10 s"
    )


if __name__ == "__main__":
    main()

"""The lake's figures (#13), each against the DuckDB file where there is one to compare with.

    uv run python bench/bench_lake.py rerun    [--pages 600] [--workers 1] [--rounds 1]
    uv run python bench/bench_lake.py steady   [--pages 600] [--workers 1 2] [--repeat 1]
    uv run python bench/bench_lake.py postgres [--overlap 42] [--workers 1]
    uv run python bench/bench_lake.py scale    [--versions 100000] [--base 2000] [--keep DIR]
    uv run python bench/bench_lake.py scale    --reuse DIR

rerun     as whole `pressdiff ingest` processes on the same real pages, for each format:
          the first ingest into a new warehouse, then an unchanged re-run of the same pages
          (every page a sighting). Rounds alternate the formats, so both see the same load of
          a shared machine. Whole seconds and the ratios lake / duckdb (below 1: the lake is
          faster).
steady    bench/bench_ingest.py's steady-state measure (pages per second inside a process,
          after start-up and warm-up) with its baseline (a plain trafilatura loop, measured in
          the same run), for the DuckDB file and the lake back to back: the ratios pipeline /
          baseline (targets >= 0.85 with 1 worker, >= 1.6 with 2) and lake / duckdb.
postgres  a throw-away PostgreSQL cluster (tests/pg.py); two `pressdiff ingest` processes
          started together into one `postgresql://` warehouse, each with one half of the
          fundus-news pages (all 258, the halves sharing `--overlap` pages), then one process
          ingesting all of them into another: every view's count in both, and the keys
          (warehouse/keys.py, sentences by version and number) stored more than once.
scale     a local lake of at least `--versions` versions: `--base` documents of
          bench/scale_stream.py's stream (the corpora's real texts, their revisions with
          realistic edits and other sites' republications) ingested through the ingest flow,
          then multiplied in SQL under new ids, URLs, outlets, ciphered texts and later times
          (bench/lake_multiply.py says how; every table stays consistent). Then the cold
          (a new reader's first) and warm (best of 3) milliseconds of `term_swaps`,
          `history(url)`, `story` and `article_as_of(ts)` before and after the nightly
          maintenance (warehouse/maintenance.py), and the data files per table before and
          after it. Target: under 1 s each. `--keep DIR` keeps the lake; `--reuse DIR`
          times the questions again on it (its views re-created from warehouse/views).

Every mode prints the machine's load average when it starts and ends (a shared machine).
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
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

from bench_ingest import BASELINE, STEADY, last_json, pages  # noqa: E402

FORMATS = ("duckdb", "lake")


def load() -> str:
    """The machine's load averages (1, 5, 15 minutes)."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def clean_env(**extra: str) -> dict[str, str]:
    drop = ("PREFECT_API_URL", "PRESSDIFF_DB", "PRESSDIFF_DATA_PATH")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env |= {"DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env["PYTHONPATH"] = str(ROOT)
    return env | extra


def timed(cmd: list[str], env: dict) -> tuple[float, str]:
    """Wall seconds and stdout of `cmd`; exits on a code other than 0 or 1 (rejects)."""
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, check=False)
    elapsed = time.perf_counter() - t
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd[:5])}: exit {proc.returncode}\n{proc.stderr[-3000:]}")
    return elapsed, proc.stdout


INGEST = [sys.executable, "-m", "pressdiff.cli", "ingest"]


# ------------------------------------------------------------------ rerun


def rerun(args: argparse.Namespace, tmp: Path) -> None:
    paths = pages(args.pages)
    times: dict[tuple[str, str], list[float]] = {}
    for r in range(args.rounds):
        for fmt in FORMATS if r % 2 == 0 else FORMATS[::-1]:
            env = clean_env(PRESSDIFF_WAREHOUSE_FORMAT=fmt, PREFECT_HOME=str(tmp / "home"))
            cmd = [*INGEST, *paths, "--db", str(tmp / f"{r}-{fmt}.warehouse")]
            cmd += ["--workers", str(args.workers)]
            times.setdefault((fmt, "first"), []).append(timed(cmd, env)[0])
            times.setdefault((fmt, "re-run"), []).append(timed(cmd, env)[0])
    print(f"{len(paths)} pages, {args.workers} worker(s), {args.rounds} round(s); seconds:")
    for kind in ("first", "re-run"):
        d, lk = (min(times[(fmt, kind)]) for fmt in FORMATS)
        print(f"  {kind:7} duckdb {d:6.1f}  lake {lk:6.1f}  lake/duckdb {lk / d:.2f}")


# ------------------------------------------------------------------ steady


def steady(args: argparse.Namespace, tmp: Path) -> None:
    paths = pages(args.pages)
    listing = tmp / "pages.json"
    listing.write_text(json.dumps(paths))
    n = len(paths)
    home = str(tmp / "prefect-home")
    timed([*INGEST, "--db", str(tmp / "init.duckdb"), *paths[:5]], clean_env(PREFECT_HOME=home))
    best: dict[str, float] = {}
    for r in range(args.repeat):
        _, out = timed([sys.executable, "-c", BASELINE, str(listing)], clean_env())
        best["baseline"] = min(best.get("baseline", 1e9), last_json(out)["steady_s"])
        for w in args.workers:
            for fmt in FORMATS if r % 2 == 0 else FORMATS[::-1]:
                env = clean_env(PRESSDIFF_WAREHOUSE_FORMAT=fmt, PREFECT_HOME=home)
                dbs = [str(tmp / f"{fmt}-{w}-{r}.warehouse"), str(tmp / f"warm-{fmt}-{w}-{r}.wh")]
                _, out = timed([sys.executable, "-c", STEADY, str(listing), *dbs, str(w)], env)
                name = f"{fmt} --workers {w}"
                best[name] = min(best.get(name, 1e9), last_json(out)["steady_s"])
    base = n / best["baseline"]
    print(f"{n} pages, best of {args.repeat} round(s); steady state, pages per second:")
    print(f"  baseline (trafilatura, 1 process) {base:6.1f}")
    for w in args.workers:
        d, lk = (n / best[f"{fmt} --workers {w}"] for fmt in FORMATS)
        print(
            f"  --workers {w}: duckdb {d:6.1f} (ratio {d / base:.2f})  lake {lk:6.1f} "
            f"(ratio {lk / base:.2f})  lake/duckdb {lk / d:.2f}"
        )
    print("targets: ratio >= 0.85 with --workers 1, >= 1.6 with --workers 2")


# ------------------------------------------------------------------ postgres


def postgres(args: argparse.Namespace, tmp: Path) -> None:
    from bench_ingest import CORPORA

    from tests import pg
    from tests.helpers import COUNTED_VIEWS, linked, open_db, view_counts
    from warehouse.keys import stored_twice

    every = sorted((CORPORA / "fundus-news").rglob("*.html.gz"))
    half = (len(every) + args.overlap) // 2
    first = linked(tmp / "first", every[:half])
    second = linked(tmp / "second", every[len(every) - half :])
    union = linked(tmp / "union", every)
    bin_dir = pg.server_bin()
    if bin_dir is None:
        sys.exit("PostgreSQL is not installed: no /usr/lib/postgresql/*/bin/pg_ctl")
    server = pg.start(bin_dir)
    try:
        shared, alone = server.database("shared"), server.database("alone")
        files = {shared: tmp / "shared-files", alone: tmp / "alone-files"}

        def start(folder: Path, db: str, home: str) -> subprocess.Popen:
            env = clean_env(PRESSDIFF_DATA_PATH=str(files[db]), PREFECT_HOME=str(tmp / home))
            cmd = [*INGEST, str(folder), "--db", db, "--workers", str(args.workers), "--json"]
            return subprocess.Popen(
                cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT
            )

        t = time.perf_counter()
        writers = [start(first, shared, "home1"), start(second, shared, "home2")]
        for proc in writers:
            _, err = proc.communicate()
            if proc.returncode not in (0, 1):
                sys.exit(f"a writer exited {proc.returncode}:\n{err[-3000:]}")
        together_s = time.perf_counter() - t
        t = time.perf_counter()
        one = start(union, alone, "home3")
        _, err = one.communicate()
        if one.returncode not in (0, 1):
            sys.exit(f"the union's ingest exited {one.returncode}:\n{err[-3000:]}")
        alone_s = time.perf_counter() - t
        counts = {}
        for db in (shared, alone):
            os.environ["PRESSDIFF_DATA_PATH"] = str(files[db])
            with open_db(db) as con:
                twice = stored_twice(con)
            counts[db] = (view_counts(db), twice)
    finally:
        pg.stop(bin_dir, server)
    (c2, dup2), (c1, dup1) = counts[shared], counts[alone]
    print(
        f"fundus-news: {len(every)} pages; halves of {half} sharing {2 * half - len(every)}; "
        f"--workers {args.workers} each"
    )
    print(f"two writers at once: {together_s:.1f} s; one writer, the union: {alone_s:.1f} s")
    print(f"\n{'view':<18}{'two writers':>12}{'one writer':>12}")
    for v in COUNTED_VIEWS:
        print(f"{v:<18}{c2[v]:>12,}{c1[v]:>12,}{'' if c2[v] == c1[v] else '   DIFFERENT'}")
    print(f"\nkeys stored more than once (two writers): {sum(dup2.values())} {dup2}")
    print(f"keys stored more than once (one writer):  {sum(dup1.values())}")


# ------------------------------------------------------------------ scale


def scale(args: argparse.Namespace, tmp: Path) -> None:
    from lake_scale import run_scale

    run_scale(args, tmp)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    p = sub.add_parser("rerun")
    p.add_argument("--pages", type=int, default=600)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--rounds", type=int, default=1)
    p = sub.add_parser("steady")
    p.add_argument("--pages", type=int, default=600)
    p.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    p.add_argument("--repeat", type=int, default=1)
    p = sub.add_parser("postgres")
    p.add_argument("--overlap", type=int, default=42)
    p.add_argument("--workers", type=int, default=1)
    p = sub.add_parser("scale")
    p.add_argument("--versions", type=int, default=100_000)
    p.add_argument("--base", type=int, default=2000, help="documents ingested for real")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--memory-limit", help="the writer's, for the real ingest (default 512MB)")
    p.add_argument("--keep", type=Path, help="build the lake in this new folder, keep it")
    p.add_argument("--reuse", type=Path, help="time the questions again on a kept lake")
    args = parser.parse_args()
    print(f"load average at start: {load()}", flush=True)
    run = {"rerun": rerun, "steady": steady, "postgres": postgres, "scale": scale}[args.mode]
    if getattr(args, "keep", None):
        args.keep.mkdir(parents=True)
        run(args, args.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="pressdiff-lake-") as tmp:
            run(args, Path(tmp))
    print(f"load average at end: {load()}")


if __name__ == "__main__":
    main()

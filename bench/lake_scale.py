"""bench_lake.py's scale run: a lake of 100,000+ versions, the questions people ask timed on
it before and after the nightly maintenance, and its data files per table.

How the warehouse is made (see bench/lake_multiply.py for the SQL): `--base` documents of
bench/scale_stream.py's stream (the corpora's real texts; families of an original, its
revisions at the same URL with one to three realistic edits each, other sites'
republications with cuts, swapped terms, boilerplate and retyped punctuation; strays) are
ingested through the real ingest flow in batches of 500 into a new local lake, then the
whole of it is copied K-1 times in SQL under new ids, URLs, outlets, enciphered texts and
later times, K the smallest number that reaches `--versions`.
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import bench_scale
from bench.bench_scale import CORPORA, STEP, Probe, ingest_stream, latency, warm_up
from bench.scale_stream import source_texts, stream

BATCH = 500


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def questions(url: str, as_of: datetime) -> dict:
    """The four questions of #13 (bench_scale's, less its search and notable changes)."""
    asks = bench_scale.questions(url, "", as_of)
    return {name: asks[name] for name in ("term_swaps", "history", "story", "article_as_of")}


def files_per_table(db: Path) -> dict[str, int]:
    from warehouse import lake
    from warehouse.connection import open_file

    with open_file(db, read_only=True) as con:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = ? "
                "AND schema_name = 'core' ORDER BY 1",
                [lake.CATALOG],
            ).fetchall()
        ]
        return {
            t: con.execute(
                "SELECT count(*) FROM ducklake_list_files(?, ?, schema => 'core')",
                [lake.CATALOG, t],
            ).fetchone()[0]
            for t in tables
        }


def count(db: Path, sql: str) -> int:
    from warehouse.connection import open_file

    with open_file(db, read_only=True) as con:
        return con.execute(sql).fetchone()[0]


def print_latency(title: str, found: dict) -> None:
    print(f"\n{title}   (load {load()})")
    print(f"  {'question':<20}{'cold ms':>10}{'warm ms':>10}{'rows':>8}")
    for name, q in found.items():
        flag = "" if max(q["cold"], q["warm"]) < 1000 else "   OVER 1 s"
        print(f"  {name:<20}{q['cold']:>10.0f}{q['warm']:>10.0f}{q['rows']:>8}{flag}")


def build(args, tmp: Path, db: Path) -> tuple[str, datetime]:
    """Ingest `args.base` documents into the new lake `db`, multiply it to `args.versions`;
    the URL to ask history and story about, and the moment to ask article_as_of at."""
    from bench.lake_multiply import multiply
    from warehouse.connection import close_warehouse, connect

    sources = source_texts(CORPORA, Path("/tmp/pressdiff-scale"))
    probe = Probe()
    start = datetime.now(UTC).replace(microsecond=0) - args.base * STEP

    def observed():
        for doc in stream(sources, args.base, args.seed):
            probe.see(doc)
            yield doc

    if args.memory_limit:  # the writer's own is warehouse/connection.py's MEMORY_LIMIT
        from warehouse import connection

        connection.MEMORY_LIMIT = args.memory_limit
    warm_up(tmp / "warm-up" / "warm.pressdiff", sources, args.seed + 1, start)
    t = time.perf_counter()
    ingest_stream(db, tmp, observed(), args.base, BATCH, start)
    close_warehouse(str(db))
    base = count(db, "SELECT count(*) FROM core.versions")
    print(f"ingested {args.base:,} documents: {base:,} versions in {time.perf_counter() - t:.0f} s")
    copies = math.ceil(args.versions / base)
    t = time.perf_counter()
    con = connect(db)
    try:
        con.execute("SET memory_limit = '4GB'")
        multiply(con, copies, progress=lambda line: print(line, file=sys.stderr, flush=True))
    finally:
        con.close()
    n = count(db, "SELECT count(*) FROM versions")
    print(f"multiplied {copies}-fold in {time.perf_counter() - t:.0f} s: {n:,} versions")
    for view in ("articles", "sentences", "comparisons", "sentence_edits", "phrase_edits",
                 "stories", "story_members", "term_swaps"):  # fmt: skip
        print(f"  {view:<16}{count(db, f'SELECT count(*) FROM {view}'):>12,}")
    lo, hi = (
        count(db, "SELECT epoch(min(seen_at)) FROM versions"),
        count(db, "SELECT epoch(max(seen_at)) FROM versions"),
    )
    return probe.urls[probe.busiest()], datetime.fromtimestamp((lo + hi) / 2, UTC)


def run_scale(args, tmp: Path) -> None:
    os.environ["PRESSDIFF_WAREHOUSE_FORMAT"] = "lake"
    os.environ.pop("PRESSDIFF_DATA_PATH", None)
    folder = args.reuse or tmp
    db = folder / "warehouse" / "scale.pressdiff"
    asked = folder / "questions.json"
    from pressdiff.prefect_env import configure

    configure(db)
    from warehouse import maintenance
    from warehouse.connection import connect

    if args.reuse:  # a kept lake: its views re-created as the code now has them, then timed
        connect(db).close()
        url, as_of = json.loads(asked.read_text())
        print(f"{count(db, 'SELECT count(*) FROM versions'):,} versions")
        print_latency("now", latency(db, questions(url, datetime.fromisoformat(as_of))))
        return
    db.parent.mkdir(parents=True, exist_ok=True)  # configure() made it for Prefect's home
    url, as_of = build(args, tmp, db)
    asked.write_text(json.dumps([url, as_of.isoformat()]))
    asks = questions(url, as_of)
    print(f"history/story of {url}; article_as_of({as_of.isoformat()})")
    before_files = files_per_table(db)
    print_latency("before maintenance", latency(db, asks))
    t = time.perf_counter()
    con = connect(db)
    try:
        maintenance.checkpoint(con)
    finally:
        con.close()
    print(f"\nnightly maintenance (warehouse/maintenance.py): {time.perf_counter() - t:.0f} s")
    after_files = files_per_table(db)
    print_latency("after maintenance", latency(db, asks))
    print(f"\n  {'data files per table':<22}{'before':>8}{'after':>8}")
    for table, after in after_files.items():
        print(f"  {table:<22}{before_files.get(table, 0):>8}{after:>8}")
    data = db.with_name(db.name + ".files")
    size = sum(p.stat().st_size for p in data.rglob("*") if p.is_file())
    print(f"  data folder {size / 2**20:,.0f} MB; catalog {db.stat().st_size / 2**20:,.1f} MB")

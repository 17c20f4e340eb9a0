"""Does pressdiff's cost per new document stay flat as the warehouse grows?

    uv run python bench/bench_scale.py [--versions 800] [--batch N] [--json]

Generates a stream of documents from the corpora's real texts (bench/scale_stream.py:
families of an original, its revisions and other sites' republications, and unrelated
texts; deterministic by `--seed`), and ingests it in batches of `--batch` documents, each
batch one run of the real ingest flow, all in this one process (one Prefect server, one
warehouse). Plain-text inputs: what is measured is everything after trafilatura.

Prints, per stage (extract, store, candidates, verification, stories, comparisons; the
seconds each run's summary carries, `RunSummary.stage_seconds`), the seconds per 1,000
new documents over the batches that end the first 10 %, 50 % and 100 % of the run (each
window 5 % of the run or one batch, whichever is more), and the growth: at 100 % / at
10 % (1.0 is flat); also per 1,000 documents the wall time of the runs and the CPU time of
this process (DuckDB's threads included; the machine may be shared: `load` is its load
average then; `compared`: the comparisons the stream made due per 1,000 documents). Then
the warehouse's bytes per version (the files of the warehouse's folder, pressdiff's own
state beside it left out), the peak RSS of the whole process tree (this process,
Prefect's server, the extraction processes; sampled every 0.2 s), and the latency of the
questions people ask at the end: `term_swaps`, `history(url)`, `story`,
`article_as_of(ts)`, today's `notable_changes`, and a full-text search for a sentence's
words (after `pressdiff index`'s build, timed too). Cold: the first run on a newly
opened reader; warm: the best of three more. `--json` prints one JSON object instead.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.crash_runs import process_tree  # noqa: E402
from bench.scale_stream import Doc, source_texts, stream, write_batch  # noqa: E402

CORPORA = Path(os.environ.get("PRESSDIFF_CORPORA", ROOT.parent / "shared" / "corpora"))
STAGES = ("extract", "store", "candidates", "verification", "stories", "comparisons")
POINTS = (0.1, 0.5, 1.0)
STEP = timedelta(seconds=10)  # capture time between two documents of the stream


@dataclass(slots=True)
class Batch:
    """What one batch (one ingest run) cost."""

    end: int  # documents ingested once it is done
    docs: int
    versions_new: int
    compared: int  # comparisons made
    wall: float
    cpu: float  # CPU seconds of this process (all its threads; not the extraction processes)
    load: float  # the machine's 1-minute load average when it ended
    stages: dict[str, float]


@dataclass(slots=True)
class Probe:
    """What the end-of-run questions ask about: a family with copies and revisions, and a
    sentence of its original."""

    docs: Counter = field(default_factory=Counter)
    copies: Counter = field(default_factory=Counter)
    urls: dict[int, str] = field(default_factory=dict)
    words: dict[int, str] = field(default_factory=dict)

    def see(self, doc: Doc) -> None:
        self.docs[doc.family] += 1
        self.copies[doc.family] += doc.kind == "republication"
        if doc.kind == "original":
            self.urls[doc.family] = doc.url
            self.words[doc.family] = " ".join(doc.paragraphs[0].split()[:8])

    def busiest(self) -> int:
        """The family with the most documents among those with the most copies."""
        return max(self.urls, key=lambda f: (min(self.copies[f], 2), self.docs[f], -f))


class PeakRss:
    """The peak resident memory of this process and all its descendants, sampled."""

    def __init__(self, every: float = 0.2) -> None:
        self.peak, self._every, self._done = 0, every, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        page = os.sysconf("SC_PAGE_SIZE")
        while not self._done.is_set():
            total = 0
            for pid in process_tree(os.getpid()):
                try:
                    with open(f"/proc/{pid}/statm") as f:
                        total += int(f.read().split()[1]) * page
                except (OSError, IndexError, ValueError):
                    pass
            self.peak = max(self.peak, total)
            self._done.wait(self._every)

    def stop(self) -> int:
        self._done.set()
        self._thread.join()
        return self.peak


def ingest_stream(db: Path, work: Path, docs, n: int, batch: int, start: datetime) -> list[Batch]:
    """Ingest `docs` (`n` of them) in batches of `batch`, one ingest flow run each."""
    from flows.ingest import ingest
    from flows.settings import Settings

    out: list[Batch] = []
    done = 0
    while done < n:
        chunk = [next(docs) for _ in range(min(batch, n - done))]
        folder = work / f"batch-{len(out):05d}"
        write_batch(folder, chunk, done, start, STEP)
        t, cpu = time.perf_counter(), time.process_time()
        s = ingest(sources=[str(folder)], db=str(db), settings=Settings())
        wall, cpu = time.perf_counter() - t, time.process_time() - cpu
        shutil.rmtree(folder)
        done += len(chunk)
        load = os.getloadavg()[0]
        out.append(
            Batch(done, len(chunk), s.versions_new, s.comparisons, wall, cpu, load, s.stage_seconds)
        )
        print(
            f"  {done:>9,} docs  {s.versions_new:>6,} new versions  {wall:7.1f} s  "
            f"load {load:.1f}  " + " ".join(f"{k} {v:.2f}" for k, v in s.stage_seconds.items()),
            file=sys.stderr,
            flush=True,
        )
    return out


def warm_up(db: Path, sources, seed: int, start: datetime) -> None:
    """Start Prefect's server and the extraction processes on 20 documents of another
    stream, into another warehouse: the first batch is then measured as any other."""
    from warehouse.connection import close_warehouse

    db.parent.mkdir(parents=True)
    ingest_stream(db, db.parent, stream(sources, 20, seed), 20, 20, start)
    close_warehouse(str(db))


def cost_at(batches: list[Batch], n: int, fraction: float) -> dict[str, float]:
    """Seconds per 1,000 documents per stage (and `wall`) over the batches that end the
    first `fraction` of the run: a window of 5 % of the run, at least one batch."""
    end = fraction * n
    window = [b for b in batches if end - 0.05 * n < b.end <= end + 1e-9]
    window = window or [next(b for b in batches if b.end >= end)]
    docs = sum(b.docs for b in window)
    cost = {s: 1000 * sum(b.stages.get(s, 0.0) for b in window) / docs for s in STAGES}
    cost["wall"] = 1000 * sum(b.wall for b in window) / docs
    cost["cpu"] = 1000 * sum(b.cpu for b in window) / docs
    # not costs: how busy the machine was, how much comparing the stream asked for
    cost["load"] = sum(b.load for b in window) / len(window)
    cost["compared"] = 1000 * sum(b.compared for b in window) / docs
    return cost


def folder_bytes(folder: Path) -> int:
    """Bytes of the files under `folder`, pressdiff's own state (.pressdiff) left out."""
    return sum(
        p.stat().st_size
        for p in folder.rglob("*")
        if p.is_file() and ".pressdiff" not in p.relative_to(folder).parts
    )


def timed_ms(fn) -> float:
    t = time.perf_counter()
    fn()
    return 1000 * (time.perf_counter() - t)


def story_members(con, url: str) -> list[tuple]:
    """The members of the story of `url` as `pressdiff story` reads them (none: no story)."""
    from pressdiff.errors import NotFoundError
    from warehouse import queries

    try:
        return queries.story(con, url, url)[1]
    except NotFoundError:
        return []


def questions(url: str, words: str, as_of: datetime) -> dict:
    """The questions timed at scale, each a callable on a reader connection (history and
    story of `url`, sentence search for `words`, article_as_of at `as_of`)."""
    from pressdiff.web import fulltext

    return {
        "term_swaps": lambda c: c.execute("SELECT * FROM term_swaps LIMIT 100").fetchall(),
        "history": lambda c: c.execute("SELECT * FROM history(?)", [url]).fetchall(),
        "story": lambda c: story_members(c, url),
        "article_as_of": lambda c: c.execute(
            "SELECT count(*), count(DISTINCT site) FROM article_as_of(?) JOIN articles USING "
            "(article_id)",
            [as_of],
        ).fetchall(),
        "notable_changes_today": lambda c: c.execute(
            "SELECT url, rule, detail FROM notable_changes WHERE found_at >= current_date"
        ).fetchall(),
        "sentence_search": lambda c: fulltext.search(c, words),
    }


def latency(db: Path, asks: dict) -> dict[str, dict]:
    """Cold (a new reader's first run) and warm (best of 3 more) milliseconds of each of
    `asks`, and how many rows it answered."""
    from pressdiff.web.reader import open_reader as open_searching_reader
    from warehouse.reader import open_reader

    out = {}
    for name, ask in asks.items():
        # the viewer's reader for search: fts loaded, and a lake's index file attached
        con = open_searching_reader(db) if name == "sentence_search" else open_reader(db)
        try:
            t = time.perf_counter()
            rows = len(ask(con))
            cold = 1000 * (time.perf_counter() - t)
            warm = min(timed_ms(lambda: ask(con)) for _ in range(3))  # noqa: B023
        finally:
            con.close()
        out[name] = {"cold": round(cold, 1), "warm": round(warm, 1), "rows": rows}
    return out


def count_versions(db: Path) -> int:
    from warehouse.reader import open_reader

    con = open_reader(db)
    try:
        return con.execute("SELECT count(*) FROM versions").fetchone()[0]
    finally:
        con.close()


def run(args: argparse.Namespace, work: Path) -> dict:
    db = work / "warehouse" / "scale.duckdb"
    db.parent.mkdir(parents=True)
    from pressdiff.prefect_env import configure

    configure(db)
    from pressdiff.web import fulltext
    from warehouse.connection import close_warehouse

    sources = source_texts(args.corpora, args.cache, args.sources)
    if not sources:
        sys.exit(f"no usable texts in {args.corpora}")
    probe = Probe()
    start = datetime.now(UTC).replace(microsecond=0) - args.versions * STEP

    def observed():
        for doc in stream(sources, args.versions, args.seed):
            probe.see(doc)
            yield doc

    rss = PeakRss()
    warm_up(work / "warm-up" / "warm.duckdb", sources, args.seed + 1, start)
    t = time.perf_counter()
    try:
        batches = ingest_stream(db, work, observed(), args.versions, args.batch, start)
        close_warehouse(str(db))
        index_s = fulltext.refresh(db, force=True)[1]
        family = probe.busiest()
        middle = start + args.versions * STEP / 2
        asked = latency(db, questions(probe.urls[family], probe.words[family], middle))
    finally:
        peak = rss.stop()
    versions = count_versions(db)
    size = folder_bytes(db.parent)
    costs = {f"{int(p * 100)}%": cost_at(batches, args.versions, p) for p in POINTS}
    first, last = costs["10%"], costs["100%"]
    return {
        "documents": args.versions,
        "versions": versions,
        "batch": args.batch,
        "batches": len(batches),
        "wall_s": round(time.perf_counter() - t, 1),
        "cost_per_1000_s": {k: {s: round(v, 4) for s, v in c.items()} for k, c in costs.items()},
        "growth": {
            s: (round(last[s] / first[s], 2) if first[s] > 0 else None)
            for s in (*STAGES, "wall", "cpu")
        },
        "query_ms": {name: q["cold"] for name, q in asked.items()},
        "query_ms_warm": {name: q["warm"] for name, q in asked.items()},
        "query_rows": {name: q["rows"] for name, q in asked.items()},
        "index_build_s": round(index_s or 0.0, 2),
        "warehouse_mb": round(size / 2**20, 1),
        "bytes_per_version": round(size / max(versions, 1)),
        "peak_rss_mb": round(peak / 2**20),
        "probe_url": probe.urls[family],
    }


def report(r: dict) -> None:
    costs = r["cost_per_1000_s"]
    print(
        f"{r['documents']:,} documents in {r['batches']} batches of {r['batch']:,}: "
        f"{r['versions']:,} versions, {r['wall_s']} s"
    )
    print(f"\n{'stage':<14}" + "".join(f"{p:>10}" for p in costs) + f"{'growth':>10}")
    print("  (seconds per 1,000 new documents; growth: at 100 % / at 10 %)")
    for s in (*STAGES, "wall", "cpu", "load", "compared"):
        growth = r["growth"].get(s)
        print(
            f"{s:<14}"
            + "".join(f"{c[s]:>10.3f}" for c in costs.values())
            + (f"{growth:>9.2f}x" if growth is not None else f"{'-':>10}")
        )
    print(f"\nwarehouse {r['warehouse_mb']} MB, {r['bytes_per_version']:,} bytes per version")
    print(f"peak RSS {r['peak_rss_mb']:,} MB (whole process tree)")
    print(f"full-text index build {r['index_build_s']} s")
    print(f"\n{'question':<24}{'cold ms':>10}{'warm ms':>10}")
    for name, ms in r["query_ms"].items():
        print(f"{name:<24}{ms:>10.1f}{r['query_ms_warm'][name]:>10.1f}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--versions", type=int, default=800, help="documents in the stream")
    p.add_argument("--batch", type=int, help="documents per ingest run (default: 5 %%, 50-5000)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--sources", type=int, help="use only the first N corpus pages")
    p.add_argument("--corpora", type=Path, default=CORPORA)
    p.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "pressdiff-scale")
    p.add_argument("--keep", type=Path, help="build the warehouse in this new folder, keep it")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    args = p.parse_args()
    args.batch = args.batch or min(5000, max(50, args.versions // 20))
    if args.keep:
        args.keep.mkdir(parents=True)
        result = run(args, args.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="pressdiff-scale-") as work:
            result = run(args, Path(work))
    if args.json:
        print(json.dumps(result))
    else:
        report(result)


if __name__ == "__main__":
    main()

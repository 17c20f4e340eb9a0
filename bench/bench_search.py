"""Full-text search over 100,000 versions: index build time and size, query times, and a
baseline scan (`ILIKE` on every text) measured in the same run.

Versions are generated: 50,000 articles of two versions each, 150-300 words drawn with a
skewed distribution from a vocabulary read at run time from ../shared/corpora (falling
back to generated words when it is absent). Nothing is written outside a temp folder.

    uv run python bench/bench_search.py [--versions 100000]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pressdiff.web import fulltext  # noqa: E402
from pressdiff.web.reader import reading  # noqa: E402
from warehouse.connection import connect  # noqa: E402

CORPORA = ROOT.parent / "shared" / "corpora"


def vocabulary(limit: int = 30_000) -> list[str]:
    """Words of the corpora's texts by frequency, most frequent first."""
    counts: dict[str, int] = {}
    for path in sorted(CORPORA.glob("**/*.txt"))[:3000]:
        for w in re.findall(r"[A-Za-z][a-z]+", path.read_text(errors="ignore")):
            counts[w] = counts.get(w, 0) + 1
    words = sorted(counts, key=lambda w: -counts[w])[:limit]
    syll = ["ka", "lo", "mi", "ne", "ru", "sa", "te", "vo", "di", "pa", "gen", "tor"]
    made = [a + b + c + d for a in syll for b in syll for c in syll for d in syll[:6]]
    return words + made[: max(0, limit - len(words))]  # the rare tail, when corpora are short


def generate(db: Path, n_versions: int, words: list[str]) -> None:
    con = connect(db)
    con.execute("CREATE TEMP TABLE vocab AS SELECT unnest(?) AS w", [words])
    con.execute("CREATE TEMP TABLE v AS SELECT list(w) AS ws, count(*) AS n FROM vocab")
    n_articles = n_versions // 2
    con.execute(
        """INSERT INTO core.articles
           SELECT printf('%016x', i), 'https://site' || (i % 40) || '.example/a/' || i,
                  'https://site' || (i % 40) || '.example/a/' || i,
                  'site' || (i % 40) || '.example',
                  TIMESTAMPTZ '2026-01-01' + to_minutes(i)
           FROM range(?) t(i)""",
        [n_articles],
    )
    con.execute(
        """INSERT INTO core.versions
           SELECT printf('%016x', 1000000000 + i * 2 + k), printf('%016x', i), k + 1,
                  'Title ' || i, NULL, NULL, NULL,
                  TIMESTAMPTZ '2026-01-01' + to_minutes(i) + to_hours(k),
                  body, lower(body), md5(body), 200, 'en', 'bench', 'bench', NULL
           FROM (
               SELECT i, k, array_to_string(list_transform(range(150 + (i % 150)),
                      x -> v.ws[1 + floor(pow(random(), 2.5) * v.n)::bigint]), ' ') AS body
               FROM range(?) t(i), range(2) s(k), v
           )""",
        [n_articles],
    )
    con.execute("CHECKPOINT")
    con.close()


def timed(fn, repeat: int = 5) -> float:
    """Median wall seconds of `repeat` calls (CPU seconds of the last in `timed.cpu`)."""
    times = []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - t)
        timed.cpu = time.process_time() - c
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--versions", type=int, default=100_000)
    ap.add_argument("--keep", type=Path, help="Build in this file, or reuse it when it exists.")
    args = ap.parse_args()
    words = vocabulary()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.keep or Path(tmp) / "bench.duckdb"
        if not db.exists():
            t = time.perf_counter()
            generate(db, args.versions, words)
            print(f"generated {args.versions:,} versions in {time.perf_counter() - t:.1f} s")
            size_before = db.stat().st_size
            state, took = fulltext.refresh(db, force=True)
            size_after = db.stat().st_size
            print(
                f"index: {state.n_indexed:,} versions built in {took:.1f} s; warehouse file "
                f"{size_before / 1e6:.0f} MB -> {size_after / 1e6:.0f} MB "
                f"(index +{(size_after - size_before) / 1e6:.0f} MB)"
            )
        n = len(words)
        queries = [words[400], words[n // 4], f"{words[50]} {words[n // 8]}", words[n // 2]]
        with reading(db) as con:
            fulltext.load_fts(con)
            print(f"load average {os.getloadavg()[0]:.1f}")
            print(f"{'query':40} {'hits':>6} {'fts s':>8} {'CPU s':>6} {'ILIKE s':>8} {'ratio':>6}")
            for q in queries:
                found = fulltext.search(con, q, limit=50)
                fts = timed(lambda q=q: fulltext.search(con, q, limit=50))
                cpu = timed.cpu
                first = q.split()[0]
                scan = timed(
                    lambda first=first: con.execute(
                        "SELECT count(*) FROM core.versions WHERE text ILIKE ?", [f"% {first} %"]
                    ).fetchall(),
                    repeat=3,
                )
                print(
                    f"{q[:40]:40} {len(found):>6} {fts:>8.3f} {cpu:>6.3f} {scan:>8.3f} "
                    f"{scan / fts:>5.1f}x"
                )
            gone = timed(lambda: fulltext.search(con, queries[0], gone=True, limit=50))
            print(f"{'(gone=1) ' + queries[0]:40} {'':>6} {gone:>8.3f}")

        def open_load_close(load: bool) -> None:
            with reading(db) as con:
                if load:
                    fulltext.load_fts(con)

        bare = timed(lambda: open_load_close(False))
        loaded = timed(lambda: open_load_close(True))
        print(f"LOAD fts on a new connection: {loaded - bare:.3f} s (the search page pays it)")


if __name__ == "__main__":
    main()

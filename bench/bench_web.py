"""Page render times of the web viewer over a warehouse of the real corpora.

Builds the warehouse with the real CLI from ../shared/corpora (fundus-recrawls,
fundus-news, allsides-same-event, seeds, warc; or pass --db to reuse one), indexes it,
then requests each kind of page through the ASGI app in-process (every request opens the
warehouse read-only, as in `pressdiff web`) and prints the median of --repeat requests,
against the baseline of opening and closing a read-only connection alone.

    uv run python bench/bench_web.py [--db PATH] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from starlette.testclient import TestClient  # noqa: E402

from pressdiff.web.app import create_app  # noqa: E402
from pressdiff.web.reader import reading  # noqa: E402

CORPORA = ROOT.parent / "shared" / "corpora"
SOURCES = ["fundus-recrawls", "fundus-news", "allsides-same-event", "seeds", "warc"]


def build(db: Path) -> None:
    sources = [str(CORPORA / s) for s in SOURCES if (CORPORA / s).exists()]
    if not sources:
        sys.exit(f"no corpora in {CORPORA}; pass --db")
    t = time.perf_counter()
    for args in (["ingest", *sources], ["index"]):
        subprocess.run(
            [sys.executable, "-m", "pressdiff.cli", *args, "--db", str(db)],
            check=False,
            cwd=ROOT,
            env={**os.environ, "DO_NOT_TRACK": "1"},
        )
    print(f"built {db} in {time.perf_counter() - t:.0f} s")


def median_time(fn, repeat: int) -> tuple[float, float]:
    """Median wall and CPU seconds (every thread of this process) of `repeat` calls. On a
    shared machine the CPU time is the figure that does not depend on the neighbours."""
    wall, cpu = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(wall), statistics.median(cpu)


def first(pattern: str, html: str) -> str | None:
    m = re.search(pattern, html)
    return m[1].replace("&amp;", "&") if m else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "corpora.duckdb"
        if not db.exists():
            build(db)
        with reading(db) as con:
            n = con.execute("SELECT count(*) FROM articles").fetchone()[0]
            v = con.execute("SELECT count(*) FROM versions").fetchone()[0]
            print(f"{n:,} articles, {v:,} versions")
        client = TestClient(create_app(db))
        home = client.get("/").text
        story = max(
            re.findall(r'href="(/story/[0-9a-f]{16})"', home),
            key=lambda p: len(client.get(p).text),
            default=None,
        )
        pages = {
            "home": "/",
            "article": first(r'href="(/article/[0-9a-f]{16})"', home),
            "diff": first(r'href="(/article/[0-9a-f]{16}/diff\?[^"]+)"', home),
            "story (largest)": story,
            "outlet": first(r'href="(/outlet/[^"]+)"', home),
            "term swaps": "/swaps",
            "search": "/search?q=government",
            "search, gone": "/search?q=government&gone=1",
            "feed": "/feed.atom",
        }

        def open_close() -> None:
            with reading(db):
                pass

        baseline, baseline_cpu = median_time(open_close, args.repeat)
        print(
            f"baseline: open + close a read-only connection {baseline * 1000:.0f} ms "
            f"({baseline_cpu * 1000:.0f} ms CPU); load average {os.getloadavg()[0]:.1f}"
        )
        print(f"{'page':18} {'status':>6} {'ms':>7} {'CPU ms':>7} {'x baseline':>10}  path")
        for name, path in pages.items():
            if path is None:
                print(f"{name:18} (no such page in this warehouse)")
                continue
            status = client.get(path).status_code
            took, cpu = median_time(lambda path=path: client.get(path), args.repeat)
            print(
                f"{name:18} {status:>6} {took * 1000:>7.0f} {cpu * 1000:>7.0f} "
                f"{took / baseline:>10.1f}  {path}"
            )


if __name__ == "__main__":
    main()

"""The fetcher's throughput and politeness against a local server. No network but loopback.

    uv run python bench/bench_fetch.py [--pages 2000] [--hosts 4] [--polite-seconds 6]

A child process serves generated article pages from several "hosts" (one port each on
127.0.0.1, so each is its own origin for politeness and robots.txt). The parent measures:

1. politeness off (per-host limit = global limit, no delay), robots.txt honoured and every
   body stored as a snapshot: pages/s end to end, against the target of 300 pages/s, against
   a plain sequential `httpx.Client` loop over the same URLs, and against bare
   `httpx.AsyncClient` GETs at the same concurrency (what the checks and snapshots cost);
2. the same with every page answering after `--latency` seconds, as a distant server
   would: where concurrency pays (the local server answers in well under a millisecond,
   and being Python, it serves one connection about as fast as sixteen);
3. a per-host rule of one request per second over 3 hosts: each host's rate as the server
   saw it (requests - 1) / (last arrival - first arrival), against 1.0/s (target: within 5%);
4. what checking addresses at connect time costs (the pinned transport every run without
   --allow-private uses): the pages of part 1 with loopback playing a public address,
   against the same pages with --allow-private (no check, httpx's own transport).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from multiprocessing.connection import Connection
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

import tasks.web.addresses as addresses  # noqa: E402
from tasks.web.fetcher import fetch_many  # noqa: E402
from tasks.web.policy import FetchPolicy  # noqa: E402
from tasks.web.result import FetchResult  # noqa: E402
from tasks.web.snapshots import SnapshotStore  # noqa: E402
from tests.httpserver import LocalServer, Request, Response, article  # noqa: E402

TARGET_PAGES_PER_S = 300.0
TARGET_DEVIATION = 0.05
WORDS = [
    "harbour",
    "council",
    "ferry",
    "budget",
    "bridge",
    "market",
    "library",
    "river",
    "school",
    "festival",
]


def page(host: int, n: int) -> str:
    """A short generated article, distinct for every (host, n)."""
    topic = WORDS[(host + n) % len(WORDS)]
    return article(
        f"Story {n} from desk {host}: the {topic} question",
        f"Desk {host} reports, in item {n}, that the {topic} plans were discussed again.",
        f"Residents asked how the {topic} would change their week; officials promised "
        f"an answer before item {n + 1} goes to print.",
        "The meeting ended early because the lights in the hall failed twice.",
    )


def _log_route(server: LocalServer):  # type: ignore[no-untyped-def]
    def route(request: Request) -> Response:
        arrivals = [[r.path, r.at] for r in server.requests if r.path != "/_requests"]
        return Response(body=json.dumps(arrivals), content_type="application/json")

    return route


def serve(hosts: int, pages: int, latency: float, conn: Connection) -> None:
    """Child process: run one server per host until told to stop."""
    servers = []
    for host in range(hosts):
        server = LocalServer()
        server.update({f"/news/{n}": Response(body=page(host, n)) for n in range(pages)})
        server.update(
            {f"/far/{n}": Response(body=page(host, n), delay=latency) for n in range(pages)}
        )
        server.set("/_requests", _log_route(server))
        servers.append(server.start())
    conn.send([s.port for s in servers])
    conn.recv()
    for server in servers:
        server.stop()


def urls_for(ports: list[int], per_host: int, folder: str = "news") -> list[str]:
    """URLs interleaved across hosts, `per_host` each."""
    return [f"http://127.0.0.1:{p}/{folder}/{n}" for n in range(per_host) for p in ports]


def arrivals(port: int) -> list[tuple[str, float]]:
    """What the server on `port` received: (path, monotonic arrival time)."""
    data = httpx.get(f"http://127.0.0.1:{port}/_requests", timeout=10).json()
    return [(path, at) for path, at in data]


FAST = replace(FetchPolicy(allow_private=True, host_delay=0.0), per_host=FetchPolicy().concurrency)


def run_fast(urls: list[str], policy: FetchPolicy = FAST) -> tuple[float, list[FetchResult]]:
    """Politeness off: pages/s with robots.txt and snapshots."""
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        results = fetch_many(urls, policy, store=SnapshotStore(tmp))
        seconds = time.perf_counter() - start
    return len(urls) / seconds, results


def run_bare_async(urls: list[str]) -> float:
    """Bare httpx.AsyncClient GETs, as many at once as the fetcher allows: pages/s."""

    async def run() -> float:
        slots = asyncio.Semaphore(FAST.concurrency)
        async with httpx.AsyncClient(timeout=10) as client:

            async def get(url: str) -> None:
                async with slots:
                    (await client.get(url)).raise_for_status()

            start = time.perf_counter()
            await asyncio.gather(*(get(url) for url in urls))
            return len(urls) / (time.perf_counter() - start)

    return asyncio.run(run())


def run_baseline(urls: list[str]) -> float:
    """A plain sequential httpx.Client loop over the same URLs: pages/s."""
    with httpx.Client(timeout=10) as client:
        start = time.perf_counter()
        for url in urls:
            response = client.get(url)
            response.raise_for_status()
        return len(urls) / (time.perf_counter() - start)


def run_polite(ports: list[int], seconds: float) -> list[tuple[int, int, float]]:
    """One request per second per host: (port, requests, measured rate) per host."""
    per_host = int(seconds) + 1
    urls = [f"http://127.0.0.1:{p}/news/{n}?polite=1" for n in range(per_host) for p in ports]
    policy = FetchPolicy(allow_private=True, per_host=1, host_delay=1.0)
    results = fetch_many(urls, policy)
    assert all(r.ok for r in results), [r.error for r in results if not r.ok]
    rates = []
    for port in ports:
        times = sorted(at for path, at in arrivals(port) if path.endswith("?polite=1"))
        rates.append((port, len(times), (len(times) - 1) / (times[-1] - times[0])))
    return rates


def report_fast(title: str, urls: list[str], baseline_pages: int, bare: bool) -> None:
    """Part 1 or 2: the fetcher against the baselines (sequential on the first pages)."""
    sequential = run_baseline(urls[:baseline_pages])
    async_rate = run_bare_async(urls) if bare else None
    rate, results = run_fast(urls)
    failures = sum(not r.ok for r in results)
    verdict = "ok" if rate >= TARGET_PAGES_PER_S else "MISSED"
    print(f"{title}: {len(urls)} pages, concurrency {FAST.concurrency}")
    print(
        f"  sequential httpx.Client (baseline):      {sequential:8.1f} pages/s"
        f"  (first {min(baseline_pages, len(urls))} pages)"
    )
    if async_rate is not None:
        print(f"  bare httpx.AsyncClient, same concurrency: {async_rate:8.1f} pages/s")
    print(
        f"  pressdiff fetch_all, robots + snapshots: {rate:8.1f} pages/s  "
        f"= {rate / sequential:.2f}x sequential"
        + (f", {rate / async_rate:.2f}x bare async" if async_rate else "")
        + f"; target {TARGET_PAGES_PER_S:.0f} pages/s [{verdict}]; failures {failures}"
    )


def report_polite(ports: list[int], seconds: float) -> None:
    """Part 3: one request per second per host."""
    print("politeness on: one request per second per host, 3 hosts")
    for port, n, host_rate in run_polite(ports[:3], seconds):
        deviation = abs(host_rate - 1.0)
        verdict = "ok" if deviation <= TARGET_DEVIATION else "MISSED"
        print(
            f"  host 127.0.0.1:{port}: {n} requests, {host_rate:.4f}/s, "
            f"deviation {deviation:.2%} (target within {TARGET_DEVIATION:.0%}) [{verdict}]"
        )


@contextmanager
def loopback_as_public() -> Iterator[None]:
    """For this benchmark only: 127.0.0.1 passes the address check, as a public host would."""
    real = addresses.address_refusal
    addresses.address_refusal = lambda a: None if a == "127.0.0.1" else real(a)
    try:
        yield
    finally:
        addresses.address_refusal = real


def report_pinned(urls: list[str]) -> None:
    """Part 4: the checked, pinned connections against unchecked ones, same pages; rounds
    alternate and each side keeps its best (this machine's speed drifts)."""
    unchecked = checked = 0.0
    failures = 0
    for _round in range(3):
        unchecked = max(unchecked, run_fast(urls)[0])
        with loopback_as_public():
            rate, results = run_fast(urls, replace(FAST, allow_private=False))
        checked, failures = max(checked, rate), failures + sum(not r.ok for r in results)
    print(f"address checks at connect time: {len(urls)} pages, best of 3 alternating rounds")
    print(f"  --allow-private (no checks):             {unchecked:8.1f} pages/s")
    print(
        f"  checked and pinned connections:          {checked:8.1f} pages/s  "
        f"= {checked / unchecked:.2f}x; failures {failures}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=2000, help="pages in part 1")
    parser.add_argument("--hosts", type=int, default=4, help="hosts in parts 1 and 2")
    parser.add_argument("--latency", type=float, default=0.02, help="seconds, part 2")
    parser.add_argument("--latency-pages", type=int, default=1000, help="pages in part 2")
    parser.add_argument("--polite-seconds", type=float, default=6.0)
    args = parser.parse_args()
    per_host = -(-max(args.pages, args.latency_pages) // args.hosts)

    parent, child = mp.Pipe()
    process = mp.get_context("spawn").Process(
        target=serve, args=(max(args.hosts, 3), per_host, args.latency, child)
    )
    process.start()
    ports = parent.recv()
    try:
        hosts = ports[: args.hosts]
        httpx.get(f"http://127.0.0.1:{ports[0]}/news/0", timeout=10)  # warm up
        near = urls_for(hosts, per_host)[: args.pages]
        report_fast("politeness off", near, len(near), bare=True)
        far = urls_for(hosts, per_host, "far")[: args.latency_pages]
        title = f"politeness off, {args.latency * 1000:.0f} ms per answer"
        report_fast(title, far, 100, bare=False)
        report_polite(ports, args.polite_seconds)
        report_pinned(near)
    finally:
        parent.send("stop")
        process.join(timeout=10)


if __name__ == "__main__":
    main()

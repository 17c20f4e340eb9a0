"""The process pool CPU-bound work runs in: started once per process, reused by batches."""

from __future__ import annotations

import atexit
import multiprocessing
from concurrent.futures import Executor, ProcessPoolExecutor

_pools: dict[int, ProcessPoolExecutor] = {}


def pool(workers: int) -> Executor:
    """A pool of `workers` processes (forkserver: safe beside Prefect's threads).

    The fork server imports and warms the extractor once (tasks.prewarm), so every worker
    forked from it starts warm instead of paying the warm-up itself."""
    if workers not in _pools:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["tasks.prewarm"])
        _pools[workers] = ProcessPoolExecutor(workers, mp_context=ctx)
    return _pools[workers]


def start(workers: int) -> None:
    """Start the pool's processes now, in the background (e.g. while Prefect starts up)."""
    if workers > 0:
        pool(workers).submit(int)


def shutdown() -> None:
    """Stop every pool (at exit, or when a caller wants its cores back)."""
    while _pools:
        _pools.popitem()[1].shutdown(cancel_futures=True)


atexit.register(shutdown)

"""The process pool CPU-bound work runs in: started once per process, reused by batches."""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import os
import signal
from concurrent.futures import Executor, ProcessPoolExecutor
from multiprocessing import forkserver

from pressdiff import stopping

_pools: dict[int, ProcessPoolExecutor] = {}


def cores() -> int:
    """The CPU cores this machine has (the default number of extraction processes)."""
    return os.cpu_count() or 1


def pool(workers: int) -> Executor:
    """A pool of `workers` processes (forkserver: safe beside Prefect's threads).

    The fork server imports and warms the extractor once (tasks.steps.prewarm), so every worker
    forked from it starts warm instead of paying the warm-up itself. Workers ignore Ctrl-C:
    the process that owns them stops them (see pressdiff.stopping)."""
    if workers not in _pools:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["tasks.steps.prewarm"])
        _pools[workers] = ProcessPoolExecutor(
            workers,
            mp_context=ctx,
            initializer=stopping.child_defaults,
            initargs=(os.getpid(),),
        )
        stopping.on_exit_now(_kill_processes)
    return _pools[workers]


def start(workers: int) -> None:
    """Start the pool's processes now, in the background (e.g. while Prefect starts up)."""
    if workers > 0:
        pool(workers).submit(int)


def shutdown() -> None:
    """Stop every pool (at exit, or when a caller wants its cores back): at once when a stop
    was asked for, else after the work they are doing."""
    if stopping.requested():
        kill()
    while _pools:
        _pools.popitem()[1].shutdown(cancel_futures=True)


def kill() -> None:
    """Kill every worker process now; work in flight is lost (its inputs are not stored)."""
    processes = _kill_processes()
    for executor in list(_pools.values()):
        executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.join(5)
    _pools.clear()


def _kill_processes() -> list:
    """SIGKILL the workers and their fork server (safe from any thread: no locks taken)."""
    processes = [p for e in list(_pools.values()) for p in list((e._processes or {}).values())]
    for process in processes:
        with contextlib.suppress(OSError):
            process.kill()
    server = getattr(forkserver._forkserver, "_forkserver_pid", None)
    if server:
        with contextlib.suppress(OSError):
            os.kill(server, signal.SIGKILL)
    return processes


atexit.register(shutdown)

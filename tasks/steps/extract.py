"""Extraction as a Prefect task: a batch of inputs read and cleaned in the worker pool.

The pure extraction is tasks/text/extract.py; this module hands it chunks of inputs in
`workers` processes (tasks/steps/workers.py), collects them in input order, and stops
between chunks when a stop is asked for (Ctrl-C). `extraction` says where a flow's batches
go: to that task here, one batch ahead of the store, or with a Dask scheduler address to
task runs on that cluster (tasks/steps/cluster.py, imported only then).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, wait
from contextlib import contextmanager
from functools import partial
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from pressdiff import progress, stopping
from tasks.steps.workers import cores, kill, pool
from tasks.text.extract import ExtractSettings, cap_rejects, finish, process_refs
from warehouse.records import Article, InputRef, Reject

_CHUNK = 4  # refs per worker round trip: small enough to balance, large enough to amortise


@task(name="extract-batch", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=1)
def extract_batch(
    refs: list[InputRef], workers: int, settings: ExtractSettings
) -> list[Article | Reject]:
    """Read and extract a batch of inputs as `settings` say, in `workers` processes (0: in
    this process).
    Items that are not inputs (rejects and sightings from fetching) pass through.

    With fewer workers than cores, this process has a core to spare while they run
    trafilatura: it splits the sentences, chunk by chunk as the workers return them. With a
    worker per core the workers split them too (this process would lag and finish last).
    Once a stop is asked for (Ctrl-C), it returns what is finished and stops the workers."""
    done = [r for r in refs if not isinstance(r, InputRef)]
    refs = [r for r in refs if isinstance(r, InputRef)]
    chunks = [refs[i : i + _CHUNK] for i in range(0, len(refs), _CHUNK)]
    spare_core = 0 < workers < cores()
    min_words = settings.min_words
    work = partial(
        process_refs, max_bytes=settings.max_bytes, min_words=min_words, split=not spare_core
    )
    results = _in_pool(work, chunks, workers) if workers > 0 else _in_here(work, chunks)
    finished = {
        i: list(cap_rejects(finish(item, min_words) for item in result)) for i, result in results
    }
    return done + [item for i in sorted(finished) for item in finished[i]]  # in input order


def _in_pool(work: Callable, chunks: list[list], workers: int) -> Iterator[tuple[int, list]]:
    """(index, result) of each chunk as the pool finishes it, until a stop is requested:
    then what is finished, and nothing more is started."""
    pending = {pool(workers).submit(work, chunk): i for i, chunk in enumerate(chunks)}
    while pending and not stopping.requested():
        finished, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
        for future in finished:
            i = pending.pop(future)
            yield i, future.result()
            progress.advance("extract", len(chunks[i]))
    for future, i in pending.items():
        if not future.cancel() and future.done() and future.exception() is None:
            yield i, future.result()
    if pending:
        kill()  # the chunks still in flight are dropped: give their cores to the store


def _in_here(work: Callable, chunks: list[list]) -> Iterator[tuple[int, list]]:
    for i, chunk in enumerate(stopping.until_requested(chunks)):
        yield i, work(chunk)
        progress.advance("extract", len(chunk))


class InPool:
    """Batches extracted by `extract_batch` in this process's pool, one batch ahead of the
    store (extraction of batch k+1 overlaps the storing of batch k)."""

    ahead = 1

    def __init__(self, workers: int, settings: ExtractSettings) -> None:
        self.workers, self.settings = workers, settings

    def submit(self, batch: list, done: Callable[[Any], None] | None = None) -> Any:
        """Extract `batch` in the pool; `done` is called with its future when it is."""
        future = extract_batch.submit(quote(batch), self.workers, self.settings)
        if done is not None:
            future.add_done_callback(done)
        return future

    def result(self, future: Any) -> list:
        return future.result()

    def rest(self, in_flight: Iterable[Any]) -> Iterator[list]:
        """The batches still in flight, in order (after a stop, each returns what it had)."""
        return (future.result() for future in in_flight)


@contextmanager
def extraction(
    workers: int, settings: ExtractSettings, dask_address: str | None = None
) -> Iterator[Any]:
    """Where a flow's batches are extracted: in `workers` processes here, or on the Dask
    cluster at `dask_address`. Either has `ahead` (batches in flight while one is
    stored), `submit(batch, done)`, `result(future)` and `rest(in_flight)`."""
    if dask_address is None:
        yield InPool(workers, settings)
        return
    from tasks.steps.cluster import on_cluster

    with on_cluster(dask_address, settings) as cluster:
        yield cluster

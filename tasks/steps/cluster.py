"""Extraction on a Dask cluster (`--dask tcp://host:port`, $PRESSDIFF_DASK_ADDRESS).

Each batch (`--batch-size` documents, 200 by default) is one task run of `extract_batch`
on a worker of the cluster, submitted through prefect-dask's DaskTaskRunner; the worker
extracts it in its own process. As many batches are in flight as the cluster has worker
threads when the run starts, and their results come back to this process, the one writer,
which stores them in input order as a local run does.

Only extraction moves. Fetching stays in the flow's process, so the per-host limits
(`fetch_per_host`, `host_delay`) hold for the whole run, not per worker; a fetched page
travels to its worker as bytes. A worker needs this code importable (PYTHONPATH: a checkout
of pressdiff), local inputs at the same paths as here (a shared data path), and the Prefect
API the flow reports to ($PREFECT_API_URL) within reach: each task run reports its state.

dask and prefect-dask are imported only once an address is given (`on_cluster`): a run
without one loads nothing of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from pressdiff import progress, stopping
from pressdiff.errors import SetupError
from tasks.steps.extract import extract_batch
from tasks.text.extract import ExtractSettings
from warehouse.records import InputRef


class OnCluster:
    """Batches extracted by task runs on a Dask cluster, results taken in input order."""

    def __init__(self, runner: Any, settings: ExtractSettings) -> None:
        self.runner = runner
        self.settings = settings
        # A batch for every worker thread in flight while this process stores the one before.
        self.ahead = max(1, sum(runner.client.nthreads().values()))

    def submit(self, batch: list, done: Callable[[Any], None] | None = None) -> tuple[Any, list]:
        """Send one batch to the cluster: a task run that extracts it in the worker's process
        (`done` is called with its future once it is back)."""
        # Not `quote`d: on a Dask worker Prefect passes a quoted value on as it is (walking
        # a batch of inputs for futures costs little; it is their extracted texts that cost).
        future = self.runner.submit(
            extract_batch, {"refs": batch, "workers": 0, "settings": self.settings}
        )
        if done is not None:
            future.add_done_callback(done)
        return future, batch

    def result(self, sent: tuple[Any, list]) -> list:
        """The extracted batch, once it is back. When a stop (Ctrl-C) comes first, the task
        run is cancelled (a re-run extracts its inputs) and what came from fetching with
        no page to extract (rejects, unchanged sightings) is all it returns, as a local
        batch would."""
        future, batch = sent
        while not future.wrapped_future.done():
            if stopping.requested():
                future.wrapped_future.cancel()
                return [item for item in batch if not isinstance(item, InputRef)]
            future.wait(0.2)
        results = future.result()
        progress.advance("extract", sum(isinstance(item, InputRef) for item in batch))
        return results

    def rest(self, in_flight: Iterable[tuple[Any, list]]) -> Iterator[list]:
        """The batches still in flight, in order (after a stop, see `result`)."""
        return (self.result(sent) for sent in in_flight)


@contextmanager
def on_cluster(address: str, settings: ExtractSettings) -> Iterator[OnCluster]:
    """Extraction on the Dask cluster whose scheduler is at `address`, for one flow run."""
    from prefect_dask import DaskTaskRunner

    with DaskTaskRunner(address=address) as runner:
        try:
            cluster = OnCluster(runner, settings)
        except OSError as exc:  # the scheduler went away since it was checked
            raise SetupError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc
        yield cluster

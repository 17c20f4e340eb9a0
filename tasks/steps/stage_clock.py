"""How long each stage of a run took: seconds per stage, summed over the run's batches.

The tasks add the seconds of the stages they run (`timed`), under the run's id; closing the
run takes them into its summary (`RunSummary.stage_seconds`). Stages: extract, store,
candidates (sketching the new versions and the candidate query), verification (exact
similarity of the candidates), stories (storing pairs, rebuilding the stories they touch),
comparisons. Stages overlap in time (extraction of a batch runs while the one before is
stored), so their sum may exceed the run's wall time. Nothing here is stored.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

STAGES = ("extract", "store", "candidates", "verification", "stories", "comparisons")

_seconds: dict[str, dict[str, float]] = {}
_lock = threading.Lock()


def add(run_id: str, stage: str, seconds: float) -> None:
    """Count `seconds` more of `stage` for run `run_id`."""
    with _lock:
        stages = _seconds.setdefault(run_id, {})
        stages[stage] = stages.get(stage, 0.0) + seconds


@contextmanager
def timed(run_id: str, stage: str) -> Iterator[None]:
    """Count the time the block takes (even when it raises) as `stage` of run `run_id`."""
    start = time.perf_counter()
    try:
        yield
    finally:
        add(run_id, stage, time.perf_counter() - start)


def stopwatch(run_id: str, stage: str) -> Callable[[object], None]:
    """A callback that counts the time from now until it is called as `stage` of run
    `run_id` (for a task submitted now: `future.add_done_callback(stopwatch(...))`)."""
    start = time.perf_counter()
    return lambda _: add(run_id, stage, time.perf_counter() - start)


def take(run_id: str) -> dict[str, float]:
    """The seconds per stage counted for run `run_id`, in STAGES order, forgotten here."""
    with _lock:
        stages = _seconds.pop(run_id, {})
    order = {s: i for i, s in enumerate(STAGES)}
    return {s: round(stages[s], 6) for s in sorted(stages, key=lambda s: order.get(s, len(order)))}

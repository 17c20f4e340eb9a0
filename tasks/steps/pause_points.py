"""A hook for crash tests: hold a run still at a named point, so that a test can kill it
exactly there (tests/flows/test_chaos.py, bench/chaos.py).

With `PRESSDIFF_PAUSE_AT=store-written:3` the third time this process reaches the point
`store-written`, it creates the file `$PRESSDIFF_PAUSE_FILE` and sleeps until it is killed.
The variables are read with the other settings (flows/settings.py), which `arm` this
module before a flow runs. Unarmed (always, outside those tests) `pause_point` does nothing.

Points: `store-batch` (a batch is about to be stored; the next one is being extracted),
`store-written` (a batch's rows are inserted, not committed), `stories-indexed` (new
versions' sketches are committed, their pairs and stories not), `compare-written` (a
batch of comparisons is inserted, not committed).
"""

from __future__ import annotations

import threading
import time
from collections import Counter

_arrivals: Counter[str] = Counter()
_lock = threading.Lock()
_armed: tuple[str, str] | None = None  # ('point:n', the file to create there)


def arm(at: str | None, file: str | None) -> None:
    """Pause at `at` ('point' or 'point:n') and create `file` there; None: never pause."""
    global _armed
    _armed = (at, file) if at and file else None


def pause_point(name: str) -> None:
    """Stop here for good if this process was armed for this arrival at `name`."""
    if _armed is None:
        return
    wanted, file = _armed
    point, _, nth = wanted.partition(":")
    if point != name:
        return
    with _lock:
        _arrivals[name] += 1
        if _arrivals[name] != int(nth or 1):
            return
    with open(file, "w") as f:
        f.write(f"{name}:{_arrivals[name]}\n")
    while True:
        time.sleep(60)

"""Progress on long work, reported by tasks and shown by whoever is listening (the CLI).

Tasks call `advance`; with no listener installed it costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable

Listener = Callable[[str, int, int | None], None]  # (stage, done, total)
_listener: Listener | None = None


def listen(listener: Listener | None) -> None:
    """Install (or remove, with None) the one progress listener of this process."""
    global _listener
    _listener = listener


def advance(stage: str, done: int, total: int | None = None) -> None:
    """Report that `done` more units of `stage` finished, out of `total` if known."""
    if _listener is not None:
        _listener(stage, done, total)

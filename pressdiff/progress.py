"""Progress on long work, reported by tasks and shown by whoever is listening (the CLI).

Tasks call `advance` as work finishes, and `expect` as soon as they know how much more of a
stage is coming (the flow, when it has planned its inputs): a stage's total is the sum of
what was expected, so a counter never runs past it. With no listener it costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable

Listener = Callable[[str, int, int], None]  # (stage, done, more expected)
_listener: Listener | None = None


def listen(listener: Listener | None) -> None:
    """Install (or remove, with None) the one progress listener of this process."""
    global _listener
    _listener = listener


def advance(stage: str, done: int) -> None:
    """Report that `done` more units of `stage` finished."""
    if _listener is not None and done:
        _listener(stage, done, 0)


def expect(stage: str, more: int) -> None:
    """Report that `more` units of `stage` are coming (on top of those expected so far)."""
    if _listener is not None and more:
        _listener(stage, 0, more)

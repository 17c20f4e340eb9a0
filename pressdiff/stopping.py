"""Stopping on Ctrl-C (SIGINT) or SIGTERM: the first signal asks the work to stop, the
second ends the process at once.

`install` blocks both signals in this thread and so in every thread and process started
after it, and one thread of ours waits for them: neither Prefect's handlers nor a
KeyboardInterrupt deep inside a library ever sees them. On the first signal the work stops
taking new inputs at its next check (`requested`, `until_requested`), stores what is already
extracted, marks its run `interrupted` and returns; the command exits 130 (SIGINT) or 143
(SIGTERM). A second signal, or a first stop still running after `grace` seconds, kills what
registered with `on_exit_now` (the extraction processes, Prefect's server) and exits with
that code at once; the run left `running` is marked `abandoned` by the next writer.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator

SIGNALS = {signal.SIGINT, signal.SIGTERM}
_WORDS = {signal.SIGINT: "interrupted", signal.SIGTERM: "terminated"}
_received: list[int] = []
_exit_now: list[Callable[[], None]] = []
_enabled = False


def allow() -> None:
    """Let `install` take this process's signals: the command line's own process calls it;
    a program (or a test) that calls pressdiff in-process keeps its signal handling."""
    global _enabled
    _enabled = True


def install(say: Callable[[str], None], grace: float = 9.0) -> None:
    """Take SIGINT and SIGTERM from now on, for the rest of the process (when `allow`ed;
    once): `say` prints the one line a stop gets. Call it before anything starts threads
    (duckdb and pyarrow do on import): a thread started earlier could still take a signal."""
    global _enabled
    if not _enabled:
        return
    _enabled = False
    _start_resource_tracker()
    signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    watcher = threading.Thread(
        target=_watch, args=(say, grace), name="pressdiff-signals", daemon=True
    )
    watcher.start()


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker now, quiet: starting it unblocks both signals
    (so later would undo `install`), and after a kill at once it would warn on the terminal
    of the semaphores it cleans up."""
    from multiprocessing import resource_tracker

    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        resource_tracker.ensure_running()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _watch(say: Callable[[str], None], grace: float) -> None:
    signum = signal.sigwait(SIGNALS)
    _received.append(signum)
    again = "Ctrl-C" if signum == signal.SIGINT else "a second signal"
    say(
        f"{_WORDS[signum]}: storing what is already extracted, then stopping "
        f"({again} quits at once)"
    )
    signal.sigtimedwait(SIGNALS, grace)  # a second signal, or too long a stop
    exit_now()


def requested() -> bool:
    """Whether a stop was asked for."""
    return bool(_received)


def exit_code() -> int | None:
    """128 + the signal that asked for the stop (130 SIGINT, 143 SIGTERM), or None."""
    return 128 + _received[0] if _received else None


def until_requested(items: Iterable) -> Iterator:
    """`items` up to the first stop request (checked before taking each next one)."""
    it = iter(items)
    while not requested():
        try:
            item = next(it)
        except StopIteration:
            return
        yield item


def on_exit_now(fn: Callable[[], None]) -> None:
    """Call `fn` (kill a child process) when the process has to exit at once."""
    _exit_now.append(fn)


def exit_now() -> None:
    """Kill what registered, then end this process with the stop's exit code."""
    for fn in reversed(_exit_now):
        with contextlib.suppress(Exception):  # exiting anyway: nothing left to report to
            fn()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(exit_code() or 130)


def child_defaults(owner: int) -> None:
    """In a worker process: take SIGTERM normally, ignore Ctrl-C (the process `owner` that
    uses it stops it) and end when `owner` ends, even by kill -9."""
    from pressdiff.child_process import exit_with

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)
    exit_with(owner)

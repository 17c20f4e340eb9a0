"""Run a module as a child process that ends with its parent: `python -m
pressdiff.child_process MODULE ARGS...`.

The parent (the command line) blocks SIGINT and SIGTERM before it starts children, and
children inherit that mask; this unblocks them, asks Linux to send SIGTERM when the parent
dies (even by kill -9), then runs MODULE as `python -m MODULE ARGS...` would.
"""

from __future__ import annotations

import ctypes
import os
import runpy
import select
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1


def die_with_parent(sig: int = signal.SIGKILL) -> None:
    """Ask Linux to send `sig` to this process when its parent dies; if the parent is
    already gone (adopted by init), exit now. Elsewhere a no-op."""
    if not sys.platform.startswith("linux"):
        return
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, sig)
    if os.getppid() == 1:
        os._exit(1)


def exit_with(pid: int) -> None:
    """End this process as soon as process `pid` ends (a thread waits on it): for a
    grandchild, whose parent (a fork server) outlives a killed `pid` as long as it lives."""

    def wait() -> None:
        try:
            fd = os.pidfd_open(pid)
        except (AttributeError, OSError):  # no pidfd here: look once a second
            while _alive(pid):
                time.sleep(1)
        else:
            select.select([fd], [], [])
        os._exit(1)

    threading.Thread(target=wait, name=f"exit-with-{pid}", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def main() -> None:
    parent = os.getppid()
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    die_with_parent(signal.SIGTERM)
    if os.getppid() != parent:  # the parent died before the request took effect
        sys.exit(1)
    module, *args = sys.argv[1:]
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()

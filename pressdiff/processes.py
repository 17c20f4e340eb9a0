"""Who this process is, and whether the process that started a run is still alive.

A process is its host, its pid and its start (the boot id and the start time in clock ticks
from /proc): a pid reused after a crash or a reboot is another process. Where /proc is
missing, a live pid is taken for the same process.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Process:
    """A process on a host: enough to tell it from a later one with the same pid."""

    pid: int
    host: str
    start: str | None


def _start(pid: int) -> tuple[str | None, bool]:
    """(the start token of `pid` or None without /proc, whether it is alive)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except FileNotFoundError:
        if Path("/proc/self/stat").exists():
            return None, False  # /proc works and has no such pid
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None, False
        except PermissionError:
            pass
        return None, True
    except OSError:
        return None, False
    fields = stat[stat.rindex(")") + 2 :].split()  # after the command name, which may hold spaces
    state, ticks = fields[0], fields[19]
    return f"{boot}/{ticks}", state not in ("Z", "X")


def me() -> Process:
    """This process."""
    pid = os.getpid()
    return Process(pid, socket.gethostname(), _start(pid)[0])


def alive(p: Process) -> bool:
    """Whether `p` may still be running: always True for another host (it cannot be checked)."""
    if p.host != socket.gethostname():
        return True
    start, running = _start(p.pid)
    return running and (p.start is None or start is None or start == p.start)

"""One writer at a time commits to a warehouse: `with writer_lock(db): ...`.

The lock is the warehouse's, not a process's, so processes on one machine or on many take
turns:

- `db` a local path: an exclusive `flock` on `<path>.lock` beside it (made if missing).
  Its holder writes who it is into the file, so a process that waits can name it.
- `db` a `postgresql://` URL (the shared catalog): a session-level
  `pg_advisory_lock(WRITER_KEY)` in that database, on a connection of its own that names its
  holder (`application_name`) and asks the server to notice a vanished client within about
  a minute (TCP keepalives), not the system's two hours. A session that let its lock go is
  kept for the process's next block (a try is then one round trip, not a new connection).

Either is released when the block ends, and when its holder dies however it dies (`kill
-9`, a lost machine): the kernel drops a dead process's flock, PostgreSQL a dead client's
session locks. Within one thread the lock is re-entrant: a nested `writer_lock(db)` holds
nothing more. Waiting past `timeout` seconds raises WarehouseLockedError naming the holder
where it can; a stop (Ctrl-C, SIGTERM) asked for while waiting raises Interrupted.
"""

from __future__ import annotations

import fcntl
import os
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from pressdiff import stopping
from pressdiff.errors import Interrupted, SetupError, WarehouseLockedError
from warehouse.sqlfiles import text

# The advisory lock's key in a catalog database: "pressdif" in ASCII, a positive bigint.
WRITER_KEY = int.from_bytes(b"pressdif", "big")
POLL_FIRST, POLL_MAX = 0.01, 0.25  # seconds between tries while another holds it
KEEPALIVE = {"tcp_keepalives_idle": "30", "tcp_keepalives_interval": "10"}

_held = threading.local()  # db -> depth, for this thread


def is_url(db: str | Path) -> bool:
    """Whether `db` names a PostgreSQL catalog rather than a local path."""
    return str(db).startswith(("postgresql://", "postgres://"))


def shown(db: str) -> str:
    """`db` as it may be printed: a URL without its password."""
    if not is_url(db):
        return db
    parts = urlsplit(db)
    if parts.password is None:
        return db
    netloc = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{netloc}"))


def holder() -> str:
    """Who this process is, in a few words: `process 123 on host (pressdiff ingest)`."""
    words = [Path(sys.argv[0]).name if sys.argv else "python", *sys.argv[1:2]]
    if words[0] in ("cli.py", "__main__.py"):
        words[0] = "pressdiff"
    return f"process {os.getpid()} on {socket.gethostname()} ({' '.join(words)[:40]})"


@contextmanager
def writer_lock(db: str | Path, timeout: float = 600) -> Iterator[None]:
    """Hold the writer lock of warehouse `db` for the block (see the module's docstring)."""
    key = str(db) if is_url(str(db)) else str(Path(db).absolute())
    depth = getattr(_held, "depth", None)
    if depth is None:
        depth = _held.depth = {}
    if depth.get(key):
        depth[key] += 1
        try:
            yield
        finally:
            depth[key] -= 1
        return
    take = _pg_lock if is_url(key) else _file_lock
    with take(key, timeout):
        depth[key] = 1
        try:
            yield
        finally:
            depth.pop(key, None)


def _wait(db: str, timeout: float, attempt, who) -> None:
    """Call `attempt()` until it returns True; past `timeout`, say who `who()` holds it."""
    deadline, pause = time.monotonic() + timeout, POLL_FIRST
    while not attempt():
        if stopping.requested():
            raise Interrupted()
        if time.monotonic() >= deadline:
            raise WarehouseLockedError(
                f"the warehouse {shown(db)} is being written by {who() or 'another process'}; "
                f"waited {timeout:g} s for it: let it finish or stop it, then try again"
            )
        time.sleep(pause)
        pause = min(pause * 2, POLL_MAX)


@contextmanager
def _file_lock(path: str, timeout: float) -> Iterator[None]:
    lock = Path(path + ".lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:

        def attempt() -> bool:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            return True

        def who() -> str:
            return os.pread(fd, 200, 0).decode("utf-8", "replace").strip()

        _wait(path, timeout, attempt, who)
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, (holder() + "\n").encode(), 0)
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextmanager
def _pg_lock(url: str, timeout: float) -> Iterator[None]:
    import psycopg

    con = _session(url)
    try:
        attempt = _first_attempt_on(con)
    except psycopg.OperationalError:  # a kept session the server dropped: one new try
        con.close()
        con = _session(url)
        try:
            attempt = _first_attempt_on(con)
        except psycopg.Error as exc:
            con.close()
            raise SetupError(f"lost the warehouse catalog {shown(url)}: {_line(exc)}") from exc
    held = False
    try:

        def who() -> str:
            row = con.execute(
                text("pg_writer_lock_holder"), (WRITER_KEY >> 32, WRITER_KEY & 0xFFFFFFFF)
            ).fetchone()
            return row[0] if row else ""

        try:
            _wait(url, timeout, attempt, who)
        except psycopg.Error as exc:
            raise SetupError(f"lost the warehouse catalog {shown(url)}: {_line(exc)}") from exc
        held = True
        yield
    finally:
        if held and not con.closed:
            con.execute("SELECT pg_advisory_unlock(%s)", (WRITER_KEY,))
        _give_back(url, con)


def _first_attempt_on(con) -> Callable[[], bool]:
    """Try the lock once on `con` now; the callable tries it again."""
    first = [con.execute("SELECT pg_try_advisory_lock(%s)", (WRITER_KEY,)).fetchone()[0]]

    def attempt() -> bool:
        if first:
            return first.pop()
        return con.execute("SELECT pg_try_advisory_lock(%s)", (WRITER_KEY,)).fetchone()[0]

    return attempt


# Sessions that held a lock and let it go, kept for the next block of this process (a new
# session costs a connection, ~14 ms on loopback; a try on a kept one, a round trip).
# Never shared while in use: two blocks on one session would both "hold" its re-entrant lock.
_idle: dict[tuple[int, str], list] = {}
_idle_guard = threading.Lock()
KEEP_IDLE = 2  # sessions kept per catalog


def _session(url: str):
    """A session of this process to the catalog `url`: a kept one, else a new one."""
    import psycopg
    from psycopg.pq import TransactionStatus

    with _idle_guard:
        kept = _idle.get((os.getpid(), url), [])
        while kept:
            con = kept.pop()
            if not con.closed and con.info.transaction_status == TransactionStatus.IDLE:
                return con
            con.close()
    try:
        con = psycopg.connect(
            url,
            autocommit=True,
            application_name=holder()[:63],  # what PostgreSQL keeps
        )
        for name, value in KEEPALIVE.items():
            con.execute("SELECT set_config(%s, %s, false)", (name, value))
    except psycopg.Error as exc:
        raise SetupError(f"cannot reach the warehouse catalog {shown(url)}: {_line(exc)}") from exc
    return con


def _give_back(url: str, con) -> None:
    """Keep `con` for the next block (or close it: broken, busy, or enough kept)."""
    from psycopg.pq import TransactionStatus

    if not con.closed and con.info.transaction_status == TransactionStatus.IDLE:
        with _idle_guard:
            kept = _idle.setdefault((os.getpid(), url), [])
            if len(kept) < KEEP_IDLE:
                kept.append(con)
                return
    con.close()


def _line(exc: Exception) -> str:
    """A library's message on one line (psycopg's span several)."""
    return " ".join(str(exc).split())

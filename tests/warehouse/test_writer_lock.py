"""The writer lock between real processes, on a local warehouse (flock beside it) and on a
real PostgreSQL catalog (a session advisory lock): critical sections never interleave, a
waiter past its timeout names the holder in one line, and a holder killed with `kill -9`
lets the next writer in."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pressdiff.errors import SetupError, WarehouseLockedError
from tests.helpers import ROOT
from warehouse.writer_lock import shown, writer_lock

pytest_plugins = ["tests.pg"]  # the `postgres` fixture

# A child process: `append DB LOG GO N` enters the lock N times, writing a start and an end
# line around a short sleep; `hold DB MARK` takes it and sleeps; `try DB TIMEOUT` takes it
# once (exit 0) or prints the error (exit 3).
CHILD = """
import os, sys, time
from pressdiff.errors import WarehouseLockedError
from warehouse.writer_lock import writer_lock
mode, db = sys.argv[1], sys.argv[2]
if mode == "append":
    log, go, n = sys.argv[3], sys.argv[4], int(sys.argv[5])
    while not os.path.exists(go):
        time.sleep(0.005)
    for _ in range(n):
        with writer_lock(db, timeout=120):
            with open(log, "a") as f:
                f.write(f"start {os.getpid()}\\n")
            time.sleep(0.02)
            with open(log, "a") as f:
                f.write(f"end {os.getpid()}\\n")
elif mode == "hold":
    with writer_lock(db, timeout=120):
        open(sys.argv[3], "w").write("held")
        time.sleep(600)
else:
    try:
        with writer_lock(db, timeout=float(sys.argv[3])):
            print("got it")
    except WarehouseLockedError as exc:
        print(exc)
        sys.exit(3)
"""


def child(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, *map(str, args)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def sections_never_interleave(db: str, tmp_path: Path) -> None:
    log, go, n = tmp_path / "log", tmp_path / "go", 15
    kids = [child("append", db, log, go, n) for _ in range(2)]
    time.sleep(1.0)  # both started and waiting for the signal to go
    go.touch()
    for kid in kids:
        _, err = kid.communicate(timeout=180)
        assert kid.returncode == 0, err
    lines = log.read_text().splitlines()
    assert len(lines) == 2 * 2 * n
    pairs = list(zip(lines[::2], lines[1::2], strict=True))
    pids = {str(kid.pid) for kid in kids}
    for start, end in pairs:  # every start is followed by the end of the same process
        assert start.split()[0] == "start" and end == f"end {start.split()[1]}", lines
    assert {start.split()[1] for start, _ in pairs} == pids


def killed_holder_lets_the_next_in(db: str, tmp_path: Path) -> None:
    mark = tmp_path / "held"
    holder = child("hold", db, mark)
    try:
        deadline = time.monotonic() + 120
        while not mark.exists():
            assert holder.poll() is None, holder.communicate()
            assert time.monotonic() < deadline, "the holder never took the lock"
            time.sleep(0.02)
        waiter = child("try", db, 0.5)
        out, err = waiter.communicate(timeout=120)
        assert waiter.returncode == 3, out + err
        assert out == (
            f"the warehouse {shown(db)} is being written by process {holder.pid} on "
            f"{os.uname().nodename} (-c hold); waited 0.5 s for it: let it finish or stop "
            "it, then try again\n"
        )
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.communicate(timeout=60)
    after = child("try", db, 60)
    out, err = after.communicate(timeout=120)
    assert (after.returncode, out) == (0, "got it\n"), err


def test_two_processes_on_a_local_warehouse_take_turns(tmp_path):
    sections_never_interleave(str(tmp_path / "w.duckdb"), tmp_path)
    assert (tmp_path / "w.duckdb.lock").exists()


def test_a_killed_holder_of_a_local_warehouse_lets_the_next_writer_in(tmp_path):
    killed_holder_lets_the_next_in(str(tmp_path / "w.duckdb"), tmp_path)


def test_two_processes_on_a_postgresql_catalog_take_turns(tmp_path, postgres):
    sections_never_interleave(postgres.database(), tmp_path)


def test_a_killed_holder_of_a_postgresql_catalog_lets_the_next_writer_in(tmp_path, postgres):
    killed_holder_lets_the_next_in(postgres.database(), tmp_path)


def test_the_lock_is_re_entrant_in_a_thread_and_held_until_the_outer_block_ends(tmp_path):
    db = str(tmp_path / "w.duckdb")
    with writer_lock(db, timeout=1), writer_lock(db, timeout=1):
        pass  # the nested one did not wait for the outer one
    with writer_lock(db, timeout=1):
        with writer_lock(db, timeout=1):
            pass
        waiter = child("try", db, 0.2)  # the outer block still holds it
        out, _ = waiter.communicate(timeout=120)
        assert waiter.returncode == 3, out
    waiter = child("try", db, 10)
    assert waiter.communicate(timeout=120)[0] == "got it\n"


def test_an_unreachable_catalog_is_one_line_without_its_password(postgres):
    url = f"postgresql://pd:secret@127.0.0.1:{postgres.port}/no_such_database"
    with pytest.raises(SetupError) as caught, writer_lock(url, timeout=1):
        pass
    message = str(caught.value)
    assert message.startswith(
        f"cannot reach the warehouse catalog postgresql://pd:***@127.0.0.1:{postgres.port}"
        "/no_such_database: "
    )
    assert "secret" not in message and "\n" not in message.strip()


def test_a_process_keeps_its_catalog_session_for_the_next_block(postgres):
    url = postgres.database()
    holders = (
        "select pid from pg_locks where locktype = 'advisory' and granted"
        " and database = (select oid from pg_database where datname = %s)"
    )
    seen = []
    for _ in range(3):
        with writer_lock(url, timeout=5):
            seen.append(postgres.execute(holders, (url.rsplit("/", 1)[1],)))
    assert len(seen[0]) == 1 and seen == [seen[0]] * 3  # one backend held it each time


@pytest.mark.parametrize("where", ["local", "postgresql"])
def test_two_threads_of_one_process_take_turns_too(where, tmp_path, postgres):
    db = str(tmp_path / "w.duckdb") if where == "local" else postgres.database()
    with writer_lock(db, timeout=5):
        outcome = []

        def other() -> None:
            try:
                with writer_lock(db, timeout=0.3):
                    outcome.append("got it")
            except WarehouseLockedError as exc:
                outcome.append(str(exc).split(";")[0])

        thread = threading.Thread(target=other)
        thread.start()
        thread.join(60)
    assert len(outcome) == 1  # the holder is this very process (its command cut to fit)
    assert outcome[0].startswith(
        f"the warehouse {shown(db)} is being written by process {os.getpid()} on "
        f"{os.uname().nodename} ("
    )
    thread = threading.Thread(target=other)
    thread.start()
    thread.join(60)
    assert outcome[1] == "got it"

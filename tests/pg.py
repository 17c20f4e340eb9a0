"""A throw-away PostgreSQL server for the tests that need a real one (a shared warehouse
catalog, its writer lock).

`postgres` (a session fixture) starts a cluster of its own: `initdb -A trust -U pd` in a
temporary folder and `pg_ctl start` on a free loopback port, with the server's socket in
that folder too; it is stopped (`pg_ctl stop -m fast`) and the folder removed after the
session. PostgreSQL refuses to run as root, so as root both run as the `postgres` user
(`runuser`), and the folder belongs to it. Tests are skipped, saying why, only where the
server's programs (`/usr/lib/postgresql/*/bin`) are absent.

A test module uses it with `pytest_plugins = ["tests.pg"]`, then asks for `postgres` and
calls `postgres.database()` for a fresh database of its own.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

USER = "pd"  # the cluster's superuser; trust authentication, loopback only
_numbers = itertools.count(1)


def server_bin() -> Path | None:
    """The newest installed PostgreSQL's bin folder, or None when there is none."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    return Path(found[-1]).parent if found else None


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Postgres:
    """A running cluster: its address and a way to make databases in it."""

    port: int
    folder: Path
    made: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        """The maintenance database `postgres`, as a connection URL."""
        return self.url_of("postgres")

    def url_of(self, database: str) -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def database(self, name: str | None = None) -> str:
        """A new empty database (named `name`, else numbered); its URL."""
        name = name or f"t{os.getpid()}_{next(_numbers)}"
        self.execute(f'CREATE DATABASE "{name}"')
        self.made.append(name)
        return self.url_of(name)

    def execute(self, sql: str, params: tuple = (), database: str = "postgres") -> list[tuple]:
        """Run one statement (autocommit) and return its rows (none for a command)."""
        import psycopg

        with psycopg.connect(self.url_of(database), autocommit=True) as con:
            cur = con.execute(sql, params)
            return cur.fetchall() if cur.description else []


def _as_server_user(argv: list[str]) -> list[str]:
    """`argv`, run as the `postgres` user when this process is root (PostgreSQL refuses root)."""
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


def _run(argv: list[str], log: Path | None = None) -> None:
    done = subprocess.run(
        _as_server_user(argv), capture_output=True, text=True, timeout=120, check=False
    )
    if done.returncode != 0:
        tail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
        raise RuntimeError(f"{' '.join(argv)} failed:\n{done.stdout}{done.stderr}{tail}")


def start(bin_dir: Path) -> Postgres:
    """A new cluster in a new temporary folder, started on a free loopback port."""
    folder = Path(tempfile.mkdtemp(prefix="pressdiff-pg-"))  # short: it holds the socket
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data, log = folder / "data", folder / "server.log"
    initdb = [str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", USER]
    _run([*initdb, "-E", "UTF8", "--locale=C", "--no-sync"])
    for attempt in range(3):  # a port found free may be taken before the server binds it
        port = free_port()
        options = f"-p {port} -k {folder} -h 127.0.0.1 -F"
        try:
            pg_ctl = [str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log)]
            _run([*pg_ctl, "-w", "-t", "60", "start"], log)
            return Postgres(port=port, folder=folder)
        except RuntimeError:
            if attempt == 2:
                shutil.rmtree(folder, ignore_errors=True)
                raise
    raise AssertionError("unreachable")


def stop(bin_dir: Path, pg: Postgres) -> None:
    """Stop the cluster at once and remove its folder."""
    try:
        _run([str(bin_dir / "pg_ctl"), "-D", str(pg.folder / "data"), "-m", "fast", "stop"])
    finally:
        shutil.rmtree(pg.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    """A PostgreSQL cluster for the session (skipped where PostgreSQL is not installed)."""
    bin_dir = server_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL is not installed: no /usr/lib/postgresql/*/bin/pg_ctl")
    pg = start(bin_dir)
    try:
        yield pg
    finally:
        stop(bin_dir, pg)

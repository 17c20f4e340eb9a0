"""The read queries of pressdiff's commands that no view answers: the demo's showcase,
whether a file is a demo warehouse, the watchlist, the addresses a run refused.

Each query is a file in warehouse/sql (cli_*.sql, and blocked_addresses.sql) whose first
line says which question it answers; the functions here run them with bound parameters.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

SQL = Path(__file__).parent / "sql"

Rows = tuple[list[str], list[tuple]]

# What `pressdiff demo` shows after its ingest: a title, then the query behind it.
DEMO_SHOWCASE = [
    ("Articles", "cli_demo_articles"),
    ("Versions", "cli_demo_versions"),
    ("What changed between versions", "cli_demo_comparisons"),
    ("Stories: who ran the wire story, and how much of it", "cli_demo_stories"),
    ("Terms swapped", "cli_demo_term_swaps"),
    ("Notable revisions", "cli_demo_notable"),
]


def _run(con: duckdb.DuckDBPyConnection, name: str, params: list | None = None) -> Rows:
    cur = con.execute((SQL / f"{name}.sql").read_text(), params or [])
    return [d[0] for d in cur.description], cur.fetchall()


def demo_showcase(con: duckdb.DuckDBPyConnection) -> list[tuple[str, list[str], list[tuple]]]:
    """What the demo learned: (title, columns, rows) per question, in DEMO_SHOWCASE's order."""
    return [(title, *_run(con, name)) for title, name in DEMO_SHOWCASE]


def demo_counts(con: duckdb.DuckDBPyConnection) -> tuple[int, int, int]:
    """(runs, runs of `pressdiff demo`, articles) of a warehouse; a duckdb.Error when the
    file is no pressdiff warehouse."""
    return _run(con, "cli_demo_check")[1][0]


def watchlist(con: duckdb.DuckDBPyConnection) -> Rows:
    """The watched sources with when each was polled and is due, and its tracked articles."""
    return _run(con, "cli_watchlist")


def blocked_addresses(con: duckdb.DuckDBPyConnection, run_id: str) -> list[tuple[str, int]]:
    """(kind of address, inputs refused) of run `run_id`, most refused first."""
    return _run(con, "blocked_addresses", [run_id])[1]

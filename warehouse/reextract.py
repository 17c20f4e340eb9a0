"""Re-extraction's reads and writes: the versions whose stored pages can be re-read, and
what re-reading them found (`core.reextractions`)."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import duckdb

from warehouse.store import Columns, insert_arrow
from warehouse.transaction import transaction

_SQL = Path(__file__).parent / "sql"
_CANDIDATES = (_SQL / "reextract_versions.sql").read_text()
_REPLACE = (_SQL / "reextract_replace.sql").read_text()


class Candidate(NamedTuple):
    """A stored version and the page it was extracted from (None: a local file)."""

    version_id: str
    source: str
    url: str
    text_hash: str
    snapshot: str | None


def candidates(con: duckdb.DuckDBPyConnection, site: str | None = None) -> list[Candidate]:
    """Every version (of `site`, or of every site) with its stored page, if any."""
    return [Candidate(*row) for row in con.execute(_CANDIDATES, {"site": site}).fetchall()]


def store_reextractions(con: duckdb.DuckDBPyConnection, rows: Columns) -> None:
    """Write `core.reextractions` rows, replacing those with the same ids, in one transaction."""
    if not rows:
        return
    with transaction(con):
        con.execute(_REPLACE, {"ids": rows["reextraction_id"]})
        insert_arrow(con, "core.reextractions", rows)

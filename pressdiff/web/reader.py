"""The one place the viewer opens the warehouse: read-only.

Pages open a connection per request and close it at once: DuckDB lets one process write a
file only while no other process has it open, so a viewer holding it would block ingests.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from pressdiff.web.fulltext import INDEX_CATALOG, extension_path, index_file
from warehouse import reader


def open_reader(path: str | Path) -> duckdb.DuckDBPyConnection:
    """A locked-down read-only connection to the warehouse at `path`, with full-text search
    (a lake's index attached from its own file): no statement can write, attach, load or
    reach a file (see warehouse/reader.py)."""
    index = index_file(path)
    attach = {INDEX_CATALOG: index} if index is not None else {}
    return reader.open_reader(path, extensions=[extension_path()], attach=attach)


@contextmanager
def reading(path: str | Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """`open_reader(path)`, closed when the block ends."""
    con = open_reader(path)
    try:
        yield con
    finally:
        con.close()

"""Reading the warehouse for a person: the one way `sql`, `history`, `diff`, `story` and the
web viewer open it and run what a user typed.

Two locks, each enough alone against writes:

1. The connection (`open_reader`). The file is opened read-only with DuckDB's external access
   off, so no statement can reach a file but the warehouse's own (and DuckDB's spill folder
   beside it): no `COPY ... TO`, `EXPORT DATABASE`, `read_text`, `read_csv`, `glob` or `ATTACH`
   of another file; extensions are neither installed nor loaded; and the configuration is
   locked once the time zone is UTC, so `SET`, `RESET` and `PRAGMA x = y` fail. No directory
   is allowed: the warehouse is open before the lock, and allowing its folder would let
   `ATTACH` reopen it for writing. A DuckLake is attached READ_ONLY, and its data folder is
   the one directory allowed (DuckDB reads its Parquet files as a query needs them). The
   sqlite extension a lake's catalog needs opens files itself, past external access, so a
   lake's reader is a `LakeReader`: it refuses `ATTACH` and the sqlite extension's
   functions before DuckDB sees them, and its cursors read the lake too (`USE` is not
   inherited). `COPY ... TO` the data folder is kept out by the statement check alone.
2. The statement (`check_read_only`). Only SELECT-like statements pass: SELECT, WITH, FROM,
   VALUES, TABLE, and what DuckDB turns into one (DESCRIBE, SHOW, SUMMARIZE, PRAGMA show_tables,
   table_info ...), and EXPLAIN [ANALYZE] of one. A SELECT may not call the table functions
   that change the session or run SQL given as a string (`enable_logging`, `checkpoint`,
   `query`, ...) or read raw memory (`pandas_scan`, `arrow_scan`): `enable_logging(storage :=
   'file', ...)` would abort the process, `pandas_scan(NULL)` crash it.

Parsing happens on a private connection as locked as a reader: DuckDB's parser reads the
files of `IMPORT DATABASE` and installs extensions some PRAGMAs need. `run_read_only` checks,
then runs the parsed statements themselves, not the text again. A user who wants a file
names it: `pressdiff sql --output FILE` (our code writes it).
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

import duckdb

from pressdiff.errors import SetupError, UsageError
from warehouse import lake
from warehouse.connection import open_file

# File access is turned off right after opening (`open_reader`), once the extensions the
# reader needs are loaded: DuckDB loads no extension file once it is off.
READER_CONFIG = {
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
}

ALLOWED = "SELECT, WITH, FROM, VALUES, EXPLAIN, DESCRIBE, SHOW, SUMMARIZE, PRAGMA show_tables"

# Table functions that are SELECTs to the parser but change the session, write, or run SQL
# from a string (which would escape this check); and the Python client's own scans, which
# read raw memory pointers (`pandas_scan(NULL)` kills the process with a segfault).
DENIED_FUNCTIONS = frozenset(
    {
        "pandas_scan",
        "arrow_scan",
        "arrow_scan_dumb",
        "python_map_function",
        "enable_logging",
        "disable_logging",
        "truncate_duckdb_logs",
        "enable_profiling",
        "disable_profiling",
        "checkpoint",
        "force_checkpoint",
        "query",
        "json_execute_serialized_sql",
        *("sqlite_attach", "sqlite_query", "sqlite_scan"),  # open any SQLite file
    }
)

_NAME = re.compile(rb'"((?:[^"]|"")*)"|([A-Za-z_\x80-\xff][\w$\x80-\xff]*)')


def open_reader(
    path: str | Path,
    *,
    extensions: Sequence[Path] = (),
    attach: Mapping[str, Path] | None = None,
) -> duckdb.DuckDBPyConnection:
    """A locked-down read-only connection to the warehouse at `path` (views and macros work).

    `extensions` are extension files (paths from code, never from input, e.g. full-text
    search) loaded before file access is turned off and the configuration locked; `attach`
    names DuckDB files (from code too, e.g. a lake's search index) attached read-only then,
    each that exists.
    """
    con = open_file(path, read_only=True, config=READER_CONFIG)
    locked = con.execute("SELECT current_setting('lock_configuration')").fetchone()[0]
    if not locked:  # a second reader in this process shares the first one's database
        for extension in extensions:
            con.execute(f"LOAD '{extension}'")
        for name, file in (attach or {}).items():
            if file.exists():
                con.execute(f"ATTACH '{file}' AS {name} (READ_ONLY)")
        if lake.lake_of(con) is not None:  # a lake's reader reads its Parquet files, no other
            con.execute("SET allowed_directories = [?]", [lake.data_path(path)])
        con.execute("SET enable_external_access = false")
        con.execute("SET GLOBAL TimeZone = 'UTC'")
        con.execute("SET lock_configuration = true")
    if lake.lake_of(con) is not None:
        return LakeReader(con)
    return con


class LakeReader:
    """A lake's reader connection: a DuckDB connection that refuses what opens a SQLite file
    (ATTACH, sqlite_scan, sqlite_query, sqlite_attach: the sqlite extension opens files
    without asking DuckDB, so external access off does not stop it), and whose cursors read
    the lake as the connection does."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con

    def __getattr__(self, name: str):
        return getattr(self._con, name)

    def __enter__(self) -> LakeReader:
        return self

    def __exit__(self, *exc_info) -> None:
        self._con.close()

    def execute(self, query, parameters=None) -> LakeReader:
        _refuse_files(query)
        self._con.execute(query, parameters)
        return self

    def executemany(self, query, parameters=None) -> LakeReader:
        _refuse_files(query)
        self._con.executemany(query, parameters)
        return self

    def sql(self, query, **kwargs):
        _refuse_files(query)
        return self._con.sql(query, **kwargs)

    query = sql

    def cursor(self) -> LakeReader:
        cursor = self._con.cursor()
        cursor.execute(f"USE {lake.CATALOG}")  # a cursor starts in the in-memory database
        return LakeReader(cursor)


_SQLITE_FUNCTIONS = frozenset({"sqlite_attach", "sqlite_query", "sqlite_scan"})


def _refuse_files(query: str | duckdb.Statement) -> None:
    """A PermissionException if `query` attaches a database or calls a sqlite function."""
    try:
        statements = [query] if isinstance(query, duckdb.Statement) else _parse(query)
    except duckdb.Error:
        return  # running it raises DuckDB's own error
    for statement in statements:
        if statement.type == duckdb.StatementType.ATTACH:
            raise duckdb.PermissionException("a reader may not attach a database")
        raw, tokens = statement.query.encode(), duckdb.tokenize(statement.query)
        for i in range(len(tokens)):
            if _word(raw, tokens, i) in _SQLITE_FUNCTIONS:
                raise duckdb.PermissionException("a reader may not open a SQLite file")


def check_read_only(sql_text: str) -> list[duckdb.Statement]:
    """The statements of `sql_text` if every one only reads; else a UsageError saying which."""
    try:
        statements = _parse(sql_text)
    except duckdb.PermissionException as exc:
        raise UsageError(f"the query may read only the warehouse: {_first_line(exc)}") from exc
    except duckdb.Error as exc:
        raise SetupError(f"the query failed: {_in_full(exc)}") from exc
    if not statements:
        raise UsageError("the query is empty")
    for statement in statements:
        _check_statement(statement)
    return statements


def run_read_only(con: duckdb.DuckDBPyConnection, sql_text: str) -> duckdb.DuckDBPyConnection:
    """Check `sql_text`, run it on a reader connection; the connection holds the last result."""
    statements = check_read_only(sql_text)
    try:
        for statement in statements:
            con.execute(statement)
    except duckdb.PermissionException as exc:
        raise UsageError(
            f"the query may read only the warehouse: {_first_line(exc)}; "
            "to save a result, use pressdiff sql --output FILE"
        ) from exc
    except duckdb.Error as exc:
        raise SetupError(f"the query failed: {_in_full(exc)}") from exc
    return con


_parser_lock = threading.Lock()


@functools.cache
def _parser() -> duckdb.DuckDBPyConnection:
    config = {**READER_CONFIG, "enable_external_access": False, "lock_configuration": True}
    return duckdb.connect(":memory:", config=config)


def _parse(sql_text: str) -> list[duckdb.Statement]:
    """Parse on a connection as locked as a reader: parsing is not inert (IMPORT DATABASE
    reads files, some PRAGMAs install extensions), and duckdb's default connection is open."""
    with _parser_lock:
        return _parser().extract_statements(sql_text)


def _check_statement(statement: duckdb.Statement) -> None:
    raw = statement.query.encode()  # the tokenizer's offsets count bytes
    tokens = duckdb.tokenize(statement.query)
    kind = statement.type
    if kind == duckdb.StatementType.EXPLAIN:
        inner = 2 if _word(raw, tokens, 1) == "analyze" else 1
        try:
            explained = _parse(raw[tokens[inner][0] :].decode())
        except (IndexError, duckdb.Error):
            raise UsageError("the query is not read-only: EXPLAIN only of a SELECT") from None
        for s in explained:
            _check_statement(s)
        return
    if kind != duckdb.StatementType.SELECT:
        verb = (_word(raw, tokens, 0) or kind.name).upper()
        raise UsageError(
            f"the query is not read-only: {verb} is not allowed (pressdiff sql runs {ALLOWED}); "
            "to save a result, use pressdiff sql --output FILE"
        )
    for i in range(len(tokens)):
        name = _word(raw, tokens, i)
        if name in DENIED_FUNCTIONS:
            raise UsageError(f"the query is not read-only: {name}() is not allowed")


def _word(raw: bytes, tokens: list, i: int) -> str | None:
    """The identifier or keyword token `i` of `raw`, unquoted and lower-cased."""
    if i >= len(tokens):
        return None
    start, kind = tokens[i]
    if kind not in (duckdb.token_type.identifier, duckdb.token_type.keyword):
        return None
    m = _NAME.match(raw, start)
    if m is None:
        return None
    name = m[1].replace(b'""', b'"') if m[1] is not None else m[2]
    return name.decode(errors="replace").lower()


def _in_full(exc: Exception) -> str:
    """DuckDB's whole message about a user's query: its "Did you mean" and the caret under
    the place it failed are what a person needs to fix the query. Its advice to install or
    load an extension is left out: a reader may do neither."""
    text = str(exc).strip().split("\n\nPlease try installing", 1)[0]
    return text or type(exc).__name__


def _first_line(exc: Exception) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__

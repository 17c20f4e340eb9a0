"""Full-text search over every version's title, byline and text, with DuckDB's fts extension.

The index is derived data in the warehouse (tables `search.docs`, `search.meta` and the
extension's schema `fts_search_docs`), so it needs the writer: `pressdiff index` rebuilds
it, and `pressdiff web` / `pressdiff search` rebuild it before they start reading when it
is missing or has fewer versions than the warehouse (if no other process holds the file;
otherwise they read it as it is and say how far behind it is). Readers only query it.

A lake cannot hold the index (no macros of fts's kind, no NULL-typed columns), so a lake's
index is a DuckDB file of its own (`index_file`), built from a snapshot of the lake into a
new file that then replaces the old one (readers keep the file they opened; no writer lock
is taken), and attached read-only by the web reader as INDEX_CATALOG. A local lake's file
is beside its catalog, `PATH.search`. A PostgreSQL catalog has no folder of its
own and its data path may be shared by many machines or be object storage, so its index is
a file in this machine's cache, `~/.cache/pressdiff/search/` (`$XDG_CACHE_HOME`), named
for the catalog's database and keyed by its URL (without a password) and its data path:
each machine that searches builds and refreshes its own copy, and two lakes never share one.

The extension comes from the `duckdb-extension-fts` wheel and is LOADed from its path:
nothing is downloaded. Queries match every word (`conjunctive`), stemmed (Porter,
English), with no stopwords: a query of common words still means all of them.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import duckdb

from pressdiff.errors import SetupError
from pressdiff.web import queries
from warehouse import lake

MAX_QUERY = 200  # characters
FORMAT = 2  # search.meta.format of an index this code can read (web_search_index.sql)
_WORD = re.compile(r"\w+", re.UNICODE)
INDEX_CATALOG = "pd_search"  # what a lake's index file is attached as
_INDEXED = ("articles", "versions")  # the core tables search_index.sql reads


@functools.cache
def extension_path() -> Path:
    """The fts extension file shipped in the duckdb-extension-fts wheel."""
    import duckdb_extension_fts

    root = Path(duckdb_extension_fts.__file__).parent / "extensions"
    found = sorted(root.glob(f"v{duckdb.__version__}/fts.duckdb_extension"))
    if not found:
        raise SetupError(
            f"no fts extension for duckdb {duckdb.__version__} in {root}; "
            "reinstall with 'uv sync --locked'"
        )
    return found[0]


def load_fts(con: duckdb.DuckDBPyConnection) -> None:
    """LOAD the fts extension from the wheel into `con`."""
    con.execute(f"LOAD '{extension_path()}'")  # a path from code, not from input


@dataclass(frozen=True)
class IndexState:
    """How the index stands against the warehouse."""

    n_indexed: int | None  # None: no index yet
    n_versions: int

    @property
    def behind(self) -> int:
        """Versions the index does not have."""
        return self.n_versions - (self.n_indexed or 0)

    @property
    def fresh(self) -> bool:
        return self.n_indexed is not None and self.behind == 0


def state(con: duckdb.DuckDBPyConnection) -> IndexState:
    """How many versions the index holds, and how many the warehouse has."""
    n_versions = con.execute("SELECT count(*) FROM core.versions").fetchone()[0]
    try:
        with _in_index(con):
            row = con.execute("SELECT n_versions FROM search.meta WHERE format = ?", [FORMAT])
            n_indexed = (row.fetchone() or [None])[0]
    except duckdb.Error:  # no index, or one of an older shape: rebuild
        n_indexed = None
    return IndexState(n_indexed, n_versions)


def index_file(db: str | Path) -> Path | None:
    """The file of a lake's index (None for a DuckDB file, which holds its own)."""
    if lake.is_url(db):
        return cached_index_path(str(db), lake.data_path(db))
    return Path(db).with_name(Path(db).name + ".search") if lake.is_lake(db) else None


def cached_index_path(url: str, data_path: str) -> Path:
    """The index file of the PostgreSQL-catalog lake `url` with its files at `data_path`:
    in this machine's cache, `DATABASE-KEY.search`, KEY a hash of the URL without its
    password and of the data path."""
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)
    if len(netloc) == 2:  # user[:password]@host: the user names the lake, the password not
        netloc[0] = netloc[0].split(":", 1)[0]
    bare = parts._replace(netloc="@".join(netloc)).geturl()
    key = hashlib.sha256(f"{bare}\n{data_path}".encode()).hexdigest()[:16]
    database = re.sub(r"[^\w.-]", "_", parts.path.lstrip("/"))[:40] or "postgres"
    return lake.cache_dir() / "search" / f"{database}-{key}.search"


@contextmanager
def _in_index(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """The block's queries name `search.x` of a lake's index file, when `con` has one."""
    found = con.execute("SELECT 1 FROM duckdb_databases() WHERE database_name = ?", [INDEX_CATALOG])
    if found.fetchone() is None:
        yield
        return
    con.execute(f"USE {INDEX_CATALOG}")
    try:
        yield
    finally:
        con.execute(f"USE {lake.CATALOG}")


def build(con: duckdb.DuckDBPyConnection) -> float:
    """Rebuild the index from every version (a writable `con`); returns the seconds it took."""
    started = time.perf_counter()
    load_fts(con)
    con.execute(queries.text("search_index"))
    con.execute(queries.text("search_fts"))
    return time.perf_counter() - started


def refresh(db: str | Path, *, force: bool = False) -> tuple[IndexState, float | None]:
    """Rebuild the index of `db` when it is missing or behind (always with `force`).

    Returns the state afterwards and the build time (None: nothing was built). A file
    another process holds is left as it is."""
    from pressdiff.errors import WarehouseLockedError
    from warehouse.connection import connect

    if not lake.is_url(db) and not Path(db).exists():  # never create a warehouse here
        raise SetupError(f"no warehouse at {db}: run 'pressdiff ingest' or 'pressdiff demo' first")
    if lake.is_lake(db):
        return _refresh_lake(db, force=force)
    try:
        con = connect(db)
    except WarehouseLockedError:
        from pressdiff.web.reader import reading

        with reading(db) as ro:
            return state(ro), None
    try:
        if not force and state(con).fresh:
            return state(con), None
        took = build(con)
        con.execute("CHECKPOINT")
        return state(con), took
    finally:
        con.close()


def _refresh_lake(db: str | Path, *, force: bool) -> tuple[IndexState, float | None]:
    """`refresh` of a lake: the index built into a new file beside the catalog, which then
    replaces the old one."""
    from pressdiff.web.reader import reading

    index = index_file(db)
    index.parent.mkdir(parents=True, exist_ok=True)
    if not force:
        with reading(db) as ro:
            if state(ro).fresh:
                return state(ro), None
    part = index.with_name(f"{index.name}.{os.getpid()}.part")
    try:
        took = _build_into(db, part)
        os.replace(part, index)
    finally:
        with suppress(FileNotFoundError):
            part.unlink()
    with reading(db) as ro:
        return state(ro), took


def _build_into(db: str | Path, file: Path) -> float:
    """Build the index of the lake `db` into the new DuckDB file `file`: search_index.sql
    reads `core.x`, here views of the lake's tables, dropped once the index is built."""
    con = lake.open_lake(db, read_only=True)
    try:
        con.execute(f"ATTACH '{file}' AS {INDEX_CATALOG}")  # a path from code
        con.execute(f"USE {INDEX_CATALOG}")
        con.execute("CREATE SCHEMA core")
        for table in _INDEXED:
            con.execute(f"CREATE VIEW core.{table} AS FROM {lake.CATALOG}.core.{table}")
        took = build(con)
        con.execute("DROP SCHEMA core CASCADE")
        return took
    finally:
        con.close()


def clean_query(q: str) -> str:
    """The words of `q` (punctuation dropped, at most MAX_QUERY characters), space-joined."""
    return " ".join(_WORD.findall(q[:MAX_QUERY]))


def search(
    con: duckdb.DuckDBPyConnection, q: str, *, gone: bool = False, limit: int = 50
) -> list[dict]:
    """Articles with a version containing every word of `q`, best first; `gone`: only those
    whose latest version no longer does. An absent index finds nothing."""
    words = clean_query(q)
    if not words:
        return []
    if state(con).n_indexed is None:
        return []
    load_fts(con)  # only the pages that search pay for it
    with _in_index(con):
        return queries.rows(con, "search", q=words, gone=gone, limit=limit)


def _stem(word: str) -> str:
    """A crude stem for highlighting: the index stems with Porter; a shared prefix will do."""
    w = word.lower()
    return w if len(w) <= 4 else w[: max(4, len(w) - 3)]


def _matches(word: str, stems: set[str]) -> bool:
    return any(_stem(t).startswith(s) for t in _WORD.findall(word) for s in stems)


def snippet(text: str, q: str, *, around: int = 12) -> list[tuple[str, bool]]:
    """Pieces (text, is_match) of the passage of `text`, `around` words either side of a
    match, that holds the most distinct words of `q`; matching words are marked."""
    stems = {_stem(w) for w in _WORD.findall(q)}
    words = text.split()
    hits = [i for i, w in enumerate(words) if _matches(w, stems)]
    marked = set(hits)

    def covered(i: int) -> int:
        window = words[max(0, i - around) : i + around + 1]
        return len({s for s in stems if any(_matches(w, {s}) for w in window)})

    first = max(hits, key=lambda i: (covered(i), -i)) if hits else 0
    lo, hi = max(0, first - around), min(len(words), first + around + 1)
    pieces: list[tuple[str, bool]] = [("… ", False)] if lo > 0 else []
    for i in range(lo, hi):
        pieces.append((words[i], i in marked))
        pieces.append((" ", False))
    if hi < len(words):
        pieces.append(("…", False))
    return pieces

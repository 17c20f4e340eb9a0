"""What `pressdiff web`, `pressdiff search` and `pressdiff index` do: open, call, print."""

from __future__ import annotations

from rich.console import Console

from pressdiff.render import print_rows
from pressdiff.web import fulltext
from pressdiff.web.reader import reading

SEARCH_COLUMNS = ("article_id", "site", "title", "versions", "latest says it", "snippet", "url")


def _say_index(console: Console, state: fulltext.IndexState, took: float | None) -> None:
    if took is not None:
        console.print(f"search index built: {state.n_indexed} versions in {took:.1f} s")
    elif state.n_indexed is None:
        console.print("no search index yet (the warehouse is in use): run 'pressdiff index'")
    elif state.behind:
        console.print(
            f"the search index is {state.behind} versions behind (the warehouse is in use); "
            "run 'pressdiff index' later"
        )


def index(console: Console, db: str) -> None:
    """Rebuild the search index of `db`."""
    state, took = fulltext.refresh(db, force=True)
    _say_index(console, state, took)


def web(console: Console, db: str, host: str, port: int) -> None:
    """Refresh the search index if needed, then serve the viewer until Ctrl-C."""
    from pressdiff.web.server import run

    state, took = fulltext.refresh(db)
    _say_index(console, state, took)
    run(db, host, port, console.print)


def beside_schedules(console: Console, db: str) -> None:
    """For `pressdiff serve --web`: the search index refreshed, then the viewer in a
    thread on the default loopback address (it stops with the process)."""
    from pressdiff.web.server import start_in_thread
    from warehouse.connection import connect

    connect(db).close()  # as serve does: the warehouse exists and is migrated
    _say_index(console, *fulltext.refresh(db))
    start_in_thread(db, console.print)


def search(out: Console, err: Console, db: str, q: str, gone: bool, limit: int, fmt: str) -> None:
    """Print the articles matching `q` with a snippet each."""
    state, took = fulltext.refresh(db)
    _say_index(err, state, took)
    with reading(db) as con:
        found = fulltext.search(con, q, gone=gone, limit=limit)
    rows = [
        (
            r["article_id"],
            r["site"],
            r["title"],
            ",".join(map(str, r["matched_versions"])) + f" of {r['n_versions']}",
            "yes" if r["still_says"] else "no",
            "".join(t for t, _ in fulltext.snippet(r["text"], fulltext.clean_query(q), around=8)),
            r["url"],
        )
        for r in found
    ]
    print_rows(out, list(SEARCH_COLUMNS), rows, fmt)

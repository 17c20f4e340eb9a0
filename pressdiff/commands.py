"""What each CLI command does, apart from parsing arguments: open, call, print."""

from __future__ import annotations

import glob
import importlib
import shutil
from pathlib import Path
from urllib.parse import urlsplit

from rich.console import Console
from rich.text import Text

from pressdiff import progress, stopping
from pressdiff.errors import (
    Interrupted,
    NotFoundError,
    SetupError,
    UsageError,
    WarehouseLockedError,
)
from pressdiff.prefect_env import configure, start_server_early
from pressdiff.render import counted, print_rows, progress_bar, safe_text, stage_listener
from pressdiff.settings import get_settings
from pressdiff.watchlist import parse_every
from warehouse import queries
from warehouse.connection import connect
from warehouse.reader import open_reader, run_read_only

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


# What each stage is called on the progress bar.
STAGES = {
    "sources": "reading sources",
    "fetch": "fetching",
    "extract": "extracting",
    "store": "storing",
    "stories": "finding stories",
    "compare": "comparing",
}


def _run_flow(flow: str, console: Console, db: str, verbose: bool, **params):
    """Run the Prefect flow `flow` ("module:name") with the warehouse checked first and a
    progress bar on stderr. Prefect's server, the flow's imports and the extraction
    processes start side by side. Ctrl-C or SIGTERM stops it between batches, keeping what
    was extracted (pressdiff.stopping)."""
    configure(db, verbose=verbose, console_logs=verbose)  # before Prefect is imported
    # Migrate and hold the file from now on: a locked warehouse fails fast, before Prefect
    # starts, and no other process can take it while Prefect starts (it failed inside the flow).
    con = connect(db)
    try:
        wait_for_server = start_server_early()
        from tasks.steps.workers import start

        start(params["settings"].workers)  # fork and warm the extractors meanwhile
        module, name = flow.split(":")
        flow_fn = getattr(importlib.import_module(module), name)
        if wait_for_server is not None:
            wait_for_server()
        if stopping.requested():
            raise Interrupted()
    except BaseException:
        con.close()
        raise
    from warehouse.connection import adopt_warehouse

    adopt_warehouse(str(db), con)
    with progress_bar(console) as bar:
        progress.listen(stage_listener(bar, STAGES))
        try:
            return flow_fn(db=str(db), **params)
        finally:
            progress.listen(None)
            from warehouse.connection import close_warehouse

            close_warehouse(str(db))


def ingest(
    sources: list[str],
    *,
    db: str,
    console: Console,
    verbose: bool = False,
    command: str = "ingest",
    **opts,
):
    """Run the ingest flow over `sources`; returns its RunSummary. A local source that
    names nothing is a usage error, found before the warehouse or Prefect is touched."""
    if missing := missing_sources(sources):
        raise UsageError(f"no such file, folder or glob match: {', '.join(missing)}")
    s = get_settings(**opts)
    return _run_flow(
        "flows.ingest:ingest", console, db, verbose, sources=sources, settings=s, command=command
    )


def missing_sources(sources: list[str]) -> list[str]:
    """The SOURCES that are neither a URL nor an existing path or glob match."""
    local = [s for s in sources if "://" not in s or s.startswith("file://")]
    paths = [Path(s.removeprefix("file://")).expanduser() for s in local]
    return [
        s
        for s, p in zip(local, paths, strict=True)
        if not p.exists() and not glob.glob(str(p), recursive=True)
    ]


def print_summary(console: Console, summary, db: str | None = None) -> None:
    """The end-of-run summary: one line of counts, files skipped, then reject reasons (with
    `db`, the addresses refused as private and the remedy)."""
    rejected = Text(f"{summary.rejected} rejected", style="red" if summary.rejected else "green")
    line = Text.assemble(
        (counted(summary.articles_new, "article"), "bold"),
        " new, ",
        (counted(summary.versions_new, "version"), "bold"),
        f" new, {summary.unchanged} unchanged, {counted(summary.duplicates, 'duplicate')}, ",
        rejected,
    )
    if summary.comparisons:
        line.append(f", {counted(summary.comparisons, 'comparison')}")
    if summary.skipped:
        line.append(f" ({counted(summary.skipped, 'file')} of unknown type skipped)")
    console.print(line)
    if names := getattr(summary, "skipped_by_name", None):
        console.print(
            safe_text(
                f"{counted(len(names), 'file')} skipped by name ({_name_kinds(names)}); "
                "name them on the command line to include them"
            )
        )
    for reason, n in sorted(summary.reject_reasons.items(), key=lambda kv: -kv[1]):
        console.print(safe_text(f"  rejected, {reason}: {n}"))
    if summary.rejected and db is not None:
        print_blocked(console, db, summary.run_id)
    if summary.rejected:
        console.print(
            '[dim]details: pressdiff sql "select * from rejects where run_id = '
            f"'{summary.run_id}'\"[/dim]"
        )


def _name_kinds(paths: list[str], most: int = 4) -> str:
    """The first few kinds of file name among `paths`: 'README.rst, LICENSE, *.expected.json'."""
    kinds: list[str] = []
    for path in paths:
        name = Path(path).name
        kind = (
            "*" + name[name.lower().index(".expected.") :] if ".expected." in name.lower() else name
        )
        if kind not in kinds:
            kinds.append(kind)
    return ", ".join(kinds[:most]) + (", ..." if len(kinds) > most else "")


def read_query(query: str | None, query_file: str | None) -> str:
    """The query a person gave: QUERY itself, '-' for standard input, or -f FILE."""
    import sys

    from pressdiff.errors import UsageError

    if (query is None) == (query_file is None):
        raise UsageError(
            "give a query: pressdiff sql QUERY, pressdiff sql -f FILE, or pressdiff sql - < FILE"
        )
    if query is not None and query != "-":
        return query
    where = query_file if query_file not in (None, "-") else None
    try:
        return Path(where).read_text(encoding="utf-8") if where else sys.stdin.read()
    except (OSError, UnicodeDecodeError) as exc:
        name = where or "standard input"
        raise UsageError(f"cannot read the query from {name}: {exc}") from exc


def sql(db: str, query: str) -> tuple[list[str], list[tuple]]:
    """Run `query` through the warehouse reader (it must only read); returns (columns, rows)."""
    with open_reader(db) as con:
        cur = run_read_only(con, query)
        if cur.description is None:
            return [], []
        return [d[0] for d in cur.description], cur.fetchall()


def sql_to_file(console: Console, db: str, query: str, output: str) -> None:
    """Run `query` like `sql` and write its result to `output` (.csv, .json or .parquet)."""
    from pressdiff.export import check_output, write_result

    path = check_output(output, db)
    with open_reader(db) as con:
        n = write_result(run_read_only(con, query), path)
    console.print(safe_text(f"wrote {n} row{'s' * (n != 1)} to {path}"))


def print_history(console: Console, db: str, ref: str, fmt: str = "table") -> None:
    """Print the versions of one article, newest first: a table of what changed in each, or
    every count as `fmt` (json, csv, markdown, line) with the article's URL on each row."""
    with open_reader(db) as con:
        url, rows = queries.history(con, ref)
    if fmt != "table":
        print_rows(console, ("url", *queries.HISTORY_COLUMNS), [(url, *r) for r in rows], fmt)
        return
    table = [(r[0], r[1], _minute(r[2]), r[4], r[5], _changes(*r[6:])) for r in rows]
    print_rows(console, ("v", "version_id", "seen", "words", "title", "changes"), table, title=url)


def _minute(ts) -> str:
    return "" if ts is None else ts.strftime("%Y-%m-%d %H:%M")


def _changes(same, changed, added, removed, moved, title_changed) -> str:
    if same is None:
        return "first version"
    counts = f"{same} same, {changed} changed, {added} added, {removed} removed, {moved} moved"
    return counts + (", new title" if title_changed else "")


def demo(console: Console, errc: Console, db: Path, *, fresh: str | None, verbose: bool) -> None:
    """Ingest examples/ into the demo's warehouse `db` and print what it learned.

    `db` is only ever written when it is new or a demo warehouse; `fresh` ("" or the path of
    `db`) starts it afresh, a file the demo did not make only when `fresh` names it."""
    _prepare_demo_db(db, fresh)
    summary = ingest(
        [str(EXAMPLES / "articles")], db=str(db), console=errc, verbose=verbose, command="demo"
    )
    console.print(f"[bold]pressdiff demo[/bold]: ingested {EXAMPLES / 'articles'} into {db}")
    print_summary(console, summary)
    con = connect(db, read_only=True)
    for title, query in DEMO_QUERIES:
        cur = con.execute(query)
        print_rows(console, [d[0] for d in cur.description], cur.fetchall(), title=title)
    console.print(f'\nAsk your own questions: pressdiff sql --db {db} "select * from term_swaps"')


def _prepare_demo_db(db: Path, fresh: str | None) -> None:
    """Refuse a target the demo did not make; delete it only when `fresh` allows it."""
    if not db.exists():
        return
    made_by_demo, what = _demo_warehouse(db)
    named = bool(fresh) and Path(fresh).resolve() == db.resolve()
    if fresh is None and made_by_demo:
        return  # the demo adds to its own warehouse
    if fresh is None or not (made_by_demo or named):
        raise UsageError(
            f"{db} is not a demo warehouse ({what}); pressdiff demo leaves it alone: "
            f"give the demo another --db, or replace that file by naming it: --fresh {db}"
        )
    for p in (db, db.with_name(db.name + ".wal")):
        p.unlink(missing_ok=True)
    shutil.rmtree(db.with_name(db.name + ".snapshots"), ignore_errors=True)


def _demo_warehouse(db: Path) -> tuple[bool, str]:
    """Whether `db` is a warehouse only `pressdiff demo` wrote to, and what it holds."""
    import duckdb

    try:
        con = connect(db, read_only=True)
    except WarehouseLockedError:
        raise
    except SetupError:
        return False, "not a DuckDB warehouse"
    try:
        runs, demo_runs, articles = con.execute(DEMO_CHECK).fetchone()
    except duckdb.Error:
        return False, "not a pressdiff warehouse"
    finally:
        con.close()
    return runs > 0 and runs == demo_runs, f"{articles} articles from {runs} runs"


DEMO_CHECK = (
    "select (select count(*) from core.runs), "
    "(select count(*) from core.runs where command = 'demo'), "
    "(select count(*) from core.articles)"
)


DEMO_QUERIES = [
    ("Articles", "select url, site, n_versions, story_id from articles order by url"),
    (
        "Versions",
        "select a.url, v.version_no, v.title, v.published_at::date as published, v.dateline, "
        "v.n_words from versions v join articles a using (article_id) order by a.url, version_no",
    ),
    (
        "What changed between versions",
        "select c.relation, o.title as old, n.title as new, c.n_same, c.n_changed, c.n_added, "
        "c.n_removed, c.n_moved, round(c.containment, 2) as containment "
        "from comparisons c join versions o on o.version_id = c.old_version_id "
        "join versions n on n.version_id = c.new_version_id order by c.relation, new",
    ),
    (
        "Stories: who ran the wire story, and how much of it",
        "select a.url, m.is_original, round(m.jaccard, 2) as jaccard, "
        "round(m.containment, 2) as containment from story_members m "
        "join articles a using (article_id) order by m.is_original desc, a.url",
    ),
    ("Terms swapped", "select * from term_swaps"),
    ("Notable revisions", "select url, rule, detail from notable_changes order by url, rule"),
]


def diff(console: Console, db: str, a: str, b: str | None, fmt: str = "table") -> None:
    """Print the comparison of two versions (B's previous version when B is not given): as
    folded sentence rows, or every aligned sentence as `fmt` (json, csv, markdown, line)."""
    from pressdiff import diff_render
    from tasks.compare.align import compare
    from warehouse.comparisons import load_versions

    with open_reader(db) as con:
        new_id = queries.resolve_version(con, b if b is not None else a)
        old_id = (
            queries.resolve_version(con, a)
            if b is not None
            else queries.previous_version(con, new_id)
        )
        versions = load_versions(con, [old_id, new_id])
        labels = queries.version_labels(con, [old_id, new_id])
    old, new = versions[old_id], versions[new_id]
    c = compare(old.title, old.sentences, new.title, new.sentences)
    relation = "revision" if labels[old_id][0] == labels[new_id][0] else "republication"
    if fmt != "table":
        print_rows(console, *diff_render.edit_rows(c, old_id, new_id, relation), fmt)
        return
    console.print(Text.assemble((f"--- {old_id}", "red"), "  ", safe_text(labels[old_id][1])))
    console.print(Text.assemble((f"+++ {new_id}", "green"), "  ", safe_text(labels[new_id][1])))
    markers = not console.is_terminal or console.no_color
    console.print(diff_render.headline(old.title, new.title, markers=markers))
    console.print(Text(diff_render.summary_line(c, relation), style="dim"))
    for line in diff_render.render(c, markers=markers):
        console.print(line)


STORY_TABLE = (
    "role",
    "site",
    "url",
    "version_id",
    "published",
    "jaccard",
    "contained",
    "same",
    "changed",
    "added",
    "removed",
    "swapped terms",
)


def print_story(console: Console, db: str, ref: str, fmt: str = "table") -> None:
    """Print one story: its original and every republication with what it cut and swapped
    (as `fmt`: one row per member with the story id, for json, csv, markdown and line)."""
    with open_reader(db) as con:
        head, rows = queries.story(con, ref)
    story_id, n_articles, n_sites, first, title, source, original_version = head
    if fmt != "table":
        print_rows(
            console, ("story_id", *queries.STORY_COLUMNS), [(story_id, *r) for r in rows], fmt
        )
        return
    headline = safe_text(title or "(no title)")
    console.print(Text.assemble((f"story {story_id}", "bold"), ": ", headline))
    where = counted(n_sites, "site") if n_sites else "local files"
    console.print(
        safe_text(
            f"original {source} (version {original_version}), first published "
            f"{first or 'unknown'}; {counted(n_articles, 'article')} on {where}"
        )
    )
    table = [(*r[:4], r[4] and r[4].strftime("%Y-%m-%d"), *r[5:]) for r in rows]
    print_rows(console, STORY_TABLE, table)
    copy = next((r[3] for r in rows if r[0] != "original"), "VERSION_ID")
    console.print(
        Text(
            f"what each one cut: pressdiff diff {original_version} {copy} "
            "(the original's version, then the copy's), or the republications view",
            style="dim",
        )
    )


def watch_add(
    console: Console, db: str, uris, kind, every, allow_private: bool | None = None
) -> None:
    """Add sources to the watchlist, saying when runs will refuse one's address."""
    from pressdiff.watchlist import WatchEntry

    interval = parse_every(every)
    add_entries(console, db, [WatchEntry(u, kind, interval) for u in uris], allow_private)


def add_entries(console: Console, db: str, entries, allow_private: bool | None) -> None:
    """Watch each WatchEntry; a loopback or private address gets the remedy beside it."""
    from datetime import UTC, datetime

    from pressdiff.watchlist import private_address
    from tasks.steps import watchlist

    allowed = get_settings(allow_private=allow_private).allow_private
    con = connect(db)
    for e in entries:
        source, new = watchlist.add_source(con, e.uri, e.kind, e.every, datetime.now(UTC))
        console.print(safe_text(f"{'added' if new else 'updated'} {source.kind} {source.uri}"))
        kind = private_address(source.uri)
        if kind and not allowed:
            console.print(
                safe_text(
                    f"  warning: {urlsplit(source.uri).hostname} is a {kind} address: runs "
                    "refuse it (blocked) unless you pass --allow-private to pressdiff run and "
                    "pressdiff serve, or set PRESSDIFF_ALLOW_PRIVATE=1"
                )
            )
        elif kind and allow_private:
            console.print(
                f"  note: a {kind} address: pass --allow-private to pressdiff run and "
                "pressdiff serve as well"
            )


def watch_import(console: Console, db: str, path: str, allow_private: bool | None = None) -> None:
    """Add every [[watch]] entry of a TOML file (uri, kind, every), all checked first."""
    from pressdiff.watchlist import read_watchlist

    add_entries(console, db, read_watchlist(path), allow_private)


def watch_remove(console: Console, db: str, refs) -> None:
    """Remove sources from the watchlist."""
    from tasks.steps import watchlist

    con = connect(db)
    for ref in refs:
        console.print(safe_text(f"removed {watchlist.remove_source(con, ref)}"))


def watch_list(console: Console, db: str, fmt: str) -> None:
    """Print the watchlist."""
    columns, rows = sql(
        db,
        "select source_id, kind, uri, poll_interval, last_polled_at, next_poll_at, "
        "(select count(*) from tracked_articles t where t.source_id = s.source_id) "
        "as articles from sources s order by uri",
    )
    print_rows(console, columns, rows, fmt)


def run_tick(console: Console, db: str, force: bool, verbose: bool, allow_private=None):
    """One scheduled tick through the tick flow; returns its summary."""
    s = get_settings(allow_private=allow_private)
    return _run_flow("flows.tick:tick", console, db, verbose, settings=s, force=force)


def print_blocked(console: Console, db: str, run_id: str) -> None:
    """Under a run's summary: the addresses it refused as private, and the remedy."""
    con = connect(db, read_only=True)
    try:
        rows = con.execute(BLOCKED.read_text(), [run_id]).fetchall()
    finally:
        con.close()
    for kind, n in rows:
        console.print(
            f"  {n} refused (blocked: {kind} address): pass --allow-private to fetch "
            "loopback and private addresses"
        )


BLOCKED = Path(__file__).resolve().parents[1] / "warehouse" / "sql" / "blocked_addresses.sql"


def serve(console: Console, db: str, interval_scale: float, allow_private=None) -> None:
    """Run deployments/prefect.yaml's schedules in the foreground."""
    import os

    from pressdiff.serve import serve as serve_schedules

    if allow_private:  # the scheduled runs are processes of their own: they read it there
        os.environ["PRESSDIFF_ALLOW_PRIVATE"] = "1"

    connect(db).close()
    serve_schedules(str(db), console.print, interval_scale)


def _described(db: str):
    """The warehouse at `db` read-only when it exists, else this version's empty schema."""
    from warehouse import schema as described

    return open_reader(db) if Path(db).exists() else described.contract()


def schema(db: str, view: str | None) -> tuple[tuple[str, ...], list[tuple]]:
    """The views with their descriptions, or one view's columns; an unknown view is an error."""
    from warehouse import schema as described

    with _described(db) as con:
        if view is None:
            return described.VIEW_COLUMNS, described.views(con)
        rows = described.columns(con, view)
        names = ", ".join(v for v, _, _ in described.views(con))
    if not rows:
        raise NotFoundError(f"there is no view {view!r}; the views are: {names}")
    return described.COLUMN_COLUMNS, rows


def schema_document(db: str) -> str:
    """docs/warehouse.md: every view and column with its description, as Markdown."""
    from warehouse import schema as described

    with _described(db) as con:
        return described.document(con)


def deploy(console: Console, db: str, work_pool: str | None) -> None:
    """Register deployments/prefect.yaml's schedules for a process work pool."""
    from pressdiff.deploy import deploy as register

    configure(db)
    connect(db).close()  # the warehouse the runs will use exists and is migrated
    pool, deployed = register(db, work_pool)
    for d in deployed:
        console.print(f"deployed {d.full_name} ({d.schedule}) for work pool {pool}")
    console.print(
        f"runs use {Path(db).resolve()}; start a worker: prefect worker start --pool {pool}"
    )


def reextract(console: Console, db: str, site: str | None) -> None:
    """Re-run the current extractor over the stored pages (of `site`) and say what differs."""
    import uuid
    from datetime import UTC, datetime

    from tasks.steps.reextract import reextract as run
    from tasks.web.snapshots import SnapshotStore
    from warehouse import store

    con = connect(db)
    try:
        run_id, now = uuid.uuid4().hex[:16], datetime.now(UTC)
        store.start_run(con, run_id, None, "reextract", now)
        found = run(con, SnapshotStore(store.snapshot_dir(db)), run_id, now, site)
        store.finish_run(con, run_id, "completed", {}, datetime.now(UTC))
    finally:
        con.close()
    console.print(
        f"{found.checked} stored pages re-extracted: {found.same} give the stored text, "
        f"{found.differ} another (comparisons with relation 'reextraction')"
    )
    if found.no_snapshot:
        console.print(
            f"{found.no_snapshot} versions have no stored page (local files keep none): "
            "not re-extracted"
        )
    if found.missing:
        console.print(f"{found.missing} stored pages are missing or unreadable in the store")

"""Running a flow from the command line (`ingest`, `demo`, `run`): the warehouse held
first, Prefect started beside the extractors, a progress bar, and the summary at the end."""

from __future__ import annotations

import importlib
from pathlib import Path

from rich.console import Console
from rich.text import Text

from pressdiff import progress, stopping
from pressdiff.errors import Interrupted
from pressdiff.render import counted, progress_bar, safe_text, stage_listener

# What each stage is called on the progress bar.
STAGES = {
    "sources": "reading sources",
    "fetch": "fetching",
    "extract": "extracting",
    "store": "storing",
    "stories": "finding stories",
    "compare": "comparing",
}


def run_flow(flow: str, console: Console, db: str, verbose: bool, **params):
    """Run the Prefect flow `flow` ("module:name") with the warehouse checked first and a
    progress bar on stderr. Prefect's server, the flow's imports and the extraction
    processes start side by side. Ctrl-C or SIGTERM stops it between batches, keeping what
    was extracted (pressdiff.stopping)."""
    from pressdiff.prefect_env import configure, start_server_early
    from warehouse.connection import connect

    configure(db, verbose=verbose, console_logs=verbose)  # before Prefect is imported
    # Migrate and hold the file from now on: a locked warehouse fails fast, before Prefect
    # starts, and no other process can take it while Prefect starts (it failed inside the flow).
    con = connect(db)
    try:
        wait_for_server = start_server_early()
        from tasks.steps.pause_points import arm
        from tasks.steps.workers import start

        settings = params["settings"]
        arm(settings.pause_at, settings.pause_file)  # crash tests only
        start(0 if settings.dask_address else settings.workers)  # fork, warm the extractors
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


def print_blocked(console: Console, db: str, run_id: str) -> None:
    """Under a run's summary: the addresses it refused as private, and the remedy."""
    from warehouse.cli_reads import blocked_addresses
    from warehouse.connection import connect

    con = connect(db, read_only=True)
    try:
        rows = blocked_addresses(con, run_id)
    finally:
        con.close()
    for kind, n in rows:
        console.print(
            f"  {n} refused (blocked: {kind} address): pass --allow-private to fetch "
            "loopback and private addresses"
        )

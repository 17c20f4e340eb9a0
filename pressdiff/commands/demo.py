"""`pressdiff demo`: ingest examples/ into the demo's own warehouse and show what it learned;
a warehouse the demo did not make is left alone."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import click
from rich.console import Console

from pressdiff.commands.ingest import run_ingest
from pressdiff.commands.options import EXIT_OK, err, out, take_signals
from pressdiff.commands.runs import print_summary
from pressdiff.errors import SetupError, UsageError, WarehouseLockedError
from pressdiff.render import print_rows

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
DEMO_DB = "pressdiff-demo.duckdb"


@click.command()
@click.option(
    "--db",
    type=click.Path(dir_okay=False),
    default=DEMO_DB,
    show_default=True,
    help="The demo's own warehouse file ($PRESSDIFF_DB is never used).",
)
@click.option(
    "--fresh",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[PATH]",
    help="Start the demo's warehouse afresh (only a warehouse the demo made; to replace "
    "any other file, name it: --fresh PATH).",
)
@click.option("--keep", is_flag=True, hidden=True, help="Add to the warehouse (the default).")
@click.option("--debug", is_flag=True, help="Show tracebacks and Prefect's logs.")
def demo(db, fresh, keep, debug) -> int:
    """Ingest the bundled examples into the demo's own warehouse and show what it learned.

    Writes ./pressdiff-demo.duckdb (or the --db file), whatever $PRESSDIFF_DB says, its
    files beside it whatever $PRESSDIFF_DATA_PATH says. An existing demo warehouse is added
    to; a warehouse the demo did not make is left alone.
    """
    take_signals()
    # the demo's lake is whole beside its catalog (--fresh removes all of it), never in the
    # data folder of another lake, whose housekeeping would delete files it does not know
    os.environ.pop("PRESSDIFF_DATA_PATH", None)
    if fresh and db == DEMO_DB:  # --fresh PATH names the file
        db = fresh
    run_demo(out, err, Path(db), fresh=fresh, verbose=debug)
    return EXIT_OK


def run_demo(
    console: Console, errc: Console, db: Path, *, fresh: str | None, verbose: bool
) -> None:
    """Ingest examples/ into the demo's warehouse `db` and print what it learned.

    `db` is only ever written when it is new or a demo warehouse; `fresh` ("" or the path of
    `db`) starts it afresh, a file the demo did not make only when `fresh` names it."""
    from warehouse.cli_reads import demo_showcase
    from warehouse.connection import connect

    _prepare_demo_db(db, fresh)
    summary = run_ingest(
        [str(EXAMPLES / "articles")], db=str(db), console=errc, verbose=verbose, command="demo"
    )
    console.print(f"[bold]pressdiff demo[/bold]: ingested {EXAMPLES / 'articles'} into {db}")
    print_summary(console, summary)
    con = connect(db, read_only=True)
    for title, columns, rows in demo_showcase(con):
        print_rows(console, columns, rows, title=title)
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
    from warehouse.lake import local_parts

    for p in local_parts(db):  # the file, or a lake's catalog and data folder
        if p.is_dir():
            shutil.rmtree(p)
        else:
            p.unlink(missing_ok=True)
    shutil.rmtree(db.with_name(db.name + ".snapshots"), ignore_errors=True)


def _demo_warehouse(db: Path) -> tuple[bool, str]:
    """Whether `db` is a warehouse only `pressdiff demo` wrote to, and what it holds."""
    import duckdb

    from warehouse.cli_reads import demo_counts
    from warehouse.connection import connect

    try:
        con = connect(db, read_only=True)
    except WarehouseLockedError:
        raise
    except SetupError:
        return False, "not a DuckDB warehouse"
    try:
        runs, demo_runs, articles = demo_counts(con)
    except duckdb.Error:
        return False, "not a pressdiff warehouse"
    finally:
        con.close()
    return runs > 0 and runs == demo_runs, f"{articles} articles from {runs} runs"

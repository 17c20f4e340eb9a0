"""The scheduled side: `pressdiff run` (one tick), `pressdiff serve` (the schedules in the
foreground) and `pressdiff deploy` (the schedules registered for a process worker)."""

from __future__ import annotations

import click

from pressdiff.commands.options import (
    EXIT_OK,
    EXIT_REJECTS,
    allow_private_option,
    common,
    dask_option,
    err,
    out,
    take_signals,
)
from pressdiff.commands.runs import print_summary, run_flow
from pressdiff.render import counted


@click.command()
@click.option("--force", is_flag=True, help="Treat every source and tracked article as due.")
@dask_option
@allow_private_option
@common
def run(force, dask_address, allow_private, db, debug) -> int:
    """One scheduled tick: poll every due source, revisit every due tracked article.

    New links become tracked articles; each revisit uses conditional requests and is
    rescheduled by the adaptive policy, with its reason in the tracked_articles and
    revisits views. A tick while another is running is skipped. This is what the
    deployments call.
    """
    take_signals()
    from flows.settings import get_settings

    s = get_settings(allow_private=allow_private, dask_address=dask_address)
    summary = run_flow("flows.tick:tick", err, db, debug, settings=s, force=force)
    if summary.status.startswith("skipped"):
        out.print(summary.status)
        return EXIT_OK
    print_summary(out, summary, db)
    out.print(f"{counted(summary.tracked_new, 'new article')} tracked")
    return EXIT_REJECTS if summary.rejected else EXIT_OK


@click.command()
@click.option(
    "--interval-scale",
    type=float,
    default=1.0,
    hidden=True,
    help="Multiply every schedule interval (tests use a small value).",
)
@click.option("--web", is_flag=True, help="Serve the web viewer too, on http://127.0.0.1:8080/.")
@allow_private_option
@common
def serve(interval_scale, web, allow_private, db, debug) -> int:
    """Run the schedules in deployments/prefect.yaml in the foreground.

    Starts a local Prefect server (or uses $PREFECT_API_URL), prints where its UI is, and
    polls the watchlist and revisits articles on schedule until Ctrl-C or SIGTERM. With
    --web, the read-only web viewer runs beside them (as `pressdiff web` would).
    """
    import os

    if web:
        from pressdiff.web import commands as web_commands

        web_commands.beside_schedules(out, db)
    from pressdiff.serve import serve as serve_schedules
    from warehouse.connection import connect

    if allow_private:  # the scheduled runs are processes of their own: they read it there
        os.environ["PRESSDIFF_ALLOW_PRIVATE"] = "1"
    connect(db).close()
    serve_schedules(str(db), out.print, interval_scale)
    return EXIT_OK


@click.command()
@click.option(
    "--work-pool",
    default=None,
    help="The process work pool to create and deploy to (default: pressdiff-local).",
)
@common
def deploy(work_pool, db, debug) -> int:
    """Register the schedules of deployments/prefect.yaml on the Prefect server at
    $PREFECT_API_URL, for a process worker.

    Creates the work pool when it is missing; every deployment runs this checkout's flows
    on the warehouse --db (an absolute path) and is named like prefect.yaml's with
    -worker appended, apart from what pressdiff serve registers. Then start a worker:
    prefect worker start --pool pressdiff-local
    """
    from pressdiff.deploy import deploy as register
    from pressdiff.prefect_env import configure
    from warehouse.connection import connect
    from warehouse.lake import located
    from warehouse.writer_lock import shown

    configure(db)
    connect(db).close()  # the warehouse the runs will use exists and is migrated
    pool, deployed = register(db, work_pool)
    for d in deployed:
        out.print(f"deployed {d.full_name} ({d.schedule}) for work pool {pool}")
    out.print(f"runs use {shown(located(db))}; start a worker: prefect worker start --pool {pool}")
    return EXIT_OK

"""`pressdiff ingest`: load or fetch articles through the ingest flow and print its summary."""

from __future__ import annotations

import glob
from pathlib import Path

import click
from rich.console import Console

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
from pressdiff.errors import UsageError


def capture_time(value: str | None):
    """`--seen-at` as an aware UTC datetime (a naive one is UTC); a usage error otherwise."""
    if value is None:
        return None
    from datetime import UTC, datetime

    try:
        t = datetime.fromisoformat(value.strip())
        return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)
    except (ValueError, OverflowError):
        raise click.BadParameter(
            f"{value!r} is not an ISO 8601 time such as 2026-03-05T09:15:00Z"
        ) from None


@click.command()
@click.argument("sources", nargs=-1, required=True)
@click.option(
    "--workers",
    type=click.IntRange(0),
    default=None,
    help="Extraction processes (default: the number of cores; 0: in-process).",
)
@click.option(
    "--batch-size",
    type=click.IntRange(1),
    default=None,
    help="Documents per task run (default 200).",
)
@dask_option
@allow_private_option
@click.option(
    "--seen-at",
    metavar="TIMESTAMP",
    callback=lambda _ctx, _param, value: capture_time(value),
    help="Capture time (ISO 8601, UTC unless it has an offset) of every input that carries "
    "none of its own (a record's seen_at, a seen: header, a folder's index.json).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@common
def ingest(
    sources, workers, batch_size, dask_address, allow_private, seen_at, as_json, db, debug
) -> int:
    """Load or fetch articles and store their new versions.

    A SOURCE is a file, a folder (read recursively), a glob, or a URL; files may be
    .html/.htm, .txt/.md, .json/.jsonl or .csv, each optionally gzipped. Ends with a summary:
    articles new, versions new, unchanged, duplicates, rejected. Exit code 0 when everything
    was stored, 1 when some inputs were rejected (see the `rejects` view), 2 on a usage or
    setup error.
    """
    take_signals()
    summary = run_ingest(
        list(sources),
        db=db,
        workers=workers,
        batch_size=batch_size,
        dask_address=dask_address,
        allow_private=allow_private,
        seen_at=seen_at,
        verbose=debug,
        console=err,
    )
    if as_json:
        import json

        out.file.write(json.dumps(summary.as_dict(), indent=2) + "\n")
    else:
        print_summary(out, summary)
    return EXIT_REJECTS if summary.rejected else EXIT_OK


def run_ingest(
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
    from flows.settings import get_settings

    if missing := missing_sources(sources):
        raise UsageError(f"no such file, folder or glob match: {', '.join(missing)}")
    s = get_settings(**opts)
    return run_flow(
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

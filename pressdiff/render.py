"""Printing results for people: tables in four formats, summaries, progress bars."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

FORMATS = ("table", "csv", "json", "markdown")


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def _cell(value: object) -> str:
    return "" if value is None else str(_plain(value))


def format_rows(columns: Sequence[str], rows: Sequence[Sequence], fmt: str) -> str:
    """`rows` as csv, json or markdown text (the 'table' format is printed by print_rows)."""
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[_cell(v) for v in row] for row in rows])
        return out.getvalue()
    if fmt == "json":
        records = [{c: _plain(v) for c, v in zip(columns, row, strict=True)} for row in rows]
        return json.dumps(records, ensure_ascii=False, indent=2, default=str) + "\n"
    if fmt == "markdown":
        esc = [[_cell(v).replace("|", "\\|").replace("\n", " ") for v in row] for row in rows]
        lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        lines += ["| " + " | ".join(row) + " |" for row in esc]
        return "\n".join(lines) + "\n"
    raise ValueError(f"unknown format {fmt!r}")


def print_rows(
    console: Console,
    columns: Sequence[str],
    rows: Sequence[Sequence],
    fmt: str = "table",
    title: str | None = None,
) -> None:
    """Print a result set in `fmt`."""
    if fmt != "table":
        console.file.write(format_rows(columns, rows, fmt))
        return
    table = Table(*columns, title=title, show_lines=False, header_style="bold")
    for row in rows:
        table.add_row(*(_cell(v) for v in row))
    console.print(table)
    console.print(f"[dim]{len(rows)} row{'s' if len(rows) != 1 else ''}[/dim]")


def progress_bar(console: Console) -> Progress:
    """A progress bar for long work (drawn on stderr; invisible when it is not a terminal)."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )

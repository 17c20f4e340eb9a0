"""Printing results for people: tables in four formats, summaries, progress bars.

Whatever comes from an article (titles, texts, URLs, and any value a query returns) is
untrusted: it is printed as rich `Text`, never parsed as markup, and every character that
could steer a terminal is shown as an escape (`visible`): ESC as `\\x1b`, so neither an ANSI
sequence nor an OSC title or hyperlink reaches the screen. JSON keeps its data exact with
`\\u` escapes. `format_rows(..., exact=True)` is for files, which are not terminals.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from rich.console import Console, RenderableType
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

FORMATS = ("table", "csv", "json", "markdown", "line")

# C0 controls but tab and newline, DEL, C1 (8-bit CSI, OSC, ...), bidirectional overrides.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# What JSON leaves raw of the above (it escapes C0 itself).
_JSON_RAW = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escaped(m: re.Match) -> str:
    code = ord(m[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """`text` with every character that could steer a terminal written as an escape."""
    return _CONTROL.sub(_escaped, text)


def safe_text(text: object, style: str = "") -> Text:
    """Untrusted `text` as a rich Text: no markup, control characters visible."""
    return Text(visible("" if text is None else str(text)), style=style)


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """`n` and `noun`, in the plural unless `n` is 1: "1 file", "2 files", "0 files"."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def _cell(value: object) -> str:
    return "" if value is None else str(_plain(value))


def format_rows(
    columns: Sequence[str], rows: Sequence[Sequence], fmt: str, *, exact: bool = False
) -> str:
    """`rows` as csv, json or markdown text (the 'table' format is printed by print_rows), safe
    for a terminal; with `exact`, for a file: every value as it is."""
    show = (lambda s: s) if exact else visible
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([show(c) for c in columns])
        writer.writerows([[show(_cell(v)) for v in row] for row in rows])
        return out.getvalue()
    if fmt == "json":
        records = [{c: _plain(v) for c, v in zip(columns, row, strict=True)} for row in rows]
        text = json.dumps(records, ensure_ascii=False, indent=2, default=str) + "\n"
        return text if exact else _JSON_RAW.sub(lambda m: f"\\u{ord(m[0]):04x}", text)
    if fmt == "line":
        return _as_lines([show(c) for c in columns], [[show(_cell(v)) for v in r] for r in rows])
    if fmt == "markdown":
        esc = [[show(_cell(v)).replace("|", "\\|").replace("\n", " ") for v in row] for row in rows]
        columns = [show(c).replace("|", "\\|") for c in columns]
        lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        lines += ["| " + " | ".join(row) + " |" for row in esc]
        return "\n".join(lines) + "\n"
    raise ValueError(f"unknown format {fmt!r}")


def _as_lines(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """One `name = value` line per field and a blank line between rows, like sqlite's
    `.mode line`: for rows too wide for a table. A value's later lines are indented."""
    width = max((len(c) for c in columns), default=0)
    records = []
    for row in rows:
        fields = [
            f"{c:>{width}} = " + v.replace("\n", "\n" + " " * (width + 3))
            for c, v in zip(columns, row, strict=True)
        ]
        records.append("\n".join(fields) + "\n")
    return "\n".join(records)


def is_id_column(name: str) -> bool:
    """Whether a column holds what a person copies into the next command or query: ids,
    URLs, sources and sites."""
    name = name.lower()
    return name in ("id", "url", "uri", "source", "site") or name.endswith(("_id", "url", "_key"))


def print_rows(
    console: Console,
    columns: Sequence[str],
    rows: Sequence[Sequence],
    fmt: str = "table",
    title: str | None = None,
) -> None:
    """Print a result set in `fmt`; every value and name as text, never as markup."""
    if fmt == "table" and not _fits(console.width, columns, rows):
        # ids whole rather than squeezed: one field per line (psql's \x auto)
        if title is not None:
            console.print(safe_text(title), style="italic")
        console.file.write(format_rows(columns, rows, "line"))
        console.print(Text(counted(len(rows), "row"), style="dim"))
        return
    if fmt != "table":
        console.file.write(format_rows(columns, rows, fmt))
        return
    table = Table(
        title=None if title is None else safe_text(title), show_lines=False, header_style="bold"
    )
    for i, c in enumerate(columns):
        if is_id_column(c):  # whole, on one line: it is copied into the next command
            table.add_column(safe_text(c), no_wrap=True, min_width=_widest(c, rows, i))
        else:
            table.add_column(safe_text(c), overflow="fold")
    for row in rows:
        table.add_row(*(safe_text(_cell(v)) for v in row))
    console.print(table, soft_wrap=False)
    console.print(Text(counted(len(rows), "row"), style="dim"))


_NARROWEST = 6  # a text column narrower than this is unreadable: print lines instead


def _widest(column: str, rows: Sequence[Sequence], i: int) -> int:
    return max([len(column), *(len(visible(_cell(row[i]))) for row in rows)])


def _fits(width: int, columns: Sequence[str], rows: Sequence[Sequence]) -> bool:
    """Whether a table of `rows` fits `width` with every id column whole."""
    need = 1 + sum(
        3 + (_widest(c, rows, i) if is_id_column(c) else min(_NARROWEST, _widest(c, rows, i)))
        for i, c in enumerate(columns)
    )
    return need <= width


class _KnownTotal(ProgressColumn):
    """A column drawn only for a stage whose total is known (no empty, pulsing bars)."""

    def __init__(self, column: ProgressColumn) -> None:
        super().__init__()
        self.column = column

    def render(self, task: Task) -> RenderableType:
        return self.column.render(task) if task.total is not None else Text("")


class _Count(ProgressColumn):
    """'120/600' when the total is known, else '120'; never past the total."""

    def render(self, task: Task) -> Text:
        done = int(task.completed)
        if task.total is None:
            return Text(f"{done:,}", style="progress.download")
        total = int(task.total)
        return Text(f"{min(done, total):,}/{total:,}", style="progress.download")


def progress_bar(console: Console) -> Progress:
    """A progress bar for long work (drawn on stderr; invisible when it is not a terminal):
    a bar, count and time left for stages whose total is known, a count for the others."""
    return Progress(
        TextColumn("{task.description:<16}"),
        _KnownTotal(BarColumn()),
        _Count(),
        TimeElapsedColumn(),
        _KnownTotal(TimeRemainingColumn()),
        console=console,
        transient=True,
    )


def stage_listener(bar: Progress, labels: dict[str, str]):
    """A progress listener (pressdiff.progress) drawing on `bar`: a line per stage, labelled
    from `labels`, whose total is the sum of what was expected of it so far."""
    tasks: dict[str, TaskID] = {}
    totals: dict[str, int] = {}

    def listener(stage: str, done: int, more: int) -> None:
        totals[stage] = totals.get(stage, 0) + more
        total = totals[stage] or None
        if stage not in tasks:
            tasks[stage] = bar.add_task(labels.get(stage, stage), total=total)
        bar.update(tasks[stage], advance=done, total=total)

    return listener

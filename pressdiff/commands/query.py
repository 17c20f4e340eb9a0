"""`pressdiff sql` (a read-only query, printed or written to a file) and `pressdiff schema`
(the views and their columns, with what each answers)."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from pressdiff.commands.options import EXIT_OK, common, format_option, out
from pressdiff.errors import NotFoundError, UsageError
from pressdiff.render import print_rows, safe_text


class _QueryCommand(click.Command):
    """`sql`: an argument that starts with `--` but is no option (it has a space or a line
    break, as an SQL comment opening a query does) is the query, as if it came after `--`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        takes_value = {
            name: not p.is_flag
            for p in self.get_params(ctx)
            if isinstance(p, click.Option)
            for name in p.opts + p.secondary_opts
        }
        options, query = [], []
        rest = iter(args)
        for arg in rest:
            if arg == "--":
                query += rest
            elif arg.startswith("--") and _not_an_option(arg.split("=", 1)[0], takes_value):
                query.append(arg)
            else:
                options.append(arg)
                if takes_value.get(arg):
                    options += [next(rest, "")]
        return super().parse_args(ctx, options + (["--", *query] if query else []))


def _not_an_option(name: str, options: dict[str, bool]) -> bool:
    return name not in options and any(c.isspace() for c in name)


@click.command(cls=_QueryCommand)
@click.argument("query", required=False)
@click.option(
    "--file",
    "-f",
    "query_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Read the query from FILE ('-': standard input), like psql -f.",
)
@format_option
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the result to FILE (.csv, .json or .parquet, values exact) instead of "
    "printing it: the only way sql writes a file.",
)
@common
def sql(query, query_file, fmt, output, db, debug) -> int:
    """Run QUERY against the warehouse, read-only, and print the result.

    QUERY is the SQL itself, or '-' to read it from standard input (pressdiff sql - < q.sql);
    -f FILE reads it from a file. A query may start with a -- comment. Query the contract's
    views: articles, versions, sentences, comparisons, sentence_edits, phrase_edits,
    term_swaps, stories, story_members, duplicate_pairs, sources, fetches, runs, rejects,
    changes, republications; and the macros article_as_of(ts) and history(url). Only
    SELECT-like statements run (SELECT, WITH, FROM, VALUES, EXPLAIN, DESCRIBE, SHOW,
    SUMMARIZE), and they read nothing but the warehouse; anything else is refused with exit
    code 2. DuckDB's errors are shown whole, with its "Did you mean" and the place it failed.
    `--format line` prints one field per line, for wide rows. Text from articles is printed
    with control characters shown as escapes (ESC as \\x1b).
    """
    query = read_query(query, query_file)
    if output is not None:
        sql_to_file(out, db, query, output)
        return EXIT_OK
    columns, rows = run_sql(db, query)
    print_rows(out, columns, rows, fmt)
    return EXIT_OK


def read_query(query: str | None, query_file: str | None) -> str:
    """The query a person gave: QUERY itself, '-' for standard input, or -f FILE."""
    import sys

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


def run_sql(db: str, query: str) -> tuple[list[str], list[tuple]]:
    """Run `query` through the warehouse reader (it must only read); returns (columns, rows)."""
    from warehouse.reader import open_reader, run_read_only

    with open_reader(db) as con:
        cur = run_read_only(con, query)
        if cur.description is None:
            return [], []
        return [d[0] for d in cur.description], cur.fetchall()


def sql_to_file(console: Console, db: str, query: str, output: str) -> None:
    """Run `query` like `sql` and write its result to `output` (.csv, .json or .parquet)."""
    from pressdiff.export import check_output, write_result
    from warehouse.reader import open_reader, run_read_only

    path = check_output(output, db)
    with open_reader(db) as con:
        n = write_result(run_read_only(con, query), path)
    console.print(safe_text(f"wrote {n} row{'s' * (n != 1)} to {path}"))


@click.command()
@click.argument("view", required=False)
@click.option("--all", "every", is_flag=True, help="Every view with its columns, as Markdown.")
@format_option
@common
def schema(view, every, fmt, db, debug) -> int:
    """List the warehouse's views with what each answers, or one VIEW's columns.

    `pressdiff schema versions` shows the columns, types and descriptions of `versions`. The
    descriptions are stored in the warehouse (DuckDB's duckdb_columns().comment); without a
    warehouse, this version's views are described. docs/warehouse.md is `--all`'s output.
    """
    if every:
        out.file.write(schema_document(db))
        return EXIT_OK
    columns, rows = describe(db, view)
    print_rows(out, columns, rows, fmt)
    return EXIT_OK


def _described(db: str):
    """The warehouse at `db` read-only when it exists (a PostgreSQL catalog always does),
    else this version's empty schema."""
    from warehouse import schema as described
    from warehouse.reader import open_reader
    from warehouse.writer_lock import is_url

    return open_reader(db) if is_url(db) or Path(db).exists() else described.contract()


def describe(db: str, view: str | None) -> tuple[tuple[str, ...], list[tuple]]:
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

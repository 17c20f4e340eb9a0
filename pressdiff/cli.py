"""The `pressdiff` command line: each command opens the warehouse, calls one function, prints.

Errors are one line on stderr and an exit code; `--debug` shows the traceback.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path

import click
from rich.console import Console
from rich.text import Text

from pressdiff import __version__, stopping
from pressdiff.errors import Interrupted, PressdiffError
from pressdiff.render import FORMATS, counted, safe_text

# As wide as the terminal, or $COLUMNS (80 when piped without it): tables fit that width,
# ids in them whole; lines of text are never broken by us (soft wrap), so a pipe gets them whole.
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

EXIT_OK, EXIT_REJECTS, EXIT_USAGE = 0, 1, 2
DEMO_DB = "pressdiff-demo.duckdb"


def _database() -> Path:
    """The warehouse the settings name ($PRESSDIFF_DB); imported late, for a quick --help."""
    from pressdiff.settings import database

    return database()


def common(fn: Callable) -> Callable:
    """The options every command takes: --db and --debug."""

    @click.option(
        "--db",
        type=click.Path(dir_okay=False),
        default=lambda: str(_database()),
        show_default="$PRESSDIFF_DB or ./pressdiff.duckdb",
        help="The DuckDB warehouse file.",
    )
    @click.option("--debug", is_flag=True, help="Show tracebacks and Prefect's logs.")
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)

    return wrapper


format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="Output format.",
)


allow_private_option = click.option(
    "--allow-private",
    is_flag=True,
    default=None,
    help="Allow fetching loopback and private addresses ($PRESSDIFF_ALLOW_PRIVATE=1).",
)


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


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="pressdiff")
def cli() -> None:
    """pressdiff: how the news changes.

    Load or fetch news articles, keep every version, and ask the DuckDB warehouse what
    changed: between revisions of an article, and between a wire story and its
    republications. Start with `pressdiff demo`.
    """


@cli.command()
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
@click.option(
    "--allow-private",
    is_flag=True,
    default=None,
    help="Allow fetching loopback and private addresses ($PRESSDIFF_ALLOW_PRIVATE=1).",
)
@click.option(
    "--seen-at",
    metavar="TIMESTAMP",
    callback=lambda _ctx, _param, value: capture_time(value),
    help="Capture time (ISO 8601, UTC unless it has an offset) of every input that carries "
    "none of its own (a record's seen_at, a seen: header, a folder's index.json).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@common
def ingest(sources, workers, batch_size, allow_private, seen_at, as_json, db, debug) -> int:
    """Load or fetch articles and store their new versions.

    A SOURCE is a file, a folder (read recursively), a glob, or a URL; files may be
    .html/.htm, .txt/.md, .json/.jsonl or .csv, each optionally gzipped. Ends with a summary:
    articles new, versions new, unchanged, duplicates, rejected. Exit code 0 when everything
    was stored, 1 when some inputs were rejected (see the `rejects` view), 2 on a usage or
    setup error.
    """
    take_signals()
    from pressdiff import commands

    summary = commands.ingest(
        list(sources),
        db=db,
        workers=workers,
        batch_size=batch_size,
        allow_private=allow_private,
        seen_at=seen_at,
        verbose=debug,
        console=err,
    )
    if as_json:
        import json

        out.file.write(json.dumps(summary.as_dict(), indent=2) + "\n")
    else:
        commands.print_summary(out, summary)
    return EXIT_REJECTS if summary.rejected else EXIT_OK


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


@cli.command(cls=_QueryCommand)
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
    from pressdiff import commands

    query = commands.read_query(query, query_file)
    if output is not None:
        commands.sql_to_file(out, db, query, output)
        return EXIT_OK
    columns, rows = commands.sql(db, query)
    from pressdiff.render import print_rows

    print_rows(out, columns, rows, fmt)
    return EXIT_OK


@cli.command()
@click.argument("url_or_id")
@format_option
@common
def history(url_or_id, fmt, db, debug) -> int:
    """The versions of one article, newest first, with what changed in each.

    URL_OR_ID is an article's URL, its article_id, or one of its version ids.
    """
    from pressdiff import commands

    commands.print_history(out, db, url_or_id, fmt)
    return EXIT_OK


@cli.command()
@click.option("--site", default=None, help="Only this site's articles (as in articles.site).")
@common
def reextract(site, db, debug) -> int:
    """Re-run the current extractor over the pages already stored, never the network.

    Every version fetched from the web has its page in the snapshot store; one whose page
    now gives another text is compared with it as relation 'reextraction' (an extractor
    change, comparisons.cause 'extraction'), never stored as a new version. Versions from
    local files keep no page and are counted, not re-extracted.
    """
    from pressdiff import commands

    commands.reextract(out, db, site)
    return EXIT_OK


@cli.command()
@click.argument("a")
@click.argument("b", required=False)
@format_option
@common
def diff(a, b, fmt, db, debug) -> int:
    """Show what changed between two versions, sentence by sentence.

    A and B are version ids, or article URLs or ids meaning their latest version. With one
    argument, its latest version is compared with the one before. Removed words are struck
    through in red, inserted words green; runs of unchanged sentences are folded.
    """
    from pressdiff import commands

    commands.diff(out, db, a, b, fmt)
    return EXIT_OK


@cli.command()
@click.argument("story_id")
@format_option
@common
def story(story_id, fmt, db, debug) -> int:
    """One story: its original and every republication, with similarity, what each kept,
    changed and dropped, and the terms it swapped.

    STORY_ID is a story id, or the URL or id of any article in the story.
    """
    from pressdiff import commands

    commands.print_story(out, db, story_id, fmt)
    return EXIT_OK


@cli.group()
def watch() -> None:
    """The watchlist of feeds, sitemaps and pages that scheduled runs poll."""


@watch.command("add")
@click.argument("uris", nargs=-1, required=True)
@click.option(
    "--kind",
    type=click.Choice(["feed", "sitemap", "page"]),
    default=None,
    help="What the source is (default: guessed from the URL; polling sniffs it). "
    "A homepage watched as a feed is read through the feeds it advertises.",
)
@click.option("--every", default=None, help="Poll interval, e.g. 10m or 1h (default 15m).")
@allow_private_option
@common
def watch_add(uris, kind, every, allow_private, db, debug) -> int:
    """Watch feeds, sitemaps or pages: scheduled runs poll them and track their articles.

    A loopback or private address is added with a warning: runs refuse it unless they are
    given --allow-private.
    """
    from pressdiff import commands

    commands.watch_add(out, db, uris, kind, every, allow_private)
    return EXIT_OK


@watch.command("remove")
@click.argument("uris", nargs=-1, required=True)
@common
def watch_remove(uris, db, debug) -> int:
    """Stop watching sources, named by URL or source id (tracked articles stay)."""
    from pressdiff import commands

    commands.watch_remove(out, db, uris)
    return EXIT_OK


@watch.command("list")
@format_option
@common
def watch_list(fmt, db, debug) -> int:
    """List the watched sources with when each was polled and is due, and its articles."""
    from pressdiff import commands

    commands.watch_list(out, db, fmt)
    return EXIT_OK


@watch.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@allow_private_option
@common
def watch_import(path, allow_private, db, debug) -> int:
    """Add the [[watch]] entries of a TOML file (uri, and optional kind and every).

    The whole file is checked first: a bad entry is named (number, uri and key) and
    nothing is added.
    """
    from pressdiff import commands

    commands.watch_import(out, db, path, allow_private)
    return EXIT_OK


@cli.command()
@click.option("--force", is_flag=True, help="Treat every source and tracked article as due.")
@allow_private_option
@common
def run(force, allow_private, db, debug) -> int:
    """One scheduled tick: poll every due source, revisit every due tracked article.

    New links become tracked articles; each revisit uses conditional requests and is
    rescheduled by the adaptive policy, with its reason in the tracked_articles and
    revisits views. A tick while another is running is skipped. This is what the
    deployments call.
    """
    take_signals()
    from pressdiff import commands

    summary = commands.run_tick(err, db, force, debug, allow_private)
    if summary.status.startswith("skipped"):
        out.print(summary.status)
        return EXIT_OK
    commands.print_summary(out, summary, db)
    out.print(f"{counted(summary.tracked_new, 'new article')} tracked")
    return EXIT_REJECTS if summary.rejected else EXIT_OK


@cli.command()
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
    from pressdiff import commands

    if web:
        from pressdiff.web import commands as web_commands

        web_commands.beside_schedules(out, db)
    commands.serve(out, db, interval_scale, allow_private)
    return EXIT_OK


@cli.command()
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
    from pressdiff import commands

    commands.deploy(out, db, work_pool)
    return EXIT_OK


@cli.command()
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
    from pressdiff import commands
    from pressdiff.render import print_rows

    if every:
        out.file.write(commands.schema_document(db))
        return EXIT_OK
    columns, rows = commands.schema(db, view)
    print_rows(out, columns, rows, fmt)
    return EXIT_OK


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8080, show_default=True, help="Port."
)
@common
def web(host, port, db, debug) -> int:
    """Serve a read-only web viewer of the warehouse: notable changes, article histories
    with diffs between any two versions, stories side by side, term swaps, outlets,
    search over every version, and an Atom feed at /feed.atom.

    Listens on loopback unless --host says otherwise. Builds the search index first when
    it is missing or behind (see `pressdiff index`).
    """
    from pressdiff.web import commands as web_commands

    web_commands.web(out, db, host, port)
    return EXIT_OK


@cli.command()
@click.argument("query")
@click.option("--gone", is_flag=True, help="Only articles whose latest version no longer says it.")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@format_option
@common
def search(query, gone, limit, fmt, db, debug) -> int:
    """Find the articles whose text, in any version, has every word of QUERY (stemmed),
    best first, and say whether their latest version still does.

    Uses the index `pressdiff index` builds (rebuilt first when missing or behind).
    """
    from pressdiff.web import commands as web_commands

    web_commands.search(out, err, db, query, gone, limit, fmt)
    return EXIT_OK


@cli.command()
@common
def index(db, debug) -> int:
    """Rebuild the full-text search index over every version (for `search` and `web`)."""
    from pressdiff.web import commands as web_commands

    web_commands.index(out, db)
    return EXIT_OK


@cli.command()
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

    Writes ./pressdiff-demo.duckdb (or the --db file), whatever $PRESSDIFF_DB says. An
    existing demo warehouse is added to; a warehouse the demo did not make is left alone.
    """
    take_signals()
    from pressdiff import commands

    if fresh and db == DEMO_DB:  # --fresh PATH names the file
        db = fresh
    commands.demo(out, err, Path(db), fresh=fresh, verbose=debug)
    return EXIT_OK


def take_signals() -> None:
    """Ctrl-C and SIGTERM stop a flow cleanly (pressdiff.stopping); called before the
    command's modules are imported, so that no thread of theirs takes a signal first."""
    stopping.install(lambda line: err.print(line, markup=False, highlight=False))


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code (errors are one line on stderr)."""
    if argv is None:  # this process is the command: long work stops cleanly on signals
        stopping.allow()
    argv = sys.argv[1:] if argv is None else argv
    debug = "--debug" in argv
    try:
        code = _main(argv, debug)
    except Exception:
        if debug or stopping.exit_code() is None:
            raise
        code = 0  # stopping: the one line is printed; errors of the stop itself are not news
    return stopping.exit_code() or code


def _main(argv: list[str], debug: bool) -> int:
    try:
        code = cli.main(args=argv, prog_name="pressdiff", standalone_mode=False)
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.exceptions.Abort:
        err.print("interrupted")
        code = 130
    except click.ClickException as exc:
        exc.show()
        code = EXIT_USAGE
    except Interrupted as exc:  # a stop before the work began; it said so already
        code = exc.exit_code
    except PressdiffError as exc:
        if debug or stopping.requested():
            raise
        err.print(Text.assemble(("error:", "red"), " ", safe_text(exc)))
        code = exc.exit_code
    except KeyboardInterrupt:
        err.print("interrupted")
        code = 130
    except Exception as exc:  # the last line of defence: one sentence, not a traceback
        if debug or stopping.requested():
            raise
        err.print(
            Text.assemble(
                ("error:", "red"),
                " ",
                safe_text(f"{type(exc).__name__}: {exc} (rerun with --debug for details)"),
            )
        )
        code = EXIT_USAGE
    return int(code or 0)


if __name__ == "__main__":
    raise SystemExit(main())

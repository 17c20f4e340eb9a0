"""The `pressdiff` command line: the group of commands, and `main`, the one place that turns
any error into one line on stderr and an exit code (`--debug` shows the traceback).

Each command lives in pressdiff/commands/, one module per group (see its docstring).
"""

from __future__ import annotations

import sys

import click
from rich.text import Text

from pressdiff import __version__, stopping
from pressdiff.commands import articles, demo, ingest, query, reextract, schedule, watch, web
from pressdiff.commands.migrate import migrate_warehouse
from pressdiff.commands.options import EXIT_USAGE, err
from pressdiff.errors import Interrupted, PressdiffError
from pressdiff.render import safe_text


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="pressdiff")
def cli() -> None:
    """pressdiff: how the news changes.

    Load or fetch news articles, keep every version, and ask the DuckDB warehouse what
    changed: between revisions of an article, and between a wire story and its
    republications. Start with `pressdiff demo`.
    """


for command in (
    ingest.ingest,
    query.sql,
    articles.history,
    reextract.reextract,
    articles.diff,
    articles.story,
    watch.watch,
    schedule.run,
    schedule.serve,
    schedule.deploy,
    query.schema,
    web.web,
    web.search,
    web.index,
    demo.demo,
    migrate_warehouse,
):
    cli.add_command(command)


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

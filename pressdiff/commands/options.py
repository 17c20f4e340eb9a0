"""What every command shares: the two consoles, exit codes, the common options, signals."""

from __future__ import annotations

import functools
from collections.abc import Callable

import click
from rich.console import Console

from pressdiff import stopping
from pressdiff.render import FORMATS

# As wide as the terminal, or $COLUMNS (80 when piped without it): tables fit that width,
# ids in them whole; lines of text are never broken by us (soft wrap), so a pipe gets them whole.
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

EXIT_OK, EXIT_REJECTS, EXIT_USAGE = 0, 1, 2


def _database() -> str:
    """The warehouse the settings name ($PRESSDIFF_DB); imported late, for a quick --help."""
    from flows.settings import database

    return str(database())


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


def _scheduler(_ctx: click.Context, _param: click.Parameter, address: str | None) -> str | None:
    """`--dask`: a scheduler that answers, checked before anything starts (exit 2 if not)."""
    if not address:
        return None
    from tasks.steps.dask_address import check_reachable

    check_reachable(address)
    return address


dask_option = click.option(
    "--dask",
    "dask_address",
    metavar="tcp://HOST:PORT",
    envvar="PRESSDIFF_DASK_ADDRESS",
    show_envvar=True,
    callback=_scheduler,
    help="Extract on the Dask cluster of this scheduler instead of local processes; "
    "fetching and storing stay in this process.",
)


def take_signals() -> None:
    """Ctrl-C and SIGTERM stop a flow cleanly (pressdiff.stopping); called before the
    command's modules are imported, so that no thread of theirs takes a signal first."""
    stopping.install(lambda line: err.print(line, markup=False, highlight=False))

"""What every command shares: the two consoles, exit codes, the common options, signals."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path

import click
from rich.console import Console

from pressdiff import stopping
from pressdiff.errors import UsageError
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


def _set_data_path(_ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    """`--data-path`: read where $PRESSDIFF_DATA_PATH is (warehouse/lake.py), in this process
    and in the runs it starts; a local folder made absolute (runs may start elsewhere)."""
    if value:
        os.environ["PRESSDIFF_DATA_PATH"] = value if "://" in value else str(Path(value).absolute())


data_path_option = click.option(
    "--data-path",
    metavar="FOLDER",
    envvar="PRESSDIFF_DATA_PATH",
    show_envvar=True,
    expose_value=False,
    callback=_set_data_path,
    help="Where the lake's Parquet files live: needed with a postgresql:// --db (a local "
    "or shared folder, or an object-store prefix); a local lake's default is the folder "
    "DB.files/ beside it.",
)


def require_data_path(db: str) -> None:
    """A UsageError when `db` is a PostgreSQL catalog and nothing names its data folder."""
    if db.startswith(("postgresql://", "postgres://")) and not os.environ.get(
        "PRESSDIFF_DATA_PATH"
    ):
        raise UsageError(
            f"a postgresql:// warehouse keeps its Parquet files apart from its catalog: name "
            f"their folder with --data-path FOLDER (or $PRESSDIFF_DATA_PATH), the same on "
            f"every machine that uses {_shown(db)}"
        )


def _shown(db: str) -> str:
    from warehouse.writer_lock import shown

    return shown(db)


def common(fn: Callable) -> Callable:
    """The options every command takes: --db, --data-path and --debug."""

    @click.option(
        "--db",
        type=click.Path(dir_okay=False),
        metavar="PATH|URL",
        default=lambda: str(_database()),
        show_default="$PRESSDIFF_DB or ./pressdiff.duckdb",
        help="The warehouse: a path (a lake's catalog, made if missing, or a DuckDB file) "
        "or the postgresql:// URL of a lake's catalog.",
    )
    @data_path_option
    @click.option("--debug", is_flag=True, help="Show tracebacks and Prefect's logs.")
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        require_data_path(str(kwargs["db"]))
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

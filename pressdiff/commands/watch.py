"""`pressdiff watch add|remove|list|import`: the watchlist of sources scheduled runs poll."""

from __future__ import annotations

from urllib.parse import urlsplit

import click
from rich.console import Console

from pressdiff.commands.options import EXIT_OK, allow_private_option, common, format_option, out
from pressdiff.render import print_rows, safe_text


@click.group()
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
    from pressdiff.watchlist import WatchEntry, parse_every

    interval = parse_every(every)
    add_entries(out, db, [WatchEntry(u, kind, interval) for u in uris], allow_private)
    return EXIT_OK


@watch.command("remove")
@click.argument("uris", nargs=-1, required=True)
@common
def watch_remove(uris, db, debug) -> int:
    """Stop watching sources, named by URL or source id (tracked articles stay)."""
    from tasks.steps import watchlist
    from warehouse.connection import connect

    con = connect(db)
    for ref in uris:
        out.print(safe_text(f"removed {watchlist.remove_source(con, ref)}"))
    return EXIT_OK


@watch.command("list")
@format_option
@common
def watch_list(fmt, db, debug) -> int:
    """List the watched sources with when each was polled and is due, and its articles."""
    from warehouse.cli_reads import watchlist
    from warehouse.reader import open_reader

    with open_reader(db) as con:
        columns, rows = watchlist(con)
    print_rows(out, columns, rows, fmt)
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
    from pressdiff.watchlist import read_watchlist

    add_entries(out, db, read_watchlist(path), allow_private)
    return EXIT_OK


def add_entries(console: Console, db: str, entries, allow_private: bool | None) -> None:
    """Watch each WatchEntry; a loopback or private address gets the remedy beside it."""
    from datetime import UTC, datetime

    from flows.settings import get_settings
    from pressdiff.watchlist import private_address
    from tasks.steps import watchlist
    from warehouse.connection import connect

    allowed = get_settings(allow_private=allow_private).allow_private
    con = connect(db)
    for e in entries:
        source, new = watchlist.add_source(con, e.uri, e.kind, e.every, datetime.now(UTC))
        console.print(safe_text(f"{'added' if new else 'updated'} {source.kind} {source.uri}"))
        kind = private_address(source.uri)
        if kind and not allowed:
            console.print(
                safe_text(
                    f"  warning: {urlsplit(source.uri).hostname} is a {kind} address: runs "
                    "refuse it (blocked) unless you pass --allow-private to pressdiff run and "
                    "pressdiff serve, or set PRESSDIFF_ALLOW_PRIVATE=1"
                )
            )
        elif kind and allow_private:
            console.print(
                f"  note: a {kind} address: pass --allow-private to pressdiff run and "
                "pressdiff serve as well"
            )

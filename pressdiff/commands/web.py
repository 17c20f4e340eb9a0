"""`pressdiff web`, `search` and `index`: the options of the web viewer's commands; what
they do is pressdiff.web.commands."""

from __future__ import annotations

import click

from pressdiff.commands.options import EXIT_OK, common, err, format_option, out


@click.command()
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


@click.command()
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


@click.command()
@common
def index(db, debug) -> int:
    """Rebuild the full-text search index over every version (for `search` and `web`)."""
    from pressdiff.web import commands as web_commands

    web_commands.index(out, db)
    return EXIT_OK

"""`pressdiff reextract`: the current extractor over the pages already stored, never the
network; a page that now gives another text becomes a 'reextraction' comparison."""

from __future__ import annotations

import click
from rich.console import Console

from pressdiff.commands.options import EXIT_OK, common, out


@click.command()
@click.option("--site", default=None, help="Only this site's articles (as in articles.site).")
@common
def reextract(site, db, debug) -> int:
    """Re-run the current extractor over the pages already stored, never the network.

    Every version fetched from the web has its page in the snapshot store; one whose page
    now gives another text is compared with it as relation 'reextraction' (an extractor
    change, comparisons.cause 'extraction'), never stored as a new version. Versions from
    local files keep no page and are counted, not re-extracted.
    """
    run_reextract(out, db, site)
    return EXIT_OK


def run_reextract(console: Console, db: str, site: str | None) -> None:
    """Re-run the current extractor over the stored pages (of `site`) and say what differs."""
    import uuid
    from datetime import UTC, datetime

    from tasks.steps.reextract import reextract as run
    from tasks.web.snapshots import SnapshotStore
    from warehouse import store
    from warehouse.connection import connect

    con = connect(db)
    try:
        run_id, now = uuid.uuid4().hex[:16], datetime.now(UTC)
        store.start_run(con, run_id, None, "reextract", now)
        found = run(con, SnapshotStore(store.snapshot_dir(db)), run_id, now, site)
        store.finish_run(con, run_id, "completed", {}, datetime.now(UTC))
    finally:
        con.close()
    console.print(
        f"{found.checked} stored pages re-extracted: {found.same} give the stored text, "
        f"{found.differ} another (comparisons with relation 'reextraction')"
    )
    if found.no_snapshot:
        console.print(
            f"{found.no_snapshot} versions have no stored page (local files keep none): "
            "not re-extracted"
        )
    if found.missing:
        console.print(f"{found.missing} stored pages are missing or unreadable in the store")

"""Reading one article or one story: `pressdiff history`, `pressdiff diff`, `pressdiff story`."""

from __future__ import annotations

import click
from rich.console import Console
from rich.text import Text

from pressdiff.commands.options import EXIT_OK, common, format_option, out
from pressdiff.render import counted, print_rows, safe_text
from tasks.web.urls import canonical_url


@click.command()
@click.argument("url_or_id")
@format_option
@common
def history(url_or_id, fmt, db, debug) -> int:
    """The versions of one article, newest first, with what changed in each.

    URL_OR_ID is an article's URL, its article_id, or one of its version ids.
    """
    print_history(out, db, url_or_id, fmt)
    return EXIT_OK


def print_history(console: Console, db: str, ref: str, fmt: str = "table") -> None:
    """Print the versions of one article, newest first: a table of what changed in each, or
    every count as `fmt` (json, csv, markdown, line) with the article's URL on each row."""
    from warehouse import queries
    from warehouse.reader import open_reader

    with open_reader(db) as con:
        url, rows = queries.history(con, ref, canonical_url(ref))
    if fmt != "table":
        print_rows(console, ("url", *queries.HISTORY_COLUMNS), [(url, *r) for r in rows], fmt)
        return
    table = [(r[0], r[1], _minute(r[2]), r[4], r[5], _changes(*r[6:])) for r in rows]
    print_rows(console, ("v", "version_id", "seen", "words", "title", "changes"), table, title=url)


def _minute(ts) -> str:
    return "" if ts is None else ts.strftime("%Y-%m-%d %H:%M")


def _changes(same, changed, added, removed, moved, title_changed) -> str:
    if same is None:
        return "first version"
    counts = f"{same} same, {changed} changed, {added} added, {removed} removed, {moved} moved"
    return counts + (", new title" if title_changed else "")


@click.command()
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
    print_diff(out, db, a, b, fmt)
    return EXIT_OK


def print_diff(console: Console, db: str, a: str, b: str | None, fmt: str = "table") -> None:
    """Print the comparison of two versions (B's previous version when B is not given): as
    folded sentence rows, or every aligned sentence as `fmt` (json, csv, markdown, line).
    It is the stored comparison when the pair was compared, else one made now."""
    from flows.settings import get_settings
    from pressdiff import diff_render
    from warehouse import queries
    from warehouse.comparisons import load_versions
    from warehouse.reader import open_reader

    with open_reader(db) as con:
        new_ref = b if b is not None else a
        new_id = queries.resolve_version(con, new_ref, canonical_url(new_ref))
        old_id = (
            queries.resolve_version(con, a, canonical_url(a))
            if b is not None
            else queries.previous_version(con, new_id)
        )
        versions = load_versions(con, [old_id, new_id])
        labels = queries.version_labels(con, [old_id, new_id])
        old, new = versions[old_id], versions[new_id]
        relation = "revision" if labels[old_id][0] == labels[new_id][0] else "republication"
        c, relation = diff_render.comparison_of(con, old, new, relation, get_settings().align)
    if fmt != "table":
        print_rows(console, *diff_render.edit_rows(c, old_id, new_id, relation), fmt)
        return
    console.print(Text.assemble((f"--- {old_id}", "red"), "  ", safe_text(labels[old_id][1])))
    console.print(Text.assemble((f"+++ {new_id}", "green"), "  ", safe_text(labels[new_id][1])))
    markers = not console.is_terminal or console.no_color
    console.print(diff_render.headline(old.title, new.title, markers=markers))
    console.print(Text(diff_render.summary_line(c, relation), style="dim"))
    for line in diff_render.render(c, markers=markers):
        console.print(line)


@click.command()
@click.argument("story_id")
@format_option
@common
def story(story_id, fmt, db, debug) -> int:
    """One story: its original and every republication, with similarity, what each kept,
    changed and dropped, and the terms it swapped.

    STORY_ID is a story id, or the URL or id of any article in the story.
    """
    print_story(out, db, story_id, fmt)
    return EXIT_OK


STORY_TABLE = (
    "role",
    "site",
    "url",
    "version_id",
    "published",
    "jaccard",
    "contained",
    "same",
    "changed",
    "added",
    "removed",
    "swapped terms",
)


def print_story(console: Console, db: str, ref: str, fmt: str = "table") -> None:
    """Print one story: its original and every republication with what it cut and swapped
    (as `fmt`: one row per member with the story id, for json, csv, markdown and line)."""
    from warehouse import queries
    from warehouse.reader import open_reader

    with open_reader(db) as con:
        head, rows = queries.story(con, ref, canonical_url(ref))
    story_id, n_articles, n_sites, first, title, source, original_version = head
    if fmt != "table":
        print_rows(
            console, ("story_id", *queries.STORY_COLUMNS), [(story_id, *r) for r in rows], fmt
        )
        return
    headline = safe_text(title or "(no title)")
    console.print(Text.assemble((f"story {story_id}", "bold"), ": ", headline))
    where = counted(n_sites, "site") if n_sites else "local files"
    console.print(
        safe_text(
            f"original {source} (version {original_version}), first published "
            f"{first or 'unknown'}; {counted(n_articles, 'article')} on {where}"
        )
    )
    table = [(*r[:4], r[4] and r[4].strftime("%Y-%m-%d"), *r[5:]) for r in rows]
    print_rows(console, STORY_TABLE, table)
    copy = next((r[3] for r in rows if r[0] != "original"), "VERSION_ID")
    console.print(
        Text(
            f"what each one cut: pressdiff diff {original_version} {copy} "
            "(the original's version, then the copy's), or the republications view",
            style="dim",
        )
    )

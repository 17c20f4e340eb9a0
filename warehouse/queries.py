"""Read queries behind the CLI's commands: resolve what a person typed, fetch what to show."""

from __future__ import annotations

import duckdb

from pressdiff.errors import NotFoundError
from warehouse.sqlfiles import run


def resolve_article(con: duckdb.DuckDBPyConnection, ref: str, url: str) -> str:
    """The article id that `ref` (an article id, version id, URL, or the file of an article
    without one) names; `url` is `ref` as a canonical URL (the caller canonicalises)."""
    row = run(con, "resolve_article", {"ref": ref, "url": url}).fetchone()
    if row is None:
        raise NotFoundError(
            f"no article or version matches {ref!r}; list them with "
            "'pressdiff sql \"select article_id, url from articles\"'"
        )
    return row[0]


def resolve_version(con: duckdb.DuckDBPyConnection, ref: str, url: str) -> str:
    """The version id that `ref` names: a version id, else the latest version of an article
    (`url`: `ref` as a canonical URL)."""
    row = con.execute("SELECT version_id FROM core.versions WHERE version_id = ?", [ref]).fetchone()
    if row:
        return row[0]
    article_id = resolve_article(con, ref, url)
    return con.execute(
        "SELECT latest_version_id FROM articles WHERE article_id = ?", [article_id]
    ).fetchone()[0]


def previous_version(con: duckdb.DuckDBPyConnection, version_id: str) -> str:
    """The version before `version_id` of the same article."""
    row = run(con, "previous_version", [version_id]).fetchone()
    if row is None:
        raise NotFoundError(
            f"version {version_id} is its article's first; {_other(con, version_id)}"
        )
    return row[0]


def _other(con: duckdb.DuckDBPyConnection, version_id: str) -> str:
    """What to compare a first version with: its story's original, if it has one."""
    row = run(con, "story_original_of", [version_id]).fetchone()
    if row is None:
        return "name two versions: pressdiff diff OLD_VERSION_ID NEW_VERSION_ID"
    return f"compare it with its story's original: pressdiff diff {row[0]} {version_id}"


HISTORY_COLUMNS = (
    "version_no",
    "version_id",
    "seen_at",
    "valid_to",
    "n_words",
    "title",
    "n_same",
    "n_changed",
    "n_added",
    "n_removed",
    "n_moved",
    "title_changed",
)


def history(con: duckdb.DuckDBPyConnection, ref: str, url: str) -> tuple[str, list[tuple]]:
    """(url or source, rows) of one article's versions, newest first, with the counts of its
    comparison to the version before (NULL for the first); `url`: `ref` as a canonical URL."""
    article_id = resolve_article(con, ref, url)
    name = con.execute(
        "SELECT coalesce(url, source_key) FROM core.articles WHERE article_id = ?", [article_id]
    ).fetchone()[0]
    return name, run(con, "article_history", [article_id]).fetchall()


def version_labels(con: duckdb.DuckDBPyConnection, ids: list[str]) -> dict[str, tuple[str, str]]:
    """version_id -> (article_id, 'URL v2 (seen 2026-03-05 09:15)') for headers."""
    rows = run(con, "version_labels", [ids]).fetchall()
    return {vid: (aid, label) for vid, aid, label in rows}


def resolve_story(con: duckdb.DuckDBPyConnection, ref: str, url: str) -> str:
    """The story id `ref` names: a story id, or an article URL/id/version id in a story
    (`url`: `ref` as a canonical URL)."""
    row = con.execute("SELECT story_id FROM core.stories WHERE story_id = ?", [ref]).fetchone()
    if row:
        return row[0]
    article_id = resolve_article(con, ref, url)
    row = con.execute(  # the articles view's story_id, without its warehouse-wide aggregates
        "SELECT any_value(story_id) FROM core.story_members WHERE article_id = ?", [article_id]
    ).fetchone()
    if row is None or row[0] is None:
        raise NotFoundError(f"{ref!r} is not part of a story (no near-duplicate was found)")
    return row[0]


STORY_COLUMNS = (
    "role",
    "site",
    "url",
    "version_id",
    "published_at",
    "jaccard",
    "containment",
    "n_same",
    "n_changed",
    "n_added",
    "n_removed",
    "swapped_terms",
)


def story(con: duckdb.DuckDBPyConnection, ref: str, url: str) -> tuple[tuple, list[tuple]]:
    """(the story row, one row per member) for `pressdiff story`; `url`: `ref` as a canonical
    URL."""
    story_id = resolve_story(con, ref, url)
    head = run(con, "story_head", [story_id]).fetchone()
    return head, run(con, "story_members_compared", {"story": story_id}).fetchall()

"""Read queries behind the CLI's commands: resolve what a person typed, fetch what to show."""

from __future__ import annotations

import duckdb

from pressdiff.errors import NotFoundError
from tasks.web.urls import canonical_url


def resolve_article(con: duckdb.DuckDBPyConnection, ref: str) -> str:
    """The article id that `ref` (an article id, version id, URL, or the file of an article
    without one) names."""
    row = con.execute(
        """SELECT article_id FROM core.articles
           WHERE article_id = $ref OR url = $url OR source_key = $ref
           UNION ALL
           SELECT article_id FROM core.versions WHERE version_id = $ref
           LIMIT 1""",
        {"ref": ref, "url": canonical_url(ref)},
    ).fetchone()
    if row is None:
        raise NotFoundError(
            f"no article or version matches {ref!r}; list them with "
            "'pressdiff sql \"select article_id, url from articles\"'"
        )
    return row[0]


def resolve_version(con: duckdb.DuckDBPyConnection, ref: str) -> str:
    """The version id that `ref` names: a version id, else the latest version of an article."""
    row = con.execute("SELECT version_id FROM core.versions WHERE version_id = ?", [ref]).fetchone()
    if row:
        return row[0]
    article_id = resolve_article(con, ref)
    return con.execute(
        "SELECT latest_version_id FROM articles WHERE article_id = ?", [article_id]
    ).fetchone()[0]


def previous_version(con: duckdb.DuckDBPyConnection, version_id: str) -> str:
    """The version before `version_id` of the same article."""
    row = con.execute(
        """SELECT p.version_id FROM versions v
           JOIN versions p ON p.article_id = v.article_id AND p.version_no = v.version_no - 1
           WHERE v.version_id = ?""",
        [version_id],
    ).fetchone()
    if row is None:
        raise NotFoundError(
            f"version {version_id} is its article's first; {_other(con, version_id)}"
        )
    return row[0]


def _other(con: duckdb.DuckDBPyConnection, version_id: str) -> str:
    """What to compare a first version with: its story's original, if it has one."""
    row = con.execute(
        """SELECT s.original_version_id FROM versions v JOIN articles a USING (article_id)
           JOIN stories s USING (story_id)
           WHERE v.version_id = ? AND s.original_version_id <> v.version_id""",
        [version_id],
    ).fetchone()
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


def history(con: duckdb.DuckDBPyConnection, ref: str) -> tuple[str, list[tuple]]:
    """(url or source, rows) of one article's versions, newest first, with the counts of its
    comparison to the version before (NULL for the first)."""
    article_id = resolve_article(con, ref)
    url = con.execute(
        "SELECT coalesce(url, source_key) FROM core.articles WHERE article_id = ?", [article_id]
    ).fetchone()[0]
    rows = con.execute(
        """SELECT version_no, version_id, seen_at, valid_to, n_words, title,
                  n_same, n_changed, n_added, n_removed, n_moved, title_changed
           FROM history(?)""",
        [article_id],
    ).fetchall()
    return url, rows


def version_labels(con: duckdb.DuckDBPyConnection, ids: list[str]) -> dict[str, tuple[str, str]]:
    """version_id -> (article_id, 'URL v2 (seen 2026-03-05 09:15)') for headers."""
    rows = con.execute(
        """SELECT v.version_id, v.article_id,
                  format('{} v{} (seen {})', coalesce(a.url, a.source_key), v.version_no,
                         strftime(v.seen_at, '%Y-%m-%d %H:%M'))
           FROM versions v JOIN core.articles a USING (article_id)
           WHERE v.version_id IN (SELECT unnest(?))""",
        [ids],
    ).fetchall()
    return {vid: (aid, label) for vid, aid, label in rows}


def resolve_story(con: duckdb.DuckDBPyConnection, ref: str) -> str:
    """The story id `ref` names: a story id, or an article URL/id/version id in a story."""
    row = con.execute("SELECT story_id FROM core.stories WHERE story_id = ?", [ref]).fetchone()
    if row:
        return row[0]
    article_id = resolve_article(con, ref)
    row = con.execute("SELECT story_id FROM articles WHERE article_id = ?", [article_id]).fetchone()
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


def story(con: duckdb.DuckDBPyConnection, ref: str) -> tuple[tuple, list[tuple]]:
    """(the story row, one row per member) for `pressdiff story`."""
    story_id = resolve_story(con, ref)
    head = con.execute(
        """SELECT s.story_id, s.n_articles, s.n_sites, s.first_published, v.title,
                  coalesce(a.url, a.source_key), s.original_version_id
           FROM stories s JOIN versions v ON v.version_id = s.original_version_id
           JOIN core.articles a ON a.article_id = v.article_id WHERE s.story_id = ?""",
        [story_id],
    ).fetchone()
    rows = con.execute(
        """WITH members AS (
               SELECT m.*, a.site, coalesce(a.url, a.source_key) AS url, v.published_at
               FROM story_members m JOIN core.articles a USING (article_id)
               JOIN versions v ON v.version_id = m.version_id
               WHERE m.story_id = $story
           ),
           original AS (
               SELECT article_id FROM members WHERE is_original
           ),
           cmp AS (
               SELECT c.*, vn.article_id AS member_article
               FROM comparisons c
               JOIN versions vo ON vo.version_id = c.old_version_id
               JOIN versions vn ON vn.version_id = c.new_version_id
               WHERE c.relation = 'republication'
                 AND vo.article_id = (SELECT article_id FROM original)
           ),
           swaps AS (
               SELECT comparison_id,
                      string_agg(DISTINCT removed || ' → ' || inserted, '; ') AS swapped
               FROM phrase_edits WHERE removed <> '' AND inserted <> ''
               GROUP BY comparison_id
           )
           SELECT CASE WHEN m.is_original THEN 'original' ELSE '' END, m.site, m.url,
                  m.version_id, m.published_at, round(m.jaccard, 2), round(m.containment, 2),
                  c.n_same, c.n_changed, c.n_added, c.n_removed, s.swapped
           FROM members m
           LEFT JOIN cmp c ON c.member_article = m.article_id
           LEFT JOIN swaps s ON s.comparison_id = c.comparison_id
           ORDER BY m.is_original DESC, m.published_at NULLS LAST, m.url""",
        {"story": story_id},
    ).fetchall()
    return head, rows

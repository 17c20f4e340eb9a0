"""The key of every table whose rows are unique by it: what the DuckDB file's PRIMARY KEY and
UNIQUE constraints enforce, and what a DuckLake (which has none) keeps by design.

Ids are content hashes (warehouse/ids.py), so a row written twice has the same key: an
insert into one of these tables skips the keys already stored (store.insert_arrow), and runs
inside the writer lock, so two writers cannot both find a key missing.
"""

from __future__ import annotations

KEYS: dict[str, tuple[str, ...]] = {
    "core.runs": ("run_id",),
    "core.articles": ("article_id",),
    "core.versions": ("version_id",),
    "core.comparisons": ("comparison_id",),
    "core.sources": ("source_id",),
    "core.dedupe_sketches": ("version_id",),
    "core.stories": ("story_id",),
    "core.tracked": ("url",),
    "core.reextractions": ("reextraction_id",),
    "core.poll_failures": ("source_id",),
}

# Sentences are written with their version, numbered within it: not a key an insert skips by,
# but one a sound warehouse never holds twice either.
CHECKED: dict[str, tuple[str, ...]] = {**KEYS, "core.sentences": ("version_id", "sentence_no")}


def stored_twice(con, keys: dict[str, tuple[str, ...]] = CHECKED) -> dict[str, int]:
    """Per table of `keys`, how many of its keys are stored more than once (0 each in a
    sound warehouse); `con` is any connection to the warehouse."""
    return {
        table: con.execute(
            f"SELECT count(*) FROM (SELECT {', '.join(key)} FROM {table} "
            "GROUP BY ALL HAVING count(*) > 1)"
        ).fetchone()[0]
        for table, key in keys.items()
    }

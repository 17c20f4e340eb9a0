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

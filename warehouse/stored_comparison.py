"""A comparison as the warehouse stored it: its counts, sentence rows and phrase edits.

`pressdiff diff` shows these rows when the pair was compared, so that it says what the
views say (the thresholds they were compared with included)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

_SQL = Path(__file__).parent / "sql"
_COMPARISON = (_SQL / "diff_comparison.sql").read_text()
_EDITS = (_SQL / "diff_sentence_edits.sql").read_text()
_PHRASES = (_SQL / "diff_phrase_edits.sql").read_text()


@dataclass(frozen=True, slots=True)
class StoredComparison:
    """One `core.comparisons` row (as a dict by column) with its edits' rows as tuples in
    the columns of diff_sentence_edits.sql and diff_phrase_edits.sql."""

    row: dict[str, object]
    edits: list[tuple]
    phrases: list[tuple]


def stored_comparison(
    con: duckdb.DuckDBPyConnection, old: str, new: str, relation: str
) -> StoredComparison | None:
    """The stored comparison of `old` with `new` (as `relation` when both were stored), or
    None when the pair was never compared."""
    cur = con.execute(_COMPARISON, {"old": old, "new": new, "relation": relation})
    found = cur.fetchone()
    if found is None:
        return None
    row = dict(zip([d[0] for d in cur.description], found, strict=True))
    ids = {"comparison_id": row["comparison_id"]}
    return StoredComparison(
        row, con.execute(_EDITS, ids).fetchall(), con.execute(_PHRASES, ids).fetchall()
    )

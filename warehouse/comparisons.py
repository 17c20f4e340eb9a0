"""Reading versions for comparison and writing what comparisons found.

A comparison is whatever has the fields below (`Compared`, `EditRow`, `PhraseRow`):
tasks/compare/align.py's Comparison does; the warehouse only stores what it is given.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

import duckdb
import pyarrow as pa

from warehouse.ids import stable_id
from warehouse.records import Sentence
from warehouse.store import Columns, insert_arrow
from warehouse.transaction import transaction

_SQL = Path(__file__).parent / "sql"
_STALE_REVISIONS = (_SQL / "stale_revisions.sql").read_text()
_SITE_BOILERPLATE = (_SQL / "site_boilerplate.sql").read_text()
_SENTENCES = (_SQL / "comparisons_sentences.sql").read_text()
# every table keyed by comparison_id (the views notable_changes and term_swaps read them)
_DERIVED = ("comparisons", "sentence_edits", "phrase_edits")


class EditRow(Protocol):
    """One aligned row of a comparison: a `sentence_edits` row."""

    @property
    def kind(self) -> str: ...
    @property
    def old_sentence_no(self) -> int | None: ...
    @property
    def new_sentence_no(self) -> int | None: ...
    @property
    def old_text(self) -> str | None: ...
    @property
    def new_text(self) -> str | None: ...
    @property
    def similarity(self) -> float: ...
    @property
    def moved(self) -> bool: ...
    @property
    def category(self) -> str | None: ...
    @property
    def significance(self) -> str | None: ...
    @property
    def rule(self) -> str | None: ...


class PhraseRow(Protocol):
    """One word-level edit inside a sentence: a `phrase_edits` row."""

    @property
    def old_sentence_no(self) -> int: ...
    @property
    def new_sentence_no(self) -> int: ...
    @property
    def removed(self) -> str: ...
    @property
    def inserted(self) -> str: ...


class Compared(Protocol):
    """What one comparison of two versions found: a `comparisons` row, its edits and phrases."""

    @property
    def jaccard(self) -> float: ...
    @property
    def containment(self) -> float: ...
    @property
    def n_same(self) -> int: ...
    @property
    def n_changed(self) -> int: ...
    @property
    def n_added(self) -> int: ...
    @property
    def n_removed(self) -> int: ...
    @property
    def n_moved(self) -> int: ...
    @property
    def title_changed(self) -> bool: ...
    @property
    def n_boilerplate(self) -> int: ...
    @property
    def significance(self) -> str | None: ...
    @property
    def summary(self) -> str | None: ...
    @property
    def edits(self) -> Sequence[EditRow]: ...
    @property
    def phrases(self) -> Sequence[PhraseRow]: ...


@dataclass(slots=True, frozen=True)
class StoredVersion:
    """A version as comparisons need it: its title and its sentences."""

    version_id: str
    title: str | None
    sentences: tuple[Sentence, ...]
    furniture: frozenset[str] = frozenset()  # hashes of its site's boilerplate sentences


def load_versions(
    con: duckdb.DuckDBPyConnection, version_ids: Iterable[str], boilerplate_min_articles: int = 3
) -> dict[str, StoredVersion]:
    """The titles, sentences and site boilerplate of `version_ids`, in bulk queries.

    The ids are registered, not found by a replacement scan: a reader connection
    (warehouse/reader.py) has no access to Python's variables."""
    con.register("wanted", pa.table({"version_id": pa.array(list(set(version_ids)), pa.string())}))
    try:
        titles = dict(
            con.execute(
                "SELECT version_id, title FROM core.versions SEMI JOIN wanted USING (version_id)"
            ).fetchall()
        )
        rows = con.execute(_SENTENCES).fetchall()
        furniture: dict[str, set[str]] = {}
        if boilerplate_min_articles > 0:
            found = con.execute(_SITE_BOILERPLATE, {"min_articles": boilerplate_min_articles})
            for vid, h in found.fetchall():
                furniture.setdefault(vid, set()).add(h)
    finally:
        con.unregister("wanted")
    sentences: dict[str, list[Sentence]] = {v: [] for v in titles}
    for vid, no, para, text, norm, h in rows:
        sentences[vid].append(Sentence(no, para, text, norm, h))
    return {
        v: StoredVersion(v, titles[v], tuple(s), frozenset(furniture.get(v, ())))
        for v, s in sentences.items()
    }


def comparison_id(old_version_id: str, new_version_id: str, relation: str) -> str:
    """The stable id of comparing `old` with `new` as `relation`."""
    return stable_id("comparison", old_version_id, new_version_id, relation)


def unseen_pairs(
    con: duckdb.DuckDBPyConnection, pairs: list[tuple[str, str]], relation: str
) -> list[tuple[str, str]]:
    """The pairs of `pairs` not compared as `relation` yet."""
    ids = [comparison_id(a, b, relation) for a, b in pairs]
    wanted = pa.table({"comparison_id": pa.array(ids, pa.string())})  # noqa: F841
    done = {
        r[0]
        for r in con.execute(
            "SELECT comparison_id FROM core.comparisons SEMI JOIN wanted USING (comparison_id)"
        ).fetchall()
    }
    return [p for p, i in zip(pairs, ids, strict=True) if i not in done]


def store_comparisons(
    con: duckdb.DuckDBPyConnection,
    results: Iterable[tuple[str, str, str, Compared]],
    run_id: str,
    now: datetime,
) -> int:
    """Write (old, new, relation, comparison) results; a pair already compared is replaced."""
    cmp, edits, phrases = Columns(), Columns(), Columns()
    for old, new, relation, c in results:
        cid = comparison_id(old, new, relation)
        cmp.add(
            comparison_id=cid,
            old_version_id=old,
            new_version_id=new,
            relation=relation,
            jaccard=c.jaccard,
            containment=c.containment,
            n_same=c.n_same,
            n_changed=c.n_changed,
            n_added=c.n_added,
            n_removed=c.n_removed,
            n_moved=c.n_moved,
            title_changed=c.title_changed,
            n_boilerplate=c.n_boilerplate,
            significance=c.significance,
            summary=c.summary,
            compared_at=now,
            run_id=run_id,
        )
        for no, e in enumerate(c.edits, start=1):
            edits.add(
                comparison_id=cid,
                edit_no=no,
                kind=e.kind,
                old_sentence_no=e.old_sentence_no,
                new_sentence_no=e.new_sentence_no,
                old_text=e.old_text,
                new_text=e.new_text,
                similarity=e.similarity,
                moved=e.moved,
                category=e.category,
                significance=e.significance,
                rule=e.rule,
            )
        for p in c.phrases:
            phrases.add(
                comparison_id=cid,
                old_sentence_no=p.old_sentence_no,
                new_sentence_no=p.new_sentence_no,
                removed=p.removed,
                inserted=p.inserted,
            )
    if not cmp:
        return 0
    with transaction(con):
        _delete(con, cmp["comparison_id"])
        insert_arrow(con, "core.comparisons", cmp)
        insert_arrow(con, "core.sentence_edits", edits)
        insert_arrow(con, "core.phrase_edits", phrases)
        pairs = zip(cmp["new_version_id"], cmp["relation"], strict=True)
        revised = [new for new, relation in pairs if relation == "revision"]
        if revised:
            _delete(con, stale_revisions(con, revised))
    return len(cmp["comparison_id"])


def stale_revisions(con: duckdb.DuckDBPyConnection, new_version_ids: list[str]) -> list[str]:
    """Revision comparisons of the articles of `new_version_ids` whose two versions are no
    longer consecutive: a capture that arrived late (a backfill) now stands between them."""
    rows = con.execute(_STALE_REVISIONS, {"new_version_ids": new_version_ids}).fetchall()
    return [r[0] for r in rows]


def _delete(con: duckdb.DuckDBPyConnection, comparison_ids: list[str]) -> None:
    """Delete comparisons and every row derived from them (edits, phrases)."""
    if not comparison_ids:
        return
    ids = pa.table({"comparison_id": pa.array(comparison_ids, pa.string())})  # noqa: F841
    for table in _DERIVED:
        con.execute(f"DELETE FROM core.{table} WHERE comparison_id IN (SELECT * FROM ids)")

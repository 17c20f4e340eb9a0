"""Re-extraction: the current extractor over the raw pages already stored.

Each version fetched from the web has its page in the snapshot store (tasks/web/snapshots.py,
`fetches.snapshot`). Re-extracting it tells an extractor change from an editorial one: a
text that differs from the stored version's is recorded in `core.reextractions` and
compared with the version as relation 'reextraction' (whose `comparisons.cause` is
'extraction'), never stored as a new version. Local files keep no snapshot: there is
nothing to re-read, and they are counted as such.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from pressdiff.errors import PressdiffError
from tasks.compare.align import compare
from tasks.inputs.read import read_ref
from tasks.text.extract import extract_document
from tasks.text.typography import stable_id
from tasks.web.snapshots import SnapshotStore
from warehouse import reextract as stored
from warehouse.comparisons import load_versions, store_comparisons
from warehouse.records import Article, InputRef, Reject
from warehouse.store import Columns

if TYPE_CHECKING:
    from duckdb import DuckDBPyConnection


@dataclass(slots=True)
class Reextracted:
    """What one re-extraction found."""

    checked: int = 0  # versions whose stored page was re-extracted
    same: int = 0  # ... giving the stored text
    differ: int = 0  # ... giving another text (or none): recorded as 'reextraction'
    no_snapshot: int = 0  # versions from local files or with no stored page
    missing: int = 0  # snapshots named but not in the store (or unreadable)


def reextract_page(body: bytes, source: str, url: str, min_words: int = 20) -> Article | Reject:
    """The Article the current extractor finds in a stored page."""
    ref = InputRef(source=source, fmt="html", body=body, url=url)
    doc = next(read_ref(ref, len(body)))
    return doc if isinstance(doc, Reject) else extract_document(doc, min_words)


def reextract(
    con: DuckDBPyConnection,
    snapshots: SnapshotStore,
    run_id: str,
    now: datetime,
    site: str | None = None,
) -> Reextracted:
    """Re-extract every stored page of the versions (of `site`) and record the differences."""
    found, rows, pairs = Reextracted(), Columns(), []
    for version_id, source, url, text_hash, snapshot in stored.candidates(con, site):
        if snapshot is None:
            found.no_snapshot += 1
            continue
        try:
            body = snapshots.get(snapshot)
        except PressdiffError:
            found.missing += 1
            continue
        got = reextract_page(body, source, url)
        found.checked += 1
        text = got.text if isinstance(got, Article) else None
        differs = text is None or got.text_hash != text_hash
        found.differ += differs
        found.same += not differs
        extractor = got.extractor if isinstance(got, Article) else f"none: {got.reason}"
        rid = stable_id("reextraction", version_id, snapshot, extractor)
        rows.add(
            reextraction_id=rid,
            version_id=version_id,
            snapshot=snapshot,
            extractor=extractor,
            title=got.title if isinstance(got, Article) else None,
            text=text,
            text_hash=got.text_hash if isinstance(got, Article) else None,
            differs=differs,
            reextracted_at=now,
            run_id=run_id,
        )
        if differs:
            pairs.append((version_id, rid, got))
    stored.store_reextractions(con, rows)
    _compare(con, pairs, run_id, now)
    return found


def _compare(con: DuckDBPyConnection, pairs: list, run_id: str, now: datetime) -> None:
    """Compare each version with its differing re-extraction, as relation 'reextraction'."""
    versions = load_versions(con, {v for v, _, _ in pairs})
    results = []
    for version_id, rid, got in pairs:
        old = versions[version_id]
        title, sentences = (got.title, got.sentences) if isinstance(got, Article) else (None, [])
        c = compare(old.title, old.sentences, title, sentences, furniture=old.furniture)
        results.append((version_id, rid, "reextraction", c))
    store_comparisons(con, results, run_id, now)

"""The part every flow shares: extract, store, compare, find stories.

Called from inside a flow; it is task calls in order, with extraction of batch k+1
overlapping the storing of batch k.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain

from pressdiff.settings import Settings
from tasks.article import InputRef
from tasks.dedupe import find_stories
from tasks.discover import batched
from tasks.extract import extract_batch
from tasks.links import Link
from tasks.load import compare_versions, store_batch
from tasks.web import fetch_articles
from warehouse.store import StoreResult

DEDUPE_BATCH = 2000  # new versions matched against the warehouse per task run


def process(
    db: str, run_id: str, refs: list[InputRef], links: list[Link], s: Settings
) -> tuple[StoreResult, int]:
    """Store what `refs` hold and `links` point to; returns what was stored, comparisons."""
    local = batched(refs, s.batch_size)
    fetched: Iterable = (
        fetch_articles(db, batch, run_id, s) for batch in batched(links, s.batch_size)
    )
    stored, pending = StoreResult(), None
    for batch in chain(local, fetched):
        future = extract_batch.submit(batch, s.workers, s.max_file_bytes, s.min_words)
        if pending is not None:
            stored.add(store_batch(db, pending.result(), run_id))
        pending = future
    if pending is not None:
        stored.add(store_batch(db, pending.result(), run_id))
    republished = [
        pair
        for ids in batched(stored.new_version_ids, DEDUPE_BATCH)
        for pair in find_stories(db, ids, run_id, **s.dedupe_params())
    ]
    compared = sum(
        compare_versions(db, pairs, relation, run_id, s.same_threshold, s.change_threshold)
        for relation, todo in (("revision", stored.revisions), ("republication", republished))
        for pairs in batched(todo, s.batch_size)
    )
    return stored, compared

"""The part every flow shares: extract, store, compare, find stories.

Called from inside a flow; it is task calls in order, with extraction of batch k+1
overlapping the storing of batch k (on a Dask cluster, of as many batches as it has worker
threads: tasks/steps/cluster.py). It starts with the matching and comparisons that a
run killed half-way left owing (warehouse/pending.py), so that nothing is lost. Batches
go to tasks `quote`d: Prefect would otherwise walk every article and sentence in them
looking for futures (measured: 2 s per 600 pages).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from itertools import chain

from prefect.utilities.annotations import quote

from flows.settings import Settings
from pressdiff import progress, stopping
from tasks.inputs.discover import batched
from tasks.steps import stage_clock
from tasks.steps.dedupe import find_stories
from tasks.steps.extract import extraction
from tasks.steps.fetch import fetch_articles
from tasks.steps.load import compare_versions, owed_work, store_batch
from tasks.web.links import Link
from warehouse.records import InputRef
from warehouse.store import StoreResult


def process(
    db: str, run_id: str, refs: list[InputRef], links: list[Link], s: Settings
) -> tuple[StoreResult, int]:
    """Store what `refs` hold and `links` point to; returns what was stored, comparisons."""
    progress.expect("extract", len(refs) + len(links))
    progress.expect("store", len(refs) + len(links))
    local = batched(refs, s.batch_size)
    fetched: Iterable = (
        fetch_articles(db, quote(batch), run_id, s.fetch) for batch in batched(links, s.batch_size)
    )
    stored, compared = StoreResult(), resume(db, run_id, s)
    with extraction(s.workers, s.extract, s.dask_address) as extractor:
        in_flight: deque = deque()
        for batch in stopping.until_requested(chain(local, fetched)):  # Ctrl-C: no new batch
            in_flight.append(extractor.submit(batch, stage_clock.stopwatch(run_id, "extract")))
            while len(in_flight) > extractor.ahead:  # store the oldest while the rest extract
                compared += finish(db, run_id, extractor.result(in_flight.popleft()), stored, s)
        for results in extractor.rest(in_flight):
            compared += finish(db, run_id, results, stored, s)
    return stored, compared


def resume(db: str, run_id: str, s: Settings) -> int:
    """Do the work runs killed half-way still owe; returns how many comparisons it made."""
    owed = owed_work(db)
    compared = sum(
        follow_up(db, run_id, ids, {}, s) for ids in batched(owed.version_ids, s.batch_size)
    )
    return compared + follow_up(db, run_id, [], owed.pairs, s)


def finish(db: str, run_id: str, results: list, stored: StoreResult, s: Settings) -> int:
    """Store one extracted batch, match it against the warehouse and compare what is new
    (while the next batch is being extracted); returns how many comparisons it made."""
    batch = store_batch(db, quote(results), run_id, s.seen_at)
    stored.add(batch)
    return follow_up(db, run_id, batch.new_version_ids, {"revision": batch.revisions}, s)


def follow_up(
    db: str,
    run_id: str,
    version_ids: list[str],
    pairs: dict[str, list[tuple[str, str]]],
    s: Settings,
) -> int:
    """Match `version_ids` against the warehouse, then compare `pairs` (by relation) and
    the republications found; returns how many comparisons it made."""
    republished = find_stories(db, quote(version_ids), run_id, s.dedupe) if version_ids else []
    todo = {**pairs, "republication": pairs.get("republication", []) + republished}
    return sum(
        compare_versions(db, quote(p), relation, run_id, s.align)
        for relation, p in todo.items()
        if p
    )

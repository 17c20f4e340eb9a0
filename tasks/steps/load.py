"""Loading into the warehouse: the Prefect tasks around warehouse/store.py.

The flow's one DuckDB connection is opened by `warehouse.connection.warehouse` and
shared by these tasks (DuckDB allows one writer per file); every write is a bulk insert.
A batch is stored in one transaction, and each comparison batch in one more: a run killed
at any point leaves no half-stored batch, and the work it still owed to the next run
(warehouse/pending.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import asdict
from datetime import UTC, datetime

import duckdb
from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from pressdiff import progress, stopping
from tasks.compare.align import compare
from tasks.compare.settings import AlignSettings
from tasks.steps import stage_clock
from tasks.steps.pause_points import pause_point
from tasks.versions import Plan, article_id_of, sighting_article_id
from warehouse import pending, store
from warehouse.comparisons import load_versions, store_comparisons, unseen_pairs
from warehouse.connection import warehouse
from warehouse.records import Article, Reject, Sighting, StoreResult
from warehouse.transaction import transaction


def store_articles(
    con: duckdb.DuckDBPyConnection, articles: Iterable[Article], run_id: str, now: datetime
) -> StoreResult:
    """Store a batch: new articles, new versions (with sentences), sightings of known texts,
    and the matching and comparisons the new versions make due (rules: tasks/versions.py)."""
    articles = sorted(articles, key=lambda a: a.seen_at or now)
    if not articles:
        return StoreResult()
    renamed = store.moved(con, {article_id_of(a): a.text_hash for a in articles if not a.url})
    ids_of = [renamed.get(i, i) for i in map(article_id_of, articles)]
    plan = Plan(*store.known(con, list(set(ids_of)), list({a.text_hash for a in articles})))
    for a, article_id in zip(articles, ids_of, strict=True):
        plan.add(a, a.seen_at or now, run_id, article_id)
    store.write_plan(con, plan.cols, plan.result, run_id)
    return plan.result


def store_sightings(
    con: duckdb.DuckDBPyConnection, sightings: Iterable[Sighting], run_id: str
) -> tuple[int, list[Reject]]:
    """Record URLs seen unchanged (304s, revisits) as sightings of the version current then;
    returns (how many, rejects for URLs with no stored version)."""
    sightings = list(sightings)
    if not sightings:
        return 0, []
    ids = {s: sighting_article_id(s) for s in sightings}
    plan = Plan(*store.known(con, list(set(ids.values())), []))
    for s in sightings:
        plan.add_sighting(s, run_id, ids[s])
    store.write_plan(con, {"sightings": plan.cols["sightings"]}, StoreResult(), run_id)
    return plan.result.unchanged, plan.rejects


@task(name="open-run", cache_policy=NO_CACHE)
def open_run(db: str, command: str) -> str:
    """Open the warehouse and record a new run; returns its id."""
    run_id = uuid.uuid4().hex[:16]
    store.start_run(warehouse(db), run_id, flow_run.get_id(), command, datetime.now(UTC))
    return run_id


@task(name="store-batch", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1)
def store_batch(
    db: str,
    results: list[Article | Reject | Sighting],
    run_id: str,
    seen_at: datetime | None = None,
) -> StoreResult:
    """Store a batch of extraction results (versions, sightings and rejects) in one
    transaction. An article that carries no capture time of its own was seen at `seen_at`
    (default: now)."""
    con = warehouse(db)
    now = datetime.now(UTC)
    articles = [r for r in results if isinstance(r, Article)]
    rejects = [r for r in results if isinstance(r, Reject)]
    pause_point("store-batch")
    with stage_clock.timed(run_id, "store"), transaction(con):
        result = store_articles(con, articles, run_id, seen_at or now)
        unchanged, unknown = store_sightings(
            con, [r for r in results if isinstance(r, Sighting)], run_id
        )
        result.unchanged += unchanged
        result.rejected = store.store_rejects(con, rejects + unknown, run_id, now)
        pause_point("store-written")
    progress.advance("store", len(results))
    return result


@task(name="record-rejects", cache_policy=NO_CACHE)
def record_rejects(db: str, rejects: list[Reject], run_id: str) -> int:
    """Record rejects found before extraction (missing files, refused URLs)."""
    return store.store_rejects(warehouse(db), rejects, run_id, datetime.now(UTC))


@task(name="close-run", cache_policy=NO_CACHE)
def close_run(db: str, run_id: str, counts: dict[str, int]) -> str:
    """Record how the run ended (`interrupted` when a stop was asked for); returns its status."""
    if stopping.requested():
        status = "interrupted"
    else:
        status = "completed_with_rejects" if counts.get("n_rejected") else "completed"
    store.finish_run(warehouse(db), run_id, status, counts, datetime.now(UTC))
    return status


@task(name="compare-versions", cache_policy=NO_CACHE)
def compare_versions(
    db: str,
    pairs: list[tuple[str, str]],
    relation: str,
    run_id: str,
    align: AlignSettings | None = None,
) -> int:
    """Compare a batch of (old, new) version pairs and store the results; returns how many."""
    with stage_clock.timed(run_id, "comparisons"):
        return _compare_versions(warehouse(db), pairs, relation, run_id, align)


def _compare_versions(
    con: duckdb.DuckDBPyConnection,
    pairs: list[tuple[str, str]],
    relation: str,
    run_id: str,
    align: AlignSettings | None,
) -> int:
    """`compare_versions` on the flow's connection `con`."""
    todo = unseen_pairs(con, pairs, relation)  # a pair of texts compares the same every time
    versions = load_versions(con, {v for pair in todo for v in pair})
    results = []
    progress.expect("compare", len(todo))
    for old_id, new_id in todo:
        old, new = versions[old_id], versions[new_id]
        c = compare(
            *(old.title, old.sentences, new.title, new.sentences),
            **asdict(align or AlignSettings()),
            furniture=old.furniture | new.furniture,
        )
        results.append((old_id, new_id, relation, c))
        progress.advance("compare", 1)
    with transaction(con):
        n = store_comparisons(con, results, run_id, datetime.now(UTC))
        pending.settle(con, relation, pairs)
        pause_point("compare-written")
    return n


@task(name="owed-work", cache_policy=NO_CACHE)
def owed_work(db: str) -> pending.Owed:
    """The matching and comparisons runs killed half-way left undone."""
    return pending.owed(warehouse(db))

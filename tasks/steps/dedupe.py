"""Stories: the Prefect task that finds near-duplicates of new versions and regroups them.

The cores are pure: tasks/dedupe/minhash.py (sketches, bands, anchors), pairs.py
(verification), stories.py (clustering), settings.py (their one settings object);
warehouse/dedupe.py reads and stores their rows. The functions here run one between the
other, on the flow's connection.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

import duckdb
from prefect import task
from prefect.cache_policies import NO_CACHE

from pressdiff import progress
from tasks.dedupe.minhash import band_keys, sketch
from tasks.dedupe.pairs import (
    Candidate,
    Doc,
    Pair,
    article_pairs,
    pair_columns,
    pair_of_row,
    shingle_sets,
    verify,
)
from tasks.dedupe.settings import DEFAULTS, DedupeSettings
from tasks.dedupe.stories import Story, cluster, story_columns
from tasks.steps import stage_clock
from tasks.steps.pause_points import pause_point
from warehouse import dedupe, pending
from warehouse.connection import warehouse
from warehouse.transaction import transaction


def index_versions(
    con: duckdb.DuckDBPyConnection, version_ids: Iterable[str], settings: DedupeSettings
) -> int:
    """Sketch `version_ids` (not yet sketched) and store their signatures, bands, anchors."""
    rows = dedupe.unsketched(con, version_ids)
    if not rows:
        return 0
    s = settings
    sk = sketch([r[1] for r in rows], s.shingle_size, s.num_perm, s.anchor_scale, s.seed)
    dedupe.store_sketches(
        con,
        [r[0] for r in rows],
        signatures=sk.signatures,
        n_shingles=sk.n_shingles,
        anchor_offsets=sk.anchors.offsets,
        anchor_keys=sk.anchors.values,
        band_keys=band_keys(sk.signatures, s.lsh_bands),
        params=s.params(),
    )
    return len(rows)


def candidates(
    con: duckdb.DuckDBPyConnection, version_ids: Iterable[str], settings: DedupeSettings
) -> list[Candidate]:
    """Candidate pairs of `version_ids` with any stored version of another article."""
    rows = dedupe.candidates(
        con,
        version_ids,
        max_df=settings.anchor_max_df,
        min_shared=settings.anchor_min_shared,
        min_share=settings.anchor_min_share,
        sentence_min_words=settings.sentence_min_words,
    )
    return [Candidate(*r) for r in rows]


def load_docs(con: duckdb.DuckDBPyConnection, version_ids: Iterable[str]) -> dict[str, Doc]:
    """The versions as stories need them."""
    return {r[0]: Doc(*r) for r in dedupe.doc_rows(con, version_ids)}


def load_verification_docs(
    con: duckdb.DuckDBPyConnection, version_ids: Iterable[str], min_articles: int
) -> dict[str, Doc]:
    """The versions as verification compares them: without their site's boilerplate."""
    return {r[0]: Doc(*r) for r in dedupe.verification_rows(con, version_ids, min_articles)}


def verify_candidates(
    con: duckdb.DuckDBPyConnection, cands: Sequence[Candidate], settings: DedupeSettings
) -> list[Pair]:
    """Exact Jaccard and containment of every candidate; the ones that pass."""
    ids = {v for c in cands for v in (c.version_a, c.version_b)}
    docs = load_verification_docs(con, ids, settings.boilerplate_min_articles)
    return verify(cands, shingle_sets(docs.values(), settings.shingle_size), settings)


def component(con: duckdb.DuckDBPyConnection, seeds: Iterable[str]) -> tuple[set[str], list[Pair]]:
    """Every version of every article connected to `seeds`, and the pairs that connect them."""
    versions, rows = dedupe.component(con, seeds)
    return versions, [pair_of_row(r) for r in rows]


def restory(
    con: duckdb.DuckDBPyConnection, seeds: Iterable[str], settings: DedupeSettings, now: datetime
) -> tuple[list[Story], list[tuple[str, str]]]:
    """Rebuild the stories of every article connected to `seeds`; returns them and the
    (original version, member version) pairs that match best, to compare."""
    versions, pairs = component(con, seeds)
    rows = dedupe.latest_versions(con, versions)
    article_of = {v: a for v, a, _ in rows}
    latest = {a: lv for _, a, lv in rows}
    apairs, behind = article_pairs(pairs, article_of, latest)
    docs = load_docs(con, latest.values())
    stories = cluster(list(docs.values()), apairs, settings)
    dedupe.store_stories(con, *story_columns(stories), latest.keys(), now)
    to_compare = []
    for s in stories:
        original_article = article_of[s.original_version_id]
        for m in s.members:
            if not m.is_original:
                p = behind[tuple(sorted((s.original_version_id, m.version_id)))]
                a_is_original = article_of[p.version_a] == original_article
                to_compare.append(
                    (p.version_a, p.version_b) if a_is_original else (p.version_b, p.version_a)
                )
    return stories, to_compare


@task(name="find-stories", cache_policy=NO_CACHE)
def find_stories(
    db: str, version_ids: list[str], run_id: str, settings: DedupeSettings = DEFAULTS
) -> list[tuple[str, str]]:
    """Match a batch of new versions against the warehouse, record verified pairs, rebuild
    the affected stories; returns (original, member) version pairs to compare.

    The settings come from `Settings.dedupe`, their one home (and defaults)."""
    con = warehouse(db)
    now = datetime.now(UTC)
    with stage_clock.timed(run_id, "candidates"), transaction(con):
        index_versions(con, version_ids, settings)
    pause_point("stories-indexed")
    # Candidates are read once the index is committed: inside the write transaction DuckDB
    # joined the uncommitted bands and anchors without statistics, 10-20x slower and with
    # gigabytes of hash tables (5,000 small files peaked at 4.4 GB). A run killed from here
    # to the commit below leaves `version_ids` owed (warehouse/pending.py): matched again.
    with stage_clock.timed(run_id, "candidates"):
        cands = candidates(con, version_ids, settings)
    with stage_clock.timed(run_id, "verification"):
        pairs = verify_candidates(con, cands, settings)
    with stage_clock.timed(run_id, "stories"), transaction(con):
        dedupe.store_pairs(con, pair_columns(pairs), run_id, now)
        touched = {v for p in pairs for v in (p.version_a, p.version_b)}
        _, to_compare = restory(con, touched, settings, now) if touched else ([], [])
        pending.settle(con, pending.STORIES, version_ids)
        pending.owe(con, "republication", to_compare, run_id)
    progress.advance("stories", len(version_ids))
    return to_compare

"""Stories: the Prefect task that finds near-duplicates of new versions and regroups them.

The cores are in tasks/dedupe/minhash.py (sketches, bands, anchors) and tasks/dedupe/stories.py
(verification, clustering); warehouse/dedupe.py keeps them in DuckDB.
"""

from __future__ import annotations

from datetime import UTC, datetime

from prefect import task
from prefect.cache_policies import NO_CACHE

from pressdiff import progress
from tasks.dedupe.minhash import SEED
from tasks.dedupe.stories import Thresholds, pair_params
from tasks.steps.pause_points import pause_point
from warehouse import dedupe, pending
from warehouse.connection import warehouse
from warehouse.transaction import transaction


@task(name="find-stories", cache_policy=NO_CACHE)
def find_stories(
    db: str,
    version_ids: list[str],
    run_id: str,
    *,
    shingle_size: int,
    num_perm: int,
    bands: int,
    jaccard: float,
    containment: float,
    boilerplate_min_articles: int,
    anchor_scale: int,
    anchor_max_df: int,
    anchor_min_shared: int,
    anchor_min_share: float,
    sentence_min_words: int,
) -> list[tuple[str, str]]:
    """Match a batch of new versions against the warehouse, record verified pairs, rebuild
    the affected stories; returns (original, member) version pairs to compare.

    The settings come from `Settings.dedupe_params()`, their one home (and defaults)."""
    con = warehouse(db)
    now = datetime.now(UTC)
    thresholds = Thresholds(jaccard, containment, shingle_size, boilerplate_min_articles)
    with transaction(con):
        dedupe.index_versions(
            con, version_ids, k=shingle_size, num_perm=num_perm, bands=bands, scale=anchor_scale
        )
    pause_point("stories-indexed")
    # Candidates are read once the index is committed: inside the write transaction DuckDB
    # joined the uncommitted bands and anchors without statistics, 10-20x slower and with
    # gigabytes of hash tables (5,000 small files peaked at 4.4 GB). A run killed from here
    # to the commit below leaves `version_ids` owed (warehouse/pending.py): matched again.
    cands = dedupe.candidates(
        con,
        version_ids,
        max_df=anchor_max_df,
        min_shared=anchor_min_shared,
        min_share=anchor_min_share,
        sentence_min_words=sentence_min_words,
    )
    params = pair_params(
        thresholds,
        num_perm=num_perm,
        bands=bands,
        seed=SEED,
        anchor_scale=anchor_scale,
        max_df=anchor_max_df,
        min_shared=anchor_min_shared,
        min_share=anchor_min_share,
        sentence_min_words=sentence_min_words,
    )
    pairs = dedupe.verify_candidates(con, cands, thresholds, params)
    with transaction(con):
        dedupe.store_pairs(con, pairs, run_id, now)
        touched = {v for p in pairs for v in (p.version_a, p.version_b)}
        _, to_compare = dedupe.restory(con, touched, thresholds, now) if touched else ([], [])
        pending.settle(con, pending.STORIES, version_ids)
        pending.owe(con, "republication", to_compare, run_id)
    progress.advance("stories", len(version_ids))
    return to_compare

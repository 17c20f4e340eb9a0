"""Near-duplicates in the warehouse: sketches, bands and anchors stored, candidates as one
join, the rows verification and stories read, and the pairs and stories they make.

Nothing here decides: sketching, verification and clustering are tasks/dedupe/ (pure), and
tasks/steps/dedupe.py runs them between these reads and writes. New versions are matched
incrementally against every stored version of other articles; nothing stored is sketched
again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from warehouse.store import insert_arrow
from warehouse.transaction import transaction

_SQL = Path(__file__).parent / "sql"
CANDIDATES_SQL = (_SQL / "dedupe_candidates.sql").read_text()
UNSKETCHED_SQL = (_SQL / "dedupe_unsketched.sql").read_text()
DOCS_SQL = (_SQL / "dedupe_docs.sql").read_text()
VERIFICATION_DOCS_SQL = (_SQL / "dedupe_verification_docs.sql").read_text()
COMPONENT_STEP_SQL = (_SQL / "dedupe_component_step.sql").read_text()
LATEST_VERSIONS_SQL = (_SQL / "dedupe_latest_versions.sql").read_text()
DROP_STORIES_SQL = (_SQL / "dedupe_drop_stories.sql").read_text()
FORGET_PAIRS_SQL = (_SQL / "dedupe_forget_pairs.sql").read_text()


def _ids(version_ids: Iterable[str]) -> pa.Table:
    return pa.table({"version_id": pa.array(sorted(set(version_ids)), pa.string())})


def unsketched(con: duckdb.DuckDBPyConnection, version_ids: Iterable[str]) -> list[tuple]:
    """(version_id, norm) of the versions of `version_ids` not sketched yet, by id."""
    wanted = _ids(version_ids)  # noqa: F841
    return con.execute(UNSKETCHED_SQL).fetchall()


def store_sketches(
    con: duckdb.DuckDBPyConnection,
    ids: Sequence[str],
    *,
    signatures: NDArray[np.uint32],
    n_shingles: NDArray[np.int64],
    anchor_offsets: NDArray[np.int64],
    anchor_keys: NDArray[np.uint64],
    band_keys: NDArray[np.uint64],
    params: str,
) -> None:
    """Store the signatures, LSH band keys (of versions with shingles) and anchors of `ids`,
    row i of each array being ids[i]'s; `params` (JSON) records how they were made."""
    n, num_perm = signatures.shape
    bands = band_keys.shape[1]
    n_anchors = np.diff(anchor_offsets)
    live = np.flatnonzero(n_shingles > 0)
    id_arr = pa.array(ids, pa.string())
    with transaction(con):
        # Arrow arrays built from numpy buffers: no Python object per band or anchor
        signature = pa.FixedSizeListArray.from_arrays(pa.array(signatures.reshape(-1)), num_perm)
        insert_arrow(
            con,
            "core.dedupe_sketches",
            {
                "version_id": id_arr,
                "n_shingles": pa.array(n_shingles.astype(np.int32)),
                "n_anchors": pa.array(n_anchors.astype(np.int32)),
                "signature": signature.cast(pa.list_(pa.uint32())),
                "params": pa.array([params] * n, pa.string()),
            },
        )
        insert_arrow(
            con,
            "core.lsh_bands",
            {
                "version_id": id_arr.take(pa.array(np.repeat(live, bands))),
                "band": pa.array(np.tile(np.arange(bands, dtype=np.uint8), len(live))),
                "key": pa.array(band_keys[live].reshape(-1)),
            },
        )
        insert_arrow(
            con,
            "core.dedupe_anchors",
            {
                "version_id": id_arr.take(pa.array(np.repeat(np.arange(n), n_anchors))),
                "key": pa.array(anchor_keys),
            },
        )


def candidates(
    con: duckdb.DuckDBPyConnection,
    version_ids: Iterable[str],
    *,
    max_df: int,
    min_shared: int,
    min_share: float,
    sentence_min_words: int,
) -> list[tuple[str, str, str, float]]:
    """(version_a, version_b, method, estimated_jaccard) of the candidate pairs of
    `version_ids` with any stored version of another article: by LSH band, by shared
    anchors, or by a shared sentence (`sentence_min_words=0`: not that way)."""
    new_versions = _ids(version_ids)  # noqa: F841
    params = {
        "max_df": max_df,
        "min_shared": min_shared,
        "min_share": min_share,
        "sentence_min_words": sentence_min_words,
    }
    rows = con.execute(CANDIDATES_SQL, params).fetchall()
    return [(a, b, method, est) for a, b, method, *_, est in rows]


def doc_rows(con: duckdb.DuckDBPyConnection, version_ids: Iterable[str]) -> list[tuple]:
    """(version_id, article_id, site, published_at, norm, first seen) of the versions."""
    wanted = _ids(version_ids)  # noqa: F841
    return con.execute(DOCS_SQL).fetchall()


def verification_rows(
    con: duckdb.DuckDBPyConnection, version_ids: Iterable[str], min_articles: int
) -> list[tuple]:
    """The versions as verification compares them: without their site's boilerplate.

    A sentence found in `min_articles` or more articles of one site ("Subscribe to our
    newsletter...", a copyright line) is that site's boilerplate: it is left out of the
    site's texts here, so a short copy padded with it is still mostly the original's text
    (and two articles sharing only it share nothing). 0 turns this off."""
    if min_articles <= 0:
        return doc_rows(con, version_ids)
    wanted = _ids(version_ids)  # noqa: F841
    return con.execute(VERIFICATION_DOCS_SQL, {"min_articles": min_articles}).fetchall()


def store_pairs(
    con: duckdb.DuckDBPyConnection, cols: dict[str, list], run_id: str, now: datetime
) -> int:
    """Record verified pairs, `duplicate_pairs` columns (a pair found again replaces its row)."""
    n = len(cols.get("version_a", []))
    if not n:
        return 0
    found = pa.table({"version_a": cols["version_a"], "version_b": cols["version_b"]})  # noqa: F841
    stamps = {"found_at": [now] * n, "run_id": [run_id] * n}
    with transaction(con):
        con.execute(FORGET_PAIRS_SQL)
        insert_arrow(con, "core.duplicate_pairs", {**cols, **stamps})
    return n


def component(con: duckdb.DuckDBPyConnection, seeds: Iterable[str]) -> tuple[set[str], list[tuple]]:
    """Every version of every article connected to `seeds` through verified pairs, and
    those pairs as stored rows (version_a, version_b, method, estimated_jaccard, shared,
    n_a, n_b, params): grown from the seeds a step at a time, reading only the pairs it
    needs."""
    seen: set[str] = set()
    frontier, picked = set(seeds), {}
    while frontier:
        step = _ids(frontier)  # noqa: F841
        rows = con.execute(COMPONENT_STEP_SQL).fetchall()
        seen |= frontier
        frontier = set()
        for *edge, version in rows:
            reached = {version} | ({edge[0], edge[1]} if edge[0] is not None else set())
            frontier |= reached - seen
            if edge[0] is not None:
                picked[(edge[0], edge[1])] = tuple(edge)
    return seen, list(picked.values())


def latest_versions(con: duckdb.DuckDBPyConnection, version_ids: Iterable[str]) -> list[tuple]:
    """(version_id, article_id, latest version of the article) of each version."""
    wanted = _ids(version_ids)  # noqa: F841
    return con.execute(LATEST_VERSIONS_SQL).fetchall()


def store_stories(
    con: duckdb.DuckDBPyConnection,
    stories: dict[str, list],
    members: dict[str, list],
    article_ids: Iterable[str],
    now: datetime,
) -> None:
    """Replace the stories of `article_ids` with `stories` and their `members` (columns)."""
    arts = pa.table({"article_id": pa.array(list(set(article_ids)), pa.string())})  # noqa: F841
    n = len(stories.get("story_id", []))
    with transaction(con):
        con.execute(DROP_STORIES_SQL)
        insert_arrow(con, "core.stories", {**stories, "updated_at": [now] * n})
        insert_arrow(con, "core.story_members", members)

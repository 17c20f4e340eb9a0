"""Near-duplicates in the warehouse: sketches and bands stored, candidates as one join,
verified pairs and the stories built from them.

New versions are matched incrementally against every stored version of other articles;
nothing stored is sketched again. Stories group articles: an outlet often republishes an
earlier version of a wire story, so two articles are near-duplicates when any of their
versions are, and a republication is compared with the version of the original it matches
best.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from tasks.dedupe.minhash import SEED, band_keys, sketch
from tasks.dedupe.stories import (
    Candidate,
    Doc,
    Overlap,
    Pair,
    Story,
    Thresholds,
    cluster,
    shingle_sets,
    verify,
)
from warehouse.store import insert_arrow

CANDIDATES_SQL = (Path(__file__).parent / "sql" / "dedupe_candidates.sql").read_text()


def _ids(version_ids: Iterable[str]) -> pa.Table:
    return pa.table({"version_id": pa.array(sorted(set(version_ids)), pa.string())})


def index_versions(
    con: duckdb.DuckDBPyConnection,
    version_ids: Sequence[str],
    *,
    k: int,
    num_perm: int,
    bands: int,
    scale: int,
) -> int:
    """Sketch `version_ids` (not yet sketched) and store their signatures, bands, anchors."""
    wanted = _ids(version_ids)  # noqa: F841
    rows = con.execute(
        """SELECT version_id, norm FROM core.versions SEMI JOIN wanted USING (version_id)
           ANTI JOIN core.dedupe_sketches USING (version_id) ORDER BY version_id"""
    ).fetchall()
    if not rows:
        return 0
    ids = [r[0] for r in rows]
    sk = sketch([r[1] for r in rows], k=k, num_perm=num_perm, scale=scale)
    keys = band_keys(sk.signatures, bands)
    params = json.dumps(
        {
            "shingle_size": k,
            "num_perm": num_perm,
            "bands": bands,
            "anchor_scale": scale,
            "seed": SEED,
        }
    )
    n_anchors = np.diff(sk.anchors.offsets)
    live = np.flatnonzero(sk.n_shingles > 0)
    id_arr = pa.array(ids, pa.string())
    n = len(ids)
    # Arrow arrays built from numpy buffers: no Python object per band or anchor
    signature = pa.FixedSizeListArray.from_arrays(pa.array(sk.signatures.reshape(-1)), num_perm)
    insert_arrow(
        con,
        "core.dedupe_sketches",
        {
            "version_id": id_arr,
            "n_shingles": pa.array(sk.n_shingles.astype(np.int32)),
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
            "key": pa.array(keys[live].reshape(-1)),
        },
    )
    insert_arrow(
        con,
        "core.dedupe_anchors",
        {
            "version_id": id_arr.take(pa.array(np.repeat(np.arange(n), n_anchors))),
            "key": pa.array(sk.anchors.values),
        },
    )
    return len(ids)


def candidates(
    con: duckdb.DuckDBPyConnection,
    version_ids: Sequence[str],
    *,
    max_df: int,
    min_shared: int,
    min_share: float,
    sentence_min_words: int,
) -> list[Candidate]:
    """Candidate pairs of `version_ids` with any stored version of another article: by LSH
    band, by shared anchors, or by a shared sentence (`sentence_min_words=0`: not that way)."""
    new_versions = _ids(version_ids)  # noqa: F841
    rows = con.execute(
        f"""WITH c AS ({CANDIDATES_SQL.rstrip().rstrip(";")})
            SELECT c.version_a, c.version_b, c.method, c.estimated_jaccard FROM c
            JOIN core.versions va ON va.version_id = c.version_a
            JOIN core.versions vb ON vb.version_id = c.version_b
            WHERE va.article_id <> vb.article_id""",
        {
            "max_df": max_df,
            "min_shared": min_shared,
            "min_share": min_share,
            "sentence_min_words": sentence_min_words,
        },
    ).fetchall()
    return [Candidate(a, b, m, j) for a, b, m, j in rows]


def load_docs(con: duckdb.DuckDBPyConnection, version_ids: Iterable[str]) -> dict[str, Doc]:
    """The versions as stories need them."""
    wanted = _ids(version_ids)  # noqa: F841
    rows = con.execute(
        """SELECT v.version_id, v.article_id, a.site, v.published_at, v.norm,
                  least(a.first_seen, (SELECT min(x.seen_at) FROM core.versions x
                                     WHERE x.article_id = v.article_id))  -- article's first
           FROM core.versions v JOIN core.articles a USING (article_id)
           SEMI JOIN wanted USING (version_id)"""
    ).fetchall()
    return {r[0]: Doc(*r) for r in rows}


def load_verification_docs(
    con: duckdb.DuckDBPyConnection, version_ids: Iterable[str], min_articles: int
) -> dict[str, Doc]:
    """The versions as verification compares them: without their site's boilerplate.

    A sentence found in `min_articles` or more articles of one site ("Subscribe to our
    newsletter...", a copyright line) is that site's boilerplate: it is left out of the
    site's texts here, so a short copy padded with it is still mostly the original's text
    (and two articles sharing only it share nothing). 0 turns this off."""
    if min_articles <= 0:
        return load_docs(con, version_ids)
    wanted = _ids(version_ids)  # noqa: F841
    rows = con.execute(
        """WITH w AS (
               SELECT v.version_id, v.article_id, a.site, v.published_at,
                      least(a.first_seen, (SELECT min(x.seen_at) FROM core.versions x
                                         WHERE x.article_id = v.article_id)) AS seen_at
               FROM core.versions v JOIN core.articles a USING (article_id)
               SEMI JOIN wanted USING (version_id)),
           ws AS (
               SELECT w.version_id, w.site, s.sentence_no, s.norm, s.sentence_hash
               FROM w JOIN core.sentences s USING (version_id)),
           boilerplate AS (
               SELECT q.site, q.sentence_hash
               FROM (SELECT DISTINCT site, sentence_hash FROM ws WHERE site IS NOT NULL) q
               JOIN core.sentences s USING (sentence_hash)
               JOIN core.versions v USING (version_id)
               JOIN core.articles a ON a.article_id = v.article_id AND a.site = q.site
               GROUP BY q.site, q.sentence_hash
               HAVING count(DISTINCT a.article_id) >= $min_articles)
           SELECT w.version_id, w.article_id, w.site, w.published_at,
                  coalesce(string_agg(ws.norm, ' ' ORDER BY ws.sentence_no)
                           FILTER (WHERE b.sentence_hash IS NULL), ''),
                  w.seen_at
           FROM w
           LEFT JOIN ws USING (version_id)
           LEFT JOIN boilerplate b ON b.site = ws.site AND b.sentence_hash = ws.sentence_hash
           GROUP BY ALL""",
        {"min_articles": min_articles},
    ).fetchall()
    return {r[0]: Doc(*r) for r in rows}


def store_pairs(
    con: duckdb.DuckDBPyConnection, pairs: Sequence[Pair], run_id: str, now: datetime
) -> int:
    """Record verified pairs (a pair found again replaces its row)."""
    if not pairs:
        return 0
    cols = {
        "version_a": [p.version_a for p in pairs],
        "version_b": [p.version_b for p in pairs],
        "method": [p.method for p in pairs],
        "estimated_jaccard": [p.estimated_jaccard for p in pairs],
        "jaccard": [p.jaccard for p in pairs],
        "containment": [p.overlap.containment for p in pairs],
        "shared": [p.overlap.shared for p in pairs],
        "n_a": [p.overlap.n_a for p in pairs],
        "n_b": [p.overlap.n_b for p in pairs],
        "params": [json.dumps(dict(p.params)) for p in pairs],
        "found_at": [now] * len(pairs),
        "run_id": [run_id] * len(pairs),
    }
    found = pa.table({"version_a": cols["version_a"], "version_b": cols["version_b"]})  # noqa: F841
    con.execute(
        "DELETE FROM core.duplicate_pairs WHERE (version_a, version_b) IN "
        "(SELECT (version_a, version_b) FROM found)"
    )
    insert_arrow(con, "core.duplicate_pairs", cols)
    return len(pairs)


def component(con: duckdb.DuckDBPyConnection, seeds: Iterable[str]) -> tuple[set[str], list[Pair]]:
    """Every version of every article connected to `seeds` through verified pairs, and
    those pairs: grown from the seeds a step at a time, reading only the pairs it needs."""
    seen: set[str] = set()
    frontier, picked = set(seeds), {}
    while frontier:
        step = _ids(frontier)  # noqa: F841
        rows = con.execute(
            """WITH versions AS (
                   SELECT version_id FROM core.versions WHERE article_id IN (
                       SELECT article_id FROM core.versions SEMI JOIN step USING (version_id))
               )
               SELECT version_a, version_b, method, estimated_jaccard, shared, n_a, n_b,
                      params, v.version_id
               FROM versions v LEFT JOIN core.duplicate_pairs p
                 ON p.version_a = v.version_id OR p.version_b = v.version_id"""
        ).fetchall()
        seen |= frontier
        frontier = set()
        for *edge, version in rows:
            reached = {version} | ({edge[0], edge[1]} if edge[0] is not None else set())
            frontier |= reached - seen
            if edge[0] is not None:
                picked[(edge[0], edge[1])] = tuple(edge)
    return seen, [_pair(e) for e in picked.values()]


def _strength(p: Pair) -> float:
    return max(p.overlap.a_in_b, p.overlap.b_in_a, p.jaccard)


def article_pairs(
    pairs: Iterable[Pair], article_of: dict[str, str], latest: dict[str, str]
) -> tuple[list[Pair], dict[tuple[str, str], Pair]]:
    """One pair per pair of articles, named by their latest versions, carrying the overlap of
    their best-matching versions; and the best version pair behind each."""
    best: dict[tuple[str, str], Pair] = {}
    for p in pairs:
        key = tuple(sorted((article_of[p.version_a], article_of[p.version_b])))
        if key not in best or _strength(p) > _strength(best[key]):
            best[key] = p
    out, behind = [], {}
    for p in best.values():
        a, b = latest[article_of[p.version_a]], latest[article_of[p.version_b]]
        ov = p.overlap if a < b else Overlap(p.overlap.shared, p.overlap.n_b, p.overlap.n_a)
        pair = Pair(min(a, b), max(a, b), p.method, p.estimated_jaccard, ov, p.params)
        out.append(pair)
        behind[(pair.version_a, pair.version_b)] = p
    return out, behind


def store_stories(
    con: duckdb.DuckDBPyConnection,
    stories: Sequence[Story],
    article_ids: Iterable[str],
    now: datetime,
) -> None:
    """Replace the stories of `article_ids` with `stories`."""
    arts = pa.table({"article_id": pa.array(list(set(article_ids)), pa.string())})  # noqa: F841
    con.execute("""DELETE FROM core.stories WHERE story_id IN (
                   SELECT story_id FROM core.story_members SEMI JOIN arts USING (article_id))""")
    con.execute("""DELETE FROM core.story_members WHERE story_id NOT IN
                   (SELECT story_id FROM core.stories)""")
    con.execute("DELETE FROM core.story_members WHERE article_id IN (SELECT article_id FROM arts)")
    insert_arrow(
        con,
        "core.stories",
        {
            "story_id": [s.story_id for s in stories],
            "original_version_id": [s.original_version_id for s in stories],
            "updated_at": [now] * len(stories),
        },
    )
    members = [(s.story_id, m) for s in stories for m in s.members]
    insert_arrow(
        con,
        "core.story_members",
        {
            "story_id": [sid for sid, _ in members],
            "article_id": [m.article_id for _, m in members],
            "version_id": [m.version_id for _, m in members],
            "jaccard": [m.jaccard for _, m in members],
            "containment": [m.containment for _, m in members],
            "is_original": [m.is_original for _, m in members],
        },
    )


def restory(
    con: duckdb.DuckDBPyConnection, seeds: Iterable[str], thresholds: Thresholds, now: datetime
) -> tuple[list[Story], list[tuple[str, str]]]:
    """Rebuild the stories of every article connected to `seeds`; returns them and the
    (original version, member version) pairs that match best, to compare."""
    versions, pairs = component(con, seeds)
    wanted = _ids(versions)  # noqa: F841
    rows = con.execute(
        """SELECT v.version_id, v.article_id, a.latest_version_id
           FROM core.versions v JOIN articles a USING (article_id)
           SEMI JOIN wanted USING (version_id)"""
    ).fetchall()
    article_of = {v: a for v, a, _ in rows}
    latest = {a: lv for _, a, lv in rows}
    apairs, behind = article_pairs(pairs, article_of, latest)
    docs = load_docs(con, latest.values())
    stories = cluster(list(docs.values()), apairs, thresholds)
    store_stories(con, stories, latest.keys(), now)
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


def _pair(e: tuple) -> Pair:
    a, b, method, est, shared, n_a, n_b, params = e
    return Pair(a, b, method, est, Overlap(shared, n_a, n_b), json.loads(params or "{}"))


def verify_candidates(
    con: duckdb.DuckDBPyConnection,
    cands: Sequence[Candidate],
    thresholds: Thresholds,
    params: dict,
) -> list[Pair]:
    """Exact Jaccard and containment of every candidate; the ones that pass."""
    ids = {v for c in cands for v in (c.version_a, c.version_b)}
    docs = load_verification_docs(con, ids, thresholds.boilerplate_min_articles)
    sets = shingle_sets(docs.values(), thresholds.shingle_size)
    return verify(cands, sets, thresholds, params)

"""Verified near-duplicate pairs: exact shingle overlap of the candidates.

Candidates come from `warehouse/sql/dedupe_candidates.sql` (LSH bands, containment anchors
and shared sentences over the sketches of `tasks.dedupe.minhash`); here every one is
checked with exact shingle overlap and kept when

    jaccard >= jaccard_threshold  or  containment >= containment_threshold

where `containment` is the share of the smaller text's shingles found in the other. The
second test is the one a republication passes: the seed's copy keeps under half of the wire
story (Jaccard 0.42) but 93% of its shingles are in the wire story.

Shingle sets can be the exact strings of `tasks.dedupe.shingles.shingles` or the sorted, distinct
64-bit shingle hashes of `tasks.dedupe.minhash.shingle_hashes` (exact up to hash collisions, and
what a large batch uses: overlap is a numpy intersection).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tasks.dedupe.settings import DEFAULTS, DedupeSettings
from tasks.dedupe.shingles import shingles

ShingleSet = set[str] | frozenset[str] | NDArray[np.uint64]


@dataclass(frozen=True, slots=True)
class Doc:
    """One version that takes part in near-duplicate detection."""

    version_id: str
    article_id: str
    site: str | None
    published_at: datetime | None
    norm_text: str
    seen_at: datetime | None = None  # when this text was first seen


@dataclass(frozen=True, slots=True)
class Candidate:
    """A pair worth verifying, and how it was found."""

    version_a: str
    version_b: str
    method: str  # the routes that found it, '+'-joined: 'lsh', 'anchor', 'sentence'
    estimated_jaccard: float | None = None


@dataclass(frozen=True, slots=True)
class Overlap:
    """Exact shingle overlap of two texts."""

    shared: int
    n_a: int
    n_b: int

    @property
    def jaccard(self) -> float:
        union = self.n_a + self.n_b - self.shared
        return self.shared / union if union else 0.0

    @property
    def a_in_b(self) -> float:
        """Share of a's shingles found in b."""
        return self.shared / self.n_a if self.n_a else 0.0

    @property
    def b_in_a(self) -> float:
        """Share of b's shingles found in a."""
        return self.shared / self.n_b if self.n_b else 0.0

    @property
    def containment(self) -> float:
        """Share of the smaller text's shingles found in the other."""
        return max(self.a_in_b, self.b_in_a)


@dataclass(frozen=True, slots=True)
class Pair:
    """A verified near-duplicate pair: one row of `duplicate_pairs`."""

    version_a: str
    version_b: str
    method: str
    estimated_jaccard: float | None
    overlap: Overlap
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def jaccard(self) -> float:
        return self.overlap.jaccard

    @property
    def containment(self) -> float:
        return self.overlap.containment

    def contained(self, version_id: str) -> float:
        """Share of `version_id`'s shingles found in the other text of the pair."""
        return self.overlap.a_in_b if version_id == self.version_a else self.overlap.b_in_a


def overlap(a: ShingleSet, b: ShingleSet) -> Overlap:
    """Exact overlap of two shingle sets (Python sets, or sorted distinct hash arrays)."""
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        shared = len(np.intersect1d(a, b, assume_unique=True))
    else:
        shared = len(a & b)  # type: ignore[operator]
    return Overlap(shared, len(a), len(b))


def shingle_sets(docs: Iterable[Doc], k: int = 3) -> dict[str, frozenset[str]]:
    """The exact shingle set of every doc, by version id."""
    return {d.version_id: frozenset(shingles(d.norm_text, k)) for d in docs}


def verify(
    candidates: Iterable[Candidate],
    sets: Mapping[str, ShingleSet],
    settings: DedupeSettings = DEFAULTS,
) -> list[Pair]:
    """The candidates that pass `settings` on exact overlap, as pairs `version_a < version_b`
    that record `settings` as their params."""
    out, params = [], asdict(settings)
    for c in candidates:
        a, b = sorted((c.version_a, c.version_b))
        ov = overlap(sets[a], sets[b])
        if settings.accepts(ov.jaccard, ov.containment):
            out.append(Pair(a, b, c.method, c.estimated_jaccard, ov, params))
    return out


def _strength(p: Pair) -> float:
    return max(p.overlap.a_in_b, p.overlap.b_in_a, p.jaccard)


def article_pairs(
    pairs: Iterable[Pair], article_of: Mapping[str, str], latest: Mapping[str, str]
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


def pair_of_row(row: Sequence) -> Pair:
    """A stored pair: (version_a, version_b, method, estimated_jaccard, shared, n_a, n_b,
    params JSON)."""
    a, b, method, est, shared, n_a, n_b, params = row
    return Pair(a, b, method, est, Overlap(shared, n_a, n_b), json.loads(params or "{}"))


def pair_columns(pairs: Sequence[Pair]) -> dict[str, list]:
    """`duplicate_pairs` columns of `pairs` (without found_at and run_id)."""
    return {
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
    }

"""Verified near-duplicate pairs, and the stories they make.

Candidates come from `tasks.dedupe.minhash` (LSH bands and containment anchors); here every one is
checked with exact shingle overlap and kept when

    jaccard >= jaccard_threshold  or  containment >= containment_threshold

where `containment` is the share of the smaller text's shingles found in the other. The
second test is the one a republication passes: the seed's copy keeps under half of the wire
story (Jaccard 0.42) but 93% of its shingles are in the wire story.

A story is a star, never a chain: its original is the earliest published text (published
the same day: the one seen first, then the one that contains the others; dates are often
given to the day only), and every other member is a verified pair *with the
original*. Two unrelated articles that share one boilerplate paragraph with a third are
never put together through it: each would have to pass verification against the same
original, with most of its own text found there.

Shingle sets can be the exact strings of `tasks.dedupe.shingles.shingles` or the sorted, distinct
64-bit shingle hashes of `tasks.dedupe.minhash.shingle_hashes` (exact up to hash collisions, and
what a large batch uses: overlap is a numpy intersection).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tasks.dedupe.shingles import shingles
from warehouse.ids import stable_id

ShingleSet = set[str] | frozenset[str] | NDArray[np.uint64]
_LATEST = datetime.max.replace(tzinfo=UTC)


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
class Thresholds:
    """When a candidate pair counts as a near-duplicate."""

    jaccard: float = 0.45
    containment: float = 0.7
    shingle_size: int = 3
    # a sentence in this many articles of one site is its boilerplate, left out of the
    # site's texts when pairs are verified (0: keep everything)
    boilerplate_min_articles: int = 3

    def accepts(self, jaccard: float, containment: float) -> bool:
        """The pair-acceptance rule."""
        return jaccard >= self.jaccard or containment >= self.containment


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


@dataclass(frozen=True, slots=True)
class Member:
    """One article of a story: a row of `story_members`."""

    version_id: str
    article_id: str
    site: str | None
    published_at: datetime | None
    jaccard: float  # with the original
    containment: float  # share of this text's shingles found in the original
    is_original: bool


@dataclass(frozen=True, slots=True)
class Story:
    """An original and its republications: a row of `stories` and its members."""

    story_id: str
    original_version_id: str
    members: tuple[Member, ...]

    @property
    def n_articles(self) -> int:
        return len({m.article_id for m in self.members})

    @property
    def n_sites(self) -> int:
        return len({m.site for m in self.members if m.site})

    @property
    def first_published(self) -> datetime | None:
        return min((m.published_at for m in self.members if m.published_at), default=None)


# -- verification --------------------------------------------------------------------


def overlap(a: ShingleSet, b: ShingleSet) -> Overlap:
    """Exact overlap of two shingle sets (Python sets, or sorted distinct hash arrays)."""
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        shared = len(np.intersect1d(a, b, assume_unique=True))
    else:
        shared = len(a & b)  # type: ignore[operator]
    return Overlap(shared, len(a), len(b))


def without_site_boilerplate(
    docs: Sequence[Doc], sentences: Mapping[str, Sequence[tuple[str, str]]], min_articles: int
) -> list[Doc]:
    """`docs` with their text rebuilt from their sentences, (hash, norm) by version id,
    leaving out each site's boilerplate: a sentence found in `min_articles` or more articles
    of the site. warehouse.dedupe.load_verification_docs applies the same rule in SQL."""
    if min_articles <= 0:
        return list(docs)
    articles: dict[tuple[str, str], set[str]] = defaultdict(set)
    for d in docs:
        if d.site is not None:
            for h, _ in sentences[d.version_id]:
                articles[(d.site, h)].add(d.article_id)

    def kept(d: Doc) -> str:
        return " ".join(
            norm
            for h, norm in sentences[d.version_id]
            if d.site is None or len(articles[(d.site, h)]) < min_articles
        )

    return [replace(d, norm_text=kept(d)) for d in docs]


def shingle_sets(docs: Iterable[Doc], k: int = 3) -> dict[str, frozenset[str]]:
    """The exact shingle set of every doc, by version id."""
    return {d.version_id: frozenset(shingles(d.norm_text, k)) for d in docs}


def verify(
    candidates: Iterable[Candidate],
    sets: Mapping[str, ShingleSet],
    thresholds: Thresholds = Thresholds(),
    params: Mapping[str, Any] | None = None,
) -> list[Pair]:
    """The candidates that pass `thresholds` on exact overlap, as pairs `version_a < version_b`."""
    out = []
    for c in candidates:
        a, b = sorted((c.version_a, c.version_b))
        ov = overlap(sets[a], sets[b])
        if thresholds.accepts(ov.jaccard, ov.containment):
            out.append(Pair(a, b, c.method, c.estimated_jaccard, ov, params or {}))
    return out


def pair_params(thresholds: Thresholds, **detection: Any) -> dict[str, Any]:
    """What `duplicate_pairs.params` records: the thresholds and how candidates were found."""
    return {
        "shingle_size": thresholds.shingle_size,
        "jaccard_threshold": thresholds.jaccard,
        "containment_threshold": thresholds.containment,
        "boilerplate_min_articles": thresholds.boilerplate_min_articles,
        **detection,
    }


# -- stories -------------------------------------------------------------------------


def _neighbours(pairs: Iterable[Pair]) -> dict[str, dict[str, Pair]]:
    out: dict[str, dict[str, Pair]] = defaultdict(dict)
    for p in pairs:
        out[p.version_a][p.version_b] = p
        out[p.version_b][p.version_a] = p
    return out


def _utc(ts: datetime) -> datetime:
    return ts if ts.tzinfo else ts.replace(tzinfo=UTC)


def _published(doc: Doc) -> datetime:
    return _LATEST if doc.published_at is None else _utc(doc.published_at)


def _contains_others(doc: Doc, when: Mapping[str, datetime], near: Mapping[str, Pair]) -> int:
    """How many neighbours published the same day are contained in `doc` more than it is
    in them."""
    wins = 0
    day = when[doc.version_id].date()
    for other, pair in near.items():
        if other in when and when[other].date() == day:
            wins += pair.contained(other) > pair.contained(doc.version_id)
    return wins


def _effective_dates(docs: Sequence[Doc], near: Mapping[str, dict[str, Pair]]) -> dict:
    """Publication dates, where an undated text takes the earliest date of the dated texts
    it contains (more than they contain it): a wire story without a date is no later than
    its dated copies."""
    when = {d.version_id: _published(d) for d in docs}
    for d in docs:
        if d.published_at is None:
            copies = [
                when[o]
                for o, p in near.get(d.version_id, {}).items()
                if o in when and p.contained(o) > p.contained(d.version_id)
            ]
            when[d.version_id] = min(copies, default=_LATEST)
    return when


def originality_order(docs: Sequence[Doc], pairs: Iterable[Pair]) -> list[Doc]:
    """Docs in the order they can be originals: the earliest published day first; on one day
    the text seen first, then the earliest published, then the containing text."""
    near = _neighbours(pairs)
    when = _effective_dates(docs, near)

    def key(d: Doc) -> tuple:
        published = when[d.version_id]
        wins = _contains_others(d, when, near.get(d.version_id, {}))
        seen = _utc(d.seen_at) if d.seen_at else _LATEST
        return (published.date(), seen, published, -wins, -len(d.norm_text), d.version_id)

    return sorted(docs, key=key)


def _member(doc: Doc, original: Doc, pair: Pair | None) -> Member:
    if pair is None:
        return Member(doc.version_id, doc.article_id, doc.site, doc.published_at, 1.0, 1.0, True)
    return Member(
        doc.version_id,
        doc.article_id,
        doc.site,
        doc.published_at,
        pair.jaccard,
        pair.contained(doc.version_id),
        False,
    )


def story_id(original_version_id: str) -> str:
    """A story is named after its original."""
    return stable_id("story", original_version_id)


def cluster(
    docs: Sequence[Doc], pairs: Iterable[Pair], thresholds: Thresholds = Thresholds()
) -> list[Story]:
    """Stories of two or more articles: stars around originals, each member verified with it.

    Docs are taken in originality order; each doc not yet taken becomes an original and
    takes every later doc not yet taken (of another article) that passes `thresholds`
    against it with its *own* containment: most of the member's text must be in the
    original. Pairs between two members never join anything, and a short text that is
    all boilerplate cannot gather the articles that contain it: a shared paragraph
    chains nothing.
    Pass one version per article (its latest).
    """
    pairs = list(pairs)
    near = _neighbours(pairs)
    by_id = {d.version_id: d for d in docs}
    assigned: set[str] = set()
    stories = []
    order = originality_order(docs, pairs)
    for original in order:
        if original.version_id in assigned:
            continue
        assigned.add(original.version_id)  # a text passed over never joins a later original
        members = [_member(original, original, None)]
        articles = {original.article_id}
        for other_id, pair in sorted(near.get(original.version_id, {}).items()):
            other = by_id.get(other_id)
            if other is None or other_id in assigned or other.article_id in articles:
                continue
            if not thresholds.accepts(pair.jaccard, pair.contained(other_id)):
                continue
            members.append(_member(other, original, pair))
            articles.add(other.article_id)
        if len(members) > 1:
            assigned.update(m.version_id for m in members)
            stories.append(
                Story(story_id(original.version_id), original.version_id, tuple(members))
            )
    return stories

"""Stories: the originals and republications that verified pairs make.

A story is a star, never a chain: its original is the earliest published text (published
the same day: the one seen first, then the one that contains the others; dates are often
given to the day only), and every other member is a verified pair *with the
original* (tasks/dedupe/pairs.py). Two unrelated articles that share one boilerplate
paragraph with a third are never put together through it: each would have to pass
verification against the same original, with most of its own text found there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from tasks.dedupe.pairs import Doc, Pair
from tasks.dedupe.settings import DEFAULTS, DedupeSettings
from warehouse.ids import stable_id

_LATEST = datetime.max.replace(tzinfo=UTC)


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
    docs: Sequence[Doc], pairs: Iterable[Pair], settings: DedupeSettings = DEFAULTS
) -> list[Story]:
    """Stories of two or more articles: stars around originals, each member verified with it.

    Docs are taken in originality order; each doc not yet taken becomes an original and
    takes every later doc not yet taken (of another article) that passes `settings`
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
            if not settings.accepts(pair.jaccard, pair.contained(other_id)):
                continue
            members.append(_member(other, original, pair))
            articles.add(other.article_id)
        if len(members) > 1:
            assigned.update(m.version_id for m in members)
            stories.append(
                Story(story_id(original.version_id), original.version_id, tuple(members))
            )
    return stories


def story_columns(stories: Sequence[Story]) -> tuple[dict[str, list], dict[str, list]]:
    """`stories` (without updated_at) and `story_members` columns of `stories`."""
    members = [(s.story_id, m) for s in stories for m in s.members]
    return {
        "story_id": [s.story_id for s in stories],
        "original_version_id": [s.original_version_id for s in stories],
    }, {
        "story_id": [sid for sid, _ in members],
        "article_id": [m.article_id for _, m in members],
        "version_id": [m.version_id for _, m in members],
        "jaccard": [m.jaccard for _, m in members],
        "containment": [m.containment for _, m in members],
        "is_original": [m.is_original for _, m in members],
    }

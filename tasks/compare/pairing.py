"""Sentence pairing: which sentences of two prepared sides (`noise.Side`) go together.

How sentences are matched, cheapest evidence first, so that similarity is only ever
measured between leftovers, never over the whole of a 300-sentence text:

1. Noise is dropped from both sides (`tasks.compare.noise`): boilerplate lines get no row,
   leading datelines are cut from the comparison keys. Typography is already folded in
   `Sentence.norm`; paragraph numbers are ignored, so re-flowed paragraphs are not edits.
2. Exact matches on the key's hash, anchored in order by the longest common subsequence of
   the two hash lists (rapidfuzz's Indel opcodes, in C): these are 'same'. An exact match
   left out of that in-order chain is 'moved'.
3. Between consecutive anchors (a gap), the leftovers are paired by word similarity
   (rapidfuzz's Indel ratio over the words, punctuation dropped; the gap's matrix only),
   best pair first and in order, when similarity >= `change`: 'changed' (or 'same' when
   only the spacing around punctuation differed).
4. A sentence split in two (or more) is an old sentence paired with adjacent new sentences
   whose concatenation is more similar to it than the first alone; it gives one 'changed'
   row per new sentence, all sharing the old sentence number. A merge is the mirror: one
   'changed' row per old sentence, all sharing the new sentence number.
5. Leftovers from different gaps are paired when similarity >= `same`: 'moved' (with
   similarity < 1 when the moved sentence was also edited). A character-level pass in C
   (`rapidfuzz.process.cdist`) picks the candidates; words are compared for those only.
6. Leftovers that are each other's best match by content-word overlap (|A & B| / max(|A|,
   |B|) over words of 4+ letters that are not function words such as "said", two or more
   shared) of at least `loose` (0.5) are 'changed': a sentence rewritten in place, or moved
   and edited (then `moved` is true). A pair must be mutual best, so an unrelated
   sentence is never paired.
7. What is left is 'added' or 'removed'.

The pairing is worked out by the caller in one canonical orientation (`align`), so every
tie here is broken the same way whichever text came first.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Literal

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel

from tasks.compare.noise import Side, cut_words
from tasks.compare.phrases import tokens

Kind = Literal["same", "changed", "added", "removed", "moved"]
_CONTENT_WORD = re.compile(r"[^\W_]{4,}")  # a word of 4+ letters or digits, whole
_SMALL = 64  # cells of a matrix below which Python loops beat numpy's and cdist's calls


def _float32(x: float) -> float:
    """`x` rounded to float32, as numpy compares it with a float32 matrix."""
    return array("f", [x])[0]


@dataclass(slots=True)
class Link:
    """Old indices paired with new indices (one side has exactly one), with a kind."""

    olds: tuple[int, ...]
    news: tuple[int, ...]
    kind: Kind
    similarity: float
    moved: bool = False


@dataclass(slots=True)
class Pairing:
    """In-order runs of exact matches (old start, new start, length), and every other link."""

    blocks: list[tuple[int, int, int]]
    links: list[Link]

    def mirrored(self) -> Pairing:
        return Pairing(
            [(b, a, size) for a, b, size in self.blocks],
            [Link(x.news, x.olds, x.kind, x.similarity, x.moved) for x in self.links],
        )


def _gaps(blocks: list[tuple[int, int, int]], n_old: int, n_new: int) -> list[tuple[range, range]]:
    """Old and new index ranges between consecutive in-order runs."""
    gaps = []
    a0 = b0 = 0
    for a, b, size in [*blocks, (n_old, n_new, 0)]:
        if a > a0 or b > b0:
            gaps.append((range(a0, a), range(b0, b)))
        a0, b0 = a + size, b + size
    return gaps


def _exact_moves(old: Side, new: Side, gaps: list[tuple[range, range]]) -> list[Link]:
    """Exact matches outside the in-order runs: 'moved'."""
    gap_old = [i for olds, _ in gaps for i in olds]
    gap_new = [j for _, news in gaps for j in news]
    common = {old.hashes[i] for i in gap_old} & {new.hashes[j] for j in gap_new}
    if not common:
        return []
    waiting: dict[str, deque[int]] = defaultdict(deque)
    for i in gap_old:
        if old.hashes[i] in common:
            waiting[old.hashes[i]].append(i)
    links = []
    for j in gap_new:
        if queue := waiting.get(new.hashes[j]):
            links.append(Link((queue.popleft(),), (j,), "moved", 1.0))
    return links


def _similarities(olds: list[list[str]], news: list[list[str]]) -> np.ndarray:
    """Word-level Indel similarity in [0, 1] of every old against every new."""
    return process.cdist(olds, news, scorer=fuzz.ratio, workers=1) / 100.0


def _similarities_small(scores: list[list[float]]) -> list[list[float]]:
    """`_similarities` of a small matrix of `fuzz.ratio` scores, as lists: the same float32
    values (`cdist` keeps a score as float32 and divides in float32) without numpy's calls."""
    return [array("f", [x / 100.0 for x in array("f", row)]).tolist() for row in scores]


def _ordered_pairs(sim: np.ndarray, floor: float) -> list[tuple[int, int]]:
    """Non-crossing pairs, best first, each at least `floor` similar."""
    if sim.size <= _SMALL:  # numpy's calls cost more than a small matrix's scan in Python
        return _ordered_pairs_small(sim.tolist(), float(sim.dtype.type(floor)))
    return _ordered_pairs_numpy(sim, floor)


def _ordered_pairs_numpy(sim: np.ndarray, floor: float) -> list[tuple[int, int]]:
    """`_ordered_pairs` with numpy's `argmax`: quicker on large matrices."""
    pairs: list[tuple[int, int]] = []
    stack = [(0, sim.shape[0], 0, sim.shape[1])]
    while stack:
        r0, r1, c0, c1 = stack.pop()
        if r0 >= r1 or c0 >= c1:
            continue
        sub = sim[r0:r1, c0:c1]
        r, c = np.unravel_index(int(np.argmax(sub)), sub.shape)
        if sub[r, c] < floor:
            continue
        r, c = r0 + int(r), c0 + int(c)
        pairs.append((r, c))
        stack += [(r0, r, c0, c), (r + 1, r1, c + 1, c1)]
    return sorted(pairs)


def _ordered_pairs_small(sim: list[list[float]], floor: float) -> list[tuple[int, int]]:
    """`_ordered_pairs` on a matrix as lists: the first best in row order, as `argmax`.
    `floor` is in the matrix's precision, so comparisons come out as numpy's would."""
    pairs: list[tuple[int, int]] = []
    stack = [(0, len(sim), 0, len(sim[0]) if sim else 0)]
    while stack:
        r0, r1, c0, c1 = stack.pop()
        if r0 >= r1 or c0 >= c1:
            continue
        best, r, c = -1.0, r0, c0
        for i in range(r0, r1):
            row = sim[i]
            top = max(row[c0:c1])
            if top > best:
                best, r, c = top, i, row.index(top, c0, c1)
        if best < floor:
            continue
        pairs.append((r, c))
        stack += [(r0, r, c0, c), (r + 1, r1, c + 1, c1)]
    return sorted(pairs)


def _grow(
    one: list[str], many: list[list[str]], first: int, free: set[int], best: float
) -> tuple[list[int], float]:
    """Absorb free neighbours of `many[first]` while the joined text gets closer to `one`
    (`best`: the similarity of `one` and `many[first]`)."""
    members = [first]
    if not free:
        return members, best
    grown = True
    while grown:
        grown = False
        for cand in (members[0] - 1, members[-1] + 1):
            if cand not in free:
                continue
            trial = sorted([*members, cand])
            score = fuzz.ratio(one, [t for m in trial for t in many[m]]) / 100.0
            if score > best + 0.02:
                members, best, grown = trial, score, True
                free.discard(cand)
                break
    return members, best


def _same_tokens(a: str, b: str) -> bool:
    """True when `a` and `b` differ at most in the spaces between words and punctuation."""
    return a.replace(" ", "") == b.replace(" ", "") and tokens(a) == tokens(b)


def _gap_links(olds: list[int], news: list[int], old: Side, new: Side, change: float) -> list[Link]:
    """Pair the leftovers of one gap: changed, split, merged or same up to spacing."""
    if len(olds) == len(news) == 1:  # the common case: one sentence edited in place
        i, j = olds[0], news[0]
        first = fuzz.ratio(old.words(i), new.words(j))
        if first < change * 100:
            return []
        kind: Kind = "same" if _same_tokens(old.keys[i], new.keys[j]) else "changed"
        return [Link((i,), (j,), kind, first / 100.0)]
    otoks = [old.words(i) for i in olds]
    ntoks = [new.words(j) for j in news]
    if len(olds) * len(news) <= _SMALL:
        scores = [[fuzz.ratio(a, b) for b in ntoks] for a in otoks]
        pairs = _ordered_pairs_small(_similarities_small(scores), _float32(change))
        ratios = {(r, c): scores[r][c] / 100.0 for r, c in pairs}
    else:
        pairs = _ordered_pairs(_similarities(otoks, ntoks), change)
        ratios = {(r, c): fuzz.ratio(otoks[r], ntoks[c]) / 100.0 for r, c in pairs}
    free_old = set(range(len(olds))) - {r for r, _ in pairs}
    free_new = set(range(len(news))) - {c for _, c in pairs}
    links = []
    for r, c in pairs:
        pair = ratios[r, c]
        split, s_split = _grow(otoks[r], ntoks, c, free_new, pair)
        merge, s_merge = (
            _grow(ntoks[c], otoks, r, free_old, pair) if len(split) == 1 else ([r], 0.0)
        )
        rs, cs, score = ([r], split, s_split) if len(split) > 1 else (merge, [c], s_merge)
        only_spacing = len(rs) == len(cs) == 1 and _same_tokens(
            old.keys[olds[r]], new.keys[news[c]]
        )
        kind = "same" if only_spacing else "changed"
        links.append(Link(tuple(olds[i] for i in rs), tuple(news[j] for j in cs), kind, score))
    return links


def _far_moves(olds: list[int], news: list[int], old: Side, new: Side, floor: float) -> list[Link]:
    """Pair leftovers across gaps, best first, when at least `floor` similar: 'moved'.

    A character-level pass over the keys finds the few candidates first (sentences sharing
    most of their words share most of their characters); words are compared only for those.
    """
    if not olds or not news:
        return []
    okeys = [old.keys[i] for i in olds]
    nkeys = [new.keys[j] for j in news]
    cutoff = floor * 60
    if len(olds) * len(news) <= _SMALL:  # what `cdist` finds, without numpy's calls
        near = [
            (r, c)
            for r, a in enumerate(okeys)
            for c, b in enumerate(nkeys)
            if fuzz.ratio(a, b, score_cutoff=cutoff)
        ]
    else:
        chars = process.cdist(okeys, nkeys, scorer=fuzz.ratio, workers=1, score_cutoff=cutoff)
        near = [(int(r), int(c)) for r, c in zip(*np.nonzero(chars), strict=True)]
    candidates = [
        (fuzz.ratio(old.words(olds[r]), new.words(news[c])) / 100.0, r, c) for r, c in near
    ]
    taken_r: set[int] = set()
    taken_c: set[int] = set()
    links = []
    for score, r, c in sorted(candidates, key=lambda x: (-x[0], x[1], x[2])):
        if score >= floor and r not in taken_r and c not in taken_c:
            taken_r.add(r)
            taken_c.add(c)
            links.append(Link((olds[r],), (news[c],), "moved", score))
    return links


def pair_sentences(old: Side, new: Side, same: float, change: float, loose: float) -> Pairing:
    """Every pairing of `old` and `new` sentences, by the steps in the module docstring."""
    blocks = [
        (a, b, size)
        for a, b, size in Indel.opcodes(old.hashes, new.hashes).as_matching_blocks()
        if size
    ]
    gaps = _gaps(blocks, len(old.keys), len(new.keys))
    links = _exact_moves(old, new, gaps)
    used_old = {x.olds[0] for x in links}
    used_new = {x.news[0] for x in links}
    rest_old: list[int] = []
    rest_new: list[int] = []
    for old_range, new_range in gaps:
        olds = [i for i in old_range if i not in used_old] if used_old else list(old_range)
        news = [j for j in new_range if j not in used_new] if used_new else list(new_range)
        if olds and news and (found := _gap_links(olds, news, old, new, change)):
            if len(olds) == len(news) == 1:  # one link took both
                links += found
                continue
            taken_old = {i for x in found for i in x.olds}
            taken_new = {j for x in found for j in x.news}
            links += found
            olds = [i for i in olds if i not in taken_old]
            news = [j for j in news if j not in taken_new]
        rest_old += olds
        rest_new += news
    far = _far_moves(rest_old, rest_new, old, new, same)
    links += far
    if far:
        taken_old = {x.olds[0] for x in far}
        taken_new = {x.news[0] for x in far}
        rest_old = [i for i in rest_old if i not in taken_old]
        rest_new = [j for j in rest_new if j not in taken_new]
    loose_links = _loose_links(rest_old, rest_new, old, new, loose)
    if loose_links:  # the gap of a leftover: the last gap starting at or before it
        old_starts = [olds.start for olds, _ in gaps]
        new_starts = [news.start for _, news in gaps]
        for x in loose_links:
            x.moved = bisect_right(old_starts, x.olds[0]) != bisect_right(new_starts, x.news[0])
        links += loose_links
    return Pairing(blocks, links)


# Function words left out of the overlap of leftovers (with every word of 1-3 letters).
_FUNCTION_WORD_LIST = (
    "said says with from that this have were would their there which about after been they"
    " will into also more than when what them then these those some such only other over"
    " could should being where while because before"
)
_FUNCTION_WORDS = frozenset(_FUNCTION_WORD_LIST.split())


def _content(side: Side, i: int) -> set[str]:
    """The content words of sentence `i`: runs of 4+ letters or digits, lower-cased, that
    are not function words. A printable ASCII sentence takes them from its lower-cased
    words (split at spaces and punctuation: letters and digits only), one with a control
    character from its words, cut where the scan would; the rest from a scan of the key."""
    key = side.keys[i]
    if not key.isascii():
        return set(_CONTENT_WORD.findall(key.lower())) - _FUNCTION_WORDS
    if key.isprintable():
        return {w for w in cut_words(key.lower()) if len(w) > 3} - _FUNCTION_WORDS
    found = set()
    for w in side.words(i):
        if len(w) > 3:
            if w.isalnum():
                found.add(w.lower())
            else:  # a control character inside: cut where the scan would
                found.update(_CONTENT_WORD.findall(w.lower()))
    return found - _FUNCTION_WORDS


def _content_and_more(side: Side, i: int) -> set[str]:
    """The lower-cased words of sentence `i`, or its content words: a set whose common part
    with a set of content words is that of `_content(side, i)`, built without filtering
    when the key is printable ASCII."""
    key = side.keys[i]
    if key.isascii() and key.isprintable():
        return set(cut_words(key.lower()))
    return _content(side, i)


def _content_within(more: set[str], side: Side, i: int) -> set[str]:
    """`_content(side, i)` taken from `more`, the set `_content_and_more(side, i)` gave: its
    words of 4+ letters that are not function words (the set itself when it was that)."""
    key = side.keys[i]
    if key.isascii() and key.isprintable():
        return {w for w in more if len(w) > 3} - _FUNCTION_WORDS
    return more


def _loose_links(
    olds: list[int], news: list[int], old: Side, new: Side, floor: float
) -> list[Link]:
    """Pair leftovers that are each other's best match by content-word overlap >= floor
    (|A & B| / max(|A|, |B|), at least two words shared)."""
    if not olds or not news or floor > 1:
        return []
    bags_n = [_content(new, j) for j in news]
    # Only an old sentence sharing two words with the new leftovers as a whole can score;
    # the others (nearly all) are dismissed by one intersection, of a set of its words
    # that holds its content words (`_content_and_more`). Ties go to the first, as
    # `numpy.argmax` over the matrix of scores (zero elsewhere) would break them.
    new_words = set().union(*bags_n)
    row_best: list[tuple[int, float]] = []
    col_best: dict[int, tuple[float, int]] = {}
    for r, i in enumerate(olds):
        best_c, best = 0, 0.0
        if len((more := _content_and_more(old, i)) & new_words) >= 2:
            bo = _content_within(more, old, i)
            for c, bn in enumerate(bags_n):
                if len(shared := bo & bn) < 2:
                    continue
                score = len(shared) / max(len(bo), len(bn))
                if score > best:
                    best_c, best = c, score
                if c not in col_best or score > col_best[c][0]:
                    col_best[c] = (score, r)
        row_best.append((best_c, best))
    links = []
    for r, (c, score) in enumerate(row_best):
        if score >= floor and col_best.get(c, (0.0, 0))[1] == r:
            sim = fuzz.ratio(old.words(olds[r]), new.words(news[c])) / 100.0
            links.append(Link((olds[r],), (news[c],), "changed", sim))
    return links

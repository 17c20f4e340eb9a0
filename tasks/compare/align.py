"""Sentence alignment of two versions of a text, and the word-level edits inside sentences.

`align(old, new)` explains, sentence by sentence, how `new` differs from `old`, in the
NewsEdits taxonomy (Spangher et al., NAACL 2022): 'same', 'changed' (an edit), 'added' (an
addition), 'removed' (a deletion) and 'moved' (a refactor). `compare(...)` adds the overlap
measures and the phrase edits; revisions and republications both go through it.

How sentences are matched, cheapest evidence first, so that similarity is only ever
measured between leftovers, never over the whole of a 300-sentence text:

1. Noise is dropped from both sides: boilerplate lines (`is_boilerplate`: credit lines such as
   "Reporting by ...; Editing by ...", "Copyright ...", "Our Standards: ...", a dateline or
   agency tag alone on its line such as "WASHINGTON (AP)") get no row at all, wherever they
   stand; a leading dateline ("ANKARA (Reuters) -", "ANKARA:", up to two in a row) is cut
   from every sentence's comparison key (`comparison_key`). Typography is already folded in
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

Page furniture (`tasks.compare.furniture`: captions, credits, advertisement slots, rights footers,
and each site's own boilerplate given as `furniture` hashes) takes no part in the pairing:
furniture only one side has gets an 'added' or 'removed' row labelled 'boilerplate' and is
counted in `n_boilerplate`, never as an editorial edit.

The pairing is worked out in one canonical orientation (the side whose hash list sorts
first is taken as "old"), so comparing B with A is exactly the mirror of comparing A with B:
added and removed swap, splits become merges, and every tie is broken the same way.

Rows come in reading order of the new text; a removed sentence is placed right after the row
of the old sentence that preceded it (at the top when none did).

`phrase_edits(old, new)` gives the smallest word-level (removed, inserted) spans, cut from
the texts as published and found by comparing their words' comparison forms, so a curly
quote is never an edit yet an edit shows what was published (`phrase_edits_for` leaves out
a leading dateline, so a dateline is never a phrase edit; a split or merge is diffed as one
joined text and each edit is credited to the sentence it falls in): a substitution spans
whole tokens ("Islamic State" -> "Daesh"); a pure deletion or insertion also carries one
separating space when it stands between spaces ("Islamist " -> ""), so that taking it out
leaves a well-spaced text.
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel

from tasks.compare.categories import categorize, summarize
from tasks.compare.furniture import furniture_indices, trie_pattern
from tasks.dedupe.shingles import containment, jaccard, shingles_of
from tasks.text.datelines import split_dateline
from tasks.text.typography import comparison_form, text_hash
from warehouse.records import Sentence

Kind = Literal["same", "changed", "added", "removed", "moved"]

_TOKEN = re.compile(r"\d+(?:[.,]\d+)+|\w+(?:['’‘´.\-‐‑]+\w+)*|[^\w\s]+")
_BOILERPLATE = re.compile(
    r"""^[(\[]?\s*(?:
        (?:additional\s+)?(?:reporting|writing|editing|compiled|research|graphics?|photos?
            |video|translation|production)(?:\s+and\s+\w+)?\s+by\b
      | copyright\b | © | \(c\)\s*\d{4}
      | our\s+standards\s*:
      | all\s+rights\s+reserved
    )""",
    re.I | re.X,
)
_PLACE = r"[A-Z][A-Z'.\-]+(?:[ /][A-Z][A-Z'.\-]+){0,3}(?:,\s*[A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+)?)?"
_AGENCY = r"\([A-Za-z][\w&/-]*(?: [\w&/-]+){0,3}\)"
# "ANKARA (Reuters) -", "WASHINGTON (AP)", "ANKARA:", "(Reuters) -" on a line of their own
_BARE_DATELINE = re.compile(
    rf"^(?:{_PLACE}\s*{_AGENCY}\s*[:\-]*|{_PLACE}\s*[:\-]+|{_AGENCY}\s*[:\-]*)$"
)
_LEADING_DASH = re.compile(r"^[:\-]+\s+")
_CONTENT_WORD = re.compile(r"[^\W_]{4,}")  # a word of 4+ letters or digits, whole
_PUNCTUATION = str.maketrans(dict.fromkeys("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", " "))
# Sentences that might be boilerplate or open with a dateline (a word in capitals, a place
# before an agency in brackets, or the dash a split-off dateline left behind): one scan over
# the openings of all sentences finds them, so the full checks run on a few sentences only.
_CAPITAL = "A-ZÀ-ÖØ-ÞĀ-ŽА-ЯЁΑ-Ω"  # Latin (with the mixed-case Extended-A), Cyrillic, Greek
_AGENCY_CLOSE = re.compile(r"\) ?[:\-]")
_CREDIT_WORDS = [
    *("additional", "reporting", "writing", "editing", "compiled", "research", "graphic"),
    *("graphics", "photo", "photos", "video", "translation", "production", "copyright"),
    *("our", "all"),
]
_SUSPECT = re.compile(
    rf"\n(?:[(\[©\-]|[{_CAPITAL}][{_CAPITAL}'.\-]|(?=[ARWECGPVTOarwecgpvto])"
    rf"(?i:{trie_pattern(sorted(_CREDIT_WORDS))})\b)"
)


@dataclass(slots=True, unsafe_hash=True)  # not frozen: a frozen __init__ costs 40% more
class SentenceEdit:
    """One row of an alignment: an aligned pair, or a sentence only one side has."""

    kind: Kind
    old_sentence_no: int | None
    new_sentence_no: int | None
    old_text: str | None
    new_text: str | None
    # word-level Indel ratio in [0, 1]: 1.0 for exact matches, 0.0 for added and removed;
    # the rows of a split or merge carry the similarity of the joined sentences
    similarity: float
    moved: bool = False  # a 'changed' sentence that also changed place
    category: str | None = None  # see tasks.compare.categories; 'boilerplate' for page furniture
    significance: str | None = None
    rule: str | None = None


@dataclass(frozen=True, slots=True)
class PhraseEdit:
    """A word-level edit inside a 'changed' or 'moved' sentence; one side may be ''."""

    old_sentence_no: int
    new_sentence_no: int
    removed: str
    inserted: str


@dataclass(frozen=True, slots=True)
class Comparison:
    """Everything one comparison of two versions says: overlap, counts, rows, phrases."""

    jaccard: float
    containment: float  # share of the new text's shingles found in the old
    n_same: int
    n_changed: int
    n_added: int
    n_removed: int
    n_moved: int
    title_changed: bool
    edits: tuple[SentenceEdit, ...]
    phrases: tuple[PhraseEdit, ...]
    n_boilerplate: int = 0  # furniture rows: not counted in the other counts
    significance: str | None = None
    summary: str | None = None


# ---------------------------------------------------------------- noise


def is_boilerplate(norm: str) -> bool:
    """True for a credit, copyright or standards line, or a bare dateline or agency tag."""
    return bool(_BOILERPLATE.match(norm) or _BARE_DATELINE.match(norm))


def comparison_key(norm: str) -> str:
    """`norm` without a leading dateline (or the dash a split-off dateline left behind)."""
    head = norm[:80]
    if ":" not in head and "-" not in head:
        return norm  # every dateline ends in a colon or a dash
    for _ in range(2):  # a republisher may put its own dateline before the wire's
        dateline, norm = split_dateline(norm)
        if dateline is None:
            break
    return _LEADING_DASH.sub("", norm).strip()


def _openings(norms: list[str]) -> str:
    """The first 48 characters of each, one a line: comparison forms never hold a newline."""
    return "\n".join([norm[:48] for norm in norms])


def _suspects(norms: list[str], openings: str | None = None) -> set[int]:
    """Indices of the comparison forms that may be boilerplate or open with a dateline."""
    text = "\n" + (_openings(norms) if openings is None else openings)
    found: set[int] = set()
    line = pos = 0
    for m in _SUSPECT.finditer(text):  # a match starts at the newline before its sentence
        line += text.count("\n", pos, m.start())
        pos = m.start()
        found.add(line)
    line = pos = 0
    for m in _AGENCY_CLOSE.finditer(text):  # "Paris (AFP) -": a place in title case
        line += text.count("\n", pos, m.start())  # each newline counted once
        pos = m.start()
        found.add(line - 1)
    return found


def tokens(norm: str) -> list[str]:
    """Words (keeping inner apostrophes, dots and hyphens) and punctuation runs."""
    return _TOKEN.findall(norm)


@dataclass(slots=True)
class _Side:
    """The sentences of one side that take part, with their keys and key hashes."""

    sentences: list[Sentence]
    keys: list[str]
    hashes: list[str]
    given: set[str] = field(default_factory=set)  # hashes of every sentence given
    flagged: set[str] = field(default_factory=set)  # hashes of those `_suspects` flagged
    # what the flagged were found to be, by hash: None for boilerplate, else (key, key hash)
    judged: dict[str, tuple[str, str] | None] = field(default_factory=dict)
    furniture: list[Sentence] = field(default_factory=list)  # left out of the pairing
    _words: dict[int, list[str]] = field(default_factory=dict)

    def words(self, i: int) -> list[str]:
        """The words of sentence `i` that similarity is measured on (punctuation dropped)."""
        if (found := self._words.get(i)) is None:
            found = self._words[i] = self.keys[i].translate(_PUNCTUATION).split()
        return found

    @classmethod
    def of(
        cls,
        sentences: Sequence[Sentence],
        like: _Side | None = None,
        furniture: frozenset[str] = frozenset(),
    ) -> _Side:
        """The side of `sentences`; those `like` also has are judged as they were there.
        Page furniture (and sentences whose hash is in `furniture`) is set aside."""
        norms = [s.norm for s in sentences]
        if like is None:
            openings: str | None = _openings(norms)
            aside = furniture_indices(norms, openings)
        else:  # furniture is a matter of the text alone: scan only what `like` has not
            openings = None
            fresh = [k for k, s in enumerate(sentences) if s.hash not in like.given]
            aside = {fresh[k] for k in furniture_indices([norms[k] for k in fresh])}
        if furniture:
            aside.update(k for k, s in enumerate(sentences) if s.hash in furniture)
        set_aside = [sentences[k] for k in sorted(aside)]
        if aside:
            sentences = [s for k, s in enumerate(sentences) if k not in aside]
            norms = [s.norm for s in sentences]
            openings = None
        hashes = [s.hash for s in sentences]
        side = cls(list(sentences), norms, hashes, set(hashes), furniture=set_aside)
        if like is None:
            suspects = _suspects(side.keys, openings)
        else:
            fresh = [k for k, h in enumerate(hashes) if h not in like.given]
            suspects = {fresh[k] for k in _suspects([side.keys[k] for k in fresh])}
            if like.flagged:
                suspects.update(k for k, h in enumerate(hashes) if h in like.flagged)
        side.flagged = {hashes[k] for k in suspects}
        judged = side.judged
        known = like.judged if like is not None else {}
        for k in sorted(suspects, reverse=True):  # from the end: deleting keeps k in place
            h = hashes[k]
            if h in known:  # the same text, judged on the other side
                verdict = judged[h] = known[h]
            elif h in judged:
                verdict = judged[h]
            else:
                norm = side.keys[k]
                if is_boilerplate(norm):
                    verdict = None
                else:
                    key = comparison_key(norm)
                    verdict = (key, text_hash(key)) if key != norm else (norm, h)
                judged[h] = verdict
            if verdict is None:
                del side.sentences[k], side.keys[k], side.hashes[k]
            else:
                side.keys[k], side.hashes[k] = verdict
        return side


# ---------------------------------------------------------------- pairing


@dataclass(slots=True)
class _Link:
    """Old indices paired with new indices (one side has exactly one), with a kind."""

    olds: tuple[int, ...]
    news: tuple[int, ...]
    kind: Kind
    similarity: float
    moved: bool = False


@dataclass(slots=True)
class _Pairing:
    """In-order runs of exact matches (old start, new start, length), and every other link."""

    blocks: list[tuple[int, int, int]]
    links: list[_Link]

    def mirrored(self) -> _Pairing:
        return _Pairing(
            [(b, a, size) for a, b, size in self.blocks],
            [_Link(x.news, x.olds, x.kind, x.similarity, x.moved) for x in self.links],
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


def _exact_moves(old: _Side, new: _Side, gaps: list[tuple[range, range]]) -> list[_Link]:
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
            links.append(_Link((queue.popleft(),), (j,), "moved", 1.0))
    return links


def _similarities(olds: list[list[str]], news: list[list[str]]) -> np.ndarray:
    """Word-level Indel similarity in [0, 1] of every old against every new."""
    return process.cdist(olds, news, scorer=fuzz.ratio, workers=1) / 100.0


def _ordered_pairs(sim: np.ndarray, floor: float) -> list[tuple[int, int]]:
    """Non-crossing pairs, best first, each at least `floor` similar."""
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


def _grow(
    one: list[str], many: list[list[str]], first: int, free: set[int]
) -> tuple[list[int], float]:
    """Absorb free neighbours of `many[first]` while the joined text gets closer to `one`."""
    members = [first]
    best = fuzz.ratio(one, many[first]) / 100.0
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


def _gap_links(
    olds: list[int], news: list[int], old: _Side, new: _Side, change: float
) -> list[_Link]:
    """Pair the leftovers of one gap: changed, split, merged or same up to spacing."""
    otoks = [old.words(i) for i in olds]
    ntoks = [new.words(j) for j in news]
    if len(olds) == len(news) == 1:  # the common case: one sentence edited in place
        pairs = [(0, 0)] if fuzz.ratio(otoks[0], ntoks[0]) >= change * 100 else []
    else:
        pairs = _ordered_pairs(_similarities(otoks, ntoks), change)
    free_old = set(range(len(olds))) - {r for r, _ in pairs}
    free_new = set(range(len(news))) - {c for _, c in pairs}
    links = []
    for r, c in pairs:
        split, s_split = _grow(otoks[r], ntoks, c, free_new)
        merge, s_merge = _grow(ntoks[c], otoks, r, free_old) if len(split) == 1 else ([r], 0.0)
        rs, cs, score = ([r], split, s_split) if len(split) > 1 else (merge, [c], s_merge)
        only_spacing = len(rs) == len(cs) == 1 and _same_tokens(
            old.keys[olds[r]], new.keys[news[c]]
        )
        kind: Kind = "same" if only_spacing else "changed"
        links.append(_Link(tuple(olds[i] for i in rs), tuple(news[j] for j in cs), kind, score))
    return links


def _far_moves(
    olds: list[int], news: list[int], old: _Side, new: _Side, floor: float
) -> list[_Link]:
    """Pair leftovers across gaps, best first, when at least `floor` similar: 'moved'.

    A character-level pass over the keys finds the few candidates first (sentences sharing
    most of their words share most of their characters); words are compared only for those.
    """
    if not olds or not news:
        return []
    chars = process.cdist(
        [old.keys[i] for i in olds],
        [new.keys[j] for j in news],
        scorer=fuzz.ratio,
        workers=1,
        score_cutoff=floor * 60,
    )
    candidates = [
        (fuzz.ratio(old.words(olds[r]), new.words(news[c])) / 100.0, int(r), int(c))
        for r, c in zip(*np.nonzero(chars), strict=True)
    ]
    taken_r: set[int] = set()
    taken_c: set[int] = set()
    links = []
    for score, r, c in sorted(candidates, key=lambda x: (-x[0], x[1], x[2])):
        if score >= floor and r not in taken_r and c not in taken_c:
            taken_r.add(r)
            taken_c.add(c)
            links.append(_Link((olds[r],), (news[c],), "moved", score))
    return links


def _pairing(old: _Side, new: _Side, same: float, change: float, loose: float) -> _Pairing:
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
        if olds and news:
            found = _gap_links(olds, news, old, new, change)
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
    return _Pairing(blocks, links)


# Function words left out of the overlap of leftovers (with every word of 1-3 letters).
_FUNCTION_WORDS = frozenset(
    [
        "said",
        "says",
        "with",
        "from",
        "that",
        "this",
        "have",
        "were",
        "would",
        "their",
        "there",
        "which",
        "about",
        "after",
        "been",
        "they",
        "will",
        "into",
        "also",
        "more",
        "than",
        "when",
        "what",
        "them",
        "then",
        "these",
        "those",
        "some",
        "such",
        "only",
        "other",
        "over",
        "could",
        "should",
        "being",
        "where",
        "while",
        "because",
        "before",
    ]
)


def _content(side: _Side, i: int) -> set[str]:
    """The content words of sentence `i`: runs of 4+ letters or digits, lower-cased, that
    are not function words. An ASCII sentence takes them from its words (split at spaces and
    punctuation already), the rest from a scan of the whole key."""
    key = side.keys[i]
    if not key.isascii():
        return set(_CONTENT_WORD.findall(key.lower())) - _FUNCTION_WORDS
    found = set()
    for w in side.words(i):
        if len(w) > 3:
            if w.isalnum():
                found.add(w.lower())
            else:  # a control character inside: cut where the scan would
                found.update(_CONTENT_WORD.findall(w.lower()))
    return found - _FUNCTION_WORDS


def _loose_links(
    olds: list[int], news: list[int], old: _Side, new: _Side, floor: float
) -> list[_Link]:
    """Pair leftovers that are each other's best match by content-word overlap >= floor
    (|A & B| / max(|A|, |B|), at least two words shared)."""
    if not olds or not news or floor > 1:
        return []
    bags_o = [_content(old, i) for i in olds]
    bags_n = [_content(new, j) for j in news]
    # Only an old sentence sharing two words with the new leftovers as a whole can score;
    # the others (nearly all) are dismissed by one intersection. Ties go to the first, as
    # `numpy.argmax` over the matrix of scores (zero elsewhere) would break them.
    new_words = set().union(*bags_n)
    row_best: list[tuple[int, float]] = []
    col_best: dict[int, tuple[float, int]] = {}
    for r, bo in enumerate(bags_o):
        best_c, best = 0, 0.0
        if len(bo & new_words) >= 2:
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
            links.append(_Link((olds[r],), (news[c],), "changed", sim))
    return links


# ---------------------------------------------------------------- rows

_UNUSED, _ELSEWHERE = -2, -1


def _link_rows(pairing: _Pairing, old: _Side, new: _Side) -> dict[int, list[SentenceEdit]]:
    """The rows of every link that is not an in-order exact run, by new index."""
    at_new: dict[int, list[SentenceEdit]] = defaultdict(list)
    for x in pairing.links:
        for j in x.news:
            n = new.sentences[j]
            for i in sorted(x.olds):
                o = old.sentences[i]
                at_new[j].append(
                    SentenceEdit(
                        x.kind, o.sentence_no, n.sentence_no, o.text, n.text, x.similarity, x.moved
                    )
                )
    return at_new


def _placement(pairing: _Pairing, n_old: int) -> list[int]:
    """For each old index: the new index its row sits at in order, or a marker."""
    place = [_UNUSED] * n_old
    for a, b, size in pairing.blocks:
        place[a : a + size] = range(b, b + size)
    for x in pairing.links:
        for i in x.olds:
            place[i] = _ELSEWHERE if x.kind == "moved" or x.moved else max(x.news)
    return place


def _rows(pairing: _Pairing, old: _Side, new: _Side) -> list[SentenceEdit]:
    """Rows in reading order of `new`, removed rows after their old predecessor's row.

    In-order runs are taken a run at a time; only the sentences between them are looked at
    one by one."""
    olds, news = old.sentences, new.sentences
    place = _placement(pairing, len(olds))
    ends = [*pairing.blocks, (len(olds), len(news), 0)]
    removed_after: dict[int, list[SentenceEdit]] = defaultdict(list)
    anchor, i = -1, 0
    for a, b, size in ends:
        for k in range(i, a):
            if place[k] >= 0:
                anchor = place[k]
            elif place[k] == _UNUSED:
                o = olds[k]
                removed_after[anchor].append(
                    SentenceEdit("removed", o.sentence_no, None, o.text, None, 0.0)
                )
        if size:
            anchor = b + size - 1
        i = a + size
    linked = _link_rows(pairing, old, new)
    after = sorted(removed_after)
    out = removed_after.get(-1, [])
    j = 0
    for a, b, size in ends:
        for k in range(j, b):
            if found := linked.get(k):
                out += found
            else:
                n = news[k]
                out.append(SentenceEdit("added", None, n.sentence_no, None, n.text, 0.0))
            if k in removed_after:
                out += removed_after[k]
        start = b
        for k in after[bisect_left(after, b) : bisect_left(after, b + size)]:
            out += _same_rows(olds[a + start - b : a + k + 1 - b], news[start : k + 1])
            out += removed_after[k]
            start = k + 1
        out += _same_rows(olds[a + start - b : a + size], news[start : b + size])
        j = b + size
    return out


def _same_rows(olds: list[Sentence], news: list[Sentence]) -> list[SentenceEdit]:
    return [
        SentenceEdit("same", o.sentence_no, n.sentence_no, o.text, n.text, 1.0)
        for o, n in zip(olds, news, strict=True)
    ]


def align(
    old: Sequence[Sentence],
    new: Sequence[Sentence],
    *,
    same: float = 0.9,
    change: float = 0.5,
    loose: float = 0.5,
    furniture: frozenset[str] = frozenset(),
) -> list[SentenceEdit]:
    """How `new` differs from `old`, one row per sentence (see the module docstring).

    `change` is the least similarity for two sentences of the same gap to count as one
    changed sentence; `same` the least for a sentence found elsewhere to count as moved;
    `loose` the least weighted word overlap for leftovers that are each other's best match
    to count as changed (above 1: never). `furniture`: hashes of sentences that are page
    furniture (a site's boilerplate).
    """
    old_side = _Side.of(old, furniture=furniture)
    return _align(old_side, _Side.of(new, like=old_side, furniture=furniture), same, change, loose)


def _align(old: _Side, new: _Side, same: float, change: float, loose: float) -> list[SentenceEdit]:
    """`align` on prepared sides, paired in the canonical orientation, furniture placed."""
    if old.hashes <= new.hashes:
        rows = _rows(_pairing(old, new, same, change, loose), old, new)
    else:
        rows = _rows(_pairing(new, old, same, change, loose).mirrored(), old, new)
    return _with_furniture(rows, old.furniture, new.furniture)


def _with_furniture(
    rows: list[SentenceEdit], old: list[Sentence], new: list[Sentence]
) -> list[SentenceEdit]:
    """`rows` with a row for each furniture sentence, after the row of the sentence before it
    on its side: 'same' when both sides have it, else 'added' or 'removed' labelled
    'boilerplate'."""
    if not old and not new:
        return rows
    waiting: dict[str, deque[Sentence]] = defaultdict(deque)
    for s in old:
        waiting[s.hash].append(s)
    extra = []
    for s in new:
        if queue := waiting.get(s.hash):
            o = queue.popleft()
            extra.append(
                (
                    1,
                    s.sentence_no,
                    SentenceEdit("same", o.sentence_no, s.sentence_no, o.text, s.text, 1.0),
                )
            )
        else:
            e = SentenceEdit("added", None, s.sentence_no, None, s.text, 0.0, **_FURNITURE)
            extra.append((1, s.sentence_no, e))
    for queue in waiting.values():
        for o in queue:
            e = SentenceEdit("removed", o.sentence_no, None, o.text, None, 0.0, **_FURNITURE)
            extra.append((0, o.sentence_no, e))
    out = list(rows)
    for side, no, e in sorted(extra, key=lambda x: (x[0], x[1])):
        at = 0
        for k, r in enumerate(out):
            mine = r.old_sentence_no if side == 0 else r.new_sentence_no
            if mine is not None and mine < no:
                at = k + 1
        out.insert(at, e)
    return out


_FURNITURE = {"category": "boilerplate", "significance": "minor", "rule": "page furniture"}


# ---------------------------------------------------------------- phrases


def _spans(text: str) -> list[tuple[int, int]]:
    """Token spans of `text`, without tokens that are only invisible characters."""
    return [m.span() for m in _TOKEN.finditer(text) if comparison_form(m.group())]


def _pad(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a deleted (or inserted) span by the one space that would be left over."""
    space_before = start > 0 and text[start - 1].isspace()
    space_after = end < len(text) and text[end].isspace()
    if space_before and not space_after:
        return start - 1, end
    if space_after and (space_before or start == 0):
        return start, end + 1
    return start, end


def phrase_ops(old: str, new: str) -> list[tuple[int, int, int, int]]:
    """The (old_start, old_end, new_start, new_end) character spans of `phrase_edits`:
    spans of the texts given, found by comparing the comparison forms of their tokens."""
    a, b = _spans(old), _spans(new)
    matcher = difflib.SequenceMatcher(
        None,
        [comparison_form(old[s:e]) for s, e in a],
        [comparison_form(new[s:e]) for s, e in b],
        autojunk=False,
    )
    ops = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        os_, oe = (a[i1][0], a[i2 - 1][1]) if i2 > i1 else _at(a, i1, old)
        ns, ne = (b[j1][0], b[j2 - 1][1]) if j2 > j1 else _at(b, j1, new)
        if tag == "delete":
            os_, oe = _pad(old, os_, oe)
        elif tag == "insert":
            ns, ne = _pad(new, ns, ne)
        ops.append((os_, oe, ns, ne))
    return ops


def _at(spans: list[tuple[int, int]], k: int, text: str) -> tuple[int, int]:
    """The empty span where token `k` starts (or the end of `text`)."""
    pos = spans[k][0] if k < len(spans) else len(text)
    return pos, pos


def phrase_edits(old: str, new: str) -> list[tuple[str, str]]:
    """The smallest word-level (removed, inserted) spans turning `old` into `new`, as written
    in them; typography is not an edit."""
    return [(old[a:b], new[c:d]) for a, b, c, d in phrase_ops(old, new)]


def published_key(s: Sentence) -> str:
    """The sentence as published, without the leading dateline its comparison key leaves
    out (the comparison key itself when no suffix of the text has that form)."""
    key = comparison_key(s.norm)
    if key == s.norm:
        return s.text
    for m in _TOKEN.finditer(s.text):
        if comparison_form(s.text[m.start() :]) == key:
            return s.text[m.start() :]
    return key


def _group_phrases(olds: list[Sentence], news: list[Sentence]) -> list[PhraseEdit]:
    """Phrase edits of one old sentence split into several new ones, or the mirror."""
    okeys = [published_key(s) for s in olds]
    nkeys = [published_key(s) for s in news]
    ostarts, nstarts = _starts(okeys), _starts(nkeys)
    old_text, new_text = " ".join(okeys), " ".join(nkeys)
    out = []
    for a, b, c, d in phrase_ops(old_text, new_text):
        o = olds[bisect_right(ostarts, a) - 1]
        n = news[bisect_right(nstarts, c) - 1]
        out.append(PhraseEdit(o.sentence_no, n.sentence_no, old_text[a:b], new_text[c:d]))
    return out


def _starts(keys: list[str]) -> list[int]:
    starts, pos = [], 0
    for key in keys:
        starts.append(pos)
        pos += len(key) + 1
    return starts


def _groups(edits: list[SentenceEdit]) -> list[tuple[list[int], list[int]]]:
    """(old numbers, new numbers) of each 'changed' or 'moved' pairing, splits joined."""
    groups: list[tuple[list[int], list[int]]] = []
    for e in edits:
        if e.kind not in ("changed", "moved") or e.old_sentence_no is None:
            continue
        o, n = e.old_sentence_no, e.new_sentence_no
        assert n is not None
        last = groups[-1] if groups and e.kind == "changed" else None
        if last and last[0] == [o]:
            last[1].append(n)
        elif last and last[1] == [n]:
            last[0].append(o)
        else:
            groups.append(([o], [n]))
    return groups


def phrase_edits_for(
    edits: list[SentenceEdit], old: Sequence[Sentence], new: Sequence[Sentence]
) -> list[PhraseEdit]:
    """Phrase edits of every 'changed' and 'moved' row of an alignment of `old` and `new`."""
    old_by_no = {s.sentence_no: s for s in old}
    new_by_no = {s.sentence_no: s for s in new}
    out: list[PhraseEdit] = []
    for olds, news in _groups(edits):
        out += _group_phrases([old_by_no[i] for i in olds], [new_by_no[j] for j in news])
    return out


# ---------------------------------------------------------------- comparison


def _title_changed(old_title: str | None, new_title: str | None) -> bool:
    if old_title is None or new_title is None:
        return (old_title is None) != (new_title is None)
    return comparison_form(old_title) != comparison_form(new_title)


def _counts(edits: Iterable[SentenceEdit]) -> dict[str, int]:
    counts = dict.fromkeys(("same", "changed", "added", "removed", "moved", "boilerplate"), 0)
    for e in edits:
        counts["boilerplate" if e.category == "boilerplate" else e.kind] += 1
    return counts


def compare(
    old_title: str | None,
    old_sentences: Sequence[Sentence],
    new_title: str | None,
    new_sentences: Sequence[Sentence],
    *,
    k: int = 3,
    same: float = 0.9,
    change: float = 0.5,
    loose: float = 0.5,
    furniture: frozenset[str] = frozenset(),
) -> Comparison:
    """The comparison of two versions: shingle overlap, aligned rows and phrase edits,
    each row with its category and significance (`tasks.compare.categories`).

    Shingles are taken from the sentences' comparison keys, without boilerplate lines and
    furniture, like the alignment.
    """
    old = _Side.of(old_sentences, furniture=furniture)
    new = _Side.of(new_sentences, like=old, furniture=furniture)
    old_sh, new_sh = shingles_of(old.keys, k), shingles_of(new.keys, k)
    edits = _align(old, new, same, change, loose)
    phrases = phrase_edits_for(edits, old_sentences, new_sentences)
    title_changed = _title_changed(old_title, new_title)
    edits = categorize(edits, phrases)
    counts = _counts(edits)
    significance, summary = summarize(edits, title_changed)
    return Comparison(
        jaccard=jaccard(old_sh, new_sh),
        containment=containment(new_sh, old_sh),
        n_same=counts["same"],
        n_changed=counts["changed"],
        n_added=counts["added"],
        n_removed=counts["removed"],
        n_moved=counts["moved"],
        title_changed=title_changed,
        edits=tuple(edits),
        phrases=tuple(phrases),
        n_boilerplate=counts["boilerplate"],
        significance=significance,
        summary=summary,
    )

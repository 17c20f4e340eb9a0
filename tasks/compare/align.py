"""Sentence alignment of two versions of a text: the entry, `align` and `compare`.

`align(old, new)` explains, sentence by sentence, how `new` differs from `old`, in the
NewsEdits taxonomy (Spangher et al., NAACL 2022): 'same', 'changed' (an edit), 'added' (an
addition), 'removed' (a deletion) and 'moved' (a refactor). `compare(...)` adds the overlap
measures and the phrase edits; revisions and republications both go through it.

How sentences are matched, cheapest evidence first, is `tasks.compare.pairing`'s docstring:
noise dropped (`tasks.compare.noise`), exact matches in order, then changed, split and
merged sentences within each gap, moves across gaps, loose pairs by content words, and what
is left added or removed.

Page furniture (`tasks.compare.furniture`: captions, credits, advertisement slots, rights footers,
and each site's own boilerplate given as `furniture` hashes) takes no part in the pairing:
furniture only one side has gets an 'added' or 'removed' row labelled 'boilerplate' and is
counted in `n_boilerplate`, never as an editorial edit.

The pairing is worked out in one canonical orientation (the side whose hash list sorts
first is taken as "old"), so comparing B with A is exactly the mirror of comparing A with B:
added and removed swap, splits become merges, and every tie is broken the same way.

Rows come in reading order of the new text; a removed sentence is placed right after the row
of the old sentence that preceded it (at the top when none did).

`tasks.compare.phrases` gives the word-level edits inside each pairing; this module turns a
pairing into rows and a comparison.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tasks.compare.categories import categorize, summarize
from tasks.compare.noise import Side
from tasks.compare.pairing import Kind, Pairing, pair_sentences
from tasks.compare.phrases import PhraseEdit, phrase_edits_for
from tasks.dedupe.shingles import containment, jaccard, shingles_of
from tasks.text.typography import comparison_form
from warehouse.records import Sentence


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


# ---------------------------------------------------------------- rows

_UNUSED, _ELSEWHERE = -2, -1
# A row made by `_new` then `_init` is the row `SentenceEdit(...)` makes, without the class
# call's detour through C (on Python 3.11 it runs `__init__` in a frame of its own).
_new, _init = object.__new__, SentenceEdit.__init__


def _same_rows(olds: list[Sentence], news: list[Sentence]) -> list[SentenceEdit]:
    """The 'same' rows of an in-order run: `olds[k]` and `news[k]` have one key."""
    out = []
    add = out.append
    for o, n in zip(olds, news, strict=True):
        e = _new(SentenceEdit)
        _init(e, "same", o.sentence_no, n.sentence_no, o.text, n.text, 1.0)
        add(e)
    return out


def _link_rows(pairing: Pairing, old: Side, new: Side) -> dict[int, list[SentenceEdit]]:
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


def _placement(pairing: Pairing, n_old: int) -> list[int]:
    """For each old index: the new index its row sits at in order, or a marker."""
    place = [_UNUSED] * n_old
    for a, b, size in pairing.blocks:
        place[a : a + size] = range(b, b + size)
    for x in pairing.links:
        for i in x.olds:
            place[i] = _ELSEWHERE if x.kind == "moved" or x.moved else max(x.news)
    return place


def _rows(pairing: Pairing, old: Side, new: Side) -> list[SentenceEdit]:
    """Rows in reading order of `new`, removed rows after their old predecessor's row.

    In-order runs are taken a run at a time; only the sentences between them are looked at
    one by one. A removed sentence follows the last row of a run, a row between runs, or
    comes first: within a run, only its last row can have removed rows after it."""
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
    out = removed_after.pop(-1, [])
    j = 0
    for a, b, size in ends:
        for k in range(j, b):
            if found := linked.get(k):
                out += found
            else:
                n = news[k]
                out.append(SentenceEdit("added", None, n.sentence_no, None, n.text, 0.0))
            if removed_after and k in removed_after:
                out += removed_after[k]
        if size:
            out += _same_rows(olds[a : a + size], news[b : b + size])
            if removed_after and (after := removed_after.get(b + size - 1)):
                out += after
        j = b + size
    return out


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
    old_side = Side.of(old, furniture=furniture)
    return _align(old_side, Side.of(new, like=old_side, furniture=furniture), same, change, loose)


def _align(old: Side, new: Side, same: float, change: float, loose: float) -> list[SentenceEdit]:
    """`align` on prepared sides, paired in the canonical orientation, furniture placed."""
    if old.hashes <= new.hashes:
        rows = _rows(pair_sentences(old, new, same, change, loose), old, new)
    else:
        rows = _rows(pair_sentences(new, old, same, change, loose).mirrored(), old, new)
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
    old = Side.of(old_sentences, furniture=furniture)
    new = Side.of(new_sentences, like=old, furniture=furniture)
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

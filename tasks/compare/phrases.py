"""Word-level edits inside a sentence pairing: phrase edits.

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
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tasks.compare.noise import comparison_key
from tasks.text.typography import comparison_form
from warehouse.records import Sentence

if TYPE_CHECKING:
    from tasks.compare.align import SentenceEdit

TOKEN = re.compile(r"\d+(?:[.,]\d+)+|\w+(?:['’‘´.\-‐‑]+\w+)*|[^\w\s]+")


@dataclass(frozen=True, slots=True)
class PhraseEdit:
    """A word-level edit inside a 'changed' or 'moved' sentence; one side may be ''."""

    old_sentence_no: int
    new_sentence_no: int
    removed: str
    inserted: str


def tokens(norm: str) -> list[str]:
    """Words (keeping inner apostrophes, dots and hyphens) and punctuation runs."""
    return TOKEN.findall(norm)


def _spans(text: str) -> list[tuple[int, int]]:
    """Token spans of `text`, without tokens that are only invisible characters."""
    return [m.span() for m in TOKEN.finditer(text) if comparison_form(m.group())]


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
    for m in TOKEN.finditer(s.text):
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

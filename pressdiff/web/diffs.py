"""A comparison as the viewer shows it: sentence rows whose words are marked inserted or
deleted, terms swapped one for another paired, and unchanged runs folded.

The same aligner and word diff as `pressdiff diff` (tasks.compare.align), computed on the fly, so
any two versions can be compared, not only the pairs the warehouse stored.
"""

from __future__ import annotations

from dataclasses import dataclass

from tasks.compare.align import Comparison, SentenceEdit, compare
from tasks.compare.phrases import phrase_ops
from tasks.text.typography import comparison_form
from warehouse.comparisons import load_versions


@dataclass(frozen=True)
class Piece:
    """A run of words: 'same', 'del' or 'ins'; an inserted run that replaced words says which."""

    kind: str
    text: str
    swap_of: str | None = None


@dataclass(frozen=True)
class Row:
    """One aligned sentence: its kind, numbers, and its words as pieces."""

    kind: str  # same | changed | moved | added | removed
    old_no: int | None
    new_no: int | None
    pieces: tuple[Piece, ...]

    @property
    def old_pieces(self) -> tuple[Piece, ...]:
        """What the old side shows: its words, deletions marked."""
        return tuple(p for p in self.pieces if p.kind != "ins")

    @property
    def new_pieces(self) -> tuple[Piece, ...]:
        """What the new side shows: its words, insertions marked."""
        return tuple(p for p in self.pieces if p.kind != "del")


@dataclass(frozen=True)
class Fold:
    """A run of unchanged sentences, shown closed."""

    rows: tuple[Row, ...]

    kind = "fold"


def words(old: str | None, new: str | None) -> tuple[Piece, ...]:
    """`new` against `old`, word by word: kept runs, deleted runs, inserted runs."""
    a, b = comparison_form(old or ""), comparison_form(new or "")
    out: list[Piece] = []
    j = 0
    for os_, oe, ns, ne in phrase_ops(a, b):
        if ns > j:
            out.append(Piece("same", b[j:ns]))
        removed, inserted = a[os_:oe], b[ns:ne]
        if removed:
            out.append(Piece("del", removed))
        if inserted:
            out.append(Piece("ins", inserted, removed or None))
        j = ne
    if j < len(b):
        out.append(Piece("same", b[j:]))
    return tuple(p for p in out if p.text)


def row(e: SentenceEdit) -> Row:
    """The row of one sentence edit."""
    if e.kind == "removed":
        pieces = (Piece("del", e.old_text or ""),)
    elif e.kind == "added":
        pieces = (Piece("ins", e.new_text or ""),)
    elif e.kind in ("changed", "moved") and e.old_text and e.new_text:
        pieces = words(e.old_text, e.new_text)
    else:
        pieces = (Piece("same", e.new_text or e.old_text or ""),)
    return Row(e.kind, e.old_sentence_no, e.new_sentence_no, pieces)


def fold(rows: list[Row], context: int = 1) -> list[Row | Fold]:
    """`rows` with each run of unchanged sentences beyond `context` of an edit folded."""
    keep = [r.kind != "same" for r in rows]
    near = [any(keep[max(0, i - context) : i + context + 1]) for i in range(len(rows))]
    out: list[Row | Fold] = []
    run: list[Row] = []
    for r, show in zip(rows, near, strict=True):
        if show:
            if run:
                out.append(Fold(tuple(run)))
                run = []
            out.append(r)
        else:
            run.append(r)
    if run:
        out.append(Fold(tuple(run)))
    return out


@dataclass(frozen=True)
class Diff:
    """What the viewer shows of two versions: headline, byline and body, each on its own."""

    comparison: Comparison
    headline: tuple[Piece, ...]
    byline: tuple[Piece, ...]
    body: list[Row | Fold]

    @property
    def swaps(self) -> list[tuple[str, str, int]]:
        """(removed, inserted, times) of the terms swapped in the body, most frequent first."""
        counts: dict[tuple[str, str], int] = {}
        for p in self.comparison.phrases:
            if p.removed and p.inserted:
                counts[p.removed, p.inserted] = counts.get((p.removed, p.inserted), 0) + 1
        return sorted(((a, b, n) for (a, b), n in counts.items()), key=lambda s: (-s[2], s[0]))


def diff(con, old_id: str, new_id: str, bylines: dict[str, str | None], context: int = 1) -> Diff:
    """The diff of two stored versions (titles, sentences from `con`; bylines given)."""
    versions = load_versions(con, [old_id, new_id])
    old, new = versions[old_id], versions[new_id]
    c = compare(old.title, old.sentences, new.title, new.sentences)
    return Diff(
        comparison=c,
        headline=words(old.title, new.title),
        byline=words(bylines.get(old_id), bylines.get(new_id)),
        body=fold([row(e) for e in c.edits], context),
    )

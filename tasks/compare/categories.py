"""What kind of edit each aligned sentence is, and how much it matters: rules, not a model.

Every row of an alignment that is not 'same' gets a category, a significance and the rule
that gave them (a short text a person can check). The categories:

- boilerplate (minor): page furniture: captions, credits, advertisement slots, rights
  footers, a site's own boilerplate.
- correction notice (major): an added or changed sentence opening "Correction:",
  "Clarification:", "Update:", "Editor's note:" or "This story has been updated/corrected".
- number (major): a changed sentence where a number was replaced by another number.
- spelling/typo (minor): every edit replaces one word by a word within two letters of it
  (words of 3+ letters), or touches punctuation only.
- quote removed (major) / quote added (substantive): a removed or added sentence with a
  quotation in it.
- quote changed (substantive): a changed sentence edited inside its quotation marks.
- name (substantive): a changed sentence where a capitalised name was replaced by another.
- attribution (substantive): a changed sentence whose edits touch who said it (said,
  told, according to, spokesman, ...).
- wording: any other change to a sentence; minor when at most 3 words changed, else
  substantive.
- sentence added, sentence removed (substantive): any other added or removed sentence.
- moved (minor): the same sentence in another place.

A changed sentence takes the first category of the table (from correction notice down to
wording) whose rule holds. The headline is compared per comparison, not per sentence: a new
title makes the comparison at least substantive and is named in its summary.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from rapidfuzz.distance import Levenshtein

if TYPE_CHECKING:
    from tasks.compare.align import SentenceEdit
    from tasks.compare.phrases import PhraseEdit

LEVELS = ("minor", "substantive", "major")
_CORRECTION = re.compile(
    r"^\(?\s*(?:correction|clarification|update|updated|editor'?s note)\b"
    r"|^this (?:story|article) (?:has been|was) (?:updated|corrected)",
    re.I,
)
_QUOTED = re.compile(r"[\"“”«»„]([^\"“”«»„]{2,})[\"“”«»„]")
_HAS_QUOTE = re.compile(r"[\"“”«»„]")
_NUMBER = re.compile(r"\d")
_NAME = re.compile(r"^(?:[A-Z][\w'’.\-]*)(?:\s+(?:[A-Z][\w'’.\-]*|of|de|al|bin|van|von))*$")
_ATTRIBUTION = re.compile(
    r"\b(?:said|says|say|told|tells|according|reported|reports|claimed|claims|stated|states"
    r"|announced|spokes(?:man|woman|person)|quoted|added|insisted|denied|confirmed)\b",
    re.I,
)
_WORDS = re.compile(r"\w+")


def _label(e: SentenceEdit, category: str, significance: str, rule: str) -> SentenceEdit:
    return replace(e, category=category, significance=significance, rule=rule)


def _quoted_spans(text: str) -> list[str]:
    return [m.group(1) for m in _QUOTED.finditer(text)]


def _changed(e: SentenceEdit, phrases: Sequence[PhraseEdit]) -> SentenceEdit:
    """The category of a 'changed' (or edited 'moved') row from its phrase edits."""
    old, new = e.old_text or "", e.new_text or ""
    if _CORRECTION.search(new) and not _CORRECTION.search(old):
        return _label(e, "correction notice", "major", "the sentence now opens a correction")
    pairs = [(p.removed.strip(), p.inserted.strip()) for p in phrases]
    for r, i in pairs:
        if _NUMBER.search(r) and _NUMBER.search(i):
            return _label(e, "number", "major", f"a number replaced by a number: {r} → {i}")
    if pairs and all(_typo(r, i) for r, i in pairs):
        shown = "; ".join(f"{r} → {i}" for r, i in pairs)
        return _label(e, "spelling/typo", "minor", f"words within two letters: {shown}")
    quoted_old, quoted_new = _quoted_spans(old), _quoted_spans(new)
    for r, i in pairs:
        if (r and any(r in q for q in quoted_old)) or (i and any(i in q for q in quoted_new)):
            return _label(e, "quote changed", "substantive", f"edited inside quotes: {r} → {i}")
    for r, i in pairs:
        if r and i and _NAME.match(r) and _NAME.match(i) and r.lower() != i.lower():
            return _label(e, "name", "substantive", f"a name replaced: {r} → {i}")
    for r, i in pairs:
        if _ATTRIBUTION.search(r) or _ATTRIBUTION.search(i):
            return _label(e, "attribution", "substantive", f"who said it: {r} → {i}")
    n_words = sum(max(len(_WORDS.findall(r)), len(_WORDS.findall(i))) for r, i in pairs)
    if not pairs and e.kind == "moved":
        return _label(e, "moved", "minor", "the same sentence in another place")
    level = "minor" if n_words <= 3 else "substantive"
    return _label(e, "wording", level, f"{n_words} words changed ({level} up to 3)")


def _typo(removed: str, inserted: str) -> bool:
    """One word for one word within two letters, or punctuation only."""
    if not _WORDS.search(removed) and not _WORDS.search(inserted):
        return True
    if len(removed.split()) != 1 or len(inserted.split()) != 1:
        return False
    return (
        Levenshtein.distance(removed.lower(), inserted.lower()) <= 2
        and min(len(removed), len(inserted)) > 2
    )


def _one(e: SentenceEdit, phrases: Sequence[PhraseEdit]) -> SentenceEdit:
    if e.kind == "same" or e.category == "boilerplate":
        return e
    if e.kind == "added":
        text = e.new_text or ""
        if _CORRECTION.search(text):
            return _label(e, "correction notice", "major", "an added correction notice")
        if _HAS_QUOTE.search(text):
            return _label(e, "quote added", "substantive", "an added sentence with a quotation")
        return _label(e, "sentence added", "substantive", "an added sentence")
    if e.kind == "removed":
        if _HAS_QUOTE.search(e.old_text or ""):
            return _label(e, "quote removed", "major", "a removed sentence with a quotation")
        return _label(e, "sentence removed", "substantive", "a removed sentence")
    if e.kind == "moved" and e.similarity >= 1.0:
        return _label(e, "moved", "minor", "the same sentence in another place")
    return _changed(e, phrases)


def categorize(edits: Iterable[SentenceEdit], phrases: Iterable[PhraseEdit]) -> list[SentenceEdit]:
    """`edits` with the category, significance and rule of every row that is not 'same'."""
    by_pair: dict[tuple[int, int], list[PhraseEdit]] = {}
    for p in phrases:
        by_pair.setdefault((p.old_sentence_no, p.new_sentence_no), []).append(p)
    out = []
    for e in edits:
        if e.kind == "same":  # most rows: nothing to label
            out.append(e)
            continue
        key = (e.old_sentence_no or 0, e.new_sentence_no or 0)
        out.append(_one(e, by_pair.get(key, [])))
    return out


def summarize(edits: Iterable[SentenceEdit], title_changed: bool) -> tuple[str | None, str]:
    """(significance, summary) of a comparison: its most significant edit (a new headline
    is at least substantive) and its categories counted, most frequent first."""
    counts: Counter[str] = Counter()
    level = -1
    for e in edits:
        if e.category is None:
            continue
        counts[e.category] += 1
        if e.category != "boilerplate":
            level = max(level, LEVELS.index(e.significance or "minor"))
    parts = ["headline"] if title_changed else []
    if title_changed:
        level = max(level, 1)
    parts += [f"{n} {c}" for c, n in sorted(counts.items(), key=lambda x: (-x[1], x[0]))]
    significance = LEVELS[level] if level >= 0 else None
    return significance, ", ".join(parts) or "no edits"

"""Paragraphs and sentences, in reading order, with the segmentation comparisons use.

Sentences come from syntok, a rule-based segmenter that needs no model download and knows
abbreviations ("U.S.", "Gen.", "p.m."); each sentence keeps its text exactly as published.
syntok does not split at the full stops of Chinese and Japanese (。！？) or at the danda of
Devanagari (।): sentences are split there afterwards. A dash right after a sentence's end
("JANESVILLE, Wis. — The ...") continues that sentence. A "sentence" with no letter or digit
in it (a bullet, a lone quote mark) is not a sentence: it is left out, so it is never an edit.
"""

from __future__ import annotations

import re

import syntok.segmenter as syntok
from syntok._segmentation_states import State

from tasks.text.typography import comparison_form, text_hash
from warehouse.records import Sentence

_BLANK_LINE = re.compile(r"\n[ \t\u00a0]*\n")


def split_paragraphs(text: str) -> list[str]:
    """Blocks separated by blank lines; in a text with none, every line is a paragraph."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _BLANK_LINE.search(text):
        blocks = [" ".join(b.split("\n")) for b in _BLANK_LINE.split(text)]
    else:
        blocks = text.split("\n")
    return [b.strip() for b in blocks if b.strip()]


# Titles syntok does not know: a sentence "ending" in one is joined with the next.
_TITLES = frozenset(
    re.findall(
        r"\S+",
        "Gov Rep Reps Sen Sens Lt Sgt Col Capt Cmdr Adm Maj Cpl Pvt Rev Gen Supt Det Insp Atty "
        "Amb Hon Pres Prof Gov's",
    )
)
_TITLE_END = re.compile(rf"(?:^|\s)(?:{'|'.join(map(re.escape, sorted(_TITLES)))})\.$")


# syntok only considers a split at a terminal or an opening bracket (the sets below are its
# own); a paragraph with neither before its closing punctuation is one sentence, and is not
# tokenized at all (half of all news paragraphs; tests check the shortcut agrees with
# syntok on every paragraph of the real corpora).
def _chars(*sets: frozenset[str]) -> str:
    return re.escape("".join(sorted({c for chars in sets for c in chars if len(c) == 1})))


_TERMINALS = _chars(State.terminals)
_OPENING = _chars(State.opening_brackets)
_CLOSING = _chars(State.closing_brackets, State.closing_quotes)
_ONE_SENTENCE = re.compile(
    rf"\s*[^\s{_TERMINALS}{_OPENING}][^{_TERMINALS}{_OPENING}]*[{_TERMINALS}]?[{_CLOSING}]*\s*"
)


# Where syntok always splits: after a space, a word of 2+ letters (lowercase, capitalized
# or all capitals) or a number of 2+ digits, one of . ! ? (and a closing quote), a space,
# and a capital letter (perhaps quoted); the word none of syntok's abbreviations, month
# names or the titles above, the next word no month name. A paragraph split there into
# pieces that each pass _ONE_SENTENCE is not tokenized at all (a third of the paragraphs
# with more than one sentence; tests check it agrees with syntok, as for _ONE_SENTENCE).
_PLAIN_END = re.compile(
    rf"(?:^|(?<=\s))((?=\w\w)[A-Z]?[a-z]*|[A-Z]{{2,}}|\d{{2,}})[.!?][{_CLOSING}]?"
    rf"(?=\s+[\"\u201c\u2018']?([A-Z][a-z]*))"
)
_NOT_PLAIN = State.abbreviations | State.months | _TITLES
_DASHES = frozenset("-‐‑‒–—―")


def _plain_spans(paragraph: str) -> list[tuple[int, int]] | None:
    """The sentences of a paragraph of plain sentences (see above), or None."""
    spans, start = [], 0
    for m in _PLAIN_END.finditer(paragraph):
        if m.group(1) in _NOT_PLAIN or m.group(2) in State.months:
            return None
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(paragraph)))
    if len(spans) == 1 or not all(_ONE_SENTENCE.fullmatch(paragraph, a, b) for a, b in spans):
        return None
    return spans


def _sentence_spans(paragraph: str) -> list[tuple[int, int]]:
    if _ONE_SENTENCE.fullmatch(paragraph):
        return [(0, len(paragraph))]
    return _plain_spans(paragraph) or syntok_spans(paragraph)


# The end of a sentence in Chinese or Japanese (no space follows) or in Devanagari.
_WIDE_END = re.compile(r"[。！？｡]++[」』）〕】》〉\"”’)]*+(?![とっ])|[।॥](?=\s)")
_HAS_WORD = re.compile(r"[^\W_]")


def _wide_spans(paragraph: str, start: int, end: int) -> list[tuple[int, int]]:
    """The span (start, end) cut after every 。！？ or । inside it."""
    spans = []
    for m in _WIDE_END.finditer(paragraph, start, end):
        if paragraph[m.end() : end].strip():
            spans.append((start, m.end()))
            start = m.end()
    spans.append((start, end))
    return spans


def syntok_spans(paragraph: str) -> list[tuple[int, int]]:
    """Where syntok puts the sentences of `paragraph` (title abbreviations rejoined)."""
    spans: list[tuple[int, int]] = []
    for para in syntok.analyze(paragraph):
        for sentence in para:
            start = sentence[0].offset
            end = sentence[-1].offset + len(sentence[-1].value)
            if spans and (
                _TITLE_END.search(paragraph[spans[-1][0] : spans[-1][1]])
                or sentence[0].value in _DASHES
            ):
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
    return spans


def split_sentences(paragraphs: list[str]) -> list[Sentence]:
    """Every sentence of `paragraphs`, numbered from 1, with its paragraph number."""
    out: list[Sentence] = []
    for paragraph_no, paragraph in enumerate(paragraphs, start=1):
        spans = _sentence_spans(paragraph)
        if _WIDE_END.search(paragraph):
            spans = [piece for span in spans for piece in _wide_spans(paragraph, *span)]
        for start, end in spans:
            text = paragraph[start:end].strip()
            norm = comparison_form(text)
            if not _HAS_WORD.search(norm):
                continue
            out.append(Sentence(len(out) + 1, paragraph_no, text, norm, text_hash(norm)))
    return out

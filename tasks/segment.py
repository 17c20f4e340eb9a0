"""Paragraphs and sentences, in reading order, with the segmentation comparisons use.

Sentences come from syntok, a rule-based segmenter that needs no model download and knows
abbreviations ("U.S.", "Gen.", "p.m."); each sentence keeps its text exactly as published.
"""

from __future__ import annotations

import re

import syntok.segmenter as syntok

from tasks.article import Sentence
from tasks.typography import comparison_form, text_hash

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
_TITLE_END = re.compile(
    r"(?:^|\s)(?:Gov|Rep|Reps|Sen|Sens|Lt|Sgt|Col|Capt|Cmdr|Adm|Maj|Cpl|Pvt|Rev|Gen|Supt|Det"
    r"|Insp|Atty|Amb|Hon|Pres|Prof|Gov's)\.$"
)


# syntok only considers a split at a terminal or an opening bracket (its State.terminals and
# State.opening_brackets); a paragraph with neither before its closing punctuation is one
# sentence, and is not tokenized at all (half of all news paragraphs; tests check the
# shortcut agrees with syntok on every paragraph of the real corpora).
_TERMINALS = re.escape(
    ".!?;\u203c\u203d\u2047\u2048\u2049\u3002\ufe52\ufe57\uff01\uff0e\uff1f\uff61"
)
_OPENING = re.escape(
    "([{\uff5f\uff5b\uff3b\uff08\ufe5d\ufe5b\ufe59\ufd3e\u301a\u3018\u2985\u2983\u2329"
)
_CLOSING = re.escape(
    ")]}\uff60\uff5d\uff3d\uff09\ufe5e\ufe5c\ufe5a\ufd3f\u301b\u3019\u2986\u2984\u232a"
    "'\"\u00b4\u2019\u201d\u27e9\u27eb\u2e29\u3009\u300b\u301e"
)
_ONE_SENTENCE = re.compile(
    rf"\s*[^\s{_TERMINALS}{_OPENING}][^{_TERMINALS}{_OPENING}]*[{_TERMINALS}]?[{_CLOSING}]*\s*"
)


def _sentence_spans(paragraph: str) -> list[tuple[int, int]]:
    if _ONE_SENTENCE.fullmatch(paragraph):
        return [(0, len(paragraph))]
    return syntok_spans(paragraph)


def syntok_spans(paragraph: str) -> list[tuple[int, int]]:
    """Where syntok puts the sentences of `paragraph` (title abbreviations rejoined)."""
    spans: list[tuple[int, int]] = []
    for para in syntok.analyze(paragraph):
        for sentence in para:
            start = sentence[0].offset
            end = sentence[-1].offset + len(sentence[-1].value)
            if spans and _TITLE_END.search(paragraph[spans[-1][0] : spans[-1][1]]):
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
    return spans


def split_sentences(paragraphs: list[str]) -> list[Sentence]:
    """Every sentence of `paragraphs`, numbered from 1, with its paragraph number."""
    out: list[Sentence] = []
    for paragraph_no, paragraph in enumerate(paragraphs, start=1):
        for start, end in _sentence_spans(paragraph):
            text = paragraph[start:end].strip()
            norm = comparison_form(text)
            if not norm:
                continue
            out.append(Sentence(len(out) + 1, paragraph_no, text, norm, text_hash(norm)))
    return out

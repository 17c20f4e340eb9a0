"""Header lines and datelines: the parts of a text that are fields, not prose.

A plain-text article may open with header lines (`date 2017-02-08`, `title: ...`) and its
first paragraph with a dateline (`ANKARA (Reuters) -`, `ANKARA:`, `WASHINGTON, Feb 8 (AP) —`,
`JANESVILLE, Wis. —`). Both are lifted out so that they never count as edits. A page may put
a caption or a credit before the paragraph with the dateline ("Photo", "Getty Images"): the
dateline is looked for after up to three such short paragraphs too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_DATE = r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_HEADER_KEYS = {
    "date": "published_at",
    "published": "published_at",
    "published_at": "published_at",
    "title": "title",
    "headline": "title",
    "url": "url",
    "link": "url",
    "author": "byline",
    "byline": "byline",
    "by": "byline",
    "seen": "seen_at",
    "seen_at": "seen_at",
    "retrieved": "seen_at",
}
# `date 2017-02-08` (value is a date and the line may go on) or `title: The headline`
_DATE_HEADER = re.compile(rf"^\s*(date|published(?:_at)?)\s*[:=]?\s*({_DATE})\b[ \t]*", re.I)
_LINE_HEADER = re.compile(
    r"^[ \t]*(title|headline|url|link|author|byline|by|seen|seen_at|retrieved)"
    r"[ \t]*:[ \t]*(\S.*?)[ \t\r]*$",
    re.I | re.M,
)
_WORD = r"[^\W\d_](?:[^\W\d_]|['’.\-])+"  # letters of any script; capitals checked in code
_PLACE = rf"(?P<place>{_WORD}(?:[ /]{_WORD}){{0,3}})"
_DAY = r"(?:,\s*(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,8}\.?))?"
_REGION = r"(?:,\s*[A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+)?)?"
_AGENCY = r"(?:\s*\((?P<agency>[A-Za-z][\w .&/-]{0,30})\))?"
_DATELINE = re.compile(rf"^(?P<dateline>{_PLACE}{_REGION}{_DAY}{_AGENCY})\s*(?:[:\-–—]+)\s+")
# AFP style: a place in title case, then an agency: `Paris (AFP) -`
_TITLECASE_DATELINE = re.compile(
    r"^(?P<dateline>[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2}\s*\([A-Z][\w .&/-]{0,30}\))"
    r"\s*[:\-–—]+\s+"
)


# A dateline alone on its line, as a page sets it apart from the prose: "ANKARA (Reuters) -",
# "WASHINGTON (AP)", "ANKARA:", "(Reuters) -"
_BARE_AGENCY = r"\s*\((?:[A-Za-z][\w .&/-]{0,30})(?<!\.)\)\s*[:\-–—]*"
_BARE_DATELINE = re.compile(
    rf"^(?:{_PLACE}{_REGION}{_DAY}(?:{_BARE_AGENCY}|\s*[:\-–—]+)|{_BARE_AGENCY})$"
)


@dataclass(slots=True)
class Header:
    """Fields found before the body of a plain-text article."""

    fields: dict[str, str] = field(default_factory=dict)
    body: str = ""


def split_header(text: str) -> Header:
    """Lift leading header lines (and a leading `date YYYY-MM-DD`) out of `text`."""
    fields: dict[str, str] = {}
    rest = text.lstrip("\ufeff")
    while True:
        if m := _DATE_HEADER.match(rest):
            fields.setdefault("published_at", m.group(2))
            rest = rest[m.end() :].lstrip("\r\n")  # more header lines may follow
            continue
        m = _LINE_HEADER.match(rest)
        if m and m.start() == 0:
            fields.setdefault(_HEADER_KEYS[m.group(1).lower()], m.group(2))
            rest = rest[m.end() :].lstrip("\r\n")
            continue
        break
    return Header(fields, rest.lstrip())


def split_dateline(paragraph: str) -> tuple[str | None, str]:
    """(`ANKARA (Reuters)`, rest) when `paragraph` opens with a dateline, else (None, it)."""
    m = _DATELINE.match(paragraph)
    if m and m["place"] != m["place"].upper():  # a place is written in capitals
        m = None
    m = m or _TITLECASE_DATELINE.match(paragraph)
    if not m or len(paragraph) - m.end() < 20:
        return None, paragraph
    return m.group("dateline").strip(), paragraph[m.end() :]


def is_bare_dateline(line: str) -> bool:
    """True when `line` is a dateline and nothing else (an agency tag alone counts)."""
    m = _BARE_DATELINE.match(line)
    return m is not None and (m["place"] is None or m["place"] == m["place"].upper())


_CAPTION_WORDS = 8  # a paragraph of this many words or fewer, with no full stop, is a caption
_CAPTIONS = 3


def _is_caption(paragraph: str) -> bool:
    return len(paragraph.split()) <= _CAPTION_WORDS and not paragraph.rstrip().endswith(".")


def lift_dateline(paragraphs: list[str]) -> tuple[str | None, list[str]]:
    """(dateline, paragraphs without it): the dateline opens the first paragraph, or the
    first after up to three short caption or credit paragraphs, which are kept."""
    for k, paragraph in enumerate(paragraphs[: _CAPTIONS + 1]):
        dateline, rest = split_dateline(paragraph)
        if dateline is not None:
            return dateline, [*paragraphs[:k], rest, *paragraphs[k + 1 :]]
        if not _is_caption(paragraph):
            break
    return None, paragraphs

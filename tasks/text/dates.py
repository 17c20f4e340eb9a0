"""Dates as pressdiff reads them, from feeds, sitemaps, records and text headers: one parser.

ISO 8601 / W3C (`2017-02-08`, `2017-02-08T10:30:00Z`, `...+03:00`), RFC 822 / 2822
(`Wed, 08 Feb 2017 10:30:00 GMT`, as feeds, e-mail and HTTP write them), and RFC 822 with
the day and month names of feeds that ignore its English-only rule (`Seg, 24 Set 2018`,
`jeu., 05 juil. 2018`). A date without a zone is UTC. Every date comes back as an aware UTC
datetime, or None: a date whose UTC time falls outside the years 1-9999
(`9999-12-31T23:59:59-14:00`) is no date, and the article is kept without it.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# Month names of feeds that ignore RFC 822's English-only dates ("Seg, 24 Set 2018"):
# Portuguese, Spanish, French, German, Italian and Dutch, by their leading letters.
_MONTHS = {
    "jan": 1, "janv": 1, "ene": 1, "gen": 1, "feb": 2, "fev": 2, "fevr": 2,
    "mar": 3, "mars": 3, "mrz": 3, "maa": 3, "mrt": 3, "apr": 4, "abr": 4,
    "avr": 4, "may": 5, "mai": 5, "mag": 5, "mei": 5, "jun": 6, "juin": 6, "giu": 6,
    "jul": 7, "juil": 7, "lug": 7, "aug": 8, "ago": 8, "aou": 8, "sep": 9, "set": 9,
    "sept": 9, "oct": 10, "out": 10, "okt": 10, "ott": 10, "nov": 11, "dec": 12,
    "dez": 12, "dic": 12,
}  # fmt: skip
_ENGLISH_MONTHS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)
_RFC822_DATE = re.compile(
    r"^(?:[^\d\s,]+,?\s+)?(\d{1,2})\s+([^\d\s.]+)\.?\s+(\d{4})\s+(\d{1,2}:\d{2}(?::\d{2})?)"
    r"(?:\s+(\S+))?"
)


def parse_datetime(value: str | None) -> datetime | None:
    """A UTC datetime from an ISO 8601/W3C or RFC 822 date (also with non-English names);
    None when `value` is none of them."""
    if not value or not value.strip():
        return None
    text = value.strip()
    for parse in (_parse_iso, _parse_rfc822, _parse_foreign_rfc822):
        parsed = parse(text)
        if parsed is not None:
            return parsed
    return None


def _parse_iso(text: str) -> datetime | None:
    """An ISO 8601 date or datetime; a missing zone means UTC."""
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return _utc(parsed)


def _parse_rfc822(text: str) -> datetime | None:
    """An RFC 822 (e-mail, RSS) date; a missing zone means UTC."""
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return _utc(parsed)


def _utc(value: datetime) -> datetime | None:
    """An aware UTC datetime; a naive one is taken to be UTC already. None when the UTC
    time falls outside the years 1-9999 (`0001-01-01T00:00:00+14:00`)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        return None


def _parse_foreign_rfc822(text: str) -> datetime | None:
    """An RFC 822 date whose day and month names are not English ("Seg, 24 Set 2018 ...")."""
    match = _RFC822_DATE.match(text.strip())
    if match is None:
        return None
    day, month_name, year, clock, zone = match.groups()
    month = _month_number(month_name)
    if month is None:
        return None
    english = f"{day} {_ENGLISH_MONTHS[month - 1]} {year} {clock} {zone or '+0000'}"
    return _parse_rfc822(english)


def _month_number(name: str) -> int | None:
    """The month a (possibly abbreviated, possibly accented) month name means."""
    bare = unicodedata.normalize("NFKD", name.lower())
    plain = "".join(ch for ch in bare if not unicodedata.combining(ch))
    for key in (plain[:4], plain[:3]):
        if key in _MONTHS:
            return _MONTHS[key]
    return None

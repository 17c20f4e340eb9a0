"""Article links from feeds: RSS 0.9x/1.0/2.0 and Atom (feedparser) and JSON Feed (json).

Only the bytes given are parsed; nothing here fetches. feedparser reads malformed feeds
("bozo") as far as they go, and so do we: a feed is refused only when nothing in it is a
feed. Every entry keeps its link, title, date and summary; entries without a link are
counted, never silently lost.
"""

from __future__ import annotations

import io
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser
import lxml.html
from lxml import etree

from pressdiff.errors import InputError
from tasks.inputs.decode import gunzip
from tasks.text.dates import parse_datetime
from tasks.web.urls import http_url

FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/feed+json"})


@dataclass(slots=True, frozen=True)
class FeedEntry:
    """One item of a feed: the article it links to and what the feed says about it."""

    url: str
    title: str | None
    published_at: datetime | None  # UTC
    summary: str | None


@dataclass(slots=True)
class Feed:
    """A parsed feed: its entries with links, and how many entries had none."""

    kind: str  # feedparser's version ('rss20', 'rss10', 'atom10', ...) or 'json1'/'json1.1'
    title: str | None
    entries: list[FeedEntry] = field(default_factory=list)
    skipped: int = 0  # entries without a link
    invalid: list[str] = field(default_factory=list)  # links that name no web page
    malformed: str | None = None  # what feedparser recovered from, when the XML was not clean


def parse_feed(body: bytes, base_url: str | None = None) -> list[FeedEntry]:
    """The entries with links of an RSS, Atom or JSON feed, links made absolute."""
    return read_feed(body, base_url).entries


def read_feed(body: bytes, base_url: str | None = None) -> Feed:
    """The whole reading of a feed; raises InputError when `body` is not a feed at all."""
    body = gunzip(body)
    if _looks_like_json(body):
        return _read_json_feed(body, base_url)
    return _read_xml_feed(body, base_url)


def advertised_feeds(html: str | bytes, base_url: str | None) -> list[str]:
    """Absolute URLs of the feeds a page advertises with <link rel="alternate" type=...>."""
    root = _parse_html(html)
    if root is None:
        return []
    base = _document_base(root, base_url)
    found: list[str] = []
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").split(";", 1)[0].strip().lower()
        href = (link.get("href") or "").strip()
        if "alternate" in rel and kind in FEED_TYPES and href:
            url = urljoin(base, href) if base else href
            if url not in found:
                found.append(url)
    return found


def _read_xml_feed(body: bytes, base_url: str | None) -> Feed:
    """RSS or Atom through feedparser, which never fetches when given a stream."""
    headers = {"content-type": "application/xml"}
    if base_url:
        headers["content-location"] = base_url
    parsed = feedparser.parse(io.BytesIO(_declaration_first(body)), response_headers=headers)
    if not parsed.get("version") and not parsed.entries:
        raise InputError("not a feed", _not_a_feed_detail(parsed))
    feed = Feed(
        kind=parsed.get("version") or "unknown",
        title=_clean(parsed.feed.get("title")),
        malformed=str(parsed.bozo_exception) if parsed.get("bozo") else None,
    )
    for item in parsed.entries:
        _add(feed, _xml_entry(item, base_url))
    return feed


def _declaration_first(body: bytes) -> bytes:
    """The body without white space before its XML declaration, a common publishing slip."""
    stripped = body.lstrip(b" \t\r\n")
    return stripped if stripped.startswith(b"<?xml") else body


def _not_a_feed_detail(parsed: Any) -> str:
    """Why feedparser found no feed: its XML error, else the document's root element."""
    if parsed.get("bozo"):
        return f"unreadable XML: {parsed.get('bozo_exception')}"
    return "no RSS, Atom or JSON Feed element"


def _xml_entry(item: Any, base_url: str | None) -> FeedEntry | None:
    """One feedparser entry as a FeedEntry; None when it has no link."""
    link = _clean(item.get("link"))
    if not link:
        return None
    # dict.get: feedparser's own get() maps a missing 'updated' to 'published', with a warning.
    published = _from_struct(dict.get(item, "published_parsed") or dict.get(item, "updated_parsed"))
    if published is None:
        raw = dict.get(item, "published") or dict.get(item, "updated") or ""
        published = parse_datetime(raw)
    return FeedEntry(
        url=_absolute(link, base_url),
        title=_clean(item.get("title")),
        published_at=published,
        summary=_clean(item.get("summary")),
    )


def _read_json_feed(body: bytes, base_url: str | None) -> Feed:
    """A JSON Feed (version 1 or 1.1), read with json."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:
        detail = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise InputError("not a feed", f"unreadable JSON: {detail}") from exc
    version = str(data.get("version", "")) if isinstance(data, dict) else ""
    if "jsonfeed.org/version/" not in version or not isinstance(data.get("items"), list):
        raise InputError("not a feed", "JSON without a JSON Feed version and items")
    base = base_url or _string(data.get("feed_url"))
    feed = Feed(kind="json" + version.rsplit("/", 1)[-1], title=_clean(_string(data.get("title"))))
    for item in data["items"]:
        _add(feed, _json_entry(item, base) if isinstance(item, dict) else None)
    return feed


def _json_entry(item: dict[str, Any], base_url: str | None) -> FeedEntry | None:
    """One JSON Feed item as a FeedEntry; None when it has neither url nor external_url."""
    link = _clean(_string(item.get("url")) or _string(item.get("external_url")))
    if not link:
        return None
    published = _string(item.get("date_published")) or _string(item.get("date_modified"))
    return FeedEntry(
        url=_absolute(link, base_url),
        title=_clean(_string(item.get("title"))),
        published_at=parse_datetime(published),
        summary=_clean(_string(item.get("summary"))),
    )


def _add(feed: Feed, entry: FeedEntry | None) -> None:
    """Keep an entry, or count one without a link, or note one whose link is no web page."""
    if entry is None:
        feed.skipped += 1
    elif http_url(entry.url) is None:
        feed.invalid.append(entry.url)
    else:
        feed.entries.append(entry)


def _looks_like_json(body: bytes) -> bool:
    """Whether a body starts like a JSON object (after a BOM and white space)."""
    return body[:64].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def _absolute(link: str, base_url: str | None) -> str:
    """A link resolved against the feed's own URL (as it is, when it cannot be)."""
    try:
        return urljoin(base_url, link) if base_url else link
    except ValueError:  # `http://[::1` on either side
        return link


def _clean(value: str | None) -> str | None:
    """Stripped text, or None when empty."""
    if value is None:
        return None
    value = value.strip()
    return value or None


def _string(value: object) -> str | None:
    """A JSON value when it is a string."""
    return value if isinstance(value, str) else None


def _from_struct(value: time.struct_time | None) -> datetime | None:
    """feedparser's UTC struct_time as an aware datetime."""
    if value is None:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _parse_html(html: str | bytes) -> Any:
    """An lxml HTML tree, or None for an empty or unparsable document."""
    try:
        return lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None


def _document_base(root: Any, base_url: str | None) -> str | None:
    """The URL relative links resolve against: <base href> joined with the page's URL."""
    for base in root.iter("base"):
        href = (base.get("href") or "").strip()
        if href:
            return urljoin(base_url, href) if base_url else href
    return base_url

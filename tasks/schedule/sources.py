"""What the watchlist holds and what polling tracks: sources by kind, links by canonical URL.

A source is an http(s) URL, canonical, of one kind: `feed`, `sitemap` or `page`. Without a
kind given, the URL alone decides (polling sniffs the content anyway); a homepage is a feed
source, since polling follows the feeds it advertises. A link found by polling is tracked
under its canonical URL, once, with its site.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urlsplit

from pressdiff.errors import UsageError
from tasks.web.urls import canonical_url, site_of

KINDS = ("feed", "sitemap", "page")


def guess_kind(uri: str) -> str:
    """feed, sitemap or page, from the URL alone (polling sniffs the content anyway); a
    homepage is a feed source: polling follows the feeds it advertises."""
    low = uri.lower()
    if urlsplit(uri).path in ("", "/"):
        return "feed"
    if "sitemap" in low:
        return "sitemap"
    if any(k in low for k in ("rss", "atom", "/feed", "feed.", ".xml", "feeds.")):
        return "feed"
    return "page"


def source_entry(uri: str, kind: str | None) -> tuple[str, str]:
    """The canonical URI and kind a source is watched under; UsageError when it cannot be."""
    if not uri.lower().startswith(("http://", "https://")):
        raise UsageError(f"{uri!r} is not an http(s) URL")
    uri = canonical_url(uri)
    kind = kind or guess_kind(uri)
    if kind not in KINDS:
        raise UsageError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    return uri, kind


def tracked_links(
    links: Iterable[tuple[str, str | None, datetime | None]],
) -> list[tuple[str, str | None, datetime | None]]:
    """Links (url, title, published_at) as tracked rows (canonical url, site, published_at),
    each URL once (its first sighting)."""
    rows: dict[str, tuple[str, str | None, datetime | None]] = {}
    for url, _title, published in links:
        u = canonical_url(url)
        rows.setdefault(u, (u, site_of(u), published))
    return list(rows.values())

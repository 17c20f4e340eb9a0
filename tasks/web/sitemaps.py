"""Article URLs from XML sitemaps: url sets, sitemap indexes, gzipped, Google News.

Only the bytes given are parsed; nothing here fetches. Elements are matched by local name,
so a sitemap with the sitemaps.org namespace, another namespace or none reads the same.
lxml recovers from broken markup (bare ampersands in URLs are escaped first, as
recovery would drop what follows them), and its huge-tree limit is lifted because a sitemap may
hold 50,000 URLs in 50 MB; entities are never resolved and nothing is loaded from the
network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lxml import etree

from pressdiff.errors import InputError
from tasks.inputs.decode import gunzip
from tasks.text.dates import parse_datetime
from tasks.web.urls import http_url

KINDS = {"urlset": "urlset", "sitemapindex": "index"}
# "&" not starting an entity: common in sitemap URLs, and recovery would drop the name after it.
# CDATA sections and comments are matched first and kept as they are.
_BARE_AMPERSAND = re.compile(
    rb"(<!\[CDATA\[.*?\]\]>|<!--.*?-->)|&(?!(?:[A-Za-z][\w.-]*|#\d+|#x[0-9A-Fa-f]+);)", re.S
)


@dataclass(slots=True, frozen=True)
class SitemapEntry:
    """One <url> of a url set or one <sitemap> of an index."""

    url: str
    lastmod: datetime | None = None  # UTC
    title: str | None = None  # Google News <news:title>
    published_at: datetime | None = None  # Google News <news:publication_date>, UTC


@dataclass(slots=True)
class Sitemap:
    """A parsed sitemap: 'urlset' entries are pages, 'index' entries are more sitemaps."""

    kind: str  # 'urlset' | 'index'
    entries: list[SitemapEntry] = field(default_factory=list)
    skipped: int = 0  # <url>/<sitemap> elements without a <loc>
    invalid: list[str] = field(default_factory=list)  # <loc>s that name no web page


def parse_sitemap(body: bytes) -> Sitemap:
    """The entries of a sitemap or sitemap index, gzipped or not; InputError otherwise."""
    root = _parse_xml(gunzip(body))
    kind = KINDS.get(_local(root))
    if kind is None:
        raise InputError("not a sitemap", f"the root element is <{_local(root)}>")
    sitemap = Sitemap(kind=kind)
    child = "url" if kind == "urlset" else "sitemap"
    for element in root:
        if _local(element) != child:
            continue
        entry = _entry(element)
        if entry is None:
            sitemap.skipped += 1
        elif http_url(entry.url) is None:
            sitemap.invalid.append(entry.url)
        else:
            sitemap.entries.append(entry)
    return sitemap


def _parse_xml(body: bytes) -> Any:
    """The root element of a (possibly broken) XML document, parsed safely."""
    parser = etree.XMLParser(
        recover=True,
        huge_tree=True,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(_escape_bare_ampersands(body.lstrip()), parser)
    except etree.XMLSyntaxError as exc:
        raise InputError("not a sitemap", f"unreadable XML: {exc}") from exc
    if root is None:
        raise InputError("not a sitemap", "no XML element found")
    return root


def _escape_bare_ampersands(body: bytes) -> bytes:
    """`&` that starts no entity written as `&amp;`, outside CDATA sections and comments."""
    return _BARE_AMPERSAND.sub(lambda m: m.group(1) or b"&amp;", body)


def _entry(element: Any) -> SitemapEntry | None:
    """A <url> or <sitemap> element as an entry; None without a <loc>."""
    fields = _child_texts(element)
    url = fields.get("loc")
    if not url:
        return None
    news = _find(element, "news")
    news_fields = _child_texts(news) if news is not None else {}
    return SitemapEntry(
        url=url,
        lastmod=parse_datetime(fields.get("lastmod")),
        title=news_fields.get("title"),
        published_at=parse_datetime(news_fields.get("publication_date")),
    )


def _child_texts(element: Any) -> dict[str, str]:
    """Stripped, non-empty text of each direct child, by local name (the first one wins)."""
    texts: dict[str, str] = {}
    for child in element:
        name = _local(child)
        text = "".join(child.itertext()).strip() if name else ""
        if text and name not in texts:
            texts[name] = text
    return texts


def _find(element: Any, name: str) -> Any:
    """The first direct child with local name `name`, in any namespace."""
    for child in element:
        if _local(child) == name:
            return child
    return None


def _local(element: Any) -> str:
    """An element's tag without its namespace; '' for comments and processing instructions."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]

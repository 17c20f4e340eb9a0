"""Links to articles: read from feeds, sitemaps and lists of URLs, whatever their bytes.

A source (a local file or a fetched body) is sniffed by content; a feed's entries keep
their title and date as hints for the article they link to.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pressdiff.errors import InputError
from tasks.inputs.decode import gunzip
from tasks.inputs.detect import detect_kind
from tasks.web.feeds import read_feed
from tasks.web.sitemaps import parse_sitemap
from tasks.web.urls import http_url
from warehouse.records import Reject

LINK_KINDS = {"feed", "jsonfeed", "sitemap", "sitemapindex", "urls"}


@dataclass(slots=True, frozen=True)
class Link:
    """An article URL found in a source, with what the source said about it."""

    url: str
    source: str
    title: str | None = None
    published_at: str | None = None  # ISO 8601


@dataclass(slots=True)
class Links:
    """What one source points to: article links, more sources (sitemap indexes), and an
    entry whose link is not a web address it could be fetched at (a reject each)."""

    articles: list[Link] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)


def _iso(value: object) -> str | None:
    return value.isoformat() if value is not None else None  # type: ignore[attr-defined]


def read_links(body: bytes, source: str, kind: str | None = None) -> Links:
    """The links in a feed, sitemap, sitemap index or list of URLs (InputError if none)."""
    body = gunzip(body)
    kind = kind or detect_kind(body[:8192], source)
    out = Links()
    if kind in ("feed", "jsonfeed"):
        feed = read_feed(body, source if "://" in source else None)
        for e in feed.entries:
            out.articles.append(Link(e.url, source, e.title, _iso(e.published_at)))
        out.rejects += [Reject(source, "invalid link", _shown(link)) for link in feed.invalid]
        if feed.skipped:
            detail = f"{feed.skipped} of its entries have no link (or one that does not parse)"
            out.rejects.append(Reject(source, "no link", detail))
    elif kind in ("sitemap", "sitemapindex"):
        sitemap = parse_sitemap(body)
        out.rejects += [Reject(source, "invalid link", _shown(link)) for link in sitemap.invalid]
        if sitemap.skipped:
            detail = f"{sitemap.skipped} of its entries have no <loc>"
            out.rejects.append(Reject(source, "no link", detail))
        for e in sitemap.entries:
            if sitemap.kind == "index":
                out.sources.append(e.url)
            else:
                out.articles.append(Link(e.url, source, e.title, _iso(e.published_at)))
    elif kind == "urls":
        for line in body.decode("utf-8", "replace").splitlines():
            if line.strip().startswith(("http://", "https://")):
                if http_url(line.strip()):
                    out.articles.append(Link(line.strip(), source))
                else:
                    out.rejects.append(Reject(source, "invalid link", _shown(line.strip())))
    else:
        raise InputError("not a link source", f"{source} is {kind}, not a feed or sitemap")
    return out


def _shown(link: str) -> str:
    """A link as a reject's detail: what it says, cut short."""
    shown = f"{link[:200]}…" if len(link) > 200 else link
    return f"{shown} is not a web address"

"""Fetched sources read: what a page, feed, sitemap or homepage gives the pipeline.

Nothing here fetches or stores (tasks/steps/fetch.py does both, around these): a fetched
page becomes an input to extract (or, unchanged, a sighting), a feed or sitemap its
article links and further sources, a homepage watched for its feeds the feeds it
advertises, each within the run's crawl budget; whatever cannot be used is a Reject.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pressdiff.errors import InputError
from tasks.inputs.detect import SNIFF_BYTES, detect_kind
from tasks.web.crawl_budget import CrawlBudget
from tasks.web.feeds import advertised_feeds
from tasks.web.links import LINK_KINDS, Link, read_links
from tasks.web.result import FetchResult
from tasks.web.urls import recorded_url
from warehouse.records import InputRef, Reject, Sighting

Todo = list[tuple[str, str]]  # (URL to fetch, the named source it comes from)


@dataclass(slots=True)
class Expanded:
    """Sources fetched and read: pages to extract, article links to fetch, rejects."""

    pages: list[InputRef | Sighting] = field(default_factory=list)  # 304: unchanged page
    links: list[Link] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)


def fmt_of(result: FetchResult) -> str:
    """How to read a fetched article body: as HTML, unless it is plain text."""
    head = (result.body or b"")[:SNIFF_BYTES]
    kind = detect_kind(head, result.final_url or result.url, result.content_type)
    return "text" if kind == "text" else "html"


def outcome(result: FetchResult, link: Link | None) -> InputRef | Reject | Sighting:
    """What a fetch of an article URL gives the pipeline."""
    if result.error:
        return Reject(result.url, "fetch failed", result.error)
    if result.not_modified:  # the article is keyed by where the URL led
        return Sighting(result.final_url or result.url, result.fetched_at, result.url)
    meta = {"title": link.title, "published_at": link.published_at} if link else {}
    return InputRef(
        source=result.url,
        fmt=fmt_of(result),
        body=result.body,
        url=result.final_url or result.url,
        seen_at=result.fetched_at,
        meta={k: v for k, v in meta.items() if v},
    )


def read_source(result: FetchResult, out: Expanded, follow_feeds: bool) -> list[str]:
    """File one fetched source into `out`; returns further sources: sitemap children, or
    with `follow_feeds` the feeds an HTML page (a homepage) advertises."""
    kind = detect_kind((result.body or b"")[:SNIFF_BYTES], result.url, result.content_type)
    if follow_feeds and kind == "html" and not (result.error or result.not_modified):
        feeds = advertised_feeds(result.body or b"", result.final_url or result.url)
        if not feeds:
            out.rejects.append(Reject(result.url, "no feed", "the page advertises no feed"))
        return feeds
    if result.error or result.not_modified or kind not in LINK_KINDS:
        ref = outcome(result, None)
        out.rejects.append(ref) if isinstance(ref, Reject) else out.pages.append(ref)
        return []
    try:
        links = read_links(result.body or b"", result.final_url or result.url, kind)
    except InputError as exc:
        out.rejects.append(Reject(result.url, exc.reason, exc.detail))
        return []
    out.links += links.articles
    out.rejects += links.rejects
    return links.sources


def by_root(todo: Todo) -> list[tuple[str, list[str]]]:
    """URLs grouped by the named source they come from, in order."""
    groups: dict[str, list[str]] = {}
    for url, root in todo:
        groups.setdefault(root, []).append(url)
    return list(groups.items())


def admit(todo: Todo, seen: set[str], budget: CrawlBudget, out: Expanded) -> Todo:
    """The documents of `todo` to fetch now: each once (a sitemap that names itself or an
    ancestor is not fetched again), within the budget; what it leaves out is a reject."""
    admitted = []
    fresh = []
    for url, root in todo:
        key = recorded_url(url)
        if key not in seen:
            seen.add(key)
            fresh.append((url, root))
    for root, urls in by_root(fresh):
        kept, rejects = budget.take_documents(root, urls)
        admitted += [(url, root) for url in kept]
        out.rejects += rejects
    return admitted


def read_fetched(
    results: list[FetchResult], todo: Todo, out: Expanded, budget: CrawlBudget, follow_feeds: bool
) -> Todo:
    """Read every fetched source of `todo` into `out`, the article links each finds taken
    from its named source's budget; returns the next level's sources to fetch."""
    roots = {recorded_url(u): root for u, root in reversed(todo)}  # the first one wins
    following: Todo = []
    for result in results:
        root = roots.get(result.url, result.url)
        found = Expanded()
        children = read_source(result, found, follow_feeds)
        links, rejects = budget.take_links(root, found.links)
        out.pages += found.pages
        out.links += links
        out.rejects += found.rejects + rejects
        following += [(child, root) for child in children]
    return following


def too_deep(todo: Todo, seen: set[str], budget: CrawlBudget) -> list[Reject]:
    """Rejects for the sources left to fetch when the crawl reached its depth."""
    rejects = []
    for root, deeper in by_root([(u, r) for u, r in todo if recorded_url(u) not in seen]):
        rejects += budget.too_deep(root, deeper)
    return rejects

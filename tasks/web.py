"""Fetching for ingest: sources (pages, feeds, sitemaps) expanded to articles, articles
fetched politely with conditional requests, every attempt recorded in `fetches`.

The fetcher itself is tasks/fetch.py; these are the pieces around it and their tasks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from prefect import task
from prefect.cache_policies import NO_CACHE

from pressdiff import progress
from pressdiff.errors import InputError
from pressdiff.settings import Settings
from tasks.article import InputRef, Reject, Sighting
from tasks.detect import detect_kind
from tasks.feeds import advertised_feeds
from tasks.fetch import FetchPolicy, FetchResult, fetch_many
from tasks.links import LINK_KINDS, Link, read_links
from tasks.load import warehouse
from tasks.snapshots import SnapshotStore
from warehouse import fetches
from warehouse.store import snapshot_dir

MAX_SITEMAP_DEPTH = 3


def policy_of(s: Settings) -> FetchPolicy:
    """The fetch policy the settings describe."""
    return FetchPolicy(
        user_agent=s.user_agent,
        concurrency=s.fetch_concurrency,
        per_host=s.fetch_per_host,
        host_delay=s.host_delay,
        read_timeout=s.fetch_timeout,
        retries=s.fetch_retries,
        deadline=s.fetch_deadline,
        max_bytes=s.max_fetch_bytes,
        allow_private=s.allow_private,
        respect_robots=s.respect_robots,
    )


def fmt_of(result: FetchResult) -> str:
    """How to read a fetched article body: as HTML, unless it is plain text."""
    head = (result.body or b"")[:8192]
    return (
        "text"
        if detect_kind(head, result.final_url or result.url, result.content_type) == "text"
        else "html"
    )


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


@dataclass(slots=True)
class Expanded:
    """Sources fetched and read: pages to extract, article links to fetch, rejects."""

    pages: list[InputRef | Sighting] = field(default_factory=list)  # 304: unchanged page
    links: list[Link] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)


def _read_source(result: FetchResult, out: Expanded, follow_feeds: bool) -> list[str]:
    """File one fetched source into `out`; returns further sources: sitemap children, or
    with `follow_feeds` the feeds an HTML page (a homepage) advertises."""
    kind = detect_kind((result.body or b"")[:8192], result.url, result.content_type)
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
    return links.sources


# --- Prefect tasks -------------------------------------------------------------------------


@task(name="expand-sources", cache_policy=NO_CACHE)
def expand_sources(
    db: str, urls: list[str], run_id: str, settings: Settings, follow_feeds: bool = False
) -> Expanded:
    """Fetch the URLs a user named: pages become articles, feeds and sitemaps links (with
    `follow_feeds`, a page is a homepage whose advertised feeds are read instead)."""
    out, todo, store = Expanded(), list(urls), SnapshotStore(snapshot_dir(db))
    con = warehouse(db)
    # pages stored before are asked for conditionally: only what was named can be one (a
    # sitemap's children and advertised feeds are never stored), and a homepage watched for
    # its feeds is read in full, or a 304 would hide them
    known = {} if follow_feeds else fetches.validators(con, todo)
    for _depth in range(MAX_SITEMAP_DEPTH):
        if not todo:
            break
        results = fetch_many(todo, policy_of(settings), known, store=store)
        fetches.store_fetches(con, results, run_id)
        todo = [child for r in results for child in _read_source(r, out, follow_feeds)]
    progress.advance("sources", len(urls), len(urls))
    return out


@task(name="fetch-articles", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=2)
def fetch_articles(
    db: str, links: list[Link], run_id: str, settings: Settings
) -> list[InputRef | Reject | Sighting]:
    """Fetch a batch of article links (conditionally where a version is stored)."""
    con = warehouse(db)
    by_url = {fetches.normalized(link.url): link for link in links}  # as the fetcher reports them
    validators = fetches.validators(con, list(by_url))
    results = fetch_many(
        list(by_url), policy_of(settings), validators, store=SnapshotStore(snapshot_dir(db))
    )
    fetches.store_fetches(con, results, run_id)
    progress.advance("fetch", len(results))
    return [outcome(r, by_url.get(r.url)) for r in results]

"""Fetching for ingest: sources (pages, feeds, sitemaps) expanded to articles, articles
fetched politely with conditional requests, every attempt recorded in `fetches`.

The fetcher itself is tasks/web/fetch.py; these are the pieces around it and their tasks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from prefect import task
from prefect.cache_policies import NO_CACHE

from pressdiff import progress
from pressdiff.errors import InputError
from pressdiff.settings import Settings
from tasks.inputs.detect import detect_kind
from tasks.web.crawl_budget import CrawlBudget
from tasks.web.feeds import advertised_feeds
from tasks.web.fetch import FetchPolicy, FetchResult, fetch_many
from tasks.web.links import LINK_KINDS, Link, read_links
from tasks.web.snapshots import SnapshotStore
from warehouse import fetches
from warehouse.connection import warehouse
from warehouse.records import InputRef, Reject, Sighting
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
    out.rejects += links.rejects
    return links.sources


_budgets: dict[str, CrawlBudget] = {}  # run id -> what that run may still follow


def budget_of(run_id: str, s: Settings) -> CrawlBudget:
    """The run's crawl budget, shared by every source the run expands (in this process)."""
    if run_id not in _budgets:
        while len(_budgets) >= 16:  # a long `serve` keeps only recent runs' budgets
            _budgets.pop(next(iter(_budgets)))
        _budgets[run_id] = CrawlBudget(
            documents_per_source=s.max_sitemaps_per_source,
            documents_per_run=s.max_sitemaps_per_run,
            links_per_source=s.max_links_per_source,
            links_per_run=s.max_links_per_run,
            max_depth=MAX_SITEMAP_DEPTH,
        )
    return _budgets[run_id]


def _by_root(todo: list[tuple[str, str]]) -> list[tuple[str, list[str]]]:
    """URLs grouped by the named source they come from, in order."""
    groups: dict[str, list[str]] = {}
    for url, root in todo:
        groups.setdefault(root, []).append(url)
    return list(groups.items())


def _admit(
    todo: list[tuple[str, str]], seen: set[str], budget: CrawlBudget, out: Expanded
) -> list[tuple[str, str]]:
    """The documents of `todo` to fetch now: each once (a sitemap that names itself or an
    ancestor is not fetched again), within the budget; what it leaves out is a reject."""
    admitted = []
    fresh = []
    for url, root in todo:
        key = fetches.normalized(url)
        if key not in seen:
            seen.add(key)
            fresh.append((url, root))
    for root, urls in _by_root(fresh):
        kept, rejects = budget.take_documents(root, urls)
        admitted += [(url, root) for url in kept]
        out.rejects += rejects
    return admitted


def _read_within(
    result: FetchResult, root: str, out: Expanded, budget: CrawlBudget, follow_feeds: bool
) -> list[str]:
    """`_read_source`, with the article links it finds taken from `root`'s budget."""
    found = Expanded()
    children = _read_source(result, found, follow_feeds)
    links, rejects = budget.take_links(root, found.links)
    out.pages += found.pages
    out.links += links
    out.rejects += found.rejects + rejects
    return children


# --- Prefect tasks -------------------------------------------------------------------------


@task(name="expand-sources", cache_policy=NO_CACHE)
def expand_sources(
    db: str, urls: list[str], run_id: str, settings: Settings, follow_feeds: bool = False
) -> Expanded:
    """Fetch the URLs a user named: pages become articles, feeds and sitemaps links (with
    `follow_feeds`, a page is a homepage whose advertised feeds are read instead), within
    the run's crawl budget."""
    out, store, con = Expanded(), SnapshotStore(snapshot_dir(db)), warehouse(db)
    budget, seen = budget_of(run_id, settings), set()
    # pages stored before are asked for conditionally: only what was named can be one (a
    # sitemap's children and advertised feeds are never stored), and a homepage watched for
    # its feeds is read in full, or a 304 would hide them
    known = {} if follow_feeds else fetches.validators(con, urls)
    todo = [(url, url) for url in urls]  # (URL, the named source it comes from)
    for _depth in range(budget.max_depth):
        todo = _admit(todo, seen, budget, out)
        if not todo:
            break
        results = fetch_many([u for u, _ in todo], policy_of(settings), known, store=store)
        fetches.store_fetches(con, results, run_id)
        roots = {fetches.normalized(u): root for u, root in reversed(todo)}  # first one wins
        todo = [
            (child, roots.get(r.url, r.url))
            for r in results
            for child in _read_within(r, roots.get(r.url, r.url), out, budget, follow_feeds)
        ]
    for root, deeper in _by_root([(u, r) for u, r in todo if fetches.normalized(u) not in seen]):
        out.rejects += budget.too_deep(root, deeper)
    progress.expect("sources", len(urls))
    progress.advance("sources", len(urls))
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

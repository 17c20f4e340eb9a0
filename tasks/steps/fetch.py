"""Fetching for ingest and ticks: sources (pages, feeds, sitemaps) expanded to articles,
articles fetched politely with conditional requests, every attempt recorded in `fetches`.

Each step is a plain function that fetches (tasks/web/fetcher.py), reads what came
(tasks/web/sources.py) and stores it (warehouse/fetches.py); the tasks at the end wrap
them, and other steps call the plain functions.
"""

from __future__ import annotations

from dataclasses import asdict

from prefect import task
from prefect.cache_policies import NO_CACHE

from pressdiff import progress
from tasks.steps.load import warehouse
from tasks.web.crawl_budget import CrawlBudget, CrawlLimits
from tasks.web.fetcher import fetch_many
from tasks.web.links import Link
from tasks.web.policy import FetchPolicy
from tasks.web.snapshots import SnapshotStore
from tasks.web.sources import Expanded, admit, outcome, read_fetched, too_deep
from tasks.web.urls import recorded_url
from warehouse import fetches
from warehouse.records import InputRef, Reject, Sighting
from warehouse.store import snapshot_dir

_budgets: dict[str, CrawlBudget] = {}  # run id -> what that run may still follow


def budget_of(run_id: str, limits: CrawlLimits) -> CrawlBudget:
    """The run's crawl budget, shared by every source the run expands (in this process)."""
    if run_id not in _budgets:
        while len(_budgets) >= 16:  # a long `serve` keeps only recent runs' budgets
            _budgets.pop(next(iter(_budgets)))
        _budgets[run_id] = CrawlBudget(**asdict(limits))
    return _budgets[run_id]


def expand(
    db: str,
    urls: list[str],
    run_id: str,
    policy: FetchPolicy,
    limits: CrawlLimits,
    follow_feeds: bool = False,
) -> Expanded:
    """Fetch the URLs a user named: pages become articles, feeds and sitemaps links (with
    `follow_feeds`, a page is a homepage whose advertised feeds are read instead), within
    the run's crawl budget."""
    out, store, con = Expanded(), SnapshotStore(snapshot_dir(db)), warehouse(db)
    budget, seen = budget_of(run_id, limits), set()
    # pages stored before are asked for conditionally: only what was named can be one (a
    # sitemap's children and advertised feeds are never stored), and a homepage watched for
    # its feeds is read in full, or a 304 would hide them
    known = {} if follow_feeds else fetches.validators(con, [recorded_url(u) for u in urls])
    todo = [(url, url) for url in urls]  # (URL, the named source it comes from)
    for _depth in range(budget.max_depth):
        todo = admit(todo, seen, budget, out)
        if not todo:
            break
        results = fetch_many([u for u, _ in todo], policy, known, store=store)
        fetches.store_fetches(con, results, run_id)
        todo = read_fetched(results, todo, out, budget, follow_feeds)
    out.rejects += too_deep(todo, seen, budget)
    progress.expect("sources", len(urls))
    progress.advance("sources", len(urls))
    return out


def fetch_links(
    db: str, links: list[Link], run_id: str, policy: FetchPolicy
) -> list[InputRef | Reject | Sighting]:
    """Fetch a batch of article links (conditionally where a version is stored)."""
    con = warehouse(db)
    by_url = {recorded_url(link.url): link for link in links}  # as the fetcher reports them
    validators = fetches.validators(con, list(by_url))
    results = fetch_many(list(by_url), policy, validators, store=SnapshotStore(snapshot_dir(db)))
    fetches.store_fetches(con, results, run_id)
    progress.advance("fetch", len(results))
    return [outcome(r, by_url.get(r.url)) for r in results]


# --- Prefect tasks -------------------------------------------------------------------------

expand_sources = task(name="expand-sources", cache_policy=NO_CACHE)(expand)
fetch_articles = task(
    name="fetch-articles", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=2
)(fetch_links)

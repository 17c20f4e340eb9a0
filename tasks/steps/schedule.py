"""Scheduled runs: which sources and articles are due, and when to come back to each.

The revisit policy itself is tasks/schedule/revisit.py (NewsDiffs tiers adapted per article and
site); here it meets the warehouse. A tick holds a lock beside the warehouse, so two ticks
never overlap: the second one is skipped, not queued behind the first.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.schedule.revisit import ArticleState, RevisitPolicy, SiteStats, next_check, record_check
from tasks.schedule.sources import tracked_links
from tasks.steps.fetch import expand
from tasks.web.crawl_budget import CrawlLimits
from tasks.web.links import Link
from tasks.web.policy import FetchPolicy
from tasks.web.urls import recorded_url
from warehouse import store, tracking
from warehouse.connection import warehouse


@dataclass(slots=True)
class Due:
    """A tracked article due for a visit, with its scheduling state."""

    url: str
    site: str | None
    state: ArticleState
    due_at: datetime | None
    due_reason: str | None

    @classmethod
    def of_row(cls, row: tuple) -> Due:
        """From a row of warehouse.tracking.due_articles."""
        return cls(row[0], row[1], ArticleState(*row[2:9]), row[9], row[10])


def next_visit(
    due: Due,
    outcome: str,
    stats: SiteStats | None,
    now: datetime,
    policy: RevisitPolicy,
    run_id: str,
    scale: float = 1.0,
) -> dict:
    """The revisits row and new tracking state after visiting `due` with `outcome`."""
    state = due.state
    if outcome in ("changed", "unchanged"):
        state = record_check(state, now, outcome == "changed")
    elif outcome == "first":
        state = replace(state, last_checked_at=now)
    schedule = next_check(state, stats, now, policy)
    next_at, reason = schedule.next_check_at, schedule.reason
    if next_at is not None and scale != 1:
        next_at = now + (next_at - now) * scale
        reason += f"; intervals scaled x{scale:g}"
    if outcome == "failed":
        reason = f"fetch failed; {reason}"
    return {
        "url": due.url,
        "site": due.site,
        "checked_at": now,
        "due_at": due.due_at,
        "due_reason": due.due_reason,
        "previous_check_at": due.state.last_checked_at,
        "origin": due.state.origin,
        "last_changed_at": due.state.last_changed_at,
        "outcome": outcome,
        "next_check_at": next_at,
        "reason": reason,
        "run_id": run_id,
        "new_last_changed_at": state.last_changed_at,
        "n_checks": state.n_checks,
        "n_unchanged_streak": state.n_unchanged_streak,
        "n_changes": state.n_changes,
    }


@contextmanager
def tick_lock(db: str) -> Iterator[bool]:
    """Hold the tick lock of `db` for the block; yields False when another tick holds it."""
    path = Path(f"{db}.tick.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        yield True
    finally:
        os.close(fd)  # closing releases the lock


# --- Prefect tasks -------------------------------------------------------------------------


@task(name="poll-sources", cache_policy=NO_CACHE)
def poll_sources(
    db: str,
    run_id: str,
    policy: FetchPolicy,
    limits: CrawlLimits,
    every: timedelta,
    force: bool,
) -> tuple[int, int]:
    """Poll every due watched source; new article links become tracked, and a source that
    fails (unreachable, unreadable, a homepage with no feed) is a reject of the run.
    Returns how many links were tracked and how many sources rejected."""
    con = warehouse(db)
    now = datetime.now(UTC)
    sources = tracking.due_sources(con, now, force)
    pages = [(s.uri, None, None) for s in sources if s.kind == "page"]
    found, rejects = tracking.track(con, tracked_links(pages), None, now), []
    for source in (s for s in sources if s.kind != "page"):
        expanded = expand(db, [source.uri], run_id, policy, limits, follow_feeds=True)
        links = [(ln.url, ln.title, _when(ln.published_at)) for ln in expanded.links]
        found += tracking.track(con, tracked_links(links), source.source_id, now)
        rejects += expanded.rejects
    store.store_rejects(con, rejects, run_id, now)
    tracking.polled(con, sources, now, every, [recorded_url(s.uri) for s in sources])
    return found, len(rejects)


def _when(iso: str | None) -> datetime | None:
    return datetime.fromisoformat(iso) if iso else None


@task(name="due-articles", cache_policy=NO_CACHE)
def due_articles(db: str, force: bool) -> list[Due]:
    """Tracked articles due for a visit now."""
    return [Due.of_row(r) for r in tracking.due_articles(warehouse(db), datetime.now(UTC), force)]


def links_of(due: list[Due]) -> list[Link]:
    """The due articles as links to fetch."""
    return [Link(d.url, "revisit") for d in due]


@task(name="reschedule", cache_policy=NO_CACHE)
def reschedule(
    db: str, due: list[Due], run_id: str, policy: RevisitPolicy, scale: float = 1.0
) -> int:
    """Record what each visit found and when to come back (by `policy`, its intervals times
    `scale`), with the reason."""
    con = warehouse(db)
    now = datetime.now(UTC)
    found = tracking.outcomes(con, [d.url for d in due], run_id)
    stats = SiteStats.by_site(tracking.site_revisits(con, [d.site for d in due]))
    rows = [
        next_visit(
            d,
            found.get(d.url, "failed"),
            stats.get(d.site),
            now,
            policy,
            run_id,
            scale,
        )
        for d in due
    ]
    tracking.reschedule(con, rows, now)
    return len(rows)

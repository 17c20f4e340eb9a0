"""Replay synthetic articles under revisit schedules; count versions captured and requests spent.

    uv run python bench/simulate_revisits.py [--articles 2000] [--seed 1]

The workload (seeded, `make_workload`) follows how newsrooms edit: most edits come in the
first hours after publication, a few days later. Four sites with different habits:

- wire   (35%): breaking news. 85% of articles are edited, 1 + Poisson(3) times, each edit
  ~Exp(mean 40 min) after publication, so most land in the first hour; 25% of articles get
  a later update of 1-2 edits around 5 h (lognormal).
- daily  (30%): a paper that rarely edits. 12% of articles get one edit ~Exp(mean 3 h);
  3% a correction uniformly 1-10 days later.
- weekly (15%): a magazine that corrects days later. 10% get an edit ~Exp(mean 30 min);
  45% a correction cluster uniformly 2-12 days later: 1-3 edits, ~Exp(mean 2 h) apart.
- metro  (20%): running local stories. Poisson(4) edits, each ~Exp(mean 6 h) after
  publication, so edits trickle through the first day.
Any article, whatever its site, has a 2% chance of a stray edit uniformly 1-40 days later.

Articles are published uniformly over 60 simulated days and discovered 2-20 min after
publication (feed polling). An edit made before discovery is invisible to every policy and is
not counted; "versions existing" is the text at discovery plus every edit in the 45-day
observation window. A version is captured when some revisit sees it: an edit overwritten by
another before the next revisit is missed. Requests are revisits (the discovery fetch is
not counted).

Policies never see the future: each decides from the article's age, its own check history
and, for the adaptive policy, a SiteStats per site fed by every check made so far on that
site's articles, in timeline order. Policies compared:

- tiers:      NewsDiffs' fixed tiers by age (15 min / 1 h / 3 h / 3 days / monthly).
- adaptive:   pressdiff's `tasks.schedule.revisit.next_check` with the default RevisitPolicy.
- diffengine: reference; revisit once time since last check reaches 20% of the age
  (the next check at 1.25x the age), at most every 5 min, no horizon.
"""

from __future__ import annotations

import argparse
import heapq
import math
import random
import statistics
import time
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tasks.schedule.revisit import (
    DEFAULT_POLICY,
    ArticleState,
    RevisitPolicy,
    SiteStats,
    newsdiffs_interval,
    next_check,
    record_check,
)

EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
PUBLISH_SPAN_H = 60 * 24.0
WINDOW_H = 45 * 24.0
SITES = ("wire", "daily", "weekly", "metro")

# A scheduler maps (article state, its site's stats, now) to the next check, or None to stop.
Scheduler = Callable[[ArticleState, SiteStats, datetime], datetime | None]


@dataclass(frozen=True)
class SyntheticArticle:
    """One article: its site, publication (hours into the timeline), discovery and edits."""

    site: str
    published_h: float
    discovered_after_h: float
    edits_after_h: tuple[float, ...]
    """Edit times, hours after publication, sorted; only edits after discovery."""


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's Poisson sampler, fine for the small means used here."""
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _wire_edits(rng: random.Random) -> list[float]:
    edits: list[float] = []
    if rng.random() < 0.85:
        edits += [rng.expovariate(1 / (40 / 60)) for _ in range(1 + _poisson(rng, 3))]
    if rng.random() < 0.25:
        edits += [rng.lognormvariate(math.log(5), 0.6) for _ in range(rng.randint(1, 2))]
    return edits


def _daily_edits(rng: random.Random) -> list[float]:
    edits: list[float] = []
    if rng.random() < 0.12:
        edits.append(rng.expovariate(1 / 3))
    if rng.random() < 0.03:
        edits.append(rng.uniform(24, 240))
    return edits


def _weekly_edits(rng: random.Random) -> list[float]:
    edits: list[float] = []
    if rng.random() < 0.10:
        edits.append(rng.expovariate(1 / 0.5))
    if rng.random() < 0.45:
        at = rng.uniform(48, 288)
        for _ in range(rng.randint(1, 3)):
            edits.append(at)
            at += rng.expovariate(1 / 2)
    return edits


def _metro_edits(rng: random.Random) -> list[float]:
    return [rng.expovariate(1 / 6) for _ in range(_poisson(rng, 4))]


HABITS: dict[str, tuple[float, Callable[[random.Random], list[float]]]] = {
    "wire": (0.35, _wire_edits),
    "daily": (0.30, _daily_edits),
    "weekly": (0.15, _weekly_edits),
    "metro": (0.20, _metro_edits),
}


def make_article(rng: random.Random) -> SyntheticArticle:
    """One synthetic article drawn from the site habits above."""
    site = rng.choices(SITES, weights=[HABITS[s][0] for s in SITES])[0]
    edits = HABITS[site][1](rng)
    if rng.random() < 0.02:
        edits.append(rng.uniform(24, 960))
    discovered = rng.uniform(2 / 60, 20 / 60)
    visible = sorted({round(e, 6) for e in edits if discovered < e <= WINDOW_H})
    return SyntheticArticle(site, rng.uniform(0, PUBLISH_SPAN_H), discovered, tuple(visible))


def make_workload(n: int, seed: int) -> list[SyntheticArticle]:
    """`n` articles from a generator seeded with `seed`."""
    rng = random.Random(seed)
    return [make_article(rng) for _ in range(n)]


@dataclass
class Tally:
    """Versions and requests for one site (or all) under one policy."""

    existing: int = 0
    captured: int = 0
    requests: int = 0
    delays_h: list[float] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        """Fold another tally into this one."""
        self.existing += other.existing
        self.captured += other.captured
        self.requests += other.requests
        self.delays_h += other.delays_h


def _at(hours: float) -> datetime:
    return EPOCH + timedelta(hours=hours)


def _hours(moment: datetime) -> float:
    return (moment - EPOCH) / timedelta(hours=1)


def replay(workload: list[SyntheticArticle], scheduler: Scheduler) -> dict[str, Tally]:
    """Run every article's revisits in global time order; a tally per site."""
    stats = {site: SiteStats() for site in SITES}
    tallies = {site: Tally() for site in SITES}
    states: list[ArticleState] = []
    seen: list[int] = []
    queue: list[tuple[float, int]] = []
    for i, art in enumerate(workload):
        first_seen = _at(art.published_h + art.discovered_after_h)
        states.append(ArticleState(first_seen=first_seen, published_at=_at(art.published_h)))
        seen.append(0)
        tallies[art.site].existing += 1 + len(art.edits_after_h)
        tallies[art.site].captured += 1
        _push(queue, i, scheduler(states[i], stats[art.site], first_seen), art)
    while queue:
        now_h, i = heapq.heappop(queue)
        art, now = workload[i], _at(now_h)
        version = bisect_right(art.edits_after_h, now_h - art.published_h)
        changed = version != seen[i]
        tally = tallies[art.site]
        tally.requests += 1
        if changed:
            tally.captured += 1
            tally.delays_h.append(now_h - art.published_h - art.edits_after_h[version - 1])
            seen[i] = version
        _learn(stats[art.site], states[i], now, changed)
        states[i] = record_check(states[i], now, changed)
        _push(queue, i, scheduler(states[i], stats[art.site], now), art)
    return tallies


def _learn(stats: SiteStats, state: ArticleState, now: datetime, changed: bool) -> None:
    """Feed one check's outcome to its site's stats, as the pipeline would."""
    previous = state.last_checked_at or state.first_seen
    since = None if state.last_changed_at is None else previous - state.last_changed_at
    stats.record(state.age(previous), state.age(now), changed, since)


def _push(
    queue: list[tuple[float, int]], i: int, due: datetime | None, art: SyntheticArticle
) -> None:
    if due is not None and _hours(due) - art.published_h <= WINDOW_H:
        heapq.heappush(queue, (_hours(due), i))


def tiers_scheduler(state: ArticleState, _stats: SiteStats, now: datetime) -> datetime | None:
    """NewsDiffs' fixed tiers by age; no horizon (the observation window ends the replay)."""
    interval = newsdiffs_interval(state.age(now))
    return None if interval is None else now + interval


def diffengine_scheduler(state: ArticleState, _stats: SiteStats, now: datetime) -> datetime:
    """diffengine's staleness/hotness >= 0.2 rule: next check at 1.25x the current age."""
    return now + max(state.age(now) * 0.25, timedelta(minutes=5))


def adaptive_scheduler(policy: RevisitPolicy = DEFAULT_POLICY) -> Scheduler:
    """pressdiff's adaptive schedule under `policy`."""

    def schedule(state: ArticleState, stats: SiteStats, now: datetime) -> datetime | None:
        return next_check(state, stats, now, policy).next_check_at

    return schedule


POLICIES: dict[str, Scheduler] = {
    "tiers": tiers_scheduler,
    "adaptive": adaptive_scheduler(),
    "diffengine": diffengine_scheduler,
}


def simulate(
    n: int, seed: int, policies: tuple[str, ...] = tuple(POLICIES)
) -> dict[str, dict[str, Tally]]:
    """The named policies' tallies per site, plus an 'all' row, on one seeded workload."""
    workload = make_workload(n, seed)
    results: dict[str, dict[str, Tally]] = {}
    for name in policies:
        per_site = replay(workload, POLICIES[name])
        total = Tally()
        for tally in per_site.values():
            total.add(tally)
        results[name] = {**per_site, "all": total}
    return results


def _row(policy: str, t: Tally) -> str:
    share = 100 * t.captured / t.existing if t.existing else 0.0
    per_version = t.requests / t.captured if t.captured else 0.0
    delay = 60 * statistics.median(t.delays_h) if t.delays_h else 0.0
    return (
        f"  {policy:<11}{t.existing:>9}{t.captured:>10}{share:>7.1f}%"
        f"{t.requests:>10}{per_version:>9.1f}{delay:>10.0f}"
    )


def report(results: dict[str, dict[str, Tally]]) -> str:
    """The results table, per site then overall, and the adaptive/tiers ratios."""
    head = (
        f"  {'policy':<11}{'existing':>9}{'captured':>10}{'%':>8}"
        f"{'requests':>10}{'req/ver':>9}{'delay min':>10}"
    )
    lines = []
    for site in (*SITES, "all"):
        lines += [f"{site}:", head]
        lines += [_row(policy, results[policy][site]) for policy in results]
    tiers, adaptive = results["tiers"]["all"], results["adaptive"]["all"]
    captured = adaptive.captured / tiers.captured
    requests = adaptive.requests / tiers.requests
    ok = captured >= 1 and requests <= 0.70
    lines += [
        "",
        f"adaptive/tiers: captured x{captured:.3f} (target >= 1), "
        f"requests x{requests:.3f} (target <= 0.70) -> {'PASS' if ok else 'FAIL'}",
        "(delay min: median minutes from an edit to the revisit that captured it)",
    ]
    return "\n".join(lines)


def main() -> None:
    """Parse arguments, run the simulation, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    started = time.perf_counter()
    results = simulate(args.articles, args.seed)
    print(f"{args.articles} articles, seed {args.seed}\n")
    print(report(results))
    print(f"\n{time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()

"""When to revisit a tracked article, and why.

The schedule starts from NewsDiffs' fixed tiers, measured from the article's age (publication
time, or first sighting when earlier or unknown): every 15 min under 3 h, hourly under a day,
every 3 h under a week, every 3 days under a month, then monthly. pressdiff then adapts it:

- per site: `SiteStats` learns, from the checks already made on the site's articles, how
  often they change at each age and how often a change is followed by another. Versions are
  lost when two edits fall between checks, so the interval is set to keep that risk at one
  level: a site quieter than the tiers assume is visited less, a busier one more;
- per article: an article that keeps coming back unchanged (304s or identical texts) while
  its site's articles usually change by that age backs off; a change brings the next check
  sooner;
- the interval stays within `[min_interval, max_interval]`, and checks stop at `horizon`.

`next_check` returns the due time with a short reason naming every factor that shaped it, so
"why was this article checked now" has an answer that can be stored next to the check.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

_HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class Tier:
    """One NewsDiffs tier: articles younger than `under` are revisited every `every`."""

    under: timedelta
    every: timedelta
    label: str


TIERS: tuple[Tier, ...] = (
    Tier(timedelta(hours=3), timedelta(minutes=15), "<3h"),
    Tier(timedelta(days=1), timedelta(hours=1), "<1d"),
    Tier(timedelta(days=7), timedelta(hours=3), "<7d"),
    Tier(timedelta(days=30), timedelta(days=3), "<30d"),
)
MONTHLY = Tier(timedelta.max, timedelta(days=30), ">=30d")

# Age buckets SiteStats learns a change rate for; each lies inside one tier.
BUCKET_EDGES_H: tuple[float, ...] = (1, 3, 12, 24, 72, 168, 336, 720)
BUCKET_LABELS: tuple[str, ...] = (
    "0-1h",
    "1-3h",
    "3-12h",
    "12h-1d",
    "1-3d",
    "3-7d",
    "7-14d",
    "14-30d",
    ">30d",
)


@dataclass(frozen=True)
class RevisitPolicy:
    """Every knob of the adaptive schedule, with its default."""

    horizon: timedelta = timedelta(days=30)
    """No checks once the article is this old; the last one lands on the horizon."""
    min_interval: timedelta = timedelta(minutes=5)
    """Never revisit one article more often than this."""
    max_interval: timedelta = timedelta(days=3)
    """Never leave one article unchecked longer than this."""
    article_prior_weight: float = 2.0
    """Pseudo-changes of the article prior: how fast unchanged checks back off."""
    max_backoff: float = 8.0
    """Ceiling of the multiplier for an article quieter than its site."""
    article_factor_min: float = 0.5
    """Floor of the multiplier for an article busier than its site."""
    after_change_factor: float = 0.5
    """Interval multiplier right after a check that found a change."""
    target_changes_per_check: float = 0.12
    """Changes per revisit the tiers are taken to expect; lower means more revisits."""
    site_prior_weight: float = 1.0
    """Pseudo-changes of the prior: how much site history it takes to move the schedule."""
    site_factor_min: float = 0.25
    """Busiest site: at most this fraction of the tier interval."""
    site_factor_max: float = 8.0
    """Quietest site: at most this multiple of the tier interval."""


DEFAULT_POLICY = RevisitPolicy()


@dataclass(frozen=True)
class Schedule:
    """When to check an article next (None: stop tracking) and why."""

    next_check_at: datetime | None
    reason: str


@dataclass(frozen=True)
class ArticleState:
    """What the scheduler knows about one tracked article; datetimes are UTC-aware.

    `n_checks` counts revisits (the first fetch at `first_seen` is not one);
    `n_unchanged_streak` counts revisits since the last change (or since first seen).
    """

    first_seen: datetime
    published_at: datetime | None = None
    last_checked_at: datetime | None = None
    last_changed_at: datetime | None = None
    n_checks: int = 0
    n_unchanged_streak: int = 0
    n_changes: int = 0

    @property
    def origin(self) -> datetime:
        """Where age counts from: publication, unless missing or later than first sighting."""
        if self.published_at is None:
            return self.first_seen
        return min(self.published_at, self.first_seen)

    def age(self, now: datetime) -> timedelta:
        """Age of the article at `now`, never negative."""
        return max(now - self.origin, timedelta(0))


def record_check(state: ArticleState, now: datetime, changed: bool) -> ArticleState:
    """The state after a revisit at `now` that did (or did not) find a new text."""
    if changed:
        return replace(
            state,
            last_checked_at=now,
            last_changed_at=now,
            n_checks=state.n_checks + 1,
            n_unchanged_streak=0,
            n_changes=state.n_changes + 1,
        )
    return replace(
        state,
        last_checked_at=now,
        n_checks=state.n_checks + 1,
        n_unchanged_streak=state.n_unchanged_streak + 1,
    )


def tier_for(age: timedelta) -> Tier:
    """The NewsDiffs tier an article of this age falls in."""
    for tier in TIERS:
        if age < tier.under:
            return tier
    return MONTHLY


def newsdiffs_interval(age: timedelta, horizon: timedelta | None = None) -> timedelta | None:
    """NewsDiffs' fixed revisit interval at `age`; None once `age` reaches `horizon`."""
    if horizon is not None and age >= horizon:
        return None
    return tier_for(age).every


def bucket_of(age: timedelta) -> int:
    """Index of the SiteStats age bucket holding `age`."""
    return bisect_right(BUCKET_EDGES_H, age / _HOUR)


def _overlaps(start: timedelta, end: timedelta) -> Iterator[tuple[int, float]]:
    """Each bucket the span `start`..`end` crosses, with the hours it spends there."""
    lo, hi = start / _HOUR, end / _HOUR
    for i in range(bucket_of(start), len(BUCKET_LABELS)):
        b_lo = BUCKET_EDGES_H[i - 1] if i > 0 else 0.0
        b_hi = BUCKET_EDGES_H[i] if i < len(BUCKET_EDGES_H) else float("inf")
        overlap = min(hi, b_hi) - max(lo, b_lo)
        if overlap <= 0:
            return
        yield i, overlap


@dataclass
class _Rates:
    """Hours watched and changes seen, per age bucket."""

    exposure_h: list[float] = field(default_factory=lambda: [0.0] * len(BUCKET_LABELS))
    changes: list[float] = field(default_factory=lambda: [0.0] * len(BUCKET_LABELS))

    def record(self, start: timedelta, end: timedelta, changed: bool) -> None:
        """Spread one check over the buckets between `start` and `end` by overlap."""
        span = (end - start) / _HOUR
        for i, overlap in _overlaps(start, end):
            self.exposure_h[i] += overlap
            if changed:
                self.changes[i] += overlap / span

    def rate(self, bucket: int, prior_rate: float, prior_weight: float) -> float:
        """Changes per hour in `bucket`: a Gamma-Poisson posterior mean around `prior_rate`."""
        return (self.changes[bucket] + prior_weight) / (
            self.exposure_h[bucket] + prior_weight / prior_rate
        )

    def mean_rate(
        self, start: timedelta, end: timedelta, prior_rate: float, prior_weight: float
    ) -> float:
        """Average of `rate` over the span `start`..`end`."""
        spent = list(_overlaps(start, end))
        total = sum(h for _, h in spent)
        if total <= 0:
            return self.rate(bucket_of(start), prior_rate, prior_weight)
        return sum(h * self.rate(i, prior_rate, prior_weight) for i, h in spent) / total


@dataclass
class SiteStats:
    """A site's change rates learned from the checks made on its articles.

    `by_age` is keyed by article age; `after_change` by the time since the article's last
    observed change (only articles that have changed at least once), which is how bursts of
    edits show. Each check covers the span since the previous check: its hours are exposure,
    and a change it found is shared among the buckets the span crosses, by overlap.
    """

    by_age: _Rates = field(default_factory=_Rates)
    after_change: _Rates = field(default_factory=_Rates)

    def record(
        self,
        age_from: timedelta,
        age_to: timedelta,
        changed: bool,
        since_change: timedelta | None = None,
    ) -> None:
        """Learn from one check covering ages `age_from`..`age_to`.

        `since_change` is the time from the article's last change to the start of the span,
        None when it has never changed.
        """
        self.by_age.record(age_from, age_to, changed)
        if since_change is not None:
            self.after_change.record(since_change, since_change + age_to - age_from, changed)

    @classmethod
    def by_site(cls, revisits: Iterable[tuple]) -> dict[str, SiteStats]:
        """Each site's stats, learned from its past revisits in order: (site, age from,
        age to, changed, since change) rows, as `record` takes them."""
        stats: dict[str, SiteStats] = {}
        for site, *check in revisits:
            stats.setdefault(site, cls()).record(*check)
        return stats


def _fmt(span: timedelta) -> str:
    """A duration the way a person says it: '15 min', '3 h', '2.5 days'."""
    minutes = span / timedelta(minutes=1)
    if minutes < 90:
        return f"{minutes:.0f} min"
    if minutes < 48 * 60:
        return f"{minutes / 60:.3g} h"
    return f"{minutes / 1440:.3g} days"


def _prior_rate(at: timedelta, policy: RevisitPolicy) -> float:
    """The change rate the tiers imply at `at`: the target per check over the tier interval."""
    return policy.target_changes_per_check / (tier_for(at).every / _HOUR)


def site_rate(
    stats: SiteStats, state: ArticleState, now: datetime, policy: RevisitPolicy
) -> tuple[float, str]:
    """Changes per hour the site's history predicts for this article now, and the key used.

    The rate by age, or the rate after a recent change when that is higher (a burst).
    """
    age = state.age(now)
    bucket = bucket_of(age)
    rate = stats.by_age.rate(bucket, _prior_rate(age, policy), policy.site_prior_weight)
    key = f"at {BUCKET_LABELS[bucket]}"
    if state.last_changed_at is not None:
        since = max(now - state.last_changed_at, timedelta(0))
        after = bucket_of(since)
        recent = stats.after_change.rate(after, rate, policy.site_prior_weight)
        if recent > rate:
            rate, key = recent, f"{BUCKET_LABELS[after]} after a change"
    return rate, key


def site_factor(
    stats: SiteStats, state: ArticleState, now: datetime, policy: RevisitPolicy
) -> tuple[float, str | None]:
    """Interval multiplier from the site's learned habits, and its reason.

    A version is missed when two edits fall between checks. With `rate` the chance of an
    edit per hour now and `follow` the rate of a further edit in the hours after one, the
    expected versions missed per check of length d are about rate * follow * d**2 / 2; the
    interval keeps that at the level the tiers accept for evenly spread edits
    (target**2 / 2), so d = target / sqrt(rate * follow). Without history both rates are
    the tiers' own and d is the tier interval.
    """
    age = state.age(now)
    tier = tier_for(age).every
    rate, key = site_rate(stats, state, now, policy)
    span = tier
    for _ in range(2):  # `follow` depends on the span it averages over; two rounds settle it
        follow = stats.after_change.mean_rate(timedelta(0), span, rate, policy.site_prior_weight)
        span = _HOUR * policy.target_changes_per_check / math.sqrt(rate * follow)
    factor = min(max(span / tier, policy.site_factor_min), policy.site_factor_max)
    if 0.9 <= factor <= 1.1:
        return 1.0, None
    mood = "quiet" if factor > 1 else "busy"
    return factor, (
        f"site {mood} {key} ({rate:.2g} changes/h, {follow:.2g}/h after one): x{factor:.2g}"
    )


def expected_changes(
    stats: SiteStats, state: ArticleState, now: datetime, policy: RevisitPolicy
) -> float:
    """Changes an average article of the site makes over the span this one was watched."""
    total = 0.0
    for i, hours in _overlaps(state.age(state.first_seen), state.age(now)):
        prior = _prior_rate(timedelta(hours=BUCKET_EDGES_H[i - 1] if i else 0), policy)
        total += hours * stats.by_age.rate(i, prior, policy.site_prior_weight)
    return total


def article_factor(
    stats: SiteStats, state: ArticleState, now: datetime, policy: RevisitPolicy
) -> tuple[float, str | None]:
    """Interval multiplier from this article's changes against its site's average.

    A Gamma-Poisson estimate of how much more (or less) this article changes than the
    site's average: (k + changes seen) / (k + changes expected). Unchanged checks raise the
    expectation and not the count, so the interval backs off; a change pulls it back.
    """
    expected = expected_changes(stats, state, now, policy)
    k = policy.article_prior_weight
    factor = (k + expected) / (k + state.n_changes)
    factor = min(max(factor, policy.article_factor_min), policy.max_backoff)
    if 0.9 <= factor <= 1.1:
        return 1.0, None
    evidence = f"{state.n_changes} changes where the site averages {expected:.2g}"
    if factor > 1:
        streak = state.n_unchanged_streak
        return factor, f"backoff x{factor:.2g} after {streak} unchanged checks ({evidence})"
    return factor, f"article busier than its site ({evidence}): x{factor:.2g}"


def change_factor(
    state: ArticleState, now: datetime, policy: RevisitPolicy
) -> tuple[float, str | None]:
    """Interval multiplier when the last check found a change, and its reason."""
    if state.last_changed_at is None or state.n_unchanged_streak > 0:
        return 1.0, None
    ago = _fmt(now - state.last_changed_at)
    return policy.after_change_factor, f"x{policy.after_change_factor:.2g} after change {ago} ago"


def _clamp(interval: timedelta, policy: RevisitPolicy) -> tuple[timedelta, str | None]:
    if interval < policy.min_interval:
        return policy.min_interval, f"raised to min {_fmt(policy.min_interval)}"
    if interval > policy.max_interval:
        return policy.max_interval, f"capped at max {_fmt(policy.max_interval)}"
    return interval, None


def next_check(
    state: ArticleState,
    site_stats: SiteStats | None,
    now: datetime,
    policy: RevisitPolicy = DEFAULT_POLICY,
) -> Schedule:
    """When to check the article next, from its age, its own history and its site's habits."""
    horizon = f"{_fmt(policy.horizon).replace(' days', '-day')} horizon"
    if state.age(now) >= policy.horizon:
        return Schedule(None, f"stopped: past {horizon}")
    tier = tier_for(state.age(now))
    reasons = [f"tier {tier.label}: every {_fmt(tier.every)}"]
    multiplier = 1.0
    stats = site_stats if site_stats is not None else SiteStats()
    for factor, why in (
        site_factor(stats, state, now, policy),
        article_factor(stats, state, now, policy),
        change_factor(state, now, policy),
    ):
        multiplier *= factor
        if why:
            reasons.append(why)
    interval, why = _clamp(tier.every * multiplier, policy)
    if why:
        reasons.append(why)
    due = now + interval
    if due >= state.origin + policy.horizon:
        due = state.origin + policy.horizon
        reasons.append(f"last check at {horizon}")
    reasons.append(f"next in {_fmt(due - now)}")
    return Schedule(due, "; ".join(reasons))

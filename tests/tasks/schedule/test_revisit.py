"""The revisit schedule: NewsDiffs tiers, adaptation, reasons, and the simulation target."""

from __future__ import annotations

import importlib.util
import sys
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasks.schedule.revisit import (
    BUCKET_LABELS,
    DEFAULT_POLICY,
    ArticleState,
    RevisitPolicy,
    Schedule,
    SiteStats,
    newsdiffs_interval,
    next_check,
    record_check,
)

T0 = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
BENCH = Path(__file__).resolve().parents[3] / "bench" / "simulate_revisits.py"


def fresh(published: datetime = T0) -> ArticleState:
    """An article published at `published` and first seen then."""
    return ArticleState(first_seen=published, published_at=published)


def quiet_site(bucket: str, hours: float = 10_000) -> SiteStats:
    """A site watched for `hours` in `bucket` without a single change."""
    stats = SiteStats()
    stats.by_age.exposure_h[BUCKET_LABELS.index(bucket)] = hours
    return stats


@pytest.mark.parametrize(
    ("age", "interval"),
    [
        (timedelta(0), 15 * MIN),
        (3 * HOUR - timedelta(microseconds=1), 15 * MIN),
        (3 * HOUR, HOUR),
        (DAY - timedelta(microseconds=1), HOUR),
        (DAY, 3 * HOUR),
        (7 * DAY - timedelta(microseconds=1), 3 * HOUR),
        (7 * DAY, 3 * DAY),
        (30 * DAY - timedelta(microseconds=1), 3 * DAY),
        (30 * DAY, 30 * DAY),
        (400 * DAY, 30 * DAY),
    ],
)
def test_newsdiffs_tier_boundaries(age: timedelta, interval: timedelta) -> None:
    assert newsdiffs_interval(age) == interval


def test_newsdiffs_stops_at_its_horizon() -> None:
    assert newsdiffs_interval(30 * DAY - MIN, horizon=30 * DAY) == 3 * DAY
    assert newsdiffs_interval(30 * DAY, horizon=30 * DAY) is None


def test_without_history_the_schedule_is_the_tier() -> None:
    now = T0 + MIN
    assert next_check(fresh(), None, now) == Schedule(
        now + 15 * MIN, "tier <3h: every 15 min; next in 15 min"
    )


def test_age_counts_from_publication_not_from_discovery() -> None:
    state = ArticleState(first_seen=T0 + 5 * HOUR, published_at=T0)
    now = T0 + 5 * HOUR
    assert next_check(state, None, now).next_check_at == now + HOUR


def test_stopped_past_the_horizon() -> None:
    assert next_check(fresh(), None, T0 + 30 * DAY) == Schedule(
        None, "stopped: past 30-day horizon"
    )


def test_last_check_lands_on_the_horizon() -> None:
    schedule = next_check(fresh(), None, T0 + 30 * DAY - HOUR)
    assert schedule.next_check_at == T0 + 30 * DAY
    assert "last check at 30-day horizon; next in 60 min" in schedule.reason


def _unchanged_chain(stats: SiteStats | None, policy: RevisitPolicy) -> list[Schedule]:
    """Every schedule of an article that never changes, from first sight to the end."""
    state, now, out = fresh(), T0, []
    while True:
        schedule = next_check(state, stats, now, policy)
        out.append(schedule)
        if schedule.next_check_at is None:
            return out
        now = schedule.next_check_at
        state = record_check(state, now, changed=False)


def test_unchanged_checks_back_off_monotonically_within_bounds() -> None:
    chain = _unchanged_chain(None, DEFAULT_POLICY)
    due = [T0] + [s.next_check_at for s in chain if s.next_check_at is not None]
    gaps = [b - a for a, b in pairwise(due)]
    body = gaps[:-1]  # the last gap is cut short by the horizon
    assert body == sorted(body)
    assert max(gaps) <= DEFAULT_POLICY.max_interval
    assert chain[-1].reason == "stopped: past 30-day horizon"
    assert len(chain) - 1 < 89 / 2  # the tiers would spend 89 checks on these 30 days


def test_backoff_reason_and_ceiling() -> None:
    policy = RevisitPolicy(max_backoff=1.2)
    state = fresh()
    for minutes in range(15, 121, 15):
        state = record_check(state, T0 + minutes * MIN, changed=False)
    schedule = next_check(state, None, T0 + 2 * HOUR, policy)
    assert schedule.reason == (
        "tier <3h: every 15 min; backoff x1.2 after 8 unchanged checks "
        "(0 changes where the site averages 0.96); next in 18 min"
    )


def test_a_change_brings_the_next_check_sooner() -> None:
    now = T0 + 5 * HOUR
    before = record_check(fresh(), now - HOUR, changed=False)
    unchanged = next_check(record_check(before, now, changed=False), None, now)
    changed = next_check(record_check(before, now, changed=True), None, now)
    assert changed.next_check_at is not None and unchanged.next_check_at is not None
    assert changed.next_check_at - now < unchanged.next_check_at - now
    assert "x0.5 after change 0 min ago" in changed.reason


def test_a_quiet_site_is_visited_less_and_says_so() -> None:
    stats = quiet_site("1-3d")
    now = T0 + 2 * DAY
    state = ArticleState(first_seen=now - MIN, published_at=T0)
    schedule = next_check(state, stats, now)
    assert schedule.next_check_at == now + 24 * HOUR
    assert schedule.reason.startswith("tier <7d: every 3 h; site quiet at 1-3d (")
    assert schedule.reason.endswith("): x8; next in 24 h")


def test_a_busy_site_is_visited_more_but_not_below_the_minimum() -> None:
    stats = SiteStats()
    stats.by_age.exposure_h[0] = 100.0
    stats.by_age.changes[0] = 300.0
    stats.after_change.exposure_h[0] = 100.0
    stats.after_change.changes[0] = 300.0
    schedule = next_check(fresh(), stats, T0 + MIN)
    assert schedule.next_check_at == T0 + MIN + DEFAULT_POLICY.min_interval
    assert "site busy at 0-1h" in schedule.reason
    assert "raised to min 5 min" in schedule.reason


def test_site_stats_share_a_check_among_the_buckets_it_spans() -> None:
    stats = SiteStats()
    stats.record(30 * MIN, 90 * MIN, changed=True, since_change=None)
    assert stats.by_age.exposure_h == [0.5, 0.5, 0, 0, 0, 0, 0, 0, 0]
    assert stats.by_age.changes == [0.5, 0.5, 0, 0, 0, 0, 0, 0, 0]
    assert stats.after_change.exposure_h == [0.0] * len(BUCKET_LABELS)
    stats.record(2 * HOUR, 3 * HOUR, changed=False, since_change=30 * MIN)
    assert stats.after_change.exposure_h == [0.5, 0.5, 0, 0, 0, 0, 0, 0, 0]
    assert stats.after_change.changes == [0.0] * len(BUCKET_LABELS)


def test_record_check_keeps_the_counts() -> None:
    state = record_check(fresh(), T0 + HOUR, changed=True)
    state = record_check(state, T0 + 2 * HOUR, changed=False)
    assert state == ArticleState(
        first_seen=T0,
        published_at=T0,
        last_checked_at=T0 + 2 * HOUR,
        last_changed_at=T0 + HOUR,
        n_checks=2,
        n_unchanged_streak=1,
        n_changes=1,
    )


_RATES = st.lists(st.floats(0, 1e5, allow_nan=False), min_size=9, max_size=9)


@st.composite
def _site_stats(draw: st.DrawFn) -> SiteStats | None:
    if draw(st.booleans()):
        return None
    stats = SiteStats()
    for table in (stats.by_age, stats.after_change):
        table.exposure_h = draw(_RATES)
        table.changes = [min(c, e) for c, e in zip(draw(_RATES), table.exposure_h, strict=True)]
    return stats


@st.composite
def _article(draw: st.DrawFn) -> tuple[ArticleState, datetime]:
    seconds = st.integers(0, 40 * 86_400)
    published = T0 + timedelta(seconds=draw(st.integers(-86_400, 86_400)))
    first_seen = T0
    checked = first_seen + timedelta(seconds=draw(seconds))
    now = checked + timedelta(seconds=draw(st.integers(0, 86_400)))
    changed = draw(st.none() | st.just(checked))
    n_changes = draw(st.integers(0, 30)) + (changed is not None)
    state = ArticleState(
        first_seen=first_seen,
        published_at=draw(st.none() | st.just(published)),
        last_checked_at=checked,
        last_changed_at=changed,
        n_checks=n_changes + draw(st.integers(0, 200)),
        n_unchanged_streak=0 if changed else draw(st.integers(0, 200)),
        n_changes=n_changes,
    )
    return state, now


@given(_article(), _site_stats())
@settings(max_examples=300, deadline=None)
def test_next_check_is_after_now_and_within_max_interval(
    article: tuple[ArticleState, datetime], stats: SiteStats | None
) -> None:
    state, now = article
    schedule = next_check(state, stats, now)
    if schedule.next_check_at is None:
        assert state.age(now) >= DEFAULT_POLICY.horizon
        assert schedule.reason == "stopped: past 30-day horizon"
    else:
        assert now < schedule.next_check_at <= now + DEFAULT_POLICY.max_interval
        assert schedule.reason.startswith("tier ")


def _bench() -> ModuleType:
    """bench/simulate_revisits.py, loaded from its path (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location("simulate_revisits", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_simulation_adaptive_beats_the_tiers() -> None:
    results = _bench().simulate(600, seed=1, policies=("tiers", "adaptive"))
    tiers, adaptive = results["tiers"]["all"], results["adaptive"]["all"]
    assert adaptive.existing == tiers.existing
    assert adaptive.captured >= tiers.captured
    assert adaptive.requests <= 0.70 * tiers.requests

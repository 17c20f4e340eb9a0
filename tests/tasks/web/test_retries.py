"""When the fetcher tries again, and how long it waits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tasks.web.retries import parse_retry_after
from tests.httpserver import http_date


def test_parse_retry_after() -> None:
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    later = http_date((now + timedelta(seconds=90)).timestamp())
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(later, now=now) == 90.0
    assert parse_retry_after(http_date(0), now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None

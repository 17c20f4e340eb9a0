"""When to try a URL again: which failures are retried, and how long to wait before.

Connection errors, timeouts, 429 and 5xx are retried with exponential backoff and jitter,
or after Retry-After when the server gives one; other 4xx are never retried. A retry that
would start past the URL's deadline is not made, and why becomes the row's error.
"""

from __future__ import annotations

import email.utils
import random
import zlib
from datetime import UTC, datetime

import httpx

from pressdiff.errors import BlockedURLError
from tasks.web.policy import FetchPolicy
from tasks.web.result import now as utc_now


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), or None."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or utc_now())).total_seconds())


def describe(exc: BaseException, policy: FetchPolicy) -> tuple[str, bool]:
    """An error row's text for a transport exception, and whether to retry it."""
    detail = str(exc) or type(exc).__name__
    table: tuple[tuple[type[BaseException], str, bool], ...] = (
        (httpx.ConnectTimeout, "connect timeout", True),
        (httpx.ReadTimeout, "read timeout", True),
        (httpx.WriteTimeout, "write timeout", True),
        (httpx.PoolTimeout, "pool timeout", True),
        (TimeoutError, f"total timeout: over {policy.total_timeout:g}s", True),
        (httpx.ConnectError, f"connection failed: {detail}", True),
        (httpx.ReadError, f"connection error: {detail}", True),
        (httpx.WriteError, f"connection error: {detail}", True),
        (httpx.RemoteProtocolError, f"protocol error: {detail}", True),
        (zlib.error, f"undecodable body: {detail}", False),
        (httpx.HTTPError, f"HTTP error: {detail}", False),
        (httpx.InvalidURL, f"invalid URL: {detail}", False),
        (BlockedURLError, detail, False),
    )
    for kind, message, retry in table:
        if isinstance(exc, kind):
            return message, retry
    return f"unexpected error: {type(exc).__name__}: {detail}", False


def retry_delay(
    policy: FetchPolicy, attempt: int, retry_after: float | None, remaining: float
) -> tuple[float | None, str]:
    """Seconds before attempt `attempt + 1`, or None and why there is none."""
    if retry_after is not None:
        asked = f"Retry-After {retry_after:.0f}s"
        if retry_after > policy.retry_after_max:
            return None, f"{asked} is over the {policy.retry_after_max:g}s limit"
        if retry_after >= remaining:
            return None, f"{asked} is past the {policy.deadline:g}s deadline"
        return retry_after, ""
    backoff = min(policy.backoff_max, policy.backoff_base * 2 ** (attempt - 1))
    delay = backoff / 2 + random.uniform(0, backoff / 2)
    if delay >= remaining:
        return None, f"no time left for a retry within the {policy.deadline:g}s deadline"
    return delay, ""

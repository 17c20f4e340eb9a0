"""Per-origin politeness: how many requests at once, how far apart, and when to stop asking.

An origin (scheme, host and port; tasks/web/urls.py `origin`) gets `per_host` requests
at once, started at least its delay apart: the policy's `host_delay`, or robots.txt's
Crawl-delay when that is longer (up to `max_crawl_delay`). A Retry-After defers its next
request; one that reaches past a URL's deadline closes the origin for the run.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any


class HostGate:
    """One origin's politeness: `slots` requests at once, starting `delay` seconds apart."""

    def __init__(self, slots: int, delay: float) -> None:
        self.slots = asyncio.Semaphore(slots)
        self.lock = asyncio.Lock()
        self.delay = delay
        self.next_start = 0.0
        self.closed: str | None = None  # why this origin is asked nothing more this run

    def defer(self, seconds: float) -> None:
        """No request to this origin for `seconds` (a Retry-After)."""
        self.next_start = max(self.next_start, time.monotonic() + seconds)

    def slow_down(self, delay: float) -> None:
        """Start requests at least `delay` seconds apart from now on (a Crawl-delay)."""
        self.delay = max(self.delay, delay)

    async def wait_turn(self) -> None:
        """Wait until this origin's next request may start (hold `lock`)."""
        wait = self.next_start - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)

    def started(self) -> None:
        """A request started now: the next may start `delay` seconds later."""
        self.next_start = time.monotonic() + self.delay


class Memo:
    """Each key's value computed once per run, even when asked for concurrently."""

    def __init__(self, compute: Callable[[Any], Awaitable[Any]]) -> None:
        self._compute = compute
        self._values: dict[Any, Any] = {}
        self._locks: defaultdict[Any, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def get(self, key: Any) -> Any:
        if key not in self._values:
            async with self._locks[key]:
                if key not in self._values:
                    self._values[key] = await self._compute(key)
        return self._values[key]

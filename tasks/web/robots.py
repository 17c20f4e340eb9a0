"""robots.txt (RFC 9309): fetched once per origin and run, then every URL checked against it.

A 2xx is parsed (protego; the first 500 KiB, decoded as any web body is); a 4xx means
allow all; a 5xx, a 429 or no answer means disallow all. Redirects are followed up to
five hops, each checked like any request; past that the file counts as unavailable
(allow all). Crawl-delay and Request-rate give the origin's delay (tasks/web/politeness.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass

import httpx
from protego import Protego

from tasks.inputs.decode import decode_body
from tasks.web.limits import Clock, Deadline, Failure, read_body
from tasks.web.policy import FetchPolicy
from tasks.web.retries import describe

ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309: parse at least the first 500 KiB
ROBOTS_MAX_REDIRECTS = 5

Exchange = Callable[
    [str, Mapping[str, str], Clock, Deadline], AbstractAsyncContextManager[httpx.Response]
]
RedirectTarget = Callable[[httpx.Response, str], str | None]


@dataclass(frozen=True, slots=True)
class Robots:
    """One origin's robots.txt: rules to check, or a refusal of everything."""

    parser: Protego | None = None
    refusal: str | None = None

    def refuses(self, url: str, agent: str) -> str | None:
        if self.refusal:
            return self.refusal
        if self.parser is not None and not self.parser.can_fetch(url, agent):
            return "robots.txt disallows"
        return None

    def delay(self, agent: str) -> float | None:
        """Seconds between requests the rules ask for (Crawl-delay or Request-rate)."""
        if self.parser is None:
            return None
        rate = self.parser.request_rate(agent)
        by_rate = rate.seconds / rate.requests if rate and rate.requests else None
        return max(filter(None, (self.parser.crawl_delay(agent), by_rate)), default=None)


async def load_robots(
    origin: str,
    policy: FetchPolicy,
    exchange: Exchange,
    check_address: Callable[[str], Awaitable[None]],
    redirect_target: RedirectTarget,
) -> Robots:
    """Fetch and parse `origin`'s robots.txt through the fetcher's `exchange` (its slots
    and checked connections); never raises."""
    url = f"{origin}/robots.txt"
    limit = min(policy.robots_timeout, policy.total_timeout)
    deadline = Deadline(limit, f"timeout: over {limit:g}s")
    try:
        for _ in range(ROBOTS_MAX_REDIRECTS + 1):
            await check_address(url)
            async with exchange(url, {}, Clock(), deadline) as response:
                target = redirect_target(response, url)
                if target is None:
                    return await _parse(response)
            url = target
        return Robots()  # RFC 9309 2.3.1.2: may be treated as unavailable
    except Failure as exc:
        return Robots(refusal=f"robots.txt unreachable: {exc.message}")
    except Exception as exc:
        return Robots(refusal=f"robots.txt unreachable: {describe(exc, policy)[0]}")


async def _parse(response: httpx.Response) -> Robots:
    code = response.status_code
    if 200 <= code < 300:
        body = await read_body(response, ROBOTS_MAX_BYTES, truncate=True)
        text = decode_body(body, response.headers.get("content-type"))
        return Robots(parser=Protego.parse(text))
    if code == 429 or code >= 500:
        return Robots(refusal=f"robots.txt unreachable: HTTP {code}")
    return Robots()  # 4xx: no rules, everything allowed

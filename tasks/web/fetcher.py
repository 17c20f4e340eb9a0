"""Fetching pages politely and safely: the HTTP layer under every URL pressdiff reads.

`fetch_all(urls, policy)` turns URLs into `FetchResult`s, one per distinct normalised URL,
each ready to become a `fetches` row. Nothing raises: a refusal, a timeout or an HTTP error
is a result whose `error` says what happened. What one URL goes through, in order:

    normalise (courlan; tracking parameters and the fragment dropped), deduplicate
    refuse schemes other than http and https
    refuse hosts resolving to loopback, private, link-local, multicast or reserved addresses
    robots.txt of the origin, fetched once per run (RFC 9309: a 4xx means allow all;
        a 5xx, a 429 or no answer means disallow all); Crawl-delay is honoured
    a host slot (`per_host` at once, starts `host_delay` apart), then a global slot
    GET with If-None-Match / If-Modified-Since; redirects followed one hop at a time,
        every hop checked again; the final URL is recorded
    content types that cannot be articles refused from the headers, before the body
    the body streamed and inflated (gzip, deflate), aborted past `max_bytes`
    connection errors, timeouts, 429 and 5xx retried with exponential backoff and jitter,
        or after Retry-After when the server gives one; other 4xx never retried

Time is bounded three ways: `read_timeout` for the next bytes (an idle connection),
`total_timeout` for one request (one redirect hop, headers and body), and `deadline` for
the whole URL from its first request on: every attempt, hop and wait between attempts. A
retry that would start past the deadline is not made, and its reason is the row's error;
an origin whose Retry-After reaches past the deadline is not asked again this run.
Waiting for a politeness slot is not counted; robots.txt gets `robots_timeout`, once per
origin.

Every connection goes to an address that was checked: the transport resolves the host
once, refuses it if any of its addresses may not be fetched, and connects to the checked
address (the Host header, TLS SNI and certificate stay the name's). A host that changes
its answer between our check and the connection (DNS rebinding) is refused at connect
time; every redirect hop is a new connection, checked the same way.

Each concern has its module: urls.py (normalising, origins), policy.py (FetchPolicy),
result.py (FetchResult), addresses.py (which addresses may be fetched), robots.py,
politeness.py (per-origin slots and delays), limits.py (body bytes and time), retries.py
(what is retried, when), snapshots.py (where bodies are kept); bodies are inflated and
decoded by tasks/inputs/decode.py. This module is the client that puts them together:
each URL's checks, slots, conditional request, redirects and retries.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from contextlib import asynccontextmanager
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from pressdiff.errors import BlockedURLError
from tasks.web.addresses import PinnedTransport, checked_addresses, ssl_context
from tasks.web.limits import Clock, Deadline, Failure, check_headers, read_body
from tasks.web.policy import FetchPolicy
from tasks.web.politeness import HostGate, Memo
from tasks.web.result import FetchResult
from tasks.web.retries import describe, parse_retry_after, retry_delay
from tasks.web.robots import Robots, load_robots
from tasks.web.snapshots import SnapshotStore
from tasks.web.urls import check_url, fetchable_url, origin

REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.5"

Validators = Mapping[str, tuple[str | None, str | None]]
OnResult = Callable[[FetchResult], Awaitable[object] | object]


def redirect_target(response: httpx.Response, url: str) -> str | None:
    """The absolute URL a redirect response points to, or None."""
    location = response.headers.get("location")
    if response.status_code not in REDIRECT_CODES or not location:
        return None
    return urlunsplit(urlsplit(urljoin(url, location.strip()))._replace(fragment=""))


def conditional_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    """If-None-Match / If-Modified-Since from a URL's last validators."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


class _Fetcher:
    """One run's fetching state: the client, the slots, and the per-origin caches."""

    def __init__(
        self, policy: FetchPolicy, client: httpx.AsyncClient, store: SnapshotStore | None
    ) -> None:
        self.policy = policy
        self.client = client
        self.store = store
        self._global = asyncio.Semaphore(policy.concurrency)
        self._gates: dict[str, HostGate] = {}
        self._robots = Memo(self._load_robots)
        self._addresses = Memo(self._resolve)

    async def fetch(self, url: str, validators: tuple[str | None, str | None]) -> FetchResult:
        """One URL, retried as the policy allows within its deadline; never raises."""
        earlier: list[FetchResult] = []
        deadline = Deadline(
            self.policy.deadline, f"deadline: over {self.policy.deadline:g}s for this URL"
        )
        for attempt in range(1, self.policy.retries + 2):
            result, retry, retry_after = await self._attempt(url, validators, deadline)
            result.attempts = attempt
            if not retry or attempt > self.policy.retries:
                break
            delay, why_not = retry_delay(self.policy, attempt, retry_after, deadline.remaining())
            if delay is None:
                result.error = f"{result.error} ({why_not})"
                break
            earlier.append(result)
            await asyncio.sleep(delay)
        result.previous = tuple(earlier)
        await self._keep(result)
        return result

    async def _keep(self, result: FetchResult) -> None:
        """Store the body as a snapshot, when there is a body and a store."""
        if result.body is None or self.store is None:
            return
        try:
            result.snapshot = await asyncio.to_thread(self.store.put, result.body)
        except OSError as exc:
            result.error = f"snapshot not stored: {exc}"

    async def _attempt(
        self, url: str, validators: tuple[str | None, str | None], deadline: Deadline
    ) -> tuple[FetchResult, bool, float | None]:
        """One attempt (all its redirect hops): the result, retry?, Retry-After."""
        result = FetchResult(url=url, final_url=url)
        clock = Clock()
        retry, retry_after = False, None
        try:
            await self._follow(result, validators, clock, deadline)
        except Failure as exc:
            result.error, retry, retry_after = exc.message, exc.retry, exc.retry_after
        except Exception as exc:
            result.error, retry = describe(exc, self.policy)
        result.fetched_at = clock.at or result.fetched_at
        result.elapsed_ms = clock.elapsed_ms()
        return result, retry, retry_after

    async def _follow(
        self,
        result: FetchResult,
        validators: tuple[str | None, str | None],
        clock: Clock,
        deadline: Deadline,
    ) -> None:
        """Request `result.url`, following redirects, and fill `result` in."""
        headers = conditional_headers(*validators)
        url, seen = result.url, {result.url}
        for _ in range(self.policy.max_redirects + 1):
            result.final_url = url
            await self._check(url)
            async with self._exchange(url, headers, clock, deadline) as response:
                result.status_code = response.status_code
                target = redirect_target(response, url)
                if target is None:
                    await self._finish(result, response, validators)
                    return
            if target in seen:
                raise Failure("redirect loop")
            url = target
            seen.add(url)
        raise Failure(f"too many redirects: over {self.policy.max_redirects}")

    async def _finish(
        self,
        result: FetchResult,
        response: httpx.Response,
        validators: tuple[str | None, str | None],
    ) -> None:
        """Read a final response into `result`: a body, a 304, or a Failure."""
        code, headers = response.status_code, response.headers
        result.content_type = headers.get("content-type")
        if code == 304:
            result.not_modified, result.bytes = True, 0
            result.etag = headers.get("etag") or validators[0]
            result.last_modified = headers.get("last-modified") or validators[1]
            return
        if code == 429 or code >= 500:
            retry_after = parse_retry_after(headers.get("retry-after"))
            if retry_after is not None:
                self._wait_for(origin(result.final_url or result.url), code, retry_after)
            raise Failure(f"HTTP {code}", retry=True, retry_after=retry_after)
        if not 200 <= code < 300:
            raise Failure(f"HTTP {code}")
        check_headers(headers, self.policy.content_types, self.policy.max_bytes)
        result.body = await read_body(response, self.policy.max_bytes)
        result.bytes = len(result.body)
        result.etag, result.last_modified = headers.get("etag"), headers.get("last-modified")

    def _wait_for(self, at: str, code: int, retry_after: float) -> None:
        """Honour an origin's Retry-After: wait before its next request, or, when the wait
        reaches past a URL's deadline, ask it nothing more this run."""
        gate = self._gate(at)
        if retry_after >= min(self.policy.deadline, self.policy.retry_after_max):
            gate.closed = f"origin answered HTTP {code} with Retry-After {retry_after:.0f}s"
        else:
            gate.defer(retry_after)

    async def _check(self, url: str) -> None:
        """Refuse `url` (scheme, address, robots.txt) before any request is made to it."""
        try:
            check_url(url)
        except BlockedURLError as exc:
            raise Failure(str(exc)) from None
        await self._check_address(url)
        if self.policy.respect_robots:
            robots: Robots = await self._robots.get(origin(url))
            refusal = robots.refuses(url, self.policy.robots_agent)
            if refusal:
                raise Failure(refusal)

    async def _check_address(self, url: str) -> None:
        if self.policy.allow_private:
            return
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        refusal = await self._addresses.get((parts.hostname, port))
        if refusal:
            raise Failure(refusal)

    async def _resolve(self, key: tuple[str, int]) -> str | None:
        """Why this host may not be fetched (its addresses), or None. The connection checks
        again what it connects to; this refuses early, before robots.txt or a slot."""
        try:
            await checked_addresses(*key)
        except BlockedURLError as exc:
            return str(exc)
        return None

    async def _load_robots(self, at: str) -> Robots:
        """The origin's robots.txt, its crawl delay applied to the origin's gate."""
        robots = await load_robots(
            at, self.policy, self._exchange, self._check_address, redirect_target
        )
        delay = robots.delay(self.policy.robots_agent)
        if delay:
            self._gate(at).slow_down(min(delay, self.policy.max_crawl_delay))
        return robots

    def _gate(self, at: str) -> HostGate:
        if at not in self._gates:
            self._gates[at] = HostGate(self.policy.per_host, self.policy.host_delay)
        return self._gates[at]

    @asynccontextmanager
    async def _slot(self, at: str) -> AsyncIterator[None]:
        """Wait for the origin's turn, then for a global slot; hold both while inside."""
        gate = self._gate(at)
        async with gate.slots:
            async with gate.lock:
                await gate.wait_turn()
                await self._global.acquire()
                gate.started()
            try:
                yield
            finally:
                self._global.release()

    @asynccontextmanager
    async def _exchange(
        self, url: str, headers: Mapping[str, str], clock: Clock, deadline: Deadline
    ) -> AsyncIterator[httpx.Response]:
        """One GET, streamed, inside the politeness slots, the total timeout and what is
        left of the deadline."""
        at = origin(url)
        async with self._slot(at):
            if self._gate(at).closed:
                raise Failure(f"not asked this run: {self._gate(at).closed}")
            clock.start()
            deadline.start()
            limit = min(self.policy.total_timeout, deadline.remaining())
            if limit <= 0:
                raise Failure(deadline.message)
            try:
                async with asyncio.timeout(limit):
                    request = self.client.build_request("GET", url, headers=headers)
                    response = await self.client.send(request, stream=True)
                    try:
                        yield response
                    finally:
                        await response.aclose()
            except TimeoutError:
                if limit < self.policy.total_timeout:
                    raise Failure(deadline.message) from None
                raise


def _client(policy: FetchPolicy) -> httpx.AsyncClient:
    # The semaphores bound requests in flight; the pool only keeps idle connections,
    # enough that hosts do not evict each other's.
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=4 * policy.concurrency)
    return httpx.AsyncClient(
        headers={
            "User-Agent": policy.user_agent,
            "Accept": ACCEPT,
            "Accept-Encoding": "gzip, deflate",
        },
        timeout=httpx.Timeout(policy.read_timeout, connect=policy.connect_timeout),
        limits=limits,
        verify=ssl_context(policy.trust_env),
        transport=None if policy.allow_private else PinnedTransport(limits, policy.trust_env),
        follow_redirects=False,
        trust_env=policy.trust_env,
    )


def _plan(urls: Iterable[str]) -> list[str | FetchResult]:
    """Normalised URLs, first occurrence only, with refusals as results in their place."""
    plan: list[str | FetchResult] = []
    seen: set[str] = set()
    for raw in urls:
        try:
            url = fetchable_url(raw)
        except BlockedURLError as exc:
            url = raw.strip()
            if url not in seen:
                plan.append(FetchResult(url=url, error=str(exc)))
        else:
            if url not in seen:
                plan.append(url)
        seen.add(url)
    return plan


def _normalized_validators(
    validators: Validators | None,
) -> dict[str, tuple[str | None, str | None]]:
    known = {}
    for url, pair in (validators or {}).items():
        try:
            known[fetchable_url(url)] = pair
        except BlockedURLError:
            continue
    return known


async def _notify(on_result: OnResult | None, result: FetchResult) -> None:
    if on_result is not None:
        outcome = on_result(result)
        if inspect.isawaitable(outcome):
            await outcome


async def fetch_all(
    urls: Iterable[str],
    policy: FetchPolicy | None = None,
    validators: Validators | None = None,
    on_result: OnResult | None = None,
    *,
    store: SnapshotStore | None = None,
) -> list[FetchResult]:
    """Fetch every distinct URL once; one result each, in the order first given.

    `validators` maps a URL to the (ETag, Last-Modified) of its last visit, sent as
    If-None-Match / If-Modified-Since. `on_result` (plain or async) sees each result as soon
    as it is final. With a `store`, every body is kept there and `snapshot` names it.
    Bodies are also kept on the results, so callers with many URLs pass them in batches.
    An exception raised by `on_result` stops the run (as an ExceptionGroup).
    """
    policy = policy or FetchPolicy()
    plan = _plan(urls)
    known = _normalized_validators(validators)
    async with _client(policy) as client:
        fetcher = _Fetcher(policy, client, store)

        async def run(item: str | FetchResult) -> FetchResult:
            if isinstance(item, FetchResult):
                result = item
            else:
                result = await fetcher.fetch(item, known.get(item, (None, None)))
            await _notify(on_result, result)
            return result

        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(run(item)) for item in plan]
    return [task.result() for task in tasks]


def fetch_many(
    urls: Iterable[str],
    policy: FetchPolicy | None = None,
    validators: Validators | None = None,
    on_result: OnResult | None = None,
    *,
    store: SnapshotStore | None = None,
) -> list[FetchResult]:
    """`fetch_all` for synchronous callers (not from inside a running event loop)."""
    return asyncio.run(fetch_all(urls, policy, validators, on_result, store=store))

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
    the body streamed and decoded here (gzip, deflate), aborted past `max_bytes`
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
"""

from __future__ import annotations

import asyncio
import codecs
import email.utils
import inspect
import random
import re
import time
import zlib
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import courlan
import httpx
from protego import Protego

from pressdiff import __version__
from pressdiff.errors import BlockedURLError, UsageError
from tasks.web.addresses import PinnedTransport, checked_addresses, ssl_context
from tasks.web.addresses import address_refusal as address_refusal  # where callers found it
from tasks.web.snapshots import SnapshotStore

try:  # optional: comes with trafilatura; without it undeclared charsets fall back to UTF-8
    import charset_normalizer
except ImportError:  # pragma: no cover
    charset_normalizer = None

DEFAULT_USER_AGENT = f"pressdiff/{__version__} (+https://example.invalid/pressdiff)"

ARTICLE_CONTENT_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "text/plain",
        "text/xml",
        "application/xml",
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
        "application/json",
        "application/gzip",  # compressed sitemaps
        "application/x-gzip",
        "application/warc",
    }
)

FETCH_COLUMNS = (
    "url",
    "final_url",
    "status_code",
    "error",
    "fetched_at",
    "bytes",
    "etag",
    "last_modified",
    "elapsed_ms",
    "content_type",
    "snapshot",
)

MAX_URL_LENGTH = 8192  # longer URLs are refused; servers commonly stop at 8 KiB
ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309: parse at least the first 500 KiB
ROBOTS_MAX_REDIRECTS = 5
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.5"


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """How to fetch: limits, politeness, timeouts, retries and what to refuse."""

    user_agent: str = DEFAULT_USER_AGENT
    concurrency: int = 16  # requests in flight at once, all hosts together
    per_host: int = 2  # requests in flight at once to one host (scheme, name and port)
    host_delay: float = 0.5  # least seconds between the starts of two requests to one host
    connect_timeout: float = 10.0
    read_timeout: float = 30.0  # longest wait for the next bytes
    total_timeout: float = 60.0  # longest one request may take, headers and body
    deadline: float = 60.0  # longest one URL may take from its first request, retries included
    robots_timeout: float = 20.0  # longest robots.txt may take, once per origin
    retries: int = 3  # attempts after the first, for connection errors, 429 and 5xx
    backoff_base: float = 0.5  # seconds before the first retry, doubled each time, jittered
    backoff_max: float = 30.0
    retry_after_max: float = 120.0  # a longer Retry-After ends the retries
    max_redirects: int = 10
    max_bytes: int = 10_000_000  # of decoded body; larger bodies are aborted
    allow_private: bool = False  # fetch loopback, private and link-local addresses
    respect_robots: bool = True
    max_crawl_delay: float = 30.0  # robots.txt Crawl-delay is honoured up to this
    content_types: frozenset[str] = ARTICLE_CONTENT_TYPES  # a missing Content-Type is allowed
    trust_env: bool = False  # use proxy settings from the environment

    def __post_init__(self) -> None:
        if self.concurrency < 1 or self.per_host < 1:
            raise UsageError("concurrency and per_host must be at least 1")
        if min(self.host_delay, self.retries, self.max_redirects, self.max_bytes) < 0:
            raise UsageError("host_delay, retries, max_redirects and max_bytes cannot be negative")
        if min(self.total_timeout, self.deadline, self.robots_timeout) <= 0:
            raise UsageError("total_timeout, deadline and robots_timeout must be positive")

    @property
    def robots_agent(self) -> str:
        """The product token robots.txt groups are matched against ("pressdiff")."""
        return self.user_agent.split("/", 1)[0].strip().lower() or "*"


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class FetchResult:
    """One URL's fetch: the `fetches` row (FETCH_COLUMNS) and what came with it."""

    url: str
    final_url: str | None = None
    status_code: int | None = None
    error: str | None = None
    fetched_at: datetime = field(default_factory=_now)
    bytes: int | None = None  # length of the decoded body kept; 0 for a 304; None if none
    etag: str | None = None
    last_modified: str | None = None  # the header as sent, for If-Modified-Since
    elapsed_ms: int | None = None
    content_type: str | None = None
    body: bytes | None = None
    snapshot: str | None = None  # SnapshotStore hash of `body`
    not_modified: bool = False
    attempts: int = 1
    previous: tuple[FetchResult, ...] = ()  # earlier attempts that were retried

    @property
    def ok(self) -> bool:
        """True for a body or a 304: something to extract or to mark unchanged."""
        return self.error is None

    def row(self) -> dict[str, Any]:
        """This attempt as a `fetches` row."""
        return {name: getattr(self, name) for name in FETCH_COLUMNS}

    def rows(self) -> list[dict[str, Any]]:
        """Every HTTP attempt for this URL, retried ones first, as `fetches` rows."""
        return [*(earlier.row() for earlier in self.previous), self.row()]

    def as_dict(self) -> dict[str, Any]:
        """All fields, for logs and tests (the body is left out)."""
        return {k: v for k, v in asdict(self).items() if k not in ("body", "previous")}


Validators = Mapping[str, tuple[str | None, str | None]]
OnResult = Callable[[FetchResult], Awaitable[object] | object]


# --- URLs and addresses -------------------------------------------------------------------


def normalize_url(url: str) -> str:
    """`url` as pressdiff fetches and stores it; BlockedURLError if it cannot be fetched."""
    text = url.strip()
    if len(text) > MAX_URL_LENGTH:
        raise BlockedURLError(f"invalid URL: longer than {MAX_URL_LENGTH} characters")
    try:
        parts = urlsplit(text)
        _check_scheme(parts.scheme, parts.hostname)
        parts.port  # noqa: B018 -- raises ValueError when out of range
        normal = courlan.normalize_url(text)
        return urlunsplit(urlsplit(normal)._replace(fragment=""))
    except ValueError as exc:
        raise BlockedURLError(f"invalid URL: {exc}") from exc


def _check_scheme(scheme: str, host: str | None) -> None:
    if scheme.lower() not in ("http", "https"):
        raise BlockedURLError(f"blocked: scheme {scheme or '(none)'} is not http or https")
    if not host:
        raise BlockedURLError("blocked: URL has no host")


def _origin(url: str) -> str:
    """scheme://host:port, the unit of politeness and of robots.txt."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    host = f"[{parts.hostname}]" if ":" in (parts.hostname or "") else parts.hostname
    return f"{parts.scheme}://{host}:{port}"


def _redirect_target(response: httpx.Response, url: str) -> str | None:
    """The absolute URL a redirect response points to, or None."""
    location = response.headers.get("location")
    if response.status_code not in REDIRECT_CODES or not location:
        return None
    return urlunsplit(urlsplit(urljoin(url, location.strip()))._replace(fragment=""))


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
    return max(0.0, (when - (now or _now())).total_seconds())


# --- Charsets -------------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_WHATWG_ALIASES = {"iso8859-1": "cp1252", "ascii": "cp1252"}  # what browsers do


def _codec(label: str | None) -> str | None:
    """Python's name for a charset label, or None if unknown."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    return _WHATWG_ALIASES.get(name, name)


def _header_charset(content_type: str | None) -> str | None:
    for param in (content_type or "").split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            return _codec(value)
    return None


def _meta_charset(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:4096])
    return _codec(match.group(1).decode("ascii")) if match else None


def _decodes(body: bytes, codec: str) -> bool:
    try:
        body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def detect_charset(body: bytes, content_type: str | None = None) -> str:
    """The codec to read `body` with: a BOM, then valid UTF-8, then the declared charsets
    (header, then <meta>) that decode cleanly, then detection, then UTF-8.

    Valid non-ASCII UTF-8 wins over a declaration because the usual wrong declaration is a
    Latin-1 label on a UTF-8 page, and legacy text is almost never valid UTF-8 by chance.
    """
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return codec
    if not body.isascii() and _decodes(body, "utf-8"):
        return "utf-8"
    for codec in (_header_charset(content_type), _meta_charset(body)):
        if codec and _decodes(body, codec):
            return codec
    if body.isascii() or charset_normalizer is None:
        return "utf-8"
    return _guess_charset(body[:200_000])


_WIDE_CODECS = ["utf_16", "utf_16_le", "utf_16_be", "utf_32", "utf_32_le", "utf_32_be"]


def _guess_charset(sample: bytes) -> str:
    """charset_normalizer's guess; Windows-1252 (the web's default) wins ties and
    guesses without evidence; UTF-16/32 only when the sample holds NUL bytes."""
    assert charset_normalizer is not None
    wide = None if b"\x00" in sample else _WIDE_CODECS
    matches = charset_normalizer.from_bytes(sample, cp_exclusion=wide)
    best = matches.best()
    if best is None:
        return "utf-8"
    tied = {
        m.encoding
        for m in matches
        if abs(m.chaos - best.chaos) < 0.01 and abs(m.coherence - best.coherence) < 0.01
    }
    if "cp1252" in tied or (best.coherence == 0 and _decodes(sample, "cp1252")):
        return "cp1252"
    return best.encoding


def decode_body(body: bytes, content_type: str | None = None) -> str:
    """`body` as text, whatever its charset claims; undecodable bytes become U+FFFD."""
    return body.decode(detect_charset(body, content_type), errors="replace")


# --- Bodies ---------------------------------------------------------------------------------


class _Failure(Exception):
    """One attempt ended without a body; `message` becomes the row's error."""

    def __init__(self, message: str, retry: bool = False, retry_after: float | None = None):
        super().__init__(message)
        self.message = message
        self.retry = retry
        self.retry_after = retry_after


class _TooLarge(_Failure):
    """The decoded body passed the limit."""


def _content_encoding(value: str) -> str:
    """'' (identity), 'gzip' or 'deflate'; _Failure for anything else."""
    codings = [c.strip().lower() for c in value.split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if not codings:
        return ""
    if len(codings) == 1 and codings[0] in ("gzip", "x-gzip", "deflate"):
        return "deflate" if codings[0] == "deflate" else "gzip"
    raise _Failure(f"unsupported content encoding {value}")


class _BoundedDecoder:
    """Decodes a content-encoded stream, never producing more than `limit` bytes in all.

    zlib's `max_length` caps every step, so a gzip bomb costs at most `limit` bytes of memory.
    """

    def __init__(self, encoding: str, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.overflow = b""  # the part of the last chunk that still fitted
        self._encoding = encoding
        self._first = True
        self._z = None
        if encoding:
            self._z = zlib.decompressobj(zlib.MAX_WBITS | (16 if encoding == "gzip" else 0))

    def feed(self, data: bytes) -> bytes:
        """The decoded bytes of `data`; _TooLarge once past the limit."""
        if self._z is None:
            return self._count(data)
        out = []
        while data and not self._z.eof:
            out.append(self._count(self._inflate(data)))
            data = self._z.unconsumed_tail
        return b"".join(out)

    def _inflate(self, data: bytes) -> bytes:
        assert self._z is not None
        try:
            return self._z.decompress(data, self.limit - self.size + 1)
        except zlib.error:
            if not (self._first and self._encoding == "deflate"):
                raise
            self._z = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate, as some servers send
            return self._z.decompress(data, self.limit - self.size + 1)
        finally:
            self._first = False

    def flush(self) -> bytes:
        """What the decoder still holds at the end of the stream."""
        return self._count(self._z.flush()) if self._z is not None else b""

    def _count(self, chunk: bytes) -> bytes:
        self.size += len(chunk)
        if self.size > self.limit:
            self.overflow = chunk[: len(chunk) - (self.size - self.limit)]
            raise _TooLarge(f"too large: over {self.limit} bytes")
        return chunk


async def _read_body(response: httpx.Response, limit: int, truncate: bool = False) -> bytes:
    """The decoded body, streamed; past `limit` it is cut (`truncate`) or refused."""
    decoder = _BoundedDecoder(
        _content_encoding(response.headers.get("content-encoding", "")), limit
    )
    parts: list[bytes] = []
    try:
        async for chunk in response.aiter_raw():
            parts.append(decoder.feed(chunk))
        parts.append(decoder.flush())
    except _TooLarge:
        if not truncate:
            raise
        parts.append(decoder.overflow)
    return b"".join(parts)


def _media_type(content_type: str | None) -> str | None:
    return (content_type or "").split(";", 1)[0].strip().lower() or None


# --- Robots ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Robots:
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


# --- Politeness -----------------------------------------------------------------------------


class _HostGate:
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


class _Memo:
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


class _Clock:
    """When the first request of an attempt went out, and how long it has taken since."""

    def __init__(self) -> None:
        self.at: datetime | None = None
        self._t0: float | None = None

    def start(self) -> None:
        if self._t0 is None:
            self.at, self._t0 = _now(), time.perf_counter()

    def elapsed_ms(self) -> int | None:
        return None if self._t0 is None else round((time.perf_counter() - self._t0) * 1000)


class _Deadline:
    """A time budget counted from the first request it covers; `message` when it runs out."""

    def __init__(self, seconds: float, message: str) -> None:
        self.seconds = seconds
        self.message = message
        self._t0: float | None = None

    def start(self) -> None:
        if self._t0 is None:
            self._t0 = time.monotonic()

    def remaining(self) -> float:
        return self.seconds - (0.0 if self._t0 is None else time.monotonic() - self._t0)


# --- The fetcher ----------------------------------------------------------------------------


def _describe(exc: BaseException, policy: FetchPolicy) -> tuple[str, bool]:
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


class _Fetcher:
    """One run's fetching state: the client, the slots, and the per-origin caches."""

    def __init__(
        self, policy: FetchPolicy, client: httpx.AsyncClient, store: SnapshotStore | None
    ) -> None:
        self.policy = policy
        self.client = client
        self.store = store
        self._global = asyncio.Semaphore(policy.concurrency)
        self._gates: dict[str, _HostGate] = {}
        self._robots = _Memo(self._load_robots)
        self._addresses = _Memo(self._resolve)

    async def fetch(self, url: str, validators: tuple[str | None, str | None]) -> FetchResult:
        """One URL, retried as the policy allows within its deadline; never raises."""
        earlier: list[FetchResult] = []
        deadline = _Deadline(
            self.policy.deadline, f"deadline: over {self.policy.deadline:g}s for this URL"
        )
        for attempt in range(1, self.policy.retries + 2):
            result, retry, retry_after = await self._attempt(url, validators, deadline)
            result.attempts = attempt
            if not retry or attempt > self.policy.retries:
                break
            delay, why_not = self._retry_delay(attempt, retry_after, deadline.remaining())
            if delay is None:
                result.error = f"{result.error} ({why_not})"
                break
            earlier.append(result)
            await asyncio.sleep(delay)
        result.previous = tuple(earlier)
        await self._keep(result)
        return result

    def _retry_delay(
        self, attempt: int, retry_after: float | None, remaining: float
    ) -> tuple[float | None, str]:
        """Seconds before attempt `attempt + 1`, or None and why there is none."""
        policy = self.policy
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

    async def _keep(self, result: FetchResult) -> None:
        """Store the body as a snapshot, when there is a body and a store."""
        if result.body is None or self.store is None:
            return
        try:
            result.snapshot = await asyncio.to_thread(self.store.put, result.body)
        except OSError as exc:
            result.error = f"snapshot not stored: {exc}"

    async def _attempt(
        self, url: str, validators: tuple[str | None, str | None], deadline: _Deadline
    ) -> tuple[FetchResult, bool, float | None]:
        """One attempt (all its redirect hops): the result, retry?, Retry-After."""
        result = FetchResult(url=url, final_url=url)
        clock = _Clock()
        retry, retry_after = False, None
        try:
            await self._follow(result, validators, clock, deadline)
        except _Failure as exc:
            result.error, retry, retry_after = exc.message, exc.retry, exc.retry_after
        except Exception as exc:
            result.error, retry = _describe(exc, self.policy)
        result.fetched_at = clock.at or result.fetched_at
        result.elapsed_ms = clock.elapsed_ms()
        return result, retry, retry_after

    async def _follow(
        self,
        result: FetchResult,
        validators: tuple[str | None, str | None],
        clock: _Clock,
        deadline: _Deadline,
    ) -> None:
        """Request `result.url`, following redirects, and fill `result` in."""
        headers = _conditional_headers(*validators)
        url, seen = result.url, {result.url}
        for _ in range(self.policy.max_redirects + 1):
            result.final_url = url
            await self._check(url)
            async with self._exchange(url, headers, clock, deadline) as response:
                result.status_code = response.status_code
                target = _redirect_target(response, url)
                if target is None:
                    await self._finish(result, response, validators)
                    return
            if target in seen:
                raise _Failure("redirect loop")
            url = target
            seen.add(url)
        raise _Failure(f"too many redirects: over {self.policy.max_redirects}")

    async def _finish(
        self,
        result: FetchResult,
        response: httpx.Response,
        validators: tuple[str | None, str | None],
    ) -> None:
        """Read a final response into `result`: a body, a 304, or a _Failure."""
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
                self._wait_for(_origin(result.final_url or result.url), code, retry_after)
            raise _Failure(f"HTTP {code}", retry=True, retry_after=retry_after)
        if not 200 <= code < 300:
            raise _Failure(f"HTTP {code}")
        self._check_headers(headers)
        result.body = await _read_body(response, self.policy.max_bytes)
        result.bytes = len(result.body)
        result.etag, result.last_modified = headers.get("etag"), headers.get("last-modified")

    def _wait_for(self, origin: str, code: int, retry_after: float) -> None:
        """Honour an origin's Retry-After: wait before its next request, or, when the wait
        reaches past a URL's deadline, ask it nothing more this run."""
        gate = self._gate(origin)
        if retry_after >= min(self.policy.deadline, self.policy.retry_after_max):
            gate.closed = f"origin answered HTTP {code} with Retry-After {retry_after:.0f}s"
        else:
            gate.defer(retry_after)

    def _check_headers(self, headers: httpx.Headers) -> None:
        """Refuse, before any body byte, what cannot be an article or cannot fit."""
        media = _media_type(headers.get("content-type"))
        if media is not None and media not in self.policy.content_types:
            raise _Failure(f"content type {media} is not an article")
        length = headers.get("content-length", "")
        encoded = _content_encoding(headers.get("content-encoding", ""))
        if not encoded and length.isdigit() and int(length) > self.policy.max_bytes:
            raise _Failure(f"too large: over {self.policy.max_bytes} bytes")

    async def _check(self, url: str) -> None:
        """Refuse `url` (scheme, address, robots.txt) before any request is made to it."""
        parts = urlsplit(url)
        try:
            _check_scheme(parts.scheme, parts.hostname)
            parts.port  # noqa: B018 -- raises ValueError when out of range
        except BlockedURLError as exc:
            raise _Failure(str(exc)) from None
        except ValueError as exc:
            raise _Failure(f"invalid URL: {exc}") from None
        if len(url) > MAX_URL_LENGTH:
            raise _Failure(f"invalid URL: longer than {MAX_URL_LENGTH} characters")
        await self._check_address(url)
        if self.policy.respect_robots:
            robots: _Robots = await self._robots.get(_origin(url))
            refusal = robots.refuses(url, self.policy.robots_agent)
            if refusal:
                raise _Failure(refusal)

    async def _check_address(self, url: str) -> None:
        if self.policy.allow_private:
            return
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        refusal = await self._addresses.get((parts.hostname, port))
        if refusal:
            raise _Failure(refusal)

    async def _resolve(self, key: tuple[str, int]) -> str | None:
        """Why this host may not be fetched (its addresses), or None. The connection checks
        again what it connects to; this refuses early, before robots.txt or a slot."""
        try:
            await checked_addresses(*key)
        except BlockedURLError as exc:
            return str(exc)
        return None

    async def _load_robots(self, origin: str) -> _Robots:
        """Fetch and parse origin's robots.txt (RFC 9309); set the origin's crawl delay."""
        url = f"{origin}/robots.txt"
        limit = min(self.policy.robots_timeout, self.policy.total_timeout)
        deadline = _Deadline(limit, f"timeout: over {limit:g}s")
        try:
            for _ in range(ROBOTS_MAX_REDIRECTS + 1):
                await self._check_address(url)
                async with self._exchange(url, {}, _Clock(), deadline) as response:
                    target = _redirect_target(response, url)
                    if target is None:
                        robots = await self._parse_robots(response)
                        break
                url = target
            else:
                robots = _Robots()  # RFC 9309 2.3.1.2: may be treated as unavailable
        except _Failure as exc:
            robots = _Robots(refusal=f"robots.txt unreachable: {exc.message}")
        except Exception as exc:
            robots = _Robots(refusal=f"robots.txt unreachable: {_describe(exc, self.policy)[0]}")
        self._apply_crawl_delay(origin, robots)
        return robots

    async def _parse_robots(self, response: httpx.Response) -> _Robots:
        code = response.status_code
        if 200 <= code < 300:
            body = await _read_body(response, ROBOTS_MAX_BYTES, truncate=True)
            text = decode_body(body, response.headers.get("content-type"))
            return _Robots(parser=Protego.parse(text))
        if code == 429 or code >= 500:
            return _Robots(refusal=f"robots.txt unreachable: HTTP {code}")
        return _Robots()  # 4xx: no rules, everything allowed

    def _apply_crawl_delay(self, origin: str, robots: _Robots) -> None:
        delay = robots.delay(self.policy.robots_agent)
        if delay:
            gate = self._gate(origin)
            gate.delay = max(gate.delay, min(delay, self.policy.max_crawl_delay))

    def _gate(self, origin: str) -> _HostGate:
        if origin not in self._gates:
            self._gates[origin] = _HostGate(self.policy.per_host, self.policy.host_delay)
        return self._gates[origin]

    @asynccontextmanager
    async def _slot(self, origin: str) -> AsyncIterator[None]:
        """Wait for the origin's turn, then for a global slot; hold both while inside."""
        gate = self._gate(origin)
        async with gate.slots:
            async with gate.lock:
                wait = gate.next_start - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                await self._global.acquire()
                gate.next_start = time.monotonic() + gate.delay
            try:
                yield
            finally:
                self._global.release()

    @asynccontextmanager
    async def _exchange(
        self, url: str, headers: Mapping[str, str], clock: _Clock, deadline: _Deadline
    ) -> AsyncIterator[httpx.Response]:
        """One GET, streamed, inside the politeness slots, the total timeout and what is
        left of the deadline."""
        origin = _origin(url)
        async with self._slot(origin):
            if self._gate(origin).closed:
                raise _Failure(f"not asked this run: {self._gate(origin).closed}")
            clock.start()
            deadline.start()
            limit = min(self.policy.total_timeout, deadline.remaining())
            if limit <= 0:
                raise _Failure(deadline.message)
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
                    raise _Failure(deadline.message) from None
                raise


def _conditional_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    """If-None-Match / If-Modified-Since from a URL's last validators."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


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
            url = normalize_url(raw)
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
            known[normalize_url(url)] = pair
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

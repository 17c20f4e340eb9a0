"""A catalogue of hostile URLs and servers: each is refused or fails with a clear reason,
nothing crashes, nothing hangs, and no URL takes much longer than its deadline.

Three groups, every one real sockets on loopback and nothing else (names resolve through a
test resolver: numeric forms as the C library reads them, `*.test` names as queued here,
anything else "not found", so no DNS query leaves the machine):

- SSRF vectors: URLs that point at loopback, private, link-local or metadata addresses in
  every spelling, or at schemes other than http(s). A sentinel server listens on the
  loopback port they name; it must never see a request.
- Redirects: a server playing a public site (127.0.0.3, treated as public here) redirects
  to each forbidden place, loops, or chains too far.
- Hostile servers: slow drips, endless bodies, lying lengths, bombs, broken chunking,
  resets, hangs, Retry-After tricks, 5xx storms, hostile robots.txt, and sitemaps and
  feeds that try to make a run endless.

The last test prints the figures: vectors tried, refused before connecting, the longest
time one took.
"""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from email.utils import formatdate
from pathlib import Path

import pytest

import tasks.web.addresses as addresses
from flows.settings import Settings
from tasks.inputs.decode import decode_body
from tasks.steps.fetch import expand
from tasks.web.fetcher import fetch_many
from tasks.web.policy import FetchPolicy
from tasks.web.result import FetchResult
from tests import hostile
from tests.httpserver import (
    LocalServer,
    Response,
    article,
    drip,
    gzip_bomb,
    huge,
    make_server,
    redirect,
    robots,
    rss,
    sitemap,
    sitemap_index,
)
from warehouse.connection import close_warehouse

POLICY = FetchPolicy(
    allow_private=True,
    host_delay=0.0,
    retries=2,
    backoff_base=0.05,
    backoff_max=0.2,
    connect_timeout=1.0,
    read_timeout=0.5,
    total_timeout=1.5,
    deadline=2.0,
    robots_timeout=1.0,
    max_bytes=1_000_000,
)
# A hang, not a slow machine: a URL gets its deadline and robots.txt its own (3 s here; the
# longest seen is about 2 s), and 8 test runs may share 2 cores. That each deadline holds is
# checked exactly, by attempts and reasons, in test_fetch.py.
BOUND = 10 * (POLICY.deadline + POLICY.robots_timeout)
PAGE = article("Harbour ferry returns", "The blue ferry sailed again on Monday. " * 5)

FIGURES: dict[str, list] = {"tried": [], "refused": [], "times": [], "sources": []}


def record(name: str, seconds: float, refused: bool, per_url: bool = True) -> None:
    FIGURES["tried"].append(name)
    FIGURES["times" if per_url else "sources"].append((seconds, name))
    if refused:
        FIGURES["refused"].append(name)


def timed(fetch: Callable[[], list[FetchResult]]) -> tuple[list[FetchResult], float]:
    start = time.monotonic()
    results = fetch()
    return results, time.monotonic() - start


# --- A resolver that never leaves the machine ------------------------------------------------


@pytest.fixture(autouse=True)
def resolver(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Queue answers for `*.test` names: one per lookup, the last one repeating."""
    answers: dict[str, list[str]] = {
        "localhost.": ["127.0.0.1"],
        "metadata.google.internal": ["169.254.169.254"],
        "internal.test": ["10.0.0.5"],
        "mixed.test": ["93.184.215.14,127.0.0.1"],  # one answer with two addresses
    }
    real = socket.getaddrinfo

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        name = host.decode() if isinstance(host, bytes) else str(host)
        name = name.encode("idna").decode("ascii")  # as socket.getaddrinfo does; may raise
        if name == "localhost":
            return real(name, port, family, type, proto, flags)
        try:  # what the C library reads as a number: 2130706433, 0x7f.1, 0177.0.0.1
            return real(name, port, family, type, proto, flags | socket.AI_NUMERICHOST)
        except socket.gaierror:
            pass
        queue = answers.get(name)
        if not queue:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        out = []
        for address in answer.split(","):
            fam = socket.AF_INET6 if ":" in address else socket.AF_INET
            out.append((fam, socket.SOCK_STREAM, 6, "", (address, int(port or 0))))
        return out

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


@pytest.fixture(scope="module")
def sentinel() -> Iterator[LocalServer]:
    """A loopback server every SSRF vector aims at; it must never see a request."""
    with make_server({"/": Response(body=PAGE)}) as server:
        yield server


@pytest.fixture(scope="module")
def site() -> Iterator[LocalServer]:
    """A plain loopback server for the hostile routes (fetched with allow_private)."""
    with make_server() as server:
        yield server


@pytest.fixture
def public(monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalServer]:
    """A server on 127.0.0.3 that the address check treats as a public site."""
    real = addresses.address_refusal
    monkeypatch.setattr(
        addresses, "address_refusal", lambda a: None if a == "127.0.0.3" else real(a)
    )
    with make_server(host="127.0.0.3") as server:
        yield server


# --- SSRF vectors ----------------------------------------------------------------------------

LOOPBACK = "blocked: loopback address 127.0.0.1"
UNRESOLVED = "cannot resolve host"
SSRF = [
    ("http://127.0.0.1:{p}/", LOOPBACK),
    ("http://2130706433:{p}/", LOOPBACK),  # decimal
    ("http://0177.0.0.1:{p}/", LOOPBACK),  # octal
    ("http://017700000001:{p}/", LOOPBACK),
    ("http://0x7f.0.0.1:{p}/", LOOPBACK),  # hex
    ("http://0x7f000001:{p}/", LOOPBACK),
    ("http://0x7f.1:{p}/", LOOPBACK),
    ("http://127.1:{p}/", LOOPBACK),
    ("http://127.000.000.001:{p}/", LOOPBACK),
    ("http://localhost:{p}/", LOOPBACK),
    ("HtTp://LOCALHOST:{p}/", LOOPBACK),
    ("http://localhost.:{p}/", LOOPBACK),
    ("http://\u24db\u24de\u24d2\u24d0\u24db\u24d7\u24de\u24e2\u24e3:{p}/", LOOPBACK),  # ⓛⓞⓒⓐⓛⓗⓞⓢⓣ
    ("http://127\u30020\u30020\u30021:{p}/", LOOPBACK),  # ideographic full stops
    ("http://\u2460\u2461\u2466.0.0.1:{p}/", LOOPBACK),  # ①②⑦
    ("http://[::1]:{p}/", "blocked: loopback address ::1"),
    ("http://[::ffff:127.0.0.1]:{p}/", LOOPBACK),  # IPv4-mapped
    ("http://[::ffff:7f00:1]:{p}/", LOOPBACK),
    ("http://[0:0:0:0:0:ffff:127.0.0.1]:{p}/", LOOPBACK),
    ("http://[fe80::1%25lo]:{p}/", "blocked: link-local address fe80::1"),
    ("http://[fe80::1]:{p}/", "blocked: link-local address fe80::1"),
    ("http://0.0.0.0:{p}/", "blocked: unspecified address 0.0.0.0"),
    ("http://0:{p}/", "blocked: unspecified address 0.0.0.0"),
    ("http://[::]:{p}/", "blocked: unspecified address ::"),
    ("http://[::ffff:0:0]:{p}/", "blocked: unspecified address 0.0.0.0"),
    ("http://169.254.169.254/latest/meta-data/", "blocked: link-local address 169.254.169.254"),
    ("http://metadata.google.internal/", "blocked: link-local address 169.254.169.254"),
    ("http://[fd00:ec2::254]/", "blocked: private address fd00:ec2::254"),
    ("http://100.100.100.200/", "blocked: non-public address 100.100.100.200"),
    ("http://10.0.0.1/", "blocked: private address 10.0.0.1"),
    ("http://172.16.0.1/", "blocked: private address 172.16.0.1"),
    ("http://192.168.0.1/", "blocked: private address 192.168.0.1"),
    ("http://198.18.0.1/", "blocked: private address 198.18.0.1"),
    ("http://224.0.0.1/", "blocked: multicast address 224.0.0.1"),
    ("http://255.255.255.255/", "blocked: private address 255.255.255.255"),
    ("http://[64:ff9b::7f00:1]/", "blocked: reserved address 64:ff9b::7f00:1"),
    ("http://[2002:7f00:1::]:{p}/", "blocked: 6to4 address 2002:7f00:1::"),  # 127.0.0.1 in 6to4
    ("http://[2002:a9fe:a9fe::]/", "blocked: 6to4 address 2002:a9fe:a9fe::"),  # 169.254.169.254
    ("http://[3fff::1]/", "blocked: documentation address 3fff::1"),
    ("http://[2001:db8::1]/", "blocked: private address 2001:db8::1"),
    ("http://internal.test/", "blocked: private address 10.0.0.5"),
    ("http://mixed.test:{p}/", LOOPBACK),
    ("http://evil@127.0.0.1:{p}/", LOOPBACK),  # userinfo tricks
    ("http://example.com@127.0.0.1:{p}/", LOOPBACK),
    ("http://example.com:80@127.0.0.1:{p}/", LOOPBACK),
    ("http://example.com\\@127.0.0.1:{p}/", LOOPBACK),
    ("http://127.0.0.1:{p}#@example.com/", LOOPBACK),
    ("http://127.0.0.1:{p}/%00", LOOPBACK),
    ("  http://127.0.0.1:{p}/  ", LOOPBACK),
    ("file:///etc/passwd", "blocked: scheme file is not http or https"),
    ("gopher://127.0.0.1:{p}/_GET%20/", "blocked: scheme gopher is not http or https"),
    ("dict://127.0.0.1:{p}/info", "blocked: scheme dict is not http or https"),
    ("ftp://127.0.0.1/", "blocked: scheme ftp is not http or https"),
    ("ldap://127.0.0.1/", "blocked: scheme ldap is not http or https"),
    ("javascript:alert(1)", "blocked: scheme javascript is not http or https"),
    ("data:text/html,<p>x</p>", "blocked: scheme data is not http or https"),
    ("jar:http://127.0.0.1/x!/", "blocked: scheme jar is not http or https"),
    ("//127.0.0.1:{p}/", "blocked: scheme (none) is not http or https"),
    ("http:/127.0.0.1/", "blocked: URL has no host"),
    ("http://:80/", "blocked: URL has no host"),
    ("http://[::1/", "invalid URL: Invalid IPv6 URL"),
    ("http://127.0.0.1:99999/", "invalid URL: Port out of range 0-65535"),
    ("http://a.example/" + "a" * 100_000, "invalid URL: longer than 8192 characters"),
    ("http://" + "a" * 64 + ".example/", UNRESOLVED),  # a label over 63 characters
    ("http://xn--/", UNRESOLVED),
    ("http://m\u00fcnchen.example/", UNRESOLVED),
    ("http://127.0.0.1\n.example/", UNRESOLVED),
]


@pytest.mark.parametrize(("template", "error"), SSRF, ids=[f"ssrf{i}" for i in range(len(SSRF))])
def test_ssrf_vector_is_refused_before_connecting(
    template: str, error: str, sentinel: LocalServer
) -> None:
    url = template.replace("{p}", str(sentinel.port))
    policy = replace(POLICY, allow_private=False)
    [result], seconds = timed(lambda: fetch_many([url], policy))
    assert result.error is not None and result.error.startswith(error), result.error
    assert (result.status_code, result.body) == (None, None)
    assert sentinel.requests == []
    record(f"ssrf: {template[:60]}", seconds, refused=True)


# --- Redirects from a public site ------------------------------------------------------------

REDIRECTS = [
    ("http://127.0.0.1:{p}/", LOOPBACK),
    ("http://2130706433:{p}/", LOOPBACK),
    ("http://[::1]:{p}/", "blocked: loopback address ::1"),
    ("http://localhost:{p}/", LOOPBACK),
    ("http://[::ffff:127.0.0.1]:{p}/", LOOPBACK),
    ("http://[2002:7f00:1::]:{p}/", "blocked: 6to4 address 2002:7f00:1::"),
    ("//127.0.0.1:{p}/x", LOOPBACK),  # scheme-relative
    ("http://evil@127.0.0.1:{p}/", LOOPBACK),
    ("http://169.254.169.254/latest/meta-data/", "blocked: link-local address 169.254.169.254"),
    ("http://10.0.0.1/", "blocked: private address 10.0.0.1"),
    # public when checked, loopback when connected to: robots.txt is the first connection
    ("http://rebind.test:{p}/", "robots.txt unreachable: " + LOOPBACK),
    ("file:///etc/passwd", "blocked: scheme file is not http or https"),
    ("gopher://127.0.0.1:{p}/_x", "blocked: scheme gopher is not http or https"),
    # httpx refuses to build the next request: the error comes before the status is kept
    ("javascript:alert(1)", "invalid URL: For absolute URLs, path must be empty or begin"),
    ("http://127.0.0.1:99999/", "invalid URL: Port out of range 0-65535"),
    ("http://a.example/" + "a" * 10_000, "invalid URL: longer than 8192 characters"),
]


@pytest.mark.parametrize(
    ("target", "error"), REDIRECTS, ids=[f"redirect{i}" for i in range(len(REDIRECTS))]
)
def test_redirect_to_a_forbidden_place_is_refused(
    target: str,
    error: str,
    sentinel: LocalServer,
    public: LocalServer,
    resolver: dict[str, list[str]],
) -> None:
    resolver["public.test"] = ["127.0.0.3"]
    resolver["rebind.test"] = ["127.0.0.3", "127.0.0.1"]
    public.set("/go", redirect(target.replace("{p}", str(sentinel.port))))
    url = f"http://public.test:{public.port}/go"
    policy = replace(POLICY, allow_private=False)
    [result], seconds = timed(lambda: fetch_many([url], policy))
    assert result.error is not None and result.error.startswith(error), result.error
    assert result.status_code == (None if error.startswith("invalid URL: For") else 302)
    assert sentinel.requests == []
    record(f"redirect to {target[:60]}", seconds, refused=False)


@pytest.mark.parametrize("case", ["loop", "self", "chain"])
def test_redirect_loops_and_chains_end(case: str, public: LocalServer, resolver) -> None:
    resolver["public.test"] = ["127.0.0.3"]
    routes = {
        "loop": {"/go": redirect("/b"), "/b": redirect("/go")},
        "self": {"/go": redirect("/go?again")},
        "chain": {"/go": redirect("/c0"), **{f"/c{n}": redirect(f"/c{n + 1}") for n in range(40)}},
    }[case]
    public.update(routes | ({"/go?again": redirect("/go")} if case == "self" else {}))
    url = f"http://public.test:{public.port}/go"
    [result], seconds = timed(lambda: fetch_many([url], replace(POLICY, allow_private=False)))
    expected = "too many redirects: over 10" if case == "chain" else "redirect loop"
    assert (result.status_code, result.error) == (302, expected)
    assert len(public.requests) <= POLICY.max_redirects + 2  # robots.txt, the hops
    record(f"redirect {case}", seconds, refused=False)


# --- Hostile servers -------------------------------------------------------------------------


@dataclass(frozen=True)
class Hostile:
    """A route that misbehaves, and what its fetch must end as."""

    name: str
    route: Callable[[], Response]
    error: str | tuple[str, ...] | None  # how the error starts; None: succeeds (check)
    check: Callable[[FetchResult], bool] = lambda r: True
    robots: Callable[[], Response] | None = None


def _text(result: FetchResult) -> str:
    return decode_body(result.body or b"", result.content_type)


def limited(status: int, retry_after: str) -> Callable[[], Response]:
    return lambda: Response(status=status, headers={"Retry-After": retry_after})


TOO_LARGE = "too large: over 1000000 bytes"
BROKEN = ("protocol error", "connection error")
SILENT = ("read timeout", "deadline")
FRENCH = "Le café du port était fermé à midi, mais la boulangère a vendu trois pains."
HOSTILE = [
    Hostile("slow drip", lambda: drip(every=0.1), "deadline: over 2s for this URL"),
    Hostile("endless body", hostile.endless_body, TOO_LARGE),
    Hostile("huge Content-Length", hostile.huge_content_length, TOO_LARGE),
    Hostile("huge announced body", lambda: huge(50_000_000), TOO_LARGE),
    Hostile("Content-Length too long", hostile.short_body, "protocol error"),
    Hostile(
        "Content-Length too short", hostile.long_body, None, lambda r: r.bytes == 20
    ),  # the rest is not read: HTTP says the body is 20 bytes
    Hostile("negative Content-Length", hostile.negative_content_length, "protocol error"),
    Hostile("two Content-Lengths", hostile.two_content_lengths, "protocol error"),
    Hostile("gzip bomb", gzip_bomb, TOO_LARGE),
    Hostile("deflate bomb", hostile.deflate_bomb, TOO_LARGE),
    Hostile("gzip in gzip", hostile.double_gzip_bomb, "unsupported content encoding"),
    Hostile("gzip that is not", hostile.lying_gzip, "undecodable body"),
    Hostile(
        "wrong charset",
        lambda: Response(
            body=article("Marché", FRENCH, meta_charset="utf-8").encode("cp1252"),
            content_type="text/html; charset=utf-8",
        ),
        None,
        lambda r: FRENCH in _text(r),
    ),
    Hostile(
        "unknown charset",
        lambda: Response(body=PAGE, content_type="text/html; charset=x-klingon"),
        None,
        lambda r: "blue ferry" in _text(r),
    ),
    Hostile("429 Retry-After 100", limited(429, "100"), "HTTP 429 (Retry-After 100s is past"),
    Hostile("503 Retry-After 100", limited(503, "100"), "HTTP 503 (Retry-After 100s is past"),
    Hostile(
        "503 Retry-After a day",
        limited(503, formatdate(time.time() + 86_400, usegmt=True)),
        "HTTP 503 (Retry-After 8",  # a day from when the list was built: 8x,xxx s
    ),
    Hostile("503 Retry-After 1, forever", limited(503, "1"), "HTTP 503"),
    Hostile("503 Retry-After garbage", limited(503, "soon"), "HTTP 503"),
    Hostile("429 Retry-After negative", limited(429, "-5"), "HTTP 429"),
    Hostile("500 storm", lambda: Response(status=500), "HTTP 500"),
    Hostile("status 999", hostile.bad_status_code, "HTTP 999"),
    Hostile("reset at once", hostile.reset_at_once, BROKEN),
    Hostile("reset mid-body", hostile.reset_mid_body, BROKEN),
    Hostile("closed at once", hostile.close_at_once, "protocol error"),
    Hostile("hang before headers", hostile.hang_before_headers, "read timeout"),
    Hostile("hang after headers", hostile.hang_after_headers, "read timeout"),
    Hostile("invalid chunk size", hostile.bad_chunk_size, "protocol error"),
    Hostile("chunk of 2**64 bytes", hostile.endless_chunk_size, "protocol error"),
    Hostile("chunks cut short", hostile.truncated_chunks, "protocol error"),
    Hostile("not HTTP", hostile.garbage_status, "protocol error"),
    Hostile("endless headers", hostile.endless_headers, "protocol error"),
    Hostile("1 MB header", hostile.huge_header, "protocol error"),
    Hostile("100 Continue flood", hostile.continue_flood, SILENT),
    Hostile(
        "an image",
        lambda: Response(body=b"\x89PNG", content_type="image/png"),
        "content type image/png is not an article",
    ),
    Hostile(
        "brotli",
        lambda: Response(body=b"\x0b\x02", headers={"Content-Encoding": "br"}),
        "unsupported content encoding br",
    ),
    Hostile(
        "robots.txt of 5 MB",
        lambda: Response(body=PAGE),
        None,
        lambda r: r.status_code == 200,
        robots=lambda: robots("User-agent: *\nAllow: /\n" + "# filler\n" * 600_000),
    ),
    Hostile(
        "robots.txt dripping",
        lambda: Response(body=PAGE),
        "robots.txt unreachable: timeout: over 1s",
        robots=lambda: drip(every=0.1),
    ),
    Hostile(
        "robots.txt hangs",
        lambda: Response(body=PAGE),
        "robots.txt unreachable: read timeout",
        robots=hostile.hang_after_headers,
    ),
    Hostile(
        "robots.txt 500",
        lambda: Response(body=PAGE),
        "robots.txt unreachable: HTTP 500",
        robots=lambda: Response(status=500),
    ),
    Hostile(
        "robots.txt reset",
        lambda: Response(body=PAGE),
        "robots.txt unreachable: ",
        robots=hostile.reset_at_once,
    ),
    Hostile(
        "robots.txt redirect loop",
        lambda: Response(body=PAGE),
        None,  # RFC 9309: too many redirects means no robots.txt
        lambda r: r.status_code == 200,
        robots=lambda: redirect("/robots.txt?again"),
    ),
]


@pytest.mark.parametrize("case", HOSTILE, ids=[h.name for h in HOSTILE])
def test_hostile_server_fails_with_a_reason_in_bounded_time(
    case: Hostile, site: LocalServer
) -> None:
    path = f"/{uuid.uuid4().hex}"  # every case is its own page
    site.routes.clear()
    site.set(path, case.route())
    site.set("/robots.txt", case.robots() if case.robots else Response(status=404))
    site.set("/robots.txt?again", redirect("/robots.txt"))
    [result], seconds = timed(lambda: fetch_many([site.url(path)], POLICY))
    if case.error is None:
        assert result.error is None and case.check(result), result.as_dict()
    else:
        assert result.error is not None and result.error.startswith(case.error), result.error
        assert result.body is None
    assert seconds < BOUND, f"{case.name} took {seconds:.1f}s"
    for attempt in [*result.previous, result]:  # every attempt is a row with a reason
        assert set(attempt.row()) >= {"url", "error", "status_code", "elapsed_ms"}
    record(f"server: {case.name}", seconds, refused=False)


# --- Sources that try to make a run endless --------------------------------------------------


def fanout(width: int) -> Callable:
    def route(request):
        n = int(request.path.partition("n=")[2] or 0)
        base = "http://" + request.headers["host"]
        children = [f"{base}/idx?n={n * width + i + 1}" for i in range(width)]
        return Response(body=sitemap_index(children), content_type="application/xml")

    return route


SOURCES = {
    "sitemap index recursion": (
        lambda base: {"/idx": fanout(30)},
        "/idx?n=0",
        "over 20 per source (PRESSDIFF_MAX_SITEMAPS_PER_SOURCE)",
    ),
    "self-referencing sitemap": (
        lambda base: {
            "/self.xml": Response(
                body=sitemap_index([f"{base}/self.xml", f"{base}/self.xml?x"]),
                content_type="application/xml",
            ),
            "/self.xml?x": Response(
                body=sitemap_index([f"{base}/self.xml"]), content_type="application/xml"
            ),
        },
        "/self.xml",
        None,
    ),
    "sitemaps nested 10 deep": (
        lambda base: {
            f"/d{n}.xml": Response(
                body=sitemap_index([f"{base}/d{n + 1}.xml"]), content_type="application/xml"
            )
            for n in range(10)
        },
        "/d0.xml",
        "nested deeper than 3",
    ),
    "feed with 10k items": (
        lambda base: {
            "/feed.xml": Response(
                body=rss([(f"{base}/a/{i}", None, None) for i in range(10_000)]),
                content_type="application/rss+xml",
            )
        },
        "/feed.xml",
        "9900 article links not followed: over 100 per source",
    ),
    "sitemap with 10k URLs": (
        lambda base: {
            "/big.xml": Response(
                body=sitemap([f"{base}/a/{i}" for i in range(10_000)]),
                content_type="application/xml",
            )
        },
        "/big.xml",
        "9900 article links not followed: over 100 per source",
    ),
}


@pytest.mark.parametrize("name", list(SOURCES))
def test_sources_that_never_end_are_cut_with_a_reject(
    name: str, site: LocalServer, tmp_path: Path
) -> None:
    routes, start, detail = SOURCES[name]
    site.routes.clear()
    site.update(routes(site.base_url))
    settings = Settings(
        allow_private=True,
        host_delay=0,
        fetch_retries=1,
        fetch_timeout=0.5,
        fetch_deadline=2.0,
        workers=0,
        max_sitemaps_per_source=20,
        max_links_per_source=100,
    )
    db = str(tmp_path / "w.duckdb")
    before = len(site.requests)
    start_at = time.monotonic()
    try:
        out = expand(db, [site.url(start)], uuid.uuid4().hex, settings.fetch, settings.crawl)
    finally:
        close_warehouse(db)
    seconds = time.monotonic() - start_at
    fetched = [r.path for r in site.requests[before:] if not r.path.startswith("/robots")]
    assert len(fetched) <= settings.max_sitemaps_per_source
    assert len(fetched) == len(set(fetched))  # nothing fetched twice
    assert len(out.links) <= settings.max_links_per_source
    details = [r.detail for r in out.rejects]
    if detail is None:
        assert details == []
    else:
        assert [r.reason for r in out.rejects] == ["limit reached"] * len(out.rejects)
        assert any(detail in d for d in details), details
    record(f"source: {name}", seconds, refused=False, per_url=False)


# --- The figures -----------------------------------------------------------------------------


def test_catalogue_figures(capsys: pytest.CaptureFixture[str]) -> None:
    """Prints what the catalogue tried (run after the rest of this module)."""
    tried = len(FIGURES["tried"])
    if tried < 60:
        pytest.skip(f"only {tried} vectors ran: the figures need the whole module")
    longest, which = max(FIGURES["times"])
    slowest_source, source = max(FIGURES["sources"], default=(0.0, "none"))
    with capsys.disabled():
        print(
            f"\nhostile URLs and servers: {tried} vectors tried, "
            f"{len(FIGURES['refused'])} refused before connecting, 0 crashes, 0 hangs; "
            f"longest per URL {longest:.2f}s ({which}; bound {BOUND:g}s); "
            f"longest source expansion {slowest_source:.2f}s ({source})"
        )
    assert longest < BOUND

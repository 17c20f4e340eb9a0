"""The fetcher against a real HTTP server on 127.0.0.1: every outcome is the right row.

The pieces it puts together have their own tests: test_urls, test_addresses, test_retries,
test_snapshots, tests/tasks/inputs/test_decode."""

from __future__ import annotations

import gzip
import itertools
import socket
import zlib
from dataclasses import replace
from datetime import UTC
from pathlib import Path

import pytest

import tasks.web.addresses as addresses
from pressdiff import __version__
from tasks.inputs.decode import decode_body, detect_charset
from tasks.web.fetcher import fetch_all, fetch_many
from tasks.web.policy import DEFAULT_USER_AGENT, FetchPolicy
from tasks.web.result import FETCH_COLUMNS, FetchResult
from tasks.web.snapshots import SnapshotStore, content_hash
from tests.httpserver import (
    LocalServer,
    Response,
    Sequence,
    article,
    drip,
    fail_then,
    gzip_bomb,
    http_date,
    huge,
    make_server,
    redirect,
    robots,
)
from tests.httpserver import http_server as http_server  # the fixture

FAST = FetchPolicy(
    allow_private=True,
    host_delay=0.0,
    retries=2,
    backoff_base=0.01,
    backoff_max=0.05,
    connect_timeout=1.0,
    read_timeout=1.0,
    total_timeout=5.0,
)

PAGE = article(
    "Harbour ferry returns after winter repairs",
    "The blue ferry that links the two halves of Lindqvist Bay sailed again on Monday.",
    "Its captain said the new engine was quieter than the old one, and the gulls agreed.",
)
PAGE_BYTES = PAGE.encode("utf-8")
LAST_MODIFIED = http_date(1_700_000_000)
HTML = "text/html; charset=utf-8"


def one(url: str, policy: FetchPolicy = FAST, **kwargs: object) -> FetchResult:
    """The single result of fetching `url`."""
    [result] = fetch_many([url], policy, **kwargs)  # type: ignore[arg-type]
    return result


def row(result: FetchResult) -> dict[str, object]:
    """The fields a test compares: the row without times, and what came with it."""
    fields = result.as_dict()
    for name in ("fetched_at", "elapsed_ms"):
        fields.pop(name)
    return fields


def expected(url: str, **fields: object) -> dict[str, object]:
    """A successful 200 row for `url`, with `fields` changed."""
    base: dict[str, object] = {
        "url": url,
        "final_url": url,
        "status_code": 200,
        "error": None,
        "bytes": len(PAGE_BYTES),
        "etag": None,
        "last_modified": None,
        "content_type": HTML,
        "snapshot": None,
        "not_modified": False,
        "attempts": 1,
    }
    return base | fields


def failed(url: str, status: int | None, error: str, **fields: object) -> dict[str, object]:
    """A row that ended in `error` (with the page's content type when it answered)."""
    base = expected(url, status_code=status, error=error, bytes=None)
    return base | {"content_type": HTML if status else None} | fields


# --- Success and conditional requests --------------------------------------------------------


def test_200_is_a_row_with_the_body(http_server: LocalServer, tmp_path: Path) -> None:
    http_server.set("/news/ferry", Response(body=PAGE, etag='"v1"'))
    url = http_server.url("/news/ferry")
    store = SnapshotStore(tmp_path)
    result = one(url, store=store)
    assert row(result) == expected(url, etag='"v1"', snapshot=content_hash(PAGE_BYTES))
    assert result.body == PAGE_BYTES
    assert store.get(result.snapshot or "") == PAGE_BYTES
    assert result.fetched_at.tzinfo is UTC and result.elapsed_ms is not None
    assert result.row() == {name: getattr(result, name) for name in FETCH_COLUMNS}


def test_user_agent_names_pressdiff(http_server: LocalServer) -> None:
    http_server.set("/a", Response(body=PAGE))
    one(http_server.url("/a"))
    agent = http_server.hits("/a")[0].headers["user-agent"]
    assert (
        agent
        == DEFAULT_USER_AGENT
        == f"pressdiff/{__version__} (+https://example.invalid/pressdiff)"
    )


def test_304_after_etag(http_server: LocalServer) -> None:
    http_server.set("/a", Response(body=PAGE, etag='"abc"'))
    url = http_server.url("/a")
    first = one(url)
    second = one(url, validators={url: (first.etag, first.last_modified)})
    assert row(second) == expected(
        url, status_code=304, bytes=0, etag='"abc"', content_type=None, not_modified=True
    )
    assert second.body is None and second.ok
    assert http_server.hits("/a")[1].headers["if-none-match"] == '"abc"'
    assert "if-none-match" not in http_server.hits("/a")[0].headers


def test_304_after_last_modified(http_server: LocalServer) -> None:
    http_server.set("/a", Response(body=PAGE, last_modified=LAST_MODIFIED))
    url = http_server.url("/a")
    first = one(url)
    assert first.last_modified == LAST_MODIFIED
    second = one(url, validators={url: (None, LAST_MODIFIED)})
    assert row(second) == expected(
        url,
        status_code=304,
        bytes=0,
        last_modified=LAST_MODIFIED,
        content_type=None,
        not_modified=True,
    )
    assert http_server.hits("/a")[1].headers["if-modified-since"] == LAST_MODIFIED


def test_changed_page_after_etag_is_a_new_body(http_server: LocalServer) -> None:
    http_server.set("/a", Response(body=PAGE, etag='"v2"'))
    url = http_server.url("/a")
    result = one(url, validators={url + "#top": ('"v1"', None)})  # keys are normalised too
    assert row(result) == expected(url, etag='"v2"')
    assert http_server.hits("/a")[0].headers["if-none-match"] == '"v1"'


# --- HTTP errors and retries -----------------------------------------------------------------


@pytest.mark.parametrize("status", [404, 410, 403])
def test_client_errors_are_never_retried(http_server: LocalServer, status: int) -> None:
    http_server.set("/gone", Response(status=status, body="<p>Nothing here.</p>"))
    url = http_server.url("/gone")
    result = one(url)
    assert row(result) == failed(url, status, f"HTTP {status}")
    assert len(http_server.hits("/gone")) == 1


def test_unknown_path_is_404(http_server: LocalServer) -> None:
    url = http_server.url("/missing")
    assert row(one(url)) == failed(url, 404, "HTTP 404")


def test_429_waits_for_retry_after(http_server: LocalServer) -> None:
    limited = Response(status=429, headers={"Retry-After": "1"}, body="<p>Slow down.</p>")
    http_server.set("/a", fail_then(1, limited, Response(body=PAGE)))
    url = http_server.url("/a")
    result = one(url)
    assert row(result) == expected(url, attempts=2)
    [earlier] = result.previous
    assert row(earlier) == failed(url, 429, "HTTP 429")
    assert [r["status_code"] for r in result.rows()] == [429, 200]
    first, second = http_server.hits("/a")
    assert second.at - first.at >= 0.9


def test_retry_after_beyond_the_limit_ends_the_retries(http_server: LocalServer) -> None:
    limited = Response(status=429, headers={"Retry-After": "3600"})
    http_server.set("/a", fail_then(1, limited, Response(body=PAGE)))
    url = http_server.url("/a")
    result = one(url, replace(FAST, retry_after_max=60))
    assert row(result) == failed(url, 429, "HTTP 429 (Retry-After 3600s is over the 60s limit)")
    assert len(http_server.hits("/a")) == 1


def test_500_then_success(http_server: LocalServer) -> None:
    broken = Response(status=500, body="<p>Oops.</p>")
    http_server.set("/a", fail_then(2, broken, Response(body=PAGE)))
    url = http_server.url("/a")
    result = one(url)
    assert row(result) == expected(url, attempts=3)
    assert [(r.status_code, r.error, r.attempts) for r in result.previous] == [
        (500, "HTTP 500", 1),
        (500, "HTTP 500", 2),
    ]


def test_503_until_the_retries_run_out(http_server: LocalServer) -> None:
    http_server.set("/a", Response(status=503))
    url = http_server.url("/a")
    result = one(url, replace(FAST, retries=1))
    assert row(result) == failed(url, 503, "HTTP 503", attempts=2)
    assert len(http_server.hits("/a")) == 2


def test_connection_refused_is_retried_then_recorded() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/a"
    result = one(url, replace(FAST, retries=1, respect_robots=False))
    assert result.error is not None and result.error.startswith("connection failed: ")
    assert (result.status_code, result.attempts, len(result.previous)) == (None, 2, 1)


# --- Redirects -------------------------------------------------------------------------------


def test_redirect_chain_records_the_final_url(http_server: LocalServer) -> None:
    http_server.update(
        {
            "/old": redirect("/older", 301),
            "/older": redirect(http_server.url("/moved"), 307),
            "/moved": redirect("/news/ferry#top", 308),
            "/news/ferry": Response(body=PAGE),
        }
    )
    url = http_server.url("/old")
    assert row(one(url)) == expected(url, final_url=http_server.url("/news/ferry"))


def test_redirect_loop(http_server: LocalServer) -> None:
    http_server.update({"/a": redirect("/b"), "/b": redirect("/c"), "/c": redirect("/a")})
    url = http_server.url("/a")
    result = one(url)
    assert row(result) == failed(
        url, 302, "redirect loop", final_url=http_server.url("/c"), content_type=None
    )
    assert len(http_server.requests) == 4  # robots.txt, /a, /b, /c


def test_too_many_redirects(http_server: LocalServer) -> None:
    for n in range(6):
        http_server.set(f"/r{n}", redirect(f"/r{n + 1}"))
    url = http_server.url("/r0")
    result = one(url, replace(FAST, max_redirects=3))
    assert row(result) == failed(
        url,
        302,
        "too many redirects: over 3",
        final_url=http_server.url("/r3"),
        content_type=None,
    )


def test_redirect_to_another_scheme_is_refused(http_server: LocalServer) -> None:
    http_server.set("/a", redirect("ftp://files.example.invalid/a"))
    url = http_server.url("/a")
    result = one(url)
    assert row(result) == failed(
        url,
        302,
        "blocked: scheme ftp is not http or https",
        final_url="ftp://files.example.invalid/a",
        content_type=None,
    )


# --- Slow, large and hostile bodies ----------------------------------------------------------


def test_read_timeout(http_server: LocalServer) -> None:
    http_server.set("/slow", Response(body=PAGE, delay=1.0))
    url = http_server.url("/slow")
    result = one(url, replace(FAST, read_timeout=0.2, retries=1))
    assert row(result) == failed(url, None, "read timeout", attempts=2)
    assert result.previous[0].error == "read timeout"


def test_total_timeout(http_server: LocalServer) -> None:
    http_server.set("/slow", Response(body=PAGE, delay=0.6))
    url = http_server.url("/slow")
    result = one(url, replace(FAST, total_timeout=0.2, retries=0))
    assert row(result) == failed(url, None, "total timeout: over 0.2s")


def test_oversize_body_refused_from_content_length(http_server: LocalServer) -> None:
    http_server.set("/big", huge(2_000_000))
    url = http_server.url("/big")
    result = one(url, replace(FAST, max_bytes=1_000_000))
    assert row(result) == failed(url, 200, "too large: over 1000000 bytes")
    assert len(http_server.hits("/big")) == 1


def test_oversize_body_aborted_while_streaming(http_server: LocalServer) -> None:
    http_server.set("/big", huge(5_000_000, announce=False))
    url = http_server.url("/big")
    result = one(url, replace(FAST, max_bytes=1_000_000))
    assert row(result) == failed(url, 200, "too large: over 1000000 bytes")


def test_gzip_bomb_is_stopped(http_server: LocalServer) -> None:
    bomb = gzip_bomb(50_000_000)
    assert len(bomb.payload()) < 100_000
    http_server.set("/bomb", bomb)
    url = http_server.url("/bomb")
    assert row(one(url, FetchPolicy(allow_private=True, host_delay=0.0))) == failed(
        url, 200, "too large: over 10000000 bytes"
    )


def test_gzip_page_is_decoded(http_server: LocalServer) -> None:
    http_server.set(
        "/a", Response(body=gzip.compress(PAGE_BYTES), headers={"Content-Encoding": "gzip"})
    )
    result = one(http_server.url("/a"))
    assert (result.error, result.body) == (None, PAGE_BYTES)


@pytest.mark.parametrize("wbits", [zlib.MAX_WBITS, -zlib.MAX_WBITS], ids=["zlib", "raw"])
def test_deflate_page_is_decoded(http_server: LocalServer, wbits: int) -> None:
    packer = zlib.compressobj(wbits=wbits)
    body = packer.compress(PAGE_BYTES) + packer.flush()
    http_server.set("/a", Response(body=body, headers={"Content-Encoding": "deflate"}))
    result = one(http_server.url("/a"))
    assert (result.error, result.body) == (None, PAGE_BYTES)


def test_unsupported_content_encoding(http_server: LocalServer) -> None:
    http_server.set("/a", Response(body=b"\x00\x01", headers={"Content-Encoding": "br"}))
    url = http_server.url("/a")
    assert row(one(url)) == failed(url, 200, "unsupported content encoding br")


@pytest.mark.parametrize("content_type", ["image/png", "application/pdf", "video/mp4"])
def test_non_article_content_type_refused(http_server: LocalServer, content_type: str) -> None:
    http_server.set("/photo", Response(body=b"\x89PNG....", content_type=content_type))
    url = http_server.url("/photo")
    assert row(one(url)) == failed(
        url, 200, f"content type {content_type} is not an article", content_type=content_type
    )


def test_missing_content_type_is_allowed(http_server: LocalServer) -> None:
    http_server.set("/a", Response(body=PAGE, content_type=None))
    url = http_server.url("/a")
    assert row(one(url)) == expected(url, content_type=None)


# --- Charsets --------------------------------------------------------------------------------

FRENCH = (
    "Le café du port était fermé à midi, mais la boulangère a vendu trois pains "
    "au marchand du quartier, qui préférait les croûtes dorées."
)


def test_wrong_charset_header_is_overruled(http_server: LocalServer) -> None:
    body = article("Marché", FRENCH, meta_charset="windows-1252").encode("cp1252")
    http_server.set("/a", Response(body=body, content_type="text/html; charset=utf-8"))
    result = one(http_server.url("/a"))
    assert result.error is None
    assert detect_charset(result.body or b"", result.content_type) == "cp1252"
    assert FRENCH in decode_body(result.body or b"", result.content_type)


def test_latin1_label_on_a_utf8_page(http_server: LocalServer) -> None:
    body = article("Marché", FRENCH, meta_charset=None).encode("utf-8")
    http_server.set("/a", Response(body=body, content_type="text/html; charset=iso-8859-1"))
    result = one(http_server.url("/a"))
    assert FRENCH in decode_body(result.body or b"", result.content_type)


def test_missing_charset(http_server: LocalServer) -> None:
    http_server.update(
        {
            "/utf8": Response(body=FRENCH.encode("utf-8"), content_type="text/plain"),
            "/legacy": Response(body=FRENCH.encode("cp1252"), content_type="text/html"),
        }
    )
    results = fetch_many([http_server.url("/utf8"), http_server.url("/legacy")], FAST)
    assert [decode_body(r.body or b"", r.content_type) for r in results] == [FRENCH, FRENCH]


# --- Robots ----------------------------------------------------------------------------------


def test_robots_disallow(http_server: LocalServer) -> None:
    http_server.update(
        {
            "/robots.txt": robots("User-agent: *\nDisallow: /drafts/\n"),
            "/drafts/budget": Response(body=PAGE),
            "/news/ferry": Response(body=PAGE),
        }
    )
    blocked, allowed = http_server.url("/drafts/budget"), http_server.url("/news/ferry")
    results = fetch_many([blocked, allowed, blocked + "?page=2"], FAST)
    assert row(results[0]) == failed(blocked, None, "robots.txt disallows")
    assert row(results[1]) == expected(allowed)
    assert results[2].error == "robots.txt disallows"
    assert http_server.hits("/drafts/budget") == []
    assert len(http_server.hits("/robots.txt")) == 1  # cached for the run


def test_robots_group_for_pressdiff(http_server: LocalServer) -> None:
    text = "User-agent: pressdiff\nDisallow: /\n\nUser-agent: *\nAllow: /\n"
    http_server.update({"/robots.txt": robots(text), "/a": Response(body=PAGE)})
    url = http_server.url("/a")
    assert one(url).error == "robots.txt disallows"
    assert one(url, replace(FAST, respect_robots=False)).error is None


def test_robots_server_error_disallows_everything(http_server: LocalServer) -> None:
    http_server.update({"/robots.txt": Response(status=503), "/a": Response(body=PAGE)})
    url = http_server.url("/a")
    assert row(one(url)) == failed(url, None, "robots.txt unreachable: HTTP 503")
    assert http_server.hits("/a") == []


def test_robots_crawl_delay_is_honoured(http_server: LocalServer) -> None:
    text = "User-agent: *\nCrawl-delay: 0.3\n"
    http_server.update({"/robots.txt": robots(text), "/p": Response(body=PAGE)})
    fetch_many([http_server.url(f"/p?n={n}") for n in range(3)], FAST)
    times = sorted(r.at for r in http_server.requests if r.path.startswith("/p"))
    assert len(times) == 3
    assert min(b - a for a, b in itertools.pairwise(times)) >= 0.25


# --- Safety and URLs -------------------------------------------------------------------------


def test_private_addresses_refused_by_default(http_server: LocalServer) -> None:
    http_server.set("/a", Response(body=PAGE))
    url = http_server.url("/a")
    by_name = f"http://localhost:{http_server.port}/a"
    results = fetch_many([url, by_name], replace(FAST, allow_private=False))
    assert row(results[0]) == failed(url, None, "blocked: loopback address 127.0.0.1")
    assert results[1].error is not None
    assert results[1].error.startswith("blocked: loopback address")
    assert http_server.requests == []
    assert row(one(url, replace(FAST, allow_private=True))) == expected(url)


def test_redirect_to_a_private_address_is_refused(
    http_server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No public address exists here: pretend 127.0.0.1 is one, so only the hop is refused.
    real = addresses.address_refusal
    monkeypatch.setattr(
        addresses, "address_refusal", lambda a: None if a == "127.0.0.1" else real(a)
    )
    http_server.set("/a", redirect(f"http://127.0.0.2:{http_server.port}/internal"))
    url = http_server.url("/a")
    result = one(url, replace(FAST, allow_private=False))
    assert row(result) == failed(
        url,
        302,
        "blocked: loopback address 127.0.0.2",
        final_url=f"http://127.0.0.2:{http_server.port}/internal",
        content_type=None,
    )
    assert [r.path for r in http_server.requests] == ["/robots.txt", "/a"]


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("ftp://files.example.invalid/a.html", "blocked: scheme ftp is not http or https"),
        ("file:///etc/passwd", "blocked: scheme file is not http or https"),
        ("javascript:alert(1)", "blocked: scheme javascript is not http or https"),
        ("example.invalid/a", "blocked: scheme (none) is not http or https"),
        ("http:///a", "blocked: URL has no host"),
    ],
)
def test_non_http_urls_refused(url: str, error: str) -> None:
    [result] = fetch_many([url], FAST)
    assert (result.url, result.status_code, result.error) == (url, None, error)


def test_urls_normalised_and_deduplicated(http_server: LocalServer) -> None:
    http_server.set("/news/ferry", Response(body=PAGE))
    url = http_server.url("/news/ferry")
    variants = [
        url,
        url + "?utm_source=feed&utm_medium=rss",
        url + "#comments",
        f"  HTTP://127.0.0.1:{http_server.port}/news/ferry  ",
        url + "?fbclid=abc",
    ]
    results = fetch_many(variants, FAST)
    assert [r.url for r in results] == [url]
    assert len(http_server.hits("/news/ferry")) == 1


# --- Politeness ------------------------------------------------------------------------------


def test_per_host_delay_spaces_requests(http_server: LocalServer) -> None:
    http_server.set("/p", Response(body=PAGE))
    policy = replace(FAST, host_delay=0.2, per_host=2, respect_robots=False)
    fetch_many([http_server.url(f"/p?n={n}") for n in range(5)], policy)
    times = sorted(r.at for r in http_server.requests)
    assert len(times) == 5
    assert min(b - a for a, b in itertools.pairwise(times)) >= 0.15


def test_per_host_limit_caps_parallel_requests(http_server: LocalServer) -> None:
    http_server.set("/p", Response(body=PAGE, delay=0.2))
    policy = replace(FAST, per_host=1, respect_robots=False)
    results = fetch_many([http_server.url(f"/p?n={n}") for n in range(3)], policy)
    assert all(r.error is None for r in results)
    times = sorted(r.at for r in http_server.requests)
    assert min(b - a for a, b in itertools.pairwise(times)) >= 0.15


# --- One run with everything -----------------------------------------------------------------


def test_one_run_with_every_outcome(http_server: LocalServer, tmp_path: Path) -> None:
    http_server.update(
        {
            "/robots.txt": robots("User-agent: *\nDisallow: /private/\n"),
            "/ok": Response(body=PAGE),
            "/copy": Response(body=PAGE),
            "/gone": Response(status=410),
            "/flaky": fail_then(1, Response(status=500), Response(body=PAGE)),
            "/loop": redirect("/loop"),
            "/slow": Response(body=PAGE, delay=1.0),
            "/bomb": gzip_bomb(20_000_000),
            "/photo": Response(body=b"\x89PNG", content_type="image/png"),
            "/private/x": Response(body=PAGE),
        }
    )
    paths = ["/ok", "/copy", "/gone", "/flaky", "/loop", "/slow", "/bomb", "/photo", "/private/x"]
    seen: list[str] = []
    store = SnapshotStore(tmp_path / "snapshots")
    policy = replace(FAST, read_timeout=0.3, retries=1, max_bytes=1_000_000)
    results = fetch_many(
        [http_server.url(p) for p in paths] + ["mailto:desk@example.invalid"],
        policy,
        on_result=lambda r: seen.append(r.url),
        store=store,
    )
    outcome = {r.url.removeprefix(http_server.base_url): (r.status_code, r.error) for r in results}
    assert outcome == {
        "/ok": (200, None),
        "/copy": (200, None),
        "/gone": (410, "HTTP 410"),
        "/flaky": (200, None),
        "/loop": (302, "redirect loop"),
        "/slow": (None, "read timeout"),
        "/bomb": (200, "too large: over 1000000 bytes"),
        "/photo": (200, "content type image/png is not an article"),
        "/private/x": (None, "robots.txt disallows"),
        "mailto:desk@example.invalid": (None, "blocked: scheme mailto is not http or https"),
    }
    assert sorted(seen) == sorted(r.url for r in results)
    assert results[0].snapshot == results[1].snapshot == content_hash(PAGE_BYTES)
    assert len(list(store.root.rglob("*.gz"))) == 1


def test_async_api_with_async_callback(http_server: LocalServer) -> None:
    import asyncio

    http_server.set("/a", Response(body=PAGE))
    seen: list[int | None] = []

    async def record(result: FetchResult) -> None:
        seen.append(result.status_code)

    results = asyncio.run(fetch_all([http_server.url("/a")], FAST, on_result=record))
    assert seen == [200] and results[0].ok


# --- Small pieces ----------------------------------------------------------------------------


def test_sequence_route_repeats_its_last_response() -> None:
    route = Sequence(Response(status=500), Response(status=200))
    with make_server({"/a": route}) as server:
        results = fetch_many([server.url("/a")], replace(FAST, respect_robots=False))
    assert (results[0].status_code, route.calls) == (200, 2)


# --- Time limits: one URL's deadline across its attempts --------------------------------------


def test_slow_drip_is_cut_at_the_deadline(http_server: LocalServer) -> None:
    # a byte every 0.1 s: the read timeout never fires; each attempt would run to the total
    # timeout and be retried (4 x 3 s); the deadline ends the URL once, not retried
    http_server.set("/drip", drip(every=0.1))
    url = http_server.url("/drip")
    policy = replace(FAST, total_timeout=3.0, retries=3, deadline=1.0)
    result = one(url, policy)
    assert row(result) == failed(url, 200, "deadline: over 1s for this URL")
    assert len(http_server.hits("/drip")) == 1
    assert result.elapsed_ms is not None and result.elapsed_ms < 3_000  # slack: 3 x deadline


def test_retries_stop_when_the_deadline_leaves_no_time(http_server: LocalServer) -> None:
    http_server.set("/a", Response(status=500))
    url = http_server.url("/a")
    result = one(url, replace(FAST, retries=5, backoff_base=2.0, backoff_max=2.0, deadline=0.5))
    assert row(result) == failed(
        url, 500, "HTTP 500 (no time left for a retry within the 0.5s deadline)"
    )
    assert len(http_server.hits("/a")) == 1


def test_retry_after_past_the_deadline_gives_up_and_spares_the_origin(
    http_server: LocalServer,
) -> None:
    limited = Response(status=429, headers={"Retry-After": "100"})
    http_server.update(
        {"/a": fail_then(1, limited, Response(body=PAGE)), "/b": Response(body=PAGE)}
    )
    first, second = http_server.url("/a"), http_server.url("/b")
    policy = replace(FAST, per_host=1, deadline=5.0)
    results = fetch_many([first, second], policy)
    assert row(results[0]) == failed(
        first, 429, "HTTP 429 (Retry-After 100s is past the 5s deadline)"
    )
    assert row(results[1]) == failed(
        second, None, "not asked this run: origin answered HTTP 429 with Retry-After 100s"
    )
    assert [r.path for r in http_server.requests] == ["/robots.txt", "/a"]


def test_retry_after_within_the_deadline_is_waited_for(http_server: LocalServer) -> None:
    limited = Response(status=503, headers={"Retry-After": "1"})
    http_server.set("/a", fail_then(1, limited, Response(body=PAGE)))
    url = http_server.url("/a")
    assert row(one(url, replace(FAST, deadline=5.0))) == expected(url, attempts=2)


def test_slow_robots_txt_is_cut_at_its_timeout(http_server: LocalServer) -> None:
    http_server.update({"/robots.txt": drip(every=0.1), "/a": Response(body=PAGE)})
    url = http_server.url("/a")
    result = one(url, replace(FAST, robots_timeout=0.5))
    assert row(result) == failed(url, None, "robots.txt unreachable: timeout: over 0.5s")
    assert http_server.hits("/a") == []


# --- DNS rebinding: the connection goes to the address that was checked ----------------------


@pytest.fixture
def resolver(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Names ending in .test resolve to the addresses queued for them, one per lookup (the
    last one repeats); every lookup is recorded in `resolver['lookups']`."""
    answers: dict[str, list[str]] = {"lookups": []}
    real = socket.getaddrinfo

    def getaddrinfo(host: object, port: object, *args: object, **kwargs: object) -> list:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if not name.endswith(".test"):
            return real(host, port, *args, **kwargs)  # type: ignore[arg-type]
        queue = answers.get(name)
        if not queue:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        address = queue.pop(0) if len(queue) > 1 else queue[0]
        answers["lookups"].append(f"{name}={address}")
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, int(port or 0)))]  # type: ignore[call-overload]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


def test_dns_rebinding_to_loopback_is_refused(
    http_server: LocalServer, resolver: dict[str, list[str]]
) -> None:
    http_server.set("/a", Response(body=PAGE))
    resolver["rebind.test"] = ["93.184.215.14", "127.0.0.1"]  # public when checked, then not
    url = f"http://rebind.test:{http_server.port}/a"
    result = one(url, replace(FAST, allow_private=False, respect_robots=False))
    assert row(result) == failed(url, None, "blocked: loopback address 127.0.0.1")
    assert resolver["lookups"] == ["rebind.test=93.184.215.14", "rebind.test=127.0.0.1"]
    assert http_server.requests == []


def test_connection_goes_to_the_checked_address_with_the_name_as_host(
    http_server: LocalServer, resolver: dict[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # no public address exists here: 127.0.0.1 plays one; a redirect to a name that
    # rebinds to 127.0.0.2 (loopback, still refused) is checked again at its connection
    real = addresses.address_refusal
    monkeypatch.setattr(
        addresses, "address_refusal", lambda a: None if a == "127.0.0.1" else real(a)
    )
    resolver["news.test"] = ["127.0.0.1"]
    resolver["inner.test"] = ["127.0.0.1", "127.0.0.2"]
    port = http_server.port
    http_server.update(
        {"/a": Response(body=PAGE), "/moved": redirect(f"http://inner.test:{port}/secret")}
    )
    policy = replace(FAST, allow_private=False, respect_robots=False)
    page, moved = f"http://news.test:{port}/a", f"http://news.test:{port}/moved"
    ok, refused = fetch_many([page, moved], replace(policy, concurrency=1))
    assert row(ok) == expected(page)
    assert http_server.hits("/a")[0].headers["host"] == f"news.test:{port}"
    assert row(refused) == failed(
        moved,
        302,
        "blocked: loopback address 127.0.0.2",
        final_url=f"http://inner.test:{port}/secret",
        content_type=None,
    )
    assert http_server.hits("/secret") == []
    assert "inner.test=127.0.0.2" in resolver["lookups"]


def test_loopback_is_fetched_with_allow_private(
    http_server: LocalServer, resolver: dict[str, list[str]]
) -> None:
    http_server.set("/a", Response(body=PAGE))
    resolver["local.test"] = ["127.0.0.1"]
    url = f"http://local.test:{http_server.port}/a"
    assert row(one(url, replace(FAST, allow_private=True))) == expected(url)
    assert row(one(url, replace(FAST, allow_private=False))) == failed(
        url, None, "blocked: loopback address 127.0.0.1"
    )

"""A real HTTP/1.1 server on 127.0.0.1 for tests, with a route table tests can change.

    with make_server({"/a": Response(body=article("Title", "Text."))}) as server:
        fetch(server.url("/a"))
        server.set("/a", Response(status=410))   # the next request sees the change
        server.hits("/a")                        # what arrived: headers, arrival time

A route is a `Response` or a callable `(Request) -> Response`. Unknown paths answer 404.
The server records every request. Tests get a fresh one from the `http_server` fixture
(`from tests.httpserver import http_server`) or from `make_server(routes)`.
"""

from __future__ import annotations

import contextlib
import email.utils
import functools
import gzip
import html
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass(frozen=True, slots=True)
class Request:
    """One request as the server saw it."""

    method: str
    path: str
    headers: dict[str, str]  # names in lower case
    at: float  # time.monotonic() on arrival
    body: bytes = b""  # what a POST sent


@dataclass(slots=True)
class Response:
    """What a route answers. `etag`/`last_modified` make it answer 304 to a matching
    conditional request; `chunks` streams a body of `length` bytes without building it."""

    status: int = 200
    body: bytes | str = b""
    content_type: str | None = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering
    etag: str | None = None
    last_modified: str | None = None
    chunks: Callable[[], Iterable[bytes]] | None = None
    length: int | None = None
    # writes the whole answer itself, bytes on the socket (hostile servers); the event is
    # set when the server stops, so a script that hangs can end with it
    raw: Callable[[socket.socket, threading.Event], None] | None = None

    def payload(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


Route = Response | Callable[[Request], Response]


# --- Building responses ---------------------------------------------------------------------


def article(title: str, *paragraphs: str, meta_charset: str | None = "utf-8") -> str:
    """A small HTML article page."""
    meta = f'<meta charset="{meta_charset}">' if meta_charset else ""
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html><head>{meta}<title>{html.escape(title)}</title></head>"
        f"<body><article><h1>{html.escape(title)}</h1>\n{body}\n</article></body></html>"
    )


def rss(items: list[tuple[str, str | None, str | None]]) -> str:
    """An RSS 2.0 feed of (link, title, pubDate) items."""
    parts = []
    for link, title, date in items:
        parts.append(
            "<item>"
            + (f"<title>{html.escape(title)}</title>" if title else "")
            + f"<link>{html.escape(link)}</link>"
            + (f"<pubDate>{date}</pubDate>" if date else "")
            + "</item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        "<title>Wexmoor Gazette</title><link>http://gazette.invalid/</link>"
        "<description>Local news</description>" + "".join(parts) + "</channel></rss>"
    )


def sitemap(urls: list[str]) -> str:
    """A sitemap of `urls`."""
    locs = "".join(f"<url><loc>{html.escape(u)}</loc></url>" for u in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'
    )


def sitemap_index(urls: list[str]) -> str:
    """A sitemap index pointing at the sitemaps `urls`."""
    locs = "".join(f"<sitemap><loc>{html.escape(u)}</loc></sitemap>" for u in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</sitemapindex>'
    )


def redirect(location: str, status: int = 302) -> Response:
    """A redirect to `location`."""
    return Response(status=status, headers={"Location": location}, content_type=None)


def robots(text: str) -> Response:
    """A robots.txt."""
    return Response(body=text, content_type="text/plain")


def huge(size: int, chunk: int = 65_536, announce: bool = True) -> Response:
    """A page of `size` bytes, streamed; with its Content-Length when `announce`."""

    def chunks() -> Iterator[bytes]:
        block = b"<p>" + b"x" * (chunk - 7) + b"</p>\n"
        for start in range(0, size, chunk):
            yield block[: min(chunk, size - start)]

    return Response(chunks=chunks, length=size if announce else None)


def drip(byte: bytes = b"x", every: float = 0.1, limit: int = 10_000) -> Response:
    """A body sent one `byte` every `every` seconds (at most `limit`), no Content-Length:
    never idle long enough for a read timeout, never done."""

    def chunks() -> Iterator[bytes]:
        for _ in range(limit):
            yield byte
            time.sleep(every)

    return Response(chunks=chunks)


@functools.cache
def _bomb(size: int) -> bytes:
    return gzip.compress(b"<p>" + b" " * (size - 3), compresslevel=9)


def gzip_bomb(size: int = 50_000_000) -> Response:
    """A small gzip payload (~50 KB) that inflates to `size` bytes, sent Content-Encoding gzip."""
    return Response(body=_bomb(size), headers={"Content-Encoding": "gzip"})


class Sequence:
    """A route answering with each response in turn, then repeating the last."""

    def __init__(self, *responses: Response) -> None:
        self.responses = list(responses)
        self.calls = 0
        self._lock = threading.Lock()

    def __call__(self, request: Request) -> Response:
        with self._lock:
            self.calls += 1
            return self.responses[min(self.calls, len(self.responses)) - 1]


def fail_then(failures: int, failure: Response, success: Response) -> Sequence:
    """`failure` for the first `failures` requests, `success` after."""
    return Sequence(*([failure] * failures), success)


def http_date(epoch: float) -> str:
    """An HTTP date for `epoch`."""
    return email.utils.formatdate(epoch, usegmt=True)


# --- The server -----------------------------------------------------------------------------


def _not_modified(response: Response, request: Request) -> bool:
    """Whether a conditional request is answered 304 (If-None-Match first, RFC 9110)."""
    tags = request.headers.get("if-none-match")
    if response.etag and tags is not None:
        return response.etag in [t.strip() for t in tags.split(",")] or tags.strip() == "*"
    since = request.headers.get("if-modified-since")
    if response.last_modified and since:
        try:
            ours = email.utils.parsedate_to_datetime(response.last_modified)
            theirs = email.utils.parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        return ours <= theirs
    return False


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes; don't stall the second
    server: _Server

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def do_POST(self) -> None:
        self._answer(send_body=True)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _answer(self, send_body: bool) -> None:
        headers = {k.lower(): v for k, v in self.headers.items()}
        body = self.rfile.read(int(headers.get("content-length", 0) or 0))
        request = Request(self.command, self.path, headers, time.monotonic(), body)
        app = self.server.app
        app.requests.append(request)
        response = app.respond(request)
        if response.delay:
            time.sleep(response.delay)
        if response.raw is not None:
            self.close_connection = True
            with contextlib.suppress(OSError):  # the client went away: hostile scripts expect it
                response.raw(self.connection, app.stopping)
            return
        try:
            if _not_modified(response, request):
                self._head(304, response, length=None)
            else:
                self._send(response, send_body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _head(self, status: int, response: Response, length: int | None) -> None:
        self.send_response(status)
        if response.content_type and status != 304:
            self.send_header("Content-Type", response.content_type)
        for name, value in [("ETag", response.etag), ("Last-Modified", response.last_modified)]:
            if value:
                self.send_header(name, value)
        for name, value in response.headers.items():
            self.send_header(name, value)
        if length is not None:
            self.send_header("Content-Length", str(length))
        elif status != 304:  # no Content-Length: the body ends when the connection does
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()

    def _send(self, response: Response, send_body: bool) -> None:
        if response.chunks is not None:
            self._head(response.status, response, response.length)
            for chunk in response.chunks() if send_body else ():
                self.wfile.write(chunk)
            return
        payload = response.payload()
        self._head(response.status, response, len(payload))
        if send_body:
            self.wfile.write(payload)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    app: LocalServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class LocalServer:
    """A threaded HTTP server on 127.0.0.1 at a free port, serving `routes`."""

    def __init__(self, routes: Mapping[str, Route] | None = None, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Route] = dict(routes or {})
        self.requests: list[Request] = []
        self.stopping = threading.Event()
        self._httpd = _Server((host, 0), _Handler)
        self._httpd.app = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def host(self) -> str:
        return self._httpd.server_address[0]

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        """The absolute URL of `path` on this server."""
        return self.base_url + path

    def set(self, path: str, route: Route) -> None:
        """Serve `route` at `path` from the next request on."""
        self.routes[path] = route

    def update(self, routes: Mapping[str, Route]) -> None:
        """Serve several routes from the next request on."""
        self.routes.update(routes)

    def hits(self, path: str) -> list[Request]:
        """The requests that asked for `path` (with its query), oldest first."""
        return [r for r in self.requests if r.path == path]

    def respond(self, request: Request) -> Response:
        """The route's response to `request`: exact path, then path without the query."""
        route = self.routes.get(request.path) or self.routes.get(request.path.split("?")[0])
        if route is None:
            return Response(status=404, body="<p>No such page.</p>")
        return route(request) if callable(route) else route

    def start(self) -> LocalServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextmanager
def make_server(
    routes: Mapping[str, Route] | None = None, host: str = "127.0.0.1"
) -> Iterator[LocalServer]:
    """A started LocalServer serving `routes` on `host` (any 127.x.y.z), stopped on exit."""
    with LocalServer(routes, host) as server:
        yield server


@pytest.fixture
def http_server() -> Iterator[LocalServer]:
    """A fresh local server with no routes; add them with `http_server.set(...)`."""
    with make_server() as server:
        yield server

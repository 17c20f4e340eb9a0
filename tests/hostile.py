"""Hostile answers for the test server in tests/httpserver.py: what a broken or malicious
web server does to a crawler, as `Response`s a route can serve.

Each one is real bytes on a real socket: lying lengths, broken chunking, resets, hangs.
A script that hangs waits on the server's `stopping` event (at most `HANG_MAX` seconds),
so stopping the server ends it.
"""

from __future__ import annotations

import gzip
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterator

from tests.httpserver import Response

HANG_MAX = 30.0


def _raw(script: Callable[[socket.socket, threading.Event], None]) -> Response:
    return Response(raw=script, content_type=None)


def raw(data: bytes, then: str = "close") -> Response:
    """Send `data` as is, then close, `hang` until the server stops, or `reset` (RST)."""

    def script(sock: socket.socket, stopping: threading.Event) -> None:
        if data:
            sock.sendall(data)
        if then == "hang":
            stopping.wait(HANG_MAX)
        elif then == "reset":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()

    return _raw(script)


def head(*lines: str, status: str = "200 OK") -> bytes:
    """A status line and header lines, ended by the blank line."""
    return (f"HTTP/1.1 {status}\r\n" + "".join(f"{h}\r\n" for h in lines) + "\r\n").encode()


HTML_HEAD = "Content-Type: text/html; charset=utf-8"


def hang_before_headers() -> Response:
    """Accepts the request and never answers."""
    return raw(b"", then="hang")


def hang_after_headers() -> Response:
    """Headers promising a body, then silence."""
    return raw(head(HTML_HEAD, "Content-Length: 5000"), then="hang")


def reset_at_once() -> Response:
    """The connection reset before a byte."""
    return raw(b"", then="reset")


def reset_mid_body() -> Response:
    """Headers and half the body, then a reset."""
    return raw(head(HTML_HEAD, "Content-Length: 5000") + b"<p>" + b"x" * 2000, then="reset")


def close_at_once() -> Response:
    """The connection closed without a byte."""
    return raw(b"")


def short_body() -> Response:
    """Content-Length says 100,000; 100 bytes come, then the connection closes."""
    return raw(head(HTML_HEAD, "Content-Length: 100000") + b"<p>" + b"x" * 97)


def long_body() -> Response:
    """Content-Length says 20; 5,000 bytes come (the rest must be ignored)."""
    return raw(head(HTML_HEAD, "Content-Length: 20") + b"<p>" + b"x" * 4997)


def huge_content_length() -> Response:
    """Content-Length of a petabyte, a few bytes sent."""
    return raw(head(HTML_HEAD, "Content-Length: 1000000000000000") + b"<p>x</p>", then="hang")


def negative_content_length() -> Response:
    return raw(head(HTML_HEAD, "Content-Length: -5") + b"<p>x</p>")


def two_content_lengths() -> Response:
    return raw(head(HTML_HEAD, "Content-Length: 8", "Content-Length: 80") + b"<p>x</p>")


def bad_chunk_size() -> Response:
    """Chunked, with a chunk size that is not hexadecimal."""
    return raw(head(HTML_HEAD, "Transfer-Encoding: chunked") + b"zz\r\n<p>x</p>\r\n0\r\n\r\n")


def endless_chunk_size() -> Response:
    """Chunked, announcing a chunk of 2**64-1 bytes."""
    return raw(head(HTML_HEAD, "Transfer-Encoding: chunked") + b"ffffffffffffffff\r\n<p>x</p>")


def truncated_chunks() -> Response:
    """Chunked, ending without the last chunk."""
    return raw(head(HTML_HEAD, "Transfer-Encoding: chunked") + b"8\r\n<p>x</p>\r\n")


def garbage_status() -> Response:
    """Not HTTP at all."""
    return raw(b"SSH-2.0-OpenSSH_9.6\r\n\x00\x01\x02 binary nonsense\r\n\r\n")


def bad_status_code() -> Response:
    return raw(head(HTML_HEAD, "Content-Length: 8", status="999 Whatever") + b"<p>x</p>")


def endless_headers() -> Response:
    """A header line every few milliseconds, never the blank line."""

    def script(sock: socket.socket, stopping: threading.Event) -> None:
        sock.sendall(b"HTTP/1.1 200 OK\r\n")
        for n in range(1_000_000):
            if stopping.is_set():
                return
            sock.sendall(f"X-Filler-{n}: {'y' * 100}\r\n".encode())

    return _raw(script)


def huge_header() -> Response:
    """One header line of 1 MB."""
    return raw(head(HTML_HEAD, "X-Big: " + "y" * 1_000_000, "Content-Length: 8") + b"<p>x</p>")


def continue_flood() -> Response:
    """'100 Continue' again and again, never a final answer."""

    def script(sock: socket.socket, stopping: threading.Event) -> None:
        for _ in range(100_000):
            if stopping.is_set():
                return
            sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
            time.sleep(0.001)

    return _raw(script)


def endless_body(chunk: int = 65_536) -> Response:
    """A body without a length that never ends (stopped at 1 GB)."""

    def chunks() -> Iterator[bytes]:
        block = b"<p>" + b"x" * (chunk - 8) + b"</p>\n"
        for _ in range(1_000_000_000 // chunk):
            yield block

    return Response(chunks=chunks)


def deflate_bomb(size: int = 50_000_000) -> Response:
    packer = zlib.compressobj(9)
    body = packer.compress(b" " * size) + packer.flush()
    return Response(body=body, headers={"Content-Encoding": "deflate"})


def double_gzip_bomb(size: int = 50_000_000) -> Response:
    """gzip inside gzip, declared `gzip, gzip`."""
    body = gzip.compress(gzip.compress(b" " * size, 9), 9)
    return Response(body=body, headers={"Content-Encoding": "gzip, gzip"})


def lying_gzip() -> Response:
    """Declared gzip, but plain bytes."""
    return Response(body=b"<p>not compressed at all</p>", headers={"Content-Encoding": "gzip"})

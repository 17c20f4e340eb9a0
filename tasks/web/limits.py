"""What one URL may cost: the bytes of its body and the time of its requests.

A body is streamed through the one bounded Inflater (tasks/inputs/decode.py) and aborted
past its limit; a content type that cannot be an article, or a declared length over the
limit, is refused from the headers before any body byte. Time is a `Deadline` counted
from the first request it covers; a `Clock` records when an attempt started and took.
"""

from __future__ import annotations

import time
from datetime import datetime

import httpx

from tasks.inputs.decode import Inflater, TooLarge
from tasks.web.result import now


class Failure(Exception):
    """One attempt ended without a body; `message` becomes the row's error."""

    def __init__(self, message: str, retry: bool = False, retry_after: float | None = None):
        super().__init__(message)
        self.message = message
        self.retry = retry
        self.retry_after = retry_after


def content_encoding(value: str) -> str:
    """'' (identity), 'gzip' or 'deflate'; Failure for anything else."""
    codings = [c.strip().lower() for c in value.split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if not codings:
        return ""
    if len(codings) == 1 and codings[0] in ("gzip", "x-gzip", "deflate"):
        return "deflate" if codings[0] == "deflate" else "gzip"
    raise Failure(f"unsupported content encoding {value}")


async def read_body(response: httpx.Response, limit: int, truncate: bool = False) -> bytes:
    """The decoded body, streamed; past `limit` it is cut (`truncate`) or refused."""
    inflater = Inflater(content_encoding(response.headers.get("content-encoding", "")), limit)
    parts: list[bytes] = []
    try:
        async for chunk in response.aiter_raw():
            parts.append(inflater.feed(chunk))
        parts.append(inflater.flush())
    except TooLarge as exc:
        if not truncate:
            raise Failure(str(exc)) from None
        parts.append(inflater.overflow)
    return b"".join(parts)


def media_type(content_type: str | None) -> str | None:
    """`text/html` of `text/html; charset=utf-8`, lower-cased; None when there is none."""
    return (content_type or "").split(";", 1)[0].strip().lower() or None


def check_headers(headers: httpx.Headers, content_types: frozenset[str], max_bytes: int) -> None:
    """Refuse, before any body byte, what cannot be an article or cannot fit."""
    media = media_type(headers.get("content-type"))
    if media is not None and media not in content_types:
        raise Failure(f"content type {media} is not an article")
    length = headers.get("content-length", "")
    encoded = content_encoding(headers.get("content-encoding", ""))
    if not encoded and length.isdigit() and int(length) > max_bytes:
        raise Failure(f"too large: over {max_bytes} bytes")


class Clock:
    """When the first request of an attempt went out, and how long it has taken since."""

    def __init__(self) -> None:
        self.at: datetime | None = None
        self._t0: float | None = None

    def start(self) -> None:
        if self._t0 is None:
            self.at, self._t0 = now(), time.perf_counter()

    def elapsed_ms(self) -> int | None:
        return None if self._t0 is None else round((time.perf_counter() - self._t0) * 1000)


class Deadline:
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

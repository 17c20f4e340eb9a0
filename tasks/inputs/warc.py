"""Pages captured in WARC and ARC files, each with the URL and date of its capture.

warcio reads WARC and ARC files, gzipped per record or plain, one record at a time; a file
is never held in memory whole. Every HTML response becomes a capture dated by its
WARC-Date. A 'revisit' record says "this URL was fetched again and its content was the
same as before": it becomes a capture flagged `revisit=True`, never a new text. Its body
is read back from the earlier response with the same payload digest when that response
was seen (in the same file, or in an earlier file read through the same `DigestIndex`).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArchiveLoadFailed
from warcio.timeutils import iso_date_to_datetime

from pressdiff.errors import InputError
from tasks.inputs.detect import SNIFF_BYTES, detect_kind
from tasks.inputs.read import not_regular

logging.getLogger("warcio").setLevel(logging.ERROR)  # it warns per odd header


class _Records(ArchiveIterator):
    """warcio's iterator without its own stderr message for a record of the wrong length
    (the reject says what was wrong)."""

    INC_RECORD = ""


HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_SNIFFED_TYPES = frozenset({"", "application/octet-stream", "unk", "no-type"})

Source = str | os.PathLike[str] | IO[bytes]

# The most bytes one page's body may decode to. A record's body is gzipped or brotli'd (and
# a .warc.gz is gzipped again): a file of 1 MB can hold a page of 1 GB.
MAX_BODY_BYTES = 20_000_000
_DRAIN = 1 << 16


@dataclass(slots=True, frozen=True)
class WarcCapture:
    """One HTML page as a web archive captured it."""

    target_uri: str
    captured_at: datetime  # UTC, from WARC-Date
    status: int
    content_type: str
    body: bytes | None  # None when a revisit's original was not seen, or undecodable
    payload_digest: str | None
    record_id: str
    revisit: bool = False  # the same content as an earlier capture: not a new version
    refers_to_uri: str | None = None
    refers_to_date: datetime | None = None
    too_large: str | None = None  # why the body was dropped: it decodes to over the limit


@dataclass(slots=True, frozen=True)
class _Original:
    """Where an HTML response was seen, so revisits of it can be resolved."""

    uri: str
    captured_at: datetime
    status: int
    content_type: str
    where: str | IO[bytes] | None  # a path, a seekable stream, or nowhere to read it again
    offset: int


@dataclass(slots=True)
class DigestIndex:
    """HTML responses seen so far, by payload digest (and by URI and digest)."""

    by_digest: dict[str, _Original] = field(default_factory=dict)
    by_uri: dict[tuple[str, str], _Original] = field(default_factory=dict)

    def add(self, digest: str, original: _Original) -> None:
        """Remember a response; the first one with a digest stays its default."""
        self.by_digest.setdefault(digest, original)
        self.by_uri[(original.uri, digest)] = original

    def find(self, digest: str | None, uri: str) -> _Original | None:
        """The response a revisit refers to: same URI and digest first, else same digest."""
        if not digest:
            return None
        return self.by_uri.get((uri, digest)) or self.by_digest.get(digest)


def iter_warc(
    source: Source, index: DigestIndex | None = None, max_body: int = MAX_BODY_BYTES
) -> Iterator[WarcCapture]:
    """HTML captures of one WARC/ARC file (a path or a binary stream), in file order. A body
    that decodes to over `max_body` bytes is never held: its capture has `too_large` set."""
    index = index if index is not None else DigestIndex()
    if isinstance(source, str | os.PathLike):
        path = os.fspath(source)
        with _open_regular(path) as stream:
            yield from _iter_stream(stream, path, index, max_body)
    else:
        where = source if source.seekable() else None
        yield from _iter_stream(source, where, index, max_body)


def _open_regular(path: str) -> IO[bytes]:
    """`path` opened for reading if it is a regular file: a pipe put where a planned file was
    would block `open` forever (it is opened non-blocking, then checked)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        if kind := not_regular(os.fstat(fd).st_mode):
            raise InputError("not a regular file", f"it is {kind}; only files are read")
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def iter_warcs(sources: Iterable[Source]) -> Iterator[WarcCapture]:
    """HTML captures of several files in order, revisits resolved across all of them."""
    index = DigestIndex()
    for source in sources:
        yield from iter_warc(source, index)


def _iter_stream(
    stream: IO[bytes], where: str | IO[bytes] | None, index: DigestIndex, max_body: int
) -> Iterator[WarcCapture]:
    """Captures of an open archive; `where` lets revisits re-read their original later."""
    is_arc = _is_arc(stream)
    records = _Records(stream, arc2warc=True)
    for record in _records(records):
        if record.rec_type == "response":
            capture = _response(record, max_body)
            if capture is not None:
                offset = records.get_record_offset()
                if is_arc:
                    capture = replace(capture, record_id=_arc_record_id(capture, offset))
                if capture.too_large is None:
                    _remember(index, capture, where, offset)
                yield capture
        elif record.rec_type == "revisit":
            capture = _revisit(record, index, max_body)
            if capture is not None:
                yield capture


def _records(records: ArchiveIterator) -> Iterator[Any]:
    """warcio's records; its failures on corrupt or cut-off files become InputError."""
    iterator = iter(records)
    while True:
        try:
            record = next(iterator)
        except StopIteration:
            return
        # warcio trips over some cut-off records with an AttributeError of its own.
        except (ArchiveLoadFailed, AttributeError, EOFError, zlib.error, ValueError) as exc:
            raise InputError("unreadable archive", _why(exc)) from exc
        yield record


def _why(exc: Exception) -> str:
    """What is wrong with an archive warcio gave up on, in words (not warcio's)."""
    if isinstance(exc, ArchiveLoadFailed) and "Unknown archive format" in str(exc):
        return "the file does not start like a WARC or ARC record; it is not a web archive"
    if isinstance(exc, zlib.error | EOFError):
        return "its compressed data is corrupt or cut off"
    return "a record header is malformed or the file is cut off inside a record"


def _response(record: Any, max_body: int) -> WarcCapture | None:
    """An HTTP response record with an HTML body as a capture; None for anything else."""
    status = _status(record)
    uri = _uri(record)
    if status is None or uri is None:
        return None
    content_type = _content_type(record)
    if not _may_be_html(content_type):
        return None
    body = _read_body(record, max_body + 1)
    if not _is_html(content_type, body):
        return None
    too_large = None
    if body is not None and len(body) > max_body:
        too_large = f"the page of {uri} decodes to over {max_body:,} bytes"
        body = None
    digest = record.rec_headers.get_header("WARC-Payload-Digest") or _digest(body)
    return WarcCapture(
        target_uri=uri,
        captured_at=_warc_date(record),
        status=status,
        content_type=content_type,
        body=body,
        payload_digest=digest,
        record_id=_record_id(record),
        too_large=too_large,
    )


def _revisit(record: Any, index: DigestIndex, max_body: int) -> WarcCapture | None:
    """A revisit record as a capture of unchanged content; None when it is not HTML."""
    uri = _uri(record)
    if uri is None:
        return None
    digest = record.rec_headers.get_header("WARC-Payload-Digest")
    original = index.find(digest, record.rec_headers.get_header("WARC-Refers-To-Target-URI") or uri)
    content_type = _content_type(record) or (original.content_type if original else "")
    status = _status(record) or (original.status if original else None)
    if status is None or not _is_html(content_type, None):
        return None
    return WarcCapture(
        target_uri=uri,
        captured_at=_warc_date(record),
        status=status,
        content_type=content_type,
        body=_original_body(original, max_body),
        payload_digest=digest,
        record_id=_record_id(record),
        revisit=True,
        refers_to_uri=_refers_to_uri(record, original),
        refers_to_date=_refers_to_date(record, original),
    )


def _is_arc(stream: IO[bytes]) -> bool:
    """Whether a stream holds an ARC file, peeking at its head without consuming it."""
    peek = getattr(stream, "peek", None)
    if callable(peek):
        head = peek(SNIFF_BYTES)[:SNIFF_BYTES]
    elif stream.seekable():
        start = stream.tell()
        head = stream.read(SNIFF_BYTES)
        stream.seek(start)
    else:
        return False
    return detect_kind(head) == "arc"


def _arc_record_id(capture: WarcCapture, offset: int) -> str:
    """A stable id for an ARC record (warcio invents a random one when converting)."""
    key = f"{capture.target_uri}\n{capture.captured_at.isoformat()}\n{offset}"
    return "urn:sha1:" + hashlib.sha1(key.encode("utf-8")).hexdigest()


def _remember(
    index: DigestIndex, capture: WarcCapture, where: str | IO[bytes] | None, offset: int
) -> None:
    """Index a response so later revisits can find its URI, date and body."""
    if capture.payload_digest:
        original = _Original(
            uri=capture.target_uri,
            captured_at=capture.captured_at,
            status=capture.status,
            content_type=capture.content_type,
            where=where,
            offset=offset,
        )
        index.add(capture.payload_digest, original)


def _original_body(original: _Original | None, max_body: int) -> bytes | None:
    """The body of an indexed response, read again from its file or stream at its offset."""
    if original is None or original.where is None:
        return None
    if isinstance(original.where, str):
        with _open_regular(original.where) as stream:
            return _body_at(stream, original.offset, max_body)
    stream = original.where
    try:
        position = stream.tell()
        try:
            return _body_at(stream, original.offset, max_body)
        finally:
            stream.seek(position)
    except (OSError, ValueError):  # the stream was closed or cannot seek after all
        return None


def _body_at(stream: IO[bytes], offset: int, max_body: int) -> bytes | None:
    """The body of the record that starts at `offset` (None if over `max_body` bytes)."""
    stream.seek(offset)
    for record in _Records(stream, arc2warc=True):
        body = _read_body(record, max_body + 1)
        return body if body is None or len(body) <= max_body else None
    return None


def _read_body(record: Any, limit: int) -> bytes | None:
    """The HTTP payload with transfer and content encodings undone, its first `limit` bytes
    at most; None if undecodable. Nothing past `limit` is held in memory.

    Raises InputError when the file ends inside the record: a cut-off page is not a page.
    """
    try:
        body = record.content_stream().read(limit)
    except (OSError, EOFError, ValueError, zlib.error):
        body = None
    while record.raw_stream.read(_DRAIN):  # what the decoders left: the length check is exact
        pass
    if getattr(record.raw_stream, "limit", 0) > 0:
        uri = record.rec_headers.get_header("WARC-Target-URI")
        raise InputError("unreadable archive", f"the file ends inside the record of {uri}")
    return body


def _may_be_html(content_type: str) -> bool:
    """Whether a media type is HTML, or says too little to rule HTML out."""
    mime = _mime(content_type)
    return mime in HTML_TYPES or mime in _SNIFFED_TYPES


def _is_html(content_type: str, body: bytes | None) -> bool:
    """Whether a capture is an HTML page, by its media type, else by its first bytes."""
    mime = _mime(content_type)
    if mime in HTML_TYPES:
        return True
    return mime in _SNIFFED_TYPES and body is not None and detect_kind(body[:SNIFF_BYTES]) == "html"


def _mime(content_type: str) -> str:
    """The media type of a Content-Type value, lower-cased, without parameters."""
    return content_type.split(";", 1)[0].strip().lower()


def _status(record: Any) -> int | None:
    """The HTTP status code of a record, or None when it holds no HTTP response."""
    if record.http_headers is None:
        return None
    try:
        return int(record.http_headers.get_statuscode())
    except (TypeError, ValueError):
        return None


def _uri(record: Any) -> str | None:
    """The record's target URI when it is an http(s) URL (not dns:, whois:, ...)."""
    uri = (record.rec_headers.get_header("WARC-Target-URI") or "").strip().strip("<>")
    return uri if uri.lower().startswith(("http://", "https://")) else None


def _content_type(record: Any) -> str:
    """The HTTP Content-Type of a record, or ''."""
    if record.http_headers is None:
        return ""
    return (record.http_headers.get_header("Content-Type") or "").strip()


def _record_id(record: Any) -> str:
    """WARC-Record-ID without its angle brackets."""
    return (record.rec_headers.get_header("WARC-Record-ID") or "").strip().strip("<>")


def _warc_date(record: Any) -> datetime:
    """The record's WARC-Date (for ARC, the archive date) as a UTC datetime."""
    return _parse_date(record.rec_headers.get_header("WARC-Date"))


def _parse_date(value: str | None) -> datetime:
    """A WARC ISO 8601 date as an aware UTC datetime; InputError when there is none."""
    try:
        return iso_date_to_datetime((value or "").strip()).replace(tzinfo=UTC)
    except (ValueError, IndexError, OverflowError) as exc:
        raise InputError("unreadable archive", f"a record has an invalid date: {value!r}") from exc


def _refers_to_uri(record: Any, original: _Original | None) -> str | None:
    """The URI a revisit repeats: its header, else the original found by digest."""
    header = record.rec_headers.get_header("WARC-Refers-To-Target-URI")
    return header or (original.uri if original else None)


def _refers_to_date(record: Any, original: _Original | None) -> datetime | None:
    """The capture date a revisit repeats: its header, else the original found by digest."""
    header = record.rec_headers.get_header("WARC-Refers-To-Date")
    if header:
        return _parse_date(header)
    return original.captured_at if original else None


def _digest(body: bytes | None) -> str | None:
    """A WARC-style payload digest (sha1, base32) for records that carry none (ARC)."""
    if body is None:
        return None
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")

"""Reading inputs: a file, a range of records in one, or fetched bytes, into Documents.

Every way an input can be bad (unreadable, empty, binary, too large, undecodable, a
malformed record) becomes a Reject with a reason a person can act on; nothing is dropped.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import zlib
from collections.abc import Iterator
from pathlib import Path

from tasks.article import Document, InputRef, Reject

FORMATS = {
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".txt": "text",
    ".md": "text",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".warc": "warc",
    ".arc": "warc",
}
_FIELDS = {
    "url": ("url", "link", "canonical_url", "uri"),
    "title": ("title", "headline"),
    "published_at": ("published_at", "published", "date", "publish_date", "datetime"),
    "byline": ("byline", "author", "authors"),
    "html": ("html", "raw_html", "content_html"),
    "text": ("text", "body", "content", "article", "articleBody", "maintext"),
    "seen_at": ("seen_at", "fetched_at", "crawled_at"),  # the capture time of this record
}
csv.field_size_limit(2**31 - 1)


def format_of(path: str) -> str | None:
    """The input format a file name implies (`.gz` looked through), or None."""
    p = Path(path.removesuffix(".gz").removesuffix(".GZ"))
    return FORMATS.get(p.suffix.lower())


def read_bytes(path: str, max_bytes: int) -> bytes:
    """The (gunzipped) bytes of `path`; raises InputError-shaped ValueErrors on bad files."""
    from pressdiff.errors import InputError

    p = Path(path)
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise InputError("too large", f"{size:,} bytes, over the {max_bytes:,}-byte limit")
        data = p.read_bytes()
    except OSError as exc:
        raise InputError("unreadable", exc.strerror or str(exc)) from exc
    if data[:2] == b"\x1f\x8b":
        try:
            data = _gunzip(data, max_bytes)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError("corrupt gzip", str(exc)) from exc
    if not data.strip():
        raise InputError("empty", "the file has no content")
    return data


def _gunzip(data: bytes, max_bytes: int) -> bytes:
    from pressdiff.errors import InputError

    with gzip.GzipFile(fileobj=io.BytesIO(data)) as f:
        out = f.read(max_bytes + 1)
    if len(out) > max_bytes:
        raise InputError("too large", f"decompresses to over {max_bytes:,} bytes")
    return out


def decode(data: bytes) -> str:
    """Text of `data`: UTF-8 (with BOM), else the detected charset; binary is an InputError."""
    from pressdiff.errors import InputError

    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("binary", "the file contains NUL bytes; it is not text")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if latin := _western(data):
        return latin
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is None:
        raise InputError("undecodable", "no character encoding fits the bytes")
    return data.decode(best.encoding, errors="replace")


_WESTERN_LETTERS = re.compile(r"[^\x00-\x7f\u00a0-\u00ff\u2018-\u201e\u2013\u2014\u2026\u20ac]")


def _western(data: bytes) -> str | None:
    """`data` as Windows-1252 when that reads as Western text (the commonest non-UTF-8)."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    if _WESTERN_LETTERS.search(text):
        return None
    accented = sum(1 for c in text if c >= "\u00c0")  # Cyrillic read as 1252 is all accents
    return text if accented < 0.3 * sum(c.isalpha() for c in text) else None


def _pick(record: dict, field: str) -> str | None:
    for name in _FIELDS[field]:
        value = record.get(name)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = ", ".join(v for v in value if v)
        if isinstance(value, str | int | float) and value != "":
            return str(value)
    return None


def document_from_record(record: object, source: str, key: str) -> Document | Reject:
    """A Document from one JSON object or CSV row, or a Reject saying what is missing."""
    if not isinstance(record, dict):
        return Reject(source, "malformed record", f"{key}: expected an object with a text field")
    html, text = _pick(record, "html"), _pick(record, "text")
    if not html and not text:
        names = ", ".join(_FIELDS["text"] + _FIELDS["html"])
        return Reject(source, "no text", f"{key}: none of the fields {names}")
    return Document(
        source=source,
        key=key,
        url=_pick(record, "url"),
        html=html,
        text=text,
        title=_pick(record, "title"),
        byline=_pick(record, "byline"),
        published_at=_pick(record, "published_at"),
        seen_at=_pick(record, "seen_at"),  # text: parsed with the other dates in extraction
    )


def _jsonl(text: str, ref: InputRef) -> Iterator[Document | Reject]:
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        key = f"{ref.path}#L{line_no}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Reject(ref.source, "malformed JSON", f"line {line_no}: {exc.msg}")
            continue
        yield document_from_record(record, ref.source, key)


def _json(text: str, ref: InputRef) -> Iterator[Document | Reject]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield Reject(ref.source, "malformed JSON", f"line {exc.lineno}: {exc.msg}")
        return
    records = data if isinstance(data, list) else [data]
    for i, record in enumerate(records):
        key = ref.path if len(records) == 1 else f"{ref.path}#{i}"
        yield document_from_record(record, ref.source, key)


def _csv(text: str, ref: InputRef) -> Iterator[Document | Reject]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    for row_no, row in enumerate(reader, start=2):
        key = f"{ref.path}#row{row_no}"
        if None in row:  # more cells than the header has names
            yield Reject(ref.source, "malformed CSV row", f"row {row_no}: more cells than columns")
            continue
        yield document_from_record(row, ref.source, key)


def read_ref(ref: InputRef, max_bytes: int) -> Iterator[Document | Reject]:
    """The Documents one InputRef holds, each bad part as a Reject."""
    from pressdiff.errors import InputError

    try:
        data = ref.body if ref.body is not None else read_bytes(ref.path or ref.source, max_bytes)
        if ref.fmt == "html":  # trafilatura decodes HTML bytes itself, honouring meta charset
            if b"\x00" in data[:8192]:
                raise InputError("binary", "the file contains NUL bytes; it is not HTML")
            yield Document(
                ref.source,
                ref.url or ref.path or ref.source,
                url=ref.url,
                html=data,
                seen_at=ref.seen_at,
                **ref.meta,
            )  # type: ignore[arg-type]
            return
        text = decode(data)
    except InputError as exc:
        yield Reject(ref.source, exc.reason, exc.detail)
        return
    if ref.fmt == "text":
        yield Document(
            ref.source,
            ref.url or ref.path or ref.source,
            url=ref.url,
            text=text,
            seen_at=ref.seen_at,
            **ref.meta,
        )
    elif ref.fmt == "jsonl":
        yield from _jsonl(text, ref)
    elif ref.fmt == "json":
        yield from _json(text, ref)
    elif ref.fmt == "csv":
        yield from _csv(text, ref)
    else:
        yield Reject(ref.source, "unsupported format", f"cannot read {ref.fmt!r} input")

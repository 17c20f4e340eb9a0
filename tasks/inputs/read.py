"""Reading inputs: a file, a range of records in one, or fetched bytes, into Documents.

Every way an input can be bad (unreadable, empty, binary, too large, undecodable, a
malformed record) becomes a Reject with a reason a person can act on; nothing is dropped.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import stat
from collections.abc import Iterator

from tasks.inputs.decode import decode_text, gunzip, storable, wide_text
from warehouse.records import Document, InputRef, Reject

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


def printable(path: str) -> str:
    """`path` as text that can be stored and shown: bytes of a file name that are not UTF-8
    (which Python keeps as surrogates) written as `\\xff` escapes."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def not_regular(mode: int) -> str | None:
    """What a file of `mode` is when it is not a regular file, else None."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def os_reason(exc: OSError) -> tuple[str, str]:
    """The reason and detail of a reject for a file the system would not let us read."""
    if exc.errno == errno.ELOOP:
        return "unreadable", "a symbolic link that points to itself (a loop)"
    return "unreadable", exc.strerror or str(exc)


def read_regular(path: str, limit: int) -> bytes:
    """At most `limit` + 1 bytes of the regular file `path` (the +1 tells a caller that
    the file is over `limit`). The size is what is read, never what stat says (a link to
    /dev/zero says 0); a pipe, device or socket is refused before anything is read, and a
    pipe never blocks (it is opened non-blocking)."""
    from pressdiff.errors import InputError

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InputError(*os_reason(exc)) from exc
    try:
        if kind := not_regular(os.fstat(fd).st_mode):
            raise InputError("not a regular file", f"it is {kind}; only files are read")
        with os.fdopen(fd, "rb", closefd=False) as f:
            return f.read(limit + 1)
    except OSError as exc:
        raise InputError(*os_reason(exc)) from exc
    finally:
        os.close(fd)


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def read_bytes(path: str, max_bytes: int) -> bytes:
    """The (gunzipped) bytes of `path`; raises InputError on bad files."""
    from pressdiff.errors import InputError

    data = read_regular(path, max_bytes)
    if len(data) > max_bytes:
        size = _size(path)
        said = f"{size:,} bytes, over" if size > max_bytes else "over"  # stat may say 0
        raise InputError("too large", f"{said} the {max_bytes:,}-byte limit")
    data = gunzip(data, max_bytes)
    if not data.strip():
        raise InputError("empty", "the file has no content")
    return data


def _pick(record: dict, field: str) -> str | None:
    for name in _FIELDS[field]:
        value = record.get(name)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = ", ".join(v for v in value if v)
        if field == "url" and not isinstance(value, str):
            continue  # `url: 12345` names no page
        if isinstance(value, bool):
            continue
        if isinstance(value, str | int | float) and value != "":
            return storable(str(value))
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
        key = f"{_key(ref)}#L{line_no}"
        try:
            record = json.loads(line)
        except (ValueError, RecursionError) as exc:
            yield Reject(ref.source, "malformed JSON", f"line {line_no}: {_json_error(exc)}")
            continue
        yield document_from_record(record, ref.source, key)


def _json_error(exc: ValueError | RecursionError) -> str:
    """What is wrong with a JSON text, in words."""
    if isinstance(exc, RecursionError):
        return "nested too deeply to read"
    if isinstance(exc, json.JSONDecodeError):
        return exc.msg
    return str(exc)  # e.g. an integer of more digits than Python converts


def _json(text: str, ref: InputRef) -> Iterator[Document | Reject]:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        where = f"line {exc.lineno}: " if isinstance(exc, json.JSONDecodeError) else ""
        yield Reject(ref.source, "malformed JSON", where + _json_error(exc))
        return
    records = data if isinstance(data, list) else [data]
    for i, record in enumerate(records):
        key = _key(ref) if len(records) == 1 else f"{_key(ref)}#{i}"
        yield document_from_record(record, ref.source, key)


def _csv(text: str, ref: InputRef) -> Iterator[Document | Reject]:
    rows = iter(csv.DictReader(io.StringIO(text, newline="")))
    row_no = 1
    while True:
        row_no += 1
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:  # the reader cannot go on past this point
            yield Reject(ref.source, "malformed CSV", f"row {row_no}: {exc}")
            return
        key = f"{_key(ref)}#row{row_no}"
        if None in row:  # more cells than the header has names
            yield Reject(ref.source, "malformed CSV row", f"row {row_no}: more cells than columns")
            continue
        yield document_from_record(row, ref.source, key)


def _key(ref: InputRef) -> str:
    """The identity of what `ref` holds when it names no URL: its (printable) file path."""
    return printable(ref.path) if ref.path else ref.url or ref.source


_RECORDS = {"jsonl": _jsonl, "json": _json, "csv": _csv}


def read_ref(ref: InputRef, max_bytes: int) -> Iterator[Document | Reject]:
    """The Documents one InputRef holds, each bad part as a Reject."""
    from pressdiff.errors import InputError

    try:
        data = ref.body if ref.body is not None else read_bytes(ref.path or ref.source, max_bytes)
        if ref.fmt == "html":  # trafilatura decodes HTML bytes itself, honouring meta charset
            html = wide_text(data)  # ... but not UTF-16 or UTF-32
            if html is None and b"\x00" in data[:8192]:
                raise InputError("binary", "the file contains NUL bytes; it is not HTML")
            yield Document(
                ref.source,
                ref.url or _key(ref),
                url=ref.url,
                html=data if html is None else storable(html),
                seen_at=ref.seen_at,
                **ref.meta,
            )  # type: ignore[arg-type]
            return
        text = decode_text(data)
    except InputError as exc:
        yield Reject(ref.source, exc.reason, exc.detail)
        return
    if ref.fmt == "text":
        yield Document(
            ref.source,
            ref.url or _key(ref),
            url=ref.url,
            text=text,
            seen_at=ref.seen_at,
            **ref.meta,
        )
    elif ref.fmt in _RECORDS:
        n = 0
        for n, item in enumerate(_RECORDS[ref.fmt](text, ref), start=1):  # noqa: B007
            yield item
        if n == 0:  # `[]`, a CSV header alone
            yield Reject(ref.source, "no records", f"the {ref.fmt.upper()} file holds no records")
    else:
        yield Reject(ref.source, "unsupported format", f"cannot read {ref.fmt!r} input")

"""WARC/ARC captures: HTML responses dated by WARC-Date; revisits flagged, never new text."""

from __future__ import annotations

import base64
import contextlib
import gzip
import hashlib
import io
import os
import threading
import tracemalloc
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pressdiff.errors import InputError
from tasks.inputs.warc import WarcCapture, iter_warc, iter_warcs
from tasks.text.extract import read_and_extract
from tests.helpers import corpus
from warehouse.records import InputRef, Reject

GOVUK_FIRST = "BL-20140325121225068-00000-32090~opera~8443.warc.gz"
GOVUK_SECOND = "BL-20140325122341434-00000-32090~opera~8443.warc.gz"


def _corpus_warcs() -> list[Path]:
    """Every WARC file of ../shared/corpora/warc."""
    return sorted(corpus("warc").rglob("*.warc.gz"))


def _warcio_html_records(path: Path) -> list[tuple[str, str, bool, int]]:
    """(URI, WARC-Date, is revisit, status) of every HTML response or revisit, by warcio alone."""
    found = []
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type not in {"response", "revisit"} or record.http_headers is None:
                continue
            content_type = record.http_headers.get_header("Content-Type") or ""
            if content_type.lower().startswith("text/html"):
                headers = record.rec_headers
                found.append(
                    (
                        headers.get_header("WARC-Target-URI"),
                        headers.get_header("WARC-Date"),
                        record.rec_type == "revisit",
                        int(record.http_headers.get_statuscode()),
                    )
                )
    return found


def _iso(value: datetime) -> str:
    """A capture date written the WARC way."""
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.corpus
def test_every_corpus_warc_against_warcio() -> None:
    """Each real WARC gives exactly warcio's HTML responses and revisits, in file order."""
    counts = {}
    for path in _corpus_warcs():
        captures = list(iter_warc(path))
        ours = [(c.target_uri, _iso(c.captured_at), c.revisit, c.status) for c in captures]
        assert ours == _warcio_html_records(path), path.name
        counts[path.name] = (len(captures), sum(c.revisit for c in captures))
    assert counts == {
        "warcfile.warc.gz": (16, 0),
        GOVUK_FIRST: (36, 0),
        GOVUK_SECOND: (36, 29),
        "blackout-sopa-wikipedia-homepage.warc.gz": (1, 0),
        "post-blackout-main-page.warc.gz": (1, 0),
    }


@pytest.mark.corpus
def test_common_crawl_bodies_are_the_payloads() -> None:
    """The 16 Common Crawl pages: status 200, bodies equal to warcio's decoded content."""
    path = corpus("warc", "resiliparse", "warcfile.warc.gz")
    expected = {}
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response":
                uri = record.rec_headers.get_header("WARC-Target-URI")
                expected[uri] = record.content_stream().read()
    captures = list(iter_warc(path))
    assert {c.target_uri: c.body for c in captures} == expected
    assert {c.status for c in captures} == {200}
    assert all(c.record_id.startswith("urn:uuid:") for c in captures)


@pytest.mark.corpus
def test_wikipedia_two_days_two_versions() -> None:
    """The Main Page during and after the SOPA blackout: two dated, different captures."""
    folder = corpus("warc", "ukwa-wikipedia-sopa")
    blackout = list(iter_warc(folder / "blackout-sopa-wikipedia-homepage.warc.gz"))
    after = list(iter_warc(folder / "post-blackout-main-page.warc.gz"))
    main_page = "http://en.wikipedia.org/wiki/Main_Page"
    assert [(c.target_uri, c.captured_at, c.revisit) for c in blackout + after] == [
        (main_page, datetime(2012, 1, 18, 14, 31, 32, tzinfo=UTC), False),
        (main_page, datetime(2012, 1, 19, 10, 2, 3, tzinfo=UTC), False),
    ]
    assert blackout[0].payload_digest != after[0].payload_digest
    assert blackout[0].body != after[0].body


def _html_records(path: Path) -> dict[str, tuple[str, str, bytes, str]]:
    """URI -> (record type, payload digest, body, WARC-Date) of HTML responses and revisits."""
    found = {}
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type not in {"response", "revisit"} or record.http_headers is None:
                continue
            if (record.http_headers.get_header("Content-Type") or "").startswith("text/html"):
                headers = record.rec_headers
                found[headers.get_header("WARC-Target-URI")] = (
                    record.rec_type,
                    headers.get_header("WARC-Payload-Digest"),
                    record.content_stream().read(),
                    headers.get_header("WARC-Date"),
                )
    return found


@pytest.mark.corpus
def test_govuk_recrawl_changed_versus_unchanged() -> None:
    """Crawl 2 of gov.uk: fresh captures exactly where content changed, revisits elsewhere."""
    folder = corpus("warc", "ukwa-govuk-revisit")
    first = _html_records(folder / GOVUK_FIRST)
    second = _html_records(folder / GOVUK_SECOND)
    assert set(second) == set(first)
    changed = {uri for uri, (_, digest, _, _) in second.items() if digest != first[uri][1]}
    assert (len(first), len(changed)) == (36, 7)

    captures = list(iter_warcs([folder / GOVUK_FIRST, folder / GOVUK_SECOND]))
    assert [c.revisit for c in captures[:36]] == [False] * 36
    later = captures[36:]
    assert all(c.captured_at >= datetime(2014, 3, 25, 12, 23, tzinfo=UTC) for c in later)
    assert {c.target_uri for c in later if not c.revisit} == changed
    assert {c.target_uri for c in later if c.revisit} == set(second) - changed
    for capture in later:
        _, digest, body, date = first[capture.target_uri]
        if capture.revisit:
            assert (capture.payload_digest, capture.body) == (digest, body)
            assert capture.refers_to_uri == capture.target_uri
            assert capture.refers_to_date is not None
            assert _iso(capture.refers_to_date) == date
        else:
            assert capture.payload_digest != digest
            assert capture.body == second[capture.target_uri][2] != body


@pytest.mark.corpus
def test_govuk_second_crawl_alone_keeps_revisits_flagged() -> None:
    """Without the first crawl, revisits are still revisits; their body is just unknown."""
    captures = list(iter_warc(corpus("warc", "ukwa-govuk-revisit", GOVUK_SECOND)))
    revisits = [c for c in captures if c.revisit]
    assert len(revisits) == 29
    assert all(c.body is None and c.refers_to_uri is None for c in revisits)
    assert all(c.payload_digest and c.payload_digest.startswith("sha1:") for c in revisits)


@pytest.mark.corpus
def test_streams_record_by_record() -> None:
    """The first capture arrives before the file has been read through."""
    path = corpus("warc", "ukwa-govuk-revisit", GOVUK_FIRST)
    with path.open("rb") as stream:
        first = next(iter_warc(stream))
        assert first.target_uri == "http://data.gov.uk/"
        assert stream.tell() < path.stat().st_size // 4


PAGE_A1 = b"<!DOCTYPE html><html><body><p>First text of A.</p></body></html>"
PAGE_A2 = b"<!DOCTYPE html><html><body><p>Second text of A.</p></body></html>"
PAGE_B = b"<html><body><p>B has no content type.</p></body></html>"
NOT_FOUND = b"<html>Not found</html>"
T1, T2, T3 = "2024-06-01T10:00:00Z", "2024-06-01T11:00:00Z", "2024-06-02T09:30:00Z"


def _http(content_type: str | None, status: str = "200 OK") -> StatusAndHeaders:
    """HTTP response headers."""
    headers = [("Content-Type", content_type)] if content_type else []
    return StatusAndHeaders(status, headers, protocol="HTTP/1.1")


def _synthetic_warc(gz: bool) -> bytes:
    """A small WARC of every record kind the reader must keep or skip."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gz)

    def response(uri: str, body: bytes, http: StatusAndHeaders, date: str, rid: str) -> None:
        ids = {"WARC-Date": date, "WARC-Record-ID": f"<urn:uuid:{rid}>"}
        writer.write_record(
            writer.create_warc_record(
                uri, "response", payload=io.BytesIO(body), http_headers=http, warc_headers_dict=ids
            )
        )

    writer.write_record(writer.create_warcinfo_record("synthetic.warc", {"software": "test"}))
    writer.write_record(
        writer.create_warc_record(
            "https://news.example/a",
            "request",
            payload=io.BytesIO(b"GET /a HTTP/1.1\r\nHost: news.example\r\n\r\n"),
            warc_content_type="application/http; msgtype=request",
        )
    )
    response("https://news.example/a", PAGE_A1, _http("text/html; charset=utf-8"), T1, "a1")
    response("https://news.example/logo.png", b"\x89PNG\r\n", _http("image/png"), T1, "png")
    response("https://news.example/b", PAGE_B, _http(None), T1, "b")
    response("https://news.example/c", b"\x00\x01bin", _http("application/octet-stream"), T1, "c")
    response("https://news.example/gone", NOT_FOUND, _http("text/html", "404 Not Found"), T1, "e")
    digest_a1 = "sha1:" + _sha1_b32(PAGE_A1)
    writer.write_record(
        writer.create_revisit_record(
            "https://news.example/a",
            digest_a1,
            "https://news.example/a",
            T1,
            http_headers=_http("text/html; charset=utf-8"),
            warc_headers_dict={"WARC-Date": T2, "WARC-Record-ID": "<urn:uuid:a1-again>"},
        )
    )
    writer.write_record(
        writer.create_revisit_record(
            "https://news.example/d",
            "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "https://news.example/d",
            "2024-05-01T00:00:00Z",
            http_headers=_http("text/html"),
            warc_headers_dict={"WARC-Date": T2, "WARC-Record-ID": "<urn:uuid:d-again>"},
        )
    )
    response("https://news.example/a", PAGE_A2, _http("text/html; charset=utf-8"), T3, "a2")
    return out.getvalue()


def _sha1_b32(body: bytes) -> str:
    """Base32 SHA-1, as WARC payload digests are written."""
    return base64.b32encode(hashlib.sha1(body).digest()).decode()


def _expected() -> list[WarcCapture]:
    """What the synthetic WARC must give, whole."""
    t1 = datetime(2024, 6, 1, 10, tzinfo=UTC)
    a1 = "sha1:" + _sha1_b32(PAGE_A1)
    html = "text/html; charset=utf-8"
    return [
        WarcCapture("https://news.example/a", t1, 200, html, PAGE_A1, a1, "urn:uuid:a1"),
        WarcCapture(
            "https://news.example/b", t1, 200, "", PAGE_B, "sha1:" + _sha1_b32(PAGE_B), "urn:uuid:b"
        ),
        WarcCapture(
            "https://news.example/gone",
            t1,
            404,
            "text/html",
            NOT_FOUND,
            "sha1:" + _sha1_b32(NOT_FOUND),
            "urn:uuid:e",
        ),
        WarcCapture(
            "https://news.example/a",
            datetime(2024, 6, 1, 11, tzinfo=UTC),
            200,
            html,
            PAGE_A1,
            a1,
            "urn:uuid:a1-again",
            revisit=True,
            refers_to_uri="https://news.example/a",
            refers_to_date=t1,
        ),
        WarcCapture(
            "https://news.example/d",
            datetime(2024, 6, 1, 11, tzinfo=UTC),
            200,
            "text/html",
            None,
            "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "urn:uuid:d-again",
            revisit=True,
            refers_to_uri="https://news.example/d",
            refers_to_date=datetime(2024, 5, 1, tzinfo=UTC),
        ),
        WarcCapture(
            "https://news.example/a",
            datetime(2024, 6, 2, 9, 30, tzinfo=UTC),
            200,
            html,
            PAGE_A2,
            "sha1:" + _sha1_b32(PAGE_A2),
            "urn:uuid:a2",
        ),
    ]


@pytest.mark.parametrize("gz", [True, False], ids=["gzip", "plain"])
def test_synthetic_warc_from_path_and_stream(tmp_path: Path, gz: bool) -> None:
    """Kept: HTML responses (any status, sniffed when untyped) and revisits; nothing else."""
    data = _synthetic_warc(gz)
    path = tmp_path / ("x.warc.gz" if gz else "x.warc")
    path.write_bytes(data)
    assert list(iter_warc(path)) == _expected()
    assert list(iter_warc(str(path))) == _expected()
    assert list(iter_warc(io.BytesIO(data))) == _expected()


def _arc() -> tuple[bytes, bytes]:
    """A two-record ARC file (v1 header and one HTML response), as its two records."""
    header_body = b"1 0 Test\nURL IP-address Archive-date Content-type Archive-length\n"
    header = b"filedesc://x.arc 0.0.0.0 20140325121225 text/plain %d\n" % len(header_body)
    http = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % len(PAGE_A1)
        + PAGE_A1
    )
    record = b"http://news.example/a 93.184.216.34 20011231235959 text/html %d\n" % len(http)
    return header + header_body + b"\n", record + http + b"\n"


@pytest.mark.parametrize("gz", [True, False], ids=["gzip", "plain"])
def test_arc_file(tmp_path: Path, gz: bool) -> None:
    """ARC records become captures dated by their archive date, with stable ids."""
    first, second = _arc()
    data = gzip.compress(first) + gzip.compress(second) if gz else first + second
    path = tmp_path / "x.arc"
    path.write_bytes(data)
    captures = list(iter_warc(path))
    assert [(c.target_uri, c.captured_at, c.status, c.body) for c in captures] == [
        ("http://news.example/a", datetime(2001, 12, 31, 23, 59, 59, tzinfo=UTC), 200, PAGE_A1)
    ]
    assert captures[0].payload_digest == "sha1:" + _sha1_b32(PAGE_A1)
    assert captures[0].record_id.startswith("urn:sha1:")
    assert list(iter_warc(io.BytesIO(data))) == captures == list(iter_warc(path))


def test_unreadable_archives_are_input_errors() -> None:
    """Not an archive at all, or cut off mid-record: an InputError saying in words what is
    wrong (it was warcio's own text, with the file's first bytes quoted)."""
    with pytest.raises(InputError) as raised:
        list(iter_warc(io.BytesIO(bytes(range(256)) * 4)))
    assert (raised.value.reason, raised.value.detail) == (
        "unreadable archive",
        "the file does not start like a WARC or ARC record; it is not a web archive",
    )
    cut = b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 5000\r\n\r\nabc"
    with pytest.raises(InputError) as raised:
        list(iter_warc(io.BytesIO(cut)))
    assert raised.value.detail == (
        "a record header is malformed or the file is cut off inside a record"
    )


def test_a_record_with_an_impossible_date_is_an_input_error() -> None:
    """A WARC-Date of month 99 raised ValueError out of the reader (the whole run failed)."""
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><p>hi</p></html>"
    record = (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://a.example/\r\n"
        b"WARC-Date: 9999-99-99\r\nContent-Type: application/http; msgtype=response\r\n"
        b"Content-Length: %d\r\n\r\n%s\r\n\r\n" % (len(http), http)
    )
    with pytest.raises(InputError) as raised:
        list(iter_warc(io.BytesIO(record)))
    assert raised.value.detail == "a record has an invalid date: '9999-99-99'"


@pytest.mark.corpus
def test_cut_off_warc_gives_what_it_holds_or_an_input_error() -> None:
    """Every prefix of a real WARC yields whole captures only, then stops or raises InputError."""
    data = corpus("warc", "resiliparse", "warcfile.warc.gz").read_bytes()
    whole = list(iter_warc(io.BytesIO(data)))
    for cut in range(1000, len(data), 4999):
        captures: list[WarcCapture] = []
        with contextlib.suppress(InputError):
            captures.extend(iter_warc(io.BytesIO(data[:cut])))
        assert captures == whole[: len(captures)]


def _bomb_warc(decoded: int) -> bytes:
    """A .warc.gz of two pages: the first gzipped by HTTP too, decoding to `decoded` bytes of
    spaces (a file of a few kB), the second an ordinary page."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    squeeze = zlib.compressobj(1, zlib.DEFLATED, 31)
    body = squeeze.compress(PAGE_A1) + squeeze.compress(b" " * decoded) + squeeze.flush()
    http = StatusAndHeaders(
        "200 OK",
        [("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
        protocol="HTTP/1.1",
    )
    for uri, payload, headers in (
        ("https://news.example/bomb", body, http),
        ("https://news.example/b", PAGE_B, _http("text/html")),
    ):
        record = writer.create_warc_record(
            uri, "response", payload=io.BytesIO(payload), http_headers=headers,
            warc_headers_dict={"WARC-Date": T1},
        )  # fmt: skip
        writer.write_record(record)
    return out.getvalue()


def test_a_page_that_decodes_to_over_the_limit_is_never_held(tmp_path: Path) -> None:
    """A page gzipped inside a WARC record is read up to the limit, not whole: one 30 MB
    page of a 30 kB file is a reject, the page after it is read, memory stays small."""
    path = tmp_path / "bomb.warc.gz"
    path.write_bytes(_bomb_warc(30_000_000))
    assert path.stat().st_size < 100_000
    tracemalloc.start()
    try:
        captures = list(iter_warc(path, max_body=1_000_000))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [(c.target_uri, c.body, c.too_large) for c in captures] == [
        (
            "https://news.example/bomb",
            None,
            "the page of https://news.example/bomb decodes to over 1,000,000 bytes",
        ),
        ("https://news.example/b", PAGE_B, None),
    ]
    assert peak < 20_000_000, f"{peak:,} bytes held at once"  # the whole page: 30 MB
    ref = InputRef(str(path), "warc", path=str(path))
    [reject, page] = read_and_extract(ref, 1_000_000)
    assert reject == Reject(
        f"{path}#https://news.example/bomb",
        "too large",
        "the page of https://news.example/bomb decodes to over 1,000,000 bytes",
    )
    assert page.url == "https://news.example/b"


def test_a_pipe_where_an_archive_was_planned_is_refused_not_waited_on(tmp_path: Path) -> None:
    """A FIFO put where a planned WARC file was: opening it must not block on a writer."""
    fifo = tmp_path / "swapped.warc"
    os.mkfifo(fifo)

    def release() -> None:  # lets a blocked open return, so a failing test ends
        if not done.wait(30):
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))

    done = threading.Event()
    threading.Thread(target=release, daemon=True).start()
    try:
        with pytest.raises(InputError) as info:
            list(iter_warc(fifo))
    finally:
        done.set()
    assert (info.value.reason, info.value.detail) == (
        "not a regular file",
        "it is a named pipe (FIFO); only files are read",
    )

"""Every reader and parser, fed random bytes and random JSON: a version or a reject (or,
for the parsers below the readers, an InputError), never any other exception."""

from __future__ import annotations

import io
import json
from datetime import datetime

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pressdiff.errors import InputError
from tasks.inputs.decode import decode_text
from tasks.inputs.detect import detect_kind
from tasks.inputs.read import read_ref
from tasks.inputs.warc import iter_warc
from tasks.text.datelines import split_dateline, split_header
from tasks.text.extract import extract_document, parse_datetime, read_and_extract, segment_article
from tasks.web.feeds import advertised_feeds, read_feed
from tasks.web.links import read_links
from tasks.web.sitemaps import parse_sitemap
from warehouse.records import Article, Document, InputRef, Reject, Sighting

FORMATS = ("html", "text", "json", "jsonl", "csv")
CHECK = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)
# Bytes that look like something: random bytes are mostly 'binary', so the parsers behind
# each kind's door see prefixes of real syntax with random tails too.
HEADS = st.sampled_from(
    [
        b"",
        b"\xef\xbb\xbf",
        b"\xff\xfe",
        b"\x1f\x8b\x08\x00",
        b"<html><body><p>",
        b'<?xml version="1.0"?><rss version="2.0"><channel><item><link>',
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="',
        b"<urlset><url><loc>",
        b"<sitemapindex><sitemap><loc>",
        b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"url": ',
        b'{"url": ',
        b"[[[[[[[[",
        b"url,title,text\n",
        b"WARC/1.0\r\nWARC-Type: response\r\n",
        b"filedesc://",
        b"title: x\nseen: ",
        b"https://a.example/\n",
    ]
)
HOSTILE_BYTES = st.builds(lambda head, tail: head + tail, HEADS, st.binary(max_size=2000))
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True)
    | st.text(max_size=50)
    | st.sampled_from(["http://[::1", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]),
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.dictionaries(
            st.sampled_from(
                ["url", "link", "title", "date", "published_at", "text", "html", "body"]
            )
            | st.text(max_size=8),
            inner,
            max_size=6,
        )
    ),
    max_leaves=30,
)


def outcome(item: object) -> None:
    """A finished item is an Article, a Sighting or a Reject with a reason and a detail."""
    assert isinstance(item, Article | Sighting | Reject), item
    if isinstance(item, Reject):
        assert item.reason and item.detail, item


def through_pipeline(ref: InputRef) -> None:
    for item in read_and_extract(ref, 1_000_000):
        outcome(item if isinstance(item, Reject | Sighting) else segment_article(item))


@CHECK
@given(data=HOSTILE_BYTES, fmt=st.sampled_from(FORMATS))
@example(data=b"[" * 100_000, fmt="json")
@example(data=b"[" * 100_000, fmt="jsonl")
@example(data=b"id,text\n" + b"1,x\n" * 3000 + b"2,\x00\n", fmt="csv")
def test_every_reader_gives_documents_or_rejects(data: bytes, fmt: str) -> None:
    for item in read_ref(InputRef("x", fmt, body=data), 1_000_000):
        assert isinstance(item, Document | Reject)
        if isinstance(item, Document):
            outcome(extract_document(item))
        else:
            outcome(item)


@CHECK
@given(record=JSON)
@example(record={"url": "http://[::1", "text": "word " * 30})
@example(record={"date": "9999-12-31T23:59:59-14:00", "text": "word " * 30})
@example(record={"title": "\ud800", "text": "word " * 30})
def test_random_json_gives_versions_or_rejects(record: object) -> None:
    text = json.dumps(record, allow_nan=True)
    for fmt, body in (("json", text), ("jsonl", f"{text}\n{text}\n")):
        through_pipeline(InputRef("x.json", fmt, body=body.encode("utf-8", "surrogatepass")))


@CHECK
@given(data=HOSTILE_BYTES)
def test_files_and_archives_give_versions_or_rejects(data: bytes, tmp_path_factory) -> None:
    path = tmp_path_factory.mktemp("in") / "x.warc"
    path.write_bytes(data)
    for fmt in ("warc", *FORMATS):
        through_pipeline(InputRef(str(path), fmt, path=str(path)))


@CHECK
@given(data=HOSTILE_BYTES)
def test_parsers_raise_nothing_but_input_errors(data: bytes) -> None:
    assert isinstance(detect_kind(data, "x.html"), str)
    for parse in (
        lambda: read_feed(data, "https://a.example/feed"),
        lambda: read_feed(data),
        lambda: parse_sitemap(data),
        lambda: read_links(data, "https://a.example/x"),
        lambda: read_links(data, "local.xml", "urls"),
        lambda: list(iter_warc(io.BytesIO(data))),
        lambda: decode_text(data),
    ):
        try:
            parse()
        except InputError as exc:
            assert exc.reason
    assert isinstance(advertised_feeds(data, "https://a.example/"), list)


@CHECK
@given(text=st.text(max_size=300) | st.sampled_from(["seen: 0001-01-01T00:00:00+14:00\n"]))
def test_text_headers_and_dates_raise_nothing(text: str) -> None:
    header = split_header(text)
    for value in (*header.fields.values(), text):
        assert parse_datetime(value) is None or isinstance(parse_datetime(value), datetime)
    split_dateline(header.body)

"""Feeds: every linked entry of every real feed, malformed ones too, and JSON Feed."""

from __future__ import annotations

import gzip
import io
import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest

from pressdiff.errors import InputError
from tasks.inputs.detect import detect_kind
from tasks.web.feeds import FeedEntry, advertised_feeds, parse_feed, read_feed
from tasks.web.links import read_links
from tests.helpers import corpus
from warehouse.records import Reject


def _corpus_feeds() -> list[Path]:
    """Every feed file (RSS, Atom, JSON Feed) of ../shared/corpora/feeds, by content."""
    root = corpus("feeds")
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.name != "SOURCE.txt")
    return [p for p in files if detect_kind(p.read_bytes()[:8192]) in {"feed", "jsonfeed"}]


def _feedparser_links(body: bytes) -> list[str]:
    """The links feedparser itself finds, entry by entry (its own count is the reference)."""
    parsed = feedparser.parse(io.BytesIO(body))
    return [entry.link.strip() for entry in parsed.entries if entry.get("link", "").strip()]


def _json_feed_links(body: bytes) -> list[str]:
    """The links of a JSON Feed, read with json: url, else external_url."""
    items = json.loads(body)["items"]
    return [item.get("url") or item["external_url"] for item in items if "url" in item]


@pytest.mark.corpus
def test_corpus_has_all_feed_formats() -> None:
    """The corpus holds 15 feeds: RSS 1.0/2.0 (and one undeclared), Atom and JSON Feed."""
    kinds = Counter(read_feed(p.read_bytes()).kind for p in _corpus_feeds())
    assert kinds == {"rss20": 7, "atom10": 4, "rss10": 1, "rss": 1, "json1": 2}


@pytest.mark.corpus
def test_every_corpus_feed_link_is_found() -> None:
    """For each real feed, our links are exactly feedparser's (or json's), in order."""
    counts = {}
    for path in _corpus_feeds():
        body = path.read_bytes()
        feed = read_feed(body)
        expected = (
            _json_feed_links(body) if feed.kind.startswith("json") else _feedparser_links(body)
        )
        assert [entry.url for entry in feed.entries] == expected, path.name
        assert feed.skipped == 0, path.name
        counts[path.name] = len(feed.entries)
    assert counts == {
        "DuplicateContentAtomFeed.xml": 10,
        "HuffPostCanada.xml": 2,
        "RSSWithComments.xml": 30,
        "TechCrunch.xml": 20,
        "TypePadNews.xml": 10,
        "encoding.rss": 40,
        "google_alerts_atom.xml": 20,
        "guardian.rss": 55,
        "heise.atom": 15,
        "json_feed.json": 20,
        "npr-technology-feed.json": 25,
        "rss-1.rss": 69,
        "uolNoticias.rss": 15,
        "wapo-national-2017-01-07.xml": 20,
        "wapo-politics-2017-01-07.xml": 24,
    }


@pytest.mark.corpus
@pytest.mark.parametrize(
    "name", ["feedjira/TechCrunch.xml", "feedjira/TypePadNews.xml", "rss-parser/uolNoticias.rss"]
)
def test_malformed_corpus_feeds_are_read(name: str) -> None:
    """Feeds feedparser flags as bozo still give every entry."""
    body = corpus("feeds", *name.split("/")).read_bytes()
    assert feedparser.parse(io.BytesIO(body)).bozo
    entries = parse_feed(body)
    assert len(entries) == len(_feedparser_links(body)) > 0
    assert all(entry.title and entry.published_at for entry in entries)


@pytest.mark.corpus
def test_non_english_dates_are_read() -> None:
    """UOL's Portuguese RFC 822 dates ("Seg, 24 Set 2018 19:42:40 -0300") become UTC."""
    entries = parse_feed(corpus("feeds", "rss-parser", "uolNoticias.rss").read_bytes())
    assert entries[0].published_at == datetime(2018, 9, 24, 22, 42, 40, tzinfo=UTC)
    assert entries[0].title == (
        "Ibope: Bolsonaro perde de Haddad, Ciro e Alckmin em simulações de 2º turno"
    )


@pytest.mark.corpus
def test_guardian_entry_whole() -> None:
    """One real RSS 2.0 entry, every field."""
    entry = parse_feed(corpus("feeds", "rss-parser", "guardian.rss").read_bytes())[0]
    assert entry.url == (
        "https://www.theguardian.com/us-news/2018/jan/31/"
        "donald-trump-state-of-the-union-address-unity-discord"
    )
    assert entry.title == "Trump State of the Union address promised unity but emphasized discord"
    assert entry.published_at == datetime(2018, 1, 31, 7, 26, 5, tzinfo=UTC)
    assert entry.summary is not None
    assert entry.summary.startswith("<p>The president’s ‘new American moment’ speech")


@pytest.mark.corpus
def test_npr_json_feed_entry_whole() -> None:
    """One real JSON Feed item, every field."""
    body = corpus("feeds", "trafilatura", "npr-technology-feed.json").read_bytes()
    assert parse_feed(body)[0] == FeedEntry(
        url="https://www.npr.org/2021/10/29/1050315385/keller-rinaudo-how-can-delivery-drones-"
        "save-lives?utm_medium=JSONFeed&utm_campaign=technology",
        title="Keller Rinaudo: How can delivery drones save lives?",
        published_at=datetime(2021, 10, 29, 14, 26, tzinfo=UTC),
        summary="In rural areas, basic health care can be out of reach. Keller Rinaudo founded "
        "Zipline, a delivery company that uses drones to deliver necessary medical supplies "
        "within hours, even minutes.",
    )


@pytest.mark.corpus
def test_sitemaps_are_not_feeds() -> None:
    """A sitemap handed to the feed parser is refused with a reason, not read as empty."""
    body = corpus("feeds", "trafilatura", "sitemaps.org-sitemap.xml").read_bytes()
    with pytest.raises(InputError, match=r"^not a feed: no RSS, Atom or JSON Feed element$"):
        parse_feed(body)


MALFORMED_RSS = b"""
<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Broken & Co</title>
<item><title>First & foremost</title><link>/news/1</link>
  <pubDate>Wed, 08 Feb 2017 10:00:00 +0100</pubDate><description>One<br></description></item>
<item><title>No link here</title><description>lost?</description></item>
<item><title>Second</title><link> https://other.example/2 </link>
  <pubDate>not a date</pubDate></item>
</channel>
"""


def test_malformed_feed_is_read_and_links_resolved() -> None:
    """Bare ampersands, an unclosed <br> and a missing </rss>: still two entries, one skipped."""
    feed = read_feed(MALFORMED_RSS, "https://news.example/feed.xml")
    assert feed.kind.startswith("rss")
    assert feed.malformed is not None
    assert feed.skipped == 1
    assert [(e.url, e.title, e.published_at) for e in feed.entries] == [
        ("https://news.example/news/1", "First & foremost", datetime(2017, 2, 8, 9, tzinfo=UTC)),
        ("https://other.example/2", "Second", None),
    ]


ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://blog.example/posts/">
  <title>Blog</title>
  <entry><title type="html">A &lt;b&gt;bold&lt;/b&gt; move</title>
    <link rel="alternate" href="a-bold-move"/><id>tag:blog.example,2024:1</id>
    <updated>2024-03-01T12:00:00+02:00</updated><summary>Short.</summary></entry>
</feed>"""


def test_atom_with_xml_base() -> None:
    """Atom links resolve against xml:base; updated stands in for published."""
    assert parse_feed(ATOM, "https://blog.example/atom.xml") == [
        FeedEntry(
            url="https://blog.example/posts/a-bold-move",
            title="A <b>bold</b> move",
            published_at=datetime(2024, 3, 1, 10, tzinfo=UTC),
            summary="Short.",
        )
    ]


JSON_FEED = b"""\xef\xbb\xbf{
  "version": "https://jsonfeed.org/version/1.1",
  "title": "JSON news",
  "feed_url": "https://json.example/feed.json",
  "items": [
    {"id": "1", "url": "/2024/one", "title": " One ", "summary": "S1",
     "date_published": "2024-05-01T08:30:00-04:00"},
    {"id": "2", "external_url": "https://elsewhere.example/two",
     "date_modified": "2024-05-02T00:00:00Z"},
    {"id": "3", "content_text": "no link at all"},
    "not an item"
  ]
}"""


def test_json_feed() -> None:
    """JSON Feed 1.1: relative url resolved on feed_url, external_url kept, linkless counted."""
    feed = read_feed(JSON_FEED)
    assert (feed.kind, feed.title, feed.skipped) == ("json1.1", "JSON news", 2)
    assert feed.entries == [
        FeedEntry(
            "https://json.example/2024/one", "One", datetime(2024, 5, 1, 12, 30, tzinfo=UTC), "S1"
        ),
        FeedEntry("https://elsewhere.example/two", None, datetime(2024, 5, 2, tzinfo=UTC), None),
    ]


def test_gzipped_feed() -> None:
    """A gzipped feed body reads like the plain one."""
    assert parse_feed(gzip.compress(ATOM), "https://blog.example/atom.xml") == parse_feed(
        ATOM, "https://blog.example/atom.xml"
    )


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b"", "no RSS, Atom or JSON Feed element"),
        (b'{"items": []}', "JSON without a JSON Feed version and items"),
        (b"{not json", "unreadable JSON: Expecting property name enclosed in double quotes"),
        (b"<html><body><p>a page</p></body></html>", "no RSS, Atom or JSON Feed element"),
    ],
)
def test_not_a_feed(body: bytes, detail: str) -> None:
    """What is not a feed at all is an InputError with a reason and a detail."""
    with pytest.raises(InputError) as caught:
        parse_feed(body)
    assert caught.value.reason == "not a feed"
    assert caught.value.detail.startswith(detail)


PAGE = b"""<!DOCTYPE html><html><head>
<base href="/section/">
<link rel="alternate" type="application/rss+xml" title="RSS" href="rss.xml">
<link rel="Alternate" type="application/atom+xml; charset=utf-8" href="https://news.example/atom">
<link rel="alternate feed" type="application/feed+json" href="//cdn.example/feed.json">
<link rel="alternate" type="application/rss+xml" href="rss.xml">
<link rel="alternate" hreflang="fr" href="https://news.example/fr/">
<link rel="alternate" type="application/json" href="/wp-json/wp/v2/posts/1">
<link rel="stylesheet" type="text/css" href="style.css">
<link rel="alternate" type="application/rss+xml" href="">
</head><body><a rel="alternate" type="application/rss+xml" href="/not-a-link-element">x</a>
</body></html>"""


def test_advertised_feeds() -> None:
    """Feed links in a page's head, absolute, in order, once each; nothing else."""
    assert advertised_feeds(PAGE, "https://news.example/world/story.html") == [
        "https://news.example/section/rss.xml",
        "https://news.example/atom",
        "https://cdn.example/feed.json",
    ]
    assert advertised_feeds(PAGE.decode(), "https://news.example/") == [
        "https://news.example/section/rss.xml",
        "https://news.example/atom",
        "https://cdn.example/feed.json",
    ]
    assert advertised_feeds("", "https://news.example/") == []
    assert advertised_feeds("<p>no head</p>", None) == []


# ---------------------------------------------------------------- hostile inputs (issue 18)


def test_entries_with_links_that_name_no_page_are_noted_not_lost() -> None:
    """`http://[::1` raised ValueError in urljoin (the whole feed lost); other entries whose
    link is no web address vanished without a reject."""
    late = "Tue, 31 Dec 9999 23:59:59 -1400"  # a date out of range in UTC
    items = "".join(
        f"<item><title>{i}</title><link>{link}</link><pubDate>{late}</pubDate></item>"
        for i, link in enumerate(["http://[::1", "https://a.example/ok", "javascript:alert(1)"])
    )
    body = f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()
    feed = read_feed(body, None)
    assert feed.entries == [FeedEntry("https://a.example/ok", "1", None, None)]
    assert feed.invalid == ["http://[::1", "javascript:alert(1)"]
    assert read_links(body, "https://a.example/feed.xml", "feed").rejects == [
        Reject(
            "https://a.example/feed.xml", "invalid link", "javascript:alert(1) is not a web address"
        ),
        Reject(  # feedparser drops a link it cannot resolve against the feed's URL
            "https://a.example/feed.xml",
            "no link",
            "1 of its entries have no link (or one that does not parse)",
        ),
    ]


def test_json_feed_nested_too_deeply_is_not_a_feed() -> None:
    body = b'{"version": "https://jsonfeed.org/version/1.1", "items": ' + b"[" * 100_000
    with pytest.raises(InputError, match=r"^not a feed: unreadable JSON: nested too deeply$"):
        read_feed(body)

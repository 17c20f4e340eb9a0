"""Sitemaps: every <loc> of real sitemaps, gzipped, Google News, indexes, broken ones."""

from __future__ import annotations

import gzip
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pressdiff.errors import InputError
from tasks.inputs.detect import detect_kind
from tasks.web.sitemaps import Sitemap, SitemapEntry, parse_sitemap
from tests.helpers import corpus

_URL_LOC = re.compile(rb"<url>.*?<loc>\s*(.*?)\s*</loc>", re.S)


def _corpus_sitemaps() -> list[Path]:
    """Every sitemap file of ../shared/corpora/feeds, recognised by content."""
    root = corpus("feeds")
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.name != "SOURCE.txt")
    return [p for p in files if detect_kind(p.read_bytes()[:8192]) == "sitemap"]


def _regex_locs(body: bytes) -> list[str]:
    """The first <loc> of each <url>, found with a regular expression (no XML parser)."""
    if body.startswith(b"\x1f\x8b"):
        body = gzip.decompress(body)
    return [loc.decode("utf-8") for loc in _URL_LOC.findall(body)]


@pytest.mark.corpus
def test_every_corpus_sitemap_url_is_found() -> None:
    """For each real sitemap, our URLs are exactly the regex's, in order."""
    counts = {}
    for path in _corpus_sitemaps():
        sitemap = parse_sitemap(path.read_bytes())
        assert sitemap.kind == "urlset"
        assert [entry.url for entry in sitemap.entries] == _regex_locs(path.read_bytes())
        counts[path.name] = len(sitemap.entries)
    assert counts == {
        "news_sitemap.xml": 6,
        "video_sitemap.xml": 6,
        "sitemaps.org-sitemap.xml": 84,
        "sitemaps.org-sitemap.xml.gz": 84,
    }


@pytest.mark.corpus
def test_gzipped_sitemap_reads_like_plain() -> None:
    """sitemaps.org's sitemap, plain and gzipped, gives the same entries."""
    folder = corpus("feeds", "trafilatura")
    plain = parse_sitemap((folder / "sitemaps.org-sitemap.xml").read_bytes())
    zipped = parse_sitemap((folder / "sitemaps.org-sitemap.xml.gz").read_bytes())
    assert plain == zipped
    assert plain.entries[0] == SitemapEntry(
        url="https://www.sitemaps.org/", lastmod=datetime(2016, 11, 21, tzinfo=UTC)
    )


@pytest.mark.corpus
def test_google_news_sitemap() -> None:
    """NYT's Google News sitemap: news:title and news:publication_date, loc stripped."""
    sitemap = parse_sitemap(corpus("feeds", "advertools", "news_sitemap.xml").read_bytes())
    assert sitemap.entries[0] == SitemapEntry(
        url="https://www.nytimes.com/interactive/2020/05/11/magazine/quarantine-insanity.html",
        lastmod=datetime(2020, 5, 19, 21, 57, 45, tzinfo=UTC),
        title="Quarantine Was Driving Me Crazy — So I Decided to Lose My Mind on Purpose",
        published_at=datetime(2020, 5, 11, 9, 0, 1, tzinfo=UTC),
    )
    assert all(entry.title and entry.published_at for entry in sitemap.entries)


INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://news.example/sitemap-2024-05.xml.gz</loc>
    <lastmod>2024-05-31T23:00:00+01:00</lastmod></sitemap>
  <sitemap><loc>https://news.example/sitemap-2024-06.xml</loc></sitemap>
  <sitemap><lastmod>2024-06-01</lastmod></sitemap>
</sitemapindex>"""


def test_sitemap_index() -> None:
    """An index lists sitemaps; an entry without <loc> is counted, not kept."""
    assert parse_sitemap(INDEX) == Sitemap(
        kind="index",
        entries=[
            SitemapEntry(
                "https://news.example/sitemap-2024-05.xml.gz",
                lastmod=datetime(2024, 5, 31, 22, tzinfo=UTC),
            ),
            SitemapEntry("https://news.example/sitemap-2024-06.xml"),
        ],
        skipped=1,
    )


NEWS = b"""<urlset xmlns:n="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc><![CDATA[https://news.example/a?x=1&y=2]]></loc>
  <n:news><n:publication><n:name>Example</n:name><n:language>en</n:language></n:publication>
    <n:publication_date>2024-06-02</n:publication_date><n:title>A &amp; B</n:title></n:news>
</url>
<url><loc>https://news.example/b</loc><lastmod>garbage</lastmod></url>
</urlset>"""


def test_no_namespace_and_other_prefixes() -> None:
    """Without the sitemaps.org namespace, with any prefix: read by local names."""
    assert parse_sitemap(gzip.compress(NEWS)) == Sitemap(
        kind="urlset",
        entries=[
            SitemapEntry(
                "https://news.example/a?x=1&y=2",
                title="A & B",
                published_at=datetime(2024, 6, 2, tzinfo=UTC),
            ),
            SitemapEntry("https://news.example/b"),
        ],
    )


BROKEN = b"""  <?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://news.example/1</loc></url>
<url><loc>https://news.example/2?a=1&b=2</loc></url>
<url><loc>https://news.example/3</loc>"""


def test_broken_sitemap_is_recovered() -> None:
    """A bare ampersand, white space before the declaration and a cut-off end still parse."""
    assert [e.url for e in parse_sitemap(BROKEN).entries] == [
        "https://news.example/1",
        "https://news.example/2?a=1&b=2",
        "https://news.example/3",
    ]


def test_entities_are_not_resolved() -> None:
    """External entities are never loaded (no XXE): the reference stays as written."""
    body = b"""<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<urlset><url><loc>https://news.example/&x;</loc></url></urlset>"""
    assert [e.url for e in parse_sitemap(body).entries] == ["https://news.example/&x;"]


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b'<rss version="2.0"><channel/></rss>', "the root element is <rss>"),
        (b"", "unreadable XML"),
        (b"just some words", "no XML element found"),
        (gzip.compress(b"x" * 10)[:12], "Compressed file ended before the end-of-stream marker"),
    ],
)
def test_not_a_sitemap(body: bytes, detail: str) -> None:
    """What is not a sitemap is an InputError with a reason and a detail."""
    with pytest.raises(InputError) as caught:
        parse_sitemap(body)
    assert caught.value.detail.startswith(detail)


def test_a_lastmod_out_of_range_and_a_loc_that_names_no_page() -> None:
    """A sitemap's `<lastmod>0001-01-01T00:00:00+14:00` raised OverflowError: anyone whose
    sitemap is watched could stop every run. The date is dropped, the bad <loc> noted."""
    body = (
        b"<urlset><url><loc>http://[::1</loc></url>"
        b"<url><loc>https://a.example/a</loc><lastmod>0001-01-01T00:00:00+14:00</lastmod></url>"
        b"</urlset>"
    )
    sitemap = parse_sitemap(body)
    assert sitemap.entries == [SitemapEntry("https://a.example/a")]
    assert sitemap.invalid == ["http://[::1"]

"""Input kinds are recognised by content; names and content types only break ties."""

from __future__ import annotations

import gzip

import pytest

from tasks.inputs.detect import SNIFF_BYTES, detect_kind
from tests.helpers import corpus

# What every file of ../shared/corpora/feeds and /warc is, as its SOURCE.txt describes it.
CORPUS_KINDS = {
    "feeds/advertools/news_sitemap.xml": "sitemap",
    "feeds/advertools/video_sitemap.xml": "sitemap",
    "feeds/diffengine/wapo-national-2017-01-07.xml": "feed",
    "feeds/diffengine/wapo-politics-2017-01-07.xml": "feed",
    "feeds/feedjira/DuplicateContentAtomFeed.xml": "feed",
    "feeds/feedjira/HuffPostCanada.xml": "feed",
    "feeds/feedjira/RSSWithComments.xml": "feed",
    "feeds/feedjira/TechCrunch.xml": "feed",
    "feeds/feedjira/TypePadNews.xml": "feed",
    "feeds/feedjira/google_alerts_atom.xml": "feed",
    "feeds/feedjira/json_feed.json": "jsonfeed",
    "feeds/rss-parser/encoding.rss": "feed",
    "feeds/rss-parser/guardian.rss": "feed",
    "feeds/rss-parser/heise.atom": "feed",
    "feeds/rss-parser/rss-1.rss": "feed",
    "feeds/rss-parser/uolNoticias.rss": "feed",
    "feeds/trafilatura/npr-technology-feed.json": "jsonfeed",
    "feeds/trafilatura/sitemaps.org-sitemap.xml": "sitemap",
    "feeds/trafilatura/sitemaps.org-sitemap.xml.gz": "sitemap",
    "warc/resiliparse/warcfile.warc.gz": "warc",
    "warc/ukwa-govuk-revisit/BL-20140325121225068-00000-32090~opera~8443.warc.gz": "warc",
    "warc/ukwa-govuk-revisit/BL-20140325122341434-00000-32090~opera~8443.warc.gz": "warc",
    "warc/ukwa-wikipedia-sopa/blackout-sopa-wikipedia-homepage.warc.gz": "warc",
    "warc/ukwa-wikipedia-sopa/post-blackout-main-page.warc.gz": "warc",
}


@pytest.mark.corpus
def test_every_corpus_file_is_listed() -> None:
    """No data file in the corpora escapes the table below (README/SOURCE files aside)."""
    found = set()
    for folder in ("feeds", "warc"):
        root = corpus(folder)
        for path in root.rglob("*"):
            if path.is_file() and path.name not in {"SOURCE.txt", "README.md", "LICENSE"}:
                found.add(path.relative_to(root.parent).as_posix())
    assert found == set(CORPUS_KINDS)


@pytest.mark.corpus
@pytest.mark.parametrize("name", sorted(CORPUS_KINDS))
def test_corpus_files_by_content_alone(name: str) -> None:
    """Each real file is recognised from its first bytes, even under a misleading name."""
    head = corpus(*name.split("/")).read_bytes()[:SNIFF_BYTES]
    assert detect_kind(head) == CORPUS_KINDS[name]
    assert detect_kind(head, "download.txt", "application/octet-stream") == CORPUS_KINDS[name]


RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><link>https://example.com/a</link></item></channel></rss>"""
ATOM = b"""<?xml version='1.0' encoding='utf-8'?>
<!-- generator -->
<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title></feed>"""
RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="https://example.com/"><title>t</title></channel></rdf:RDF>"""
SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://e.com/</loc></url></urlset>"""
INDEX = b"""<?xml version="1.0"?><?xml-stylesheet type="text/xsl" href="/s.xsl"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></sitemapindex>"""
WARC = b"WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 0\r\n\r\n\r\n\r\n"
ARC = b"filedesc://x.arc 0.0.0.0 20140325121225 text/plain 10\n1 0 Test\n\n"


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (WARC, "warc"),
        (gzip.compress(WARC), "warc"),
        (ARC, "arc"),
        (gzip.compress(ARC), "arc"),
        (RSS, "feed"),
        (b"\n\n  " + RSS, "feed"),
        (b"\xef\xbb\xbf" + RSS, "feed"),
        (RSS.decode().encode("utf-16"), "feed"),
        (ATOM, "feed"),
        (RDF, "feed"),
        (b'<rss version="0.91"><channel><title>t</title></channel></rss>', "feed"),
        (b'{"version": "https:\\/\\/jsonfeed.org\\/version\\/1.1", "items": []}', "jsonfeed"),
        (b'{\n  "version": "https://jsonfeed.org/version/1",\n  "title": "t"\n}', "jsonfeed"),
        (SITEMAP, "sitemap"),
        (gzip.compress(SITEMAP), "sitemap"),
        (INDEX, "sitemapindex"),
        (b'<?xml version="1.0"?>\n<!DOCTYPE urlset [<!ENTITY a "b">]>\n<urlset/>', "sitemap"),
        (b"<!DOCTYPE html><html><head><title>t</title></head></html>", "html"),
        (b"<html><body><p>x</p></body></html>", "html"),
        (b"<p>Just a fragment</p>", "html"),
        (
            b'<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body>'
            b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title></feed></body></html>',
            "feed",
        ),
        (b"https://example.com/a\nhttps://example.com/b?x=1\n", "urls"),
        (b"# my reading list\n\nhttp://example.com/a\n", "urls"),
        (b"Ankara (Reuters) - Turkish police detained 400 people.\n", "text"),
        (b"Ankara, Turkey, Feb. 8, police said.\nThey had, it said, no names.\n", "text"),
        (b'{"url": "https://e.com/a", "text": "x"}', "json"),
        (b'[{"url": "https://e.com/a"}]', "json"),
        (b'{"url": "https://e.com/a"}\n{"url": "https://e.com/b"}\n', "jsonl"),
        (b"url,title,text\nhttps://e.com/a,A,x\nhttps://e.com/b,B,y\n", "csv"),
        (b"url\ttitle\nhttps://e.com/a\tA\nhttps://e.com/b\tB\n", "csv"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "binary"),
        (b"abc\x00\x01\x02def", "binary"),
        (b"\x1f\x8b\x08\x00garbage-that-is-not-deflate", "binary"),
    ],
)
def test_kinds_by_content(head: bytes, kind: str) -> None:
    """Every kind is recognised from content, without any hint."""
    assert detect_kind(head) == kind


def test_hints_settle_what_content_leaves_open() -> None:
    """A two-line table needs its .csv name; a JSON Lines record cut short needs .jsonl."""
    table = b"url,title\nhttps://e.com/a,A\n"
    assert detect_kind(table) == "text"
    assert detect_kind(table, "articles.csv") == "csv"
    assert detect_kind(table, "", "text/csv; charset=utf-8") == "csv"
    long_record = b'{"text": "' + b"x" * SNIFF_BYTES + b'"}\n{"text": "y"}\n'
    assert detect_kind(long_record) == "json"
    assert detect_kind(long_record, "dump.jsonl.gz") == "jsonl"
    assert detect_kind(b"<rss-ish>not known</rss-ish>", "", "application/rss+xml") == "feed"
    assert detect_kind(b"<custom/>") == "text"


def test_content_wins_over_name() -> None:
    """A feed named .html is a feed; an HTML page named .xml is HTML."""
    assert detect_kind(RSS, "page.html", "text/html") == "feed"
    assert detect_kind(b"<!doctype html><title>x</title>", "feed.xml", "application/rss+xml") == (
        "html"
    )

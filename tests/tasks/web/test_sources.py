"""Reading fetched sources, with no network: results made by hand, read as the steps read
them (the fetching and storing around these are tests/flows/test_fetching.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from tasks.web.crawl_budget import CrawlBudget
from tasks.web.links import Link
from tasks.web.result import FetchResult
from tasks.web.sources import Expanded, admit, outcome, read_fetched, too_deep
from warehouse.records import InputRef, Reject, Sighting

AT = datetime(2026, 3, 5, 9, 15, tzinfo=UTC)
PAGE = b"<!doctype html><html><head><title>Ferry</title></head><body><p>Ferry.</p></body></html>"
RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>
<item><title>One</title><link>https://news.example/one</link></item>
<item><title>Two</title><link>https://news.example/two</link></item>
</channel></rss>"""
INDEX = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://news.example/s1.xml</loc></sitemap></sitemapindex>"""
HOME = b"""<html><head><link rel="alternate" type="application/rss+xml" href="/rss.xml">
</head><body>Home</body></html>"""


def fetched(url: str, body: bytes | None = None, **kw: object) -> FetchResult:
    fields: dict = {"status_code": 200} | kw
    return FetchResult(url=url, final_url=url, body=body, fetched_at=AT, **fields)


def test_outcome_of_an_article_fetch() -> None:
    """A body is an input with the feed's hints; a 304 a sighting; an error a reject."""
    link = Link("https://news.example/a", "https://news.example/rss.xml", "A", None)
    assert outcome(fetched("https://news.example/a", PAGE), link) == InputRef(
        source="https://news.example/a",
        fmt="html",
        body=PAGE,
        url="https://news.example/a",
        seen_at=AT,
        meta={"title": "A"},
    )
    same = fetched("https://news.example/a", not_modified=True, status_code=304)
    assert outcome(same, None) == Sighting("https://news.example/a", AT, "https://news.example/a")
    failed = fetched("https://news.example/a", error="HTTP 404")
    assert outcome(failed, None) == Reject("https://news.example/a", "fetch failed", "HTTP 404")


def test_read_fetched_files_each_source_under_its_named_root() -> None:
    """A feed gives links, a sitemap index further sources of the same root, a page an
    input; the links are taken from the root's budget."""
    todo = [("https://news.example/rss.xml", "r1"), ("https://news.example/index.xml", "r2")]
    todo.append(("https://news.example/page", "r3"))
    results = [
        fetched("https://news.example/rss.xml", RSS),
        fetched("https://news.example/index.xml", INDEX),
        fetched("https://news.example/page", PAGE),
    ]
    out, budget = Expanded(), CrawlBudget(links_per_source=1)
    following = read_fetched(results, todo, out, budget, follow_feeds=False)
    assert following == [("https://news.example/s1.xml", "r2")]
    assert [link.url for link in out.links] == ["https://news.example/one"]
    assert [r.reason for r in out.rejects] == ["limit reached"]
    assert [p.source for p in out.pages] == ["https://news.example/page"]


def test_a_homepage_followed_for_its_feeds() -> None:
    out = Expanded()
    home = fetched("https://news.example/", HOME)
    following = read_fetched([home], [(home.url, home.url)], out, CrawlBudget(), True)
    assert following == [("https://news.example/rss.xml", "https://news.example/")]
    bare = fetched("https://news.example/", PAGE)
    assert read_fetched([bare], [(bare.url, bare.url)], out, CrawlBudget(), True) == []
    assert out.rejects == [
        Reject("https://news.example/", "no feed", "the page advertises no feed")
    ]


def test_admit_fetches_each_document_once_within_the_budget() -> None:
    """A sitemap naming itself again (in another spelling) is not fetched twice."""
    seen: set[str] = set()
    out, budget = Expanded(), CrawlBudget(documents_per_source=2)
    todo = [("https://news.example/s.xml", "r"), ("https://NEWS.example/s.xml#x", "r")]
    assert admit(todo, seen, budget, out) == [("https://news.example/s.xml", "r")]
    more = [(f"https://news.example/{i}.xml", "r") for i in range(3)]
    assert admit(more, seen, budget, out) == [("https://news.example/0.xml", "r")]
    assert [r.reason for r in out.rejects] == ["limit reached"]
    left = [("https://news.example/deep.xml", "r"), ("https://news.example/0.xml", "r")]
    assert [r.reason for r in too_deep(left, seen, budget)] == ["limit reached"]

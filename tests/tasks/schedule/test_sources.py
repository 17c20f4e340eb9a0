"""What a watched source is, and what polling tracks, decided from URLs alone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pressdiff.errors import UsageError
from tasks.schedule.sources import guess_kind, source_entry, tracked_links

T0 = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("uri", "kind"),
    [
        ("https://paper.example/", "feed"),  # a homepage: polling follows its feeds
        ("https://paper.example", "feed"),
        ("https://wire.example/sitemap_news.xml", "sitemap"),
        ("https://news.example/rss/world", "feed"),
        ("https://news.example/index.xml", "feed"),
        ("https://feeds.example.com/top", "feed"),
        ("https://news.example/world/2026/03/story", "page"),
    ],
)
def test_the_kind_is_guessed_from_the_url(uri: str, kind: str) -> None:
    assert guess_kind(uri) == kind


def test_a_source_is_its_canonical_url_and_a_kind() -> None:
    assert source_entry("https://Paper.example:443/?utm_source=x#top", None) == (
        "https://paper.example/",
        "feed",
    )
    assert source_entry("https://paper.example/a", "sitemap") == (
        "https://paper.example/a",
        "sitemap",
    )


def test_what_cannot_be_a_source_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match=r"^'ftp://x\.example/' is not an http\(s\) URL$"):
        source_entry("ftp://x.example/", None)
    with pytest.raises(UsageError, match=r"^kind must be one of feed, sitemap, page, not 'atom'$"):
        source_entry("https://x.example/feed", "atom")


def test_links_are_tracked_once_by_canonical_url_with_their_site() -> None:
    links = [
        ("https://news.example/a?utm_source=rss", "A", T0),
        ("https://news.example/a", "A again", None),  # the same article: first sighting wins
        ("https://www.other.example/b#comments", None, None),
    ]
    assert tracked_links(links) == [
        ("https://news.example/a", "news.example", T0),
        ("https://www.other.example/b", "other.example", None),
    ]

"""A folder's crawl index: its dates read by the one date parser."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from tasks.inputs.crawl_index import parse_crawl_index


def index(*entries: dict) -> bytes:
    return json.dumps(list(entries)).encode()


def test_crawl_dates_in_any_form_the_date_parser_reads() -> None:
    """fundus' naive ISO dates are UTC; an index that writes its dates as HTTP does
    (RFC 2822) was no crawl index before (its own ISO-only parser gave up)."""
    data = index(
        {"file": "a.html.gz", "crawl_date": "2023-04-28 20:32:15.077826"},
        {"file": "b.html.gz", "crawled_at": "Fri, 28 Apr 2023 22:32:15 +0200"},
    )
    assert parse_crawl_index(data) == {
        "a.html.gz": datetime(2023, 4, 28, 20, 32, 15, 77826, tzinfo=UTC),
        "b.html.gz": datetime(2023, 4, 28, 20, 32, 15, tzinfo=UTC),
    }


def test_an_entry_without_a_date_makes_it_no_crawl_index() -> None:
    assert parse_crawl_index(index({"file": "a.html", "crawl_date": "yesterday"})) is None
    assert (
        parse_crawl_index(index({"file": "a.html", "crawl_date": "9999-12-31T23:59:59-14:00"}))
        is None
    )

"""One date parser for feeds, sitemaps, records and text headers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tasks.text.dates import parse_datetime


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2016-11-21", datetime(2016, 11, 21, tzinfo=UTC)),
        ("2020-05-19T21:57:45Z", datetime(2020, 5, 19, 21, 57, 45, tzinfo=UTC)),
        ("2020-05-19T21:57:45.5+02:00", datetime(2020, 5, 19, 19, 57, 45, 500000, tzinfo=UTC)),
        ("Wed, 31 Jan 2018 07:26:05 GMT", datetime(2018, 1, 31, 7, 26, 5, tzinfo=UTC)),
        ("Seg, 24 Set 2018 19:42:40 -0300", datetime(2018, 9, 24, 22, 42, 40, tzinfo=UTC)),
        ("Mi, 07 Mär 2018 10:00:00 +0100", datetime(2018, 3, 7, 9, tzinfo=UTC)),
        ("jeu., 05 juil. 2018 10:00 +0200", datetime(2018, 7, 5, 8, tzinfo=UTC)),
        ("lun., 04 juin 2018 10:00:00 +0000", datetime(2018, 6, 4, 10, tzinfo=UTC)),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_feed_dates(value: str | None, expected: datetime | None) -> None:
    """ISO 8601, RFC 822, and RFC 822 with non-English names, all to UTC."""
    assert parse_datetime(value) == expected


OUT_OF_RANGE = [
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "Tue, 31 Dec 9999 23:59:59 -1400",
    "Ter, 31 Dez 9999 23:59:59 -1400",
]


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_a_date_out_of_range_in_utc_is_no_date(value: str) -> None:
    """OverflowError escaped (a watched feed could stop every run)."""
    assert parse_datetime(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Seg, 24 Set 2018 19:42:40 -0300", datetime(2018, 9, 24, 22, 42, 40, tzinfo=UTC)),
        ("2020-05-19T21:57:45z", datetime(2020, 5, 19, 21, 57, 45, tzinfo=UTC)),
    ],
)
def test_a_record_date_reads_as_a_feed_date(value: str, expected: datetime) -> None:
    """extract.py had its own parser that read neither of these (None): a JSON record's
    `published_at` in Portuguese, a lower-case zone. Now records and feeds share one."""
    from tasks.text.extract import parse_datetime as used_by_extraction

    assert used_by_extraction(value) == parse_datetime(value) == expected

"""The watchlist's pure core: intervals, private addresses, and the summary lines that
`pressdiff serve` prints per tick."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pressdiff.errors import UsageError
from pressdiff.watchlist import parse_every, private_address
from tasks.steps.maintenance import audit_line
from tasks.steps.report import RunSummary, summary_line


@pytest.mark.parametrize(
    ("text", "every"),
    [
        ("90s", timedelta(seconds=90)),
        ("15m", timedelta(minutes=15)),
        ("1.5h", timedelta(hours=1.5)),
    ],
)
def test_parse_every(text, every):
    assert parse_every(text) == every


@pytest.mark.parametrize("text", ["", "15", "m", "1w", "0m", "-5m", "1e400d"])
def test_parse_every_refuses_with_the_option_named(text):
    with pytest.raises(UsageError, match=r"^every "):
        parse_every(text, "every")


@pytest.mark.parametrize(
    ("uri", "kind"),
    [
        ("http://127.0.0.1:8765/feed.xml", "loopback"),
        ("http://localhost/feed.xml", "loopback"),
        ("http://[::1]/feed", "loopback"),
        ("http://10.0.0.7/rss", "private"),
        ("http://192.168.1.2/rss", "private"),
        ("http://169.254.1.1/rss", "link-local"),
        ("https://93.184.215.14/rss", None),
        ("https://outlet.example/rss.xml", None),
    ],
)
def test_private_address(uri, kind):
    assert private_address(uri) == kind


def test_summary_line_says_what_a_tick_polled_stored_and_flagged():
    s = RunSummary(
        run_id="r", inputs=3, articles_new=1, versions_new=2, unchanged=1, rejected=1,
        tracked_new=1, reject_reasons={"fetch failed": 1},
    )  # fmt: skip
    assert summary_line(s, 2, polled=True) == (
        "polled: 1 new links tracked; fetched 3: 2 versions new (1 articles new), 1 unchanged, "
        "1 rejected (fetch failed: 1); 2 notable changes flagged"
    )
    assert summary_line(RunSummary(run_id="r"), 0, polled=False) == (
        "fetched 0: 0 versions new (0 articles new), 0 unchanged, 0 rejected; "
        "0 notable changes flagged"
    )


def test_audit_line():
    assert audit_line({"a": 0, "b": 0}) == "checkpointed; 2 audits, no bad rows"
    assert audit_line({"a": 0, "b": 3}) == "checkpointed; audits found bad rows: b 3"

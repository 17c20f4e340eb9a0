"""The server-drawn SVG charts: a bar per day, quiet days filled in, labels escaped."""

from __future__ import annotations

from datetime import date

from pressdiff.web.charts import bars, days


def test_a_chart_fills_quiet_days_and_escapes_its_label() -> None:
    points = [(date(2026, 3, 5), 1, 4), (date(2026, 3, 7), 2, 2)]
    assert days(points, date(2026, 3, 4)) == [
        (date(2026, 3, 4), 0, 0),
        (date(2026, 3, 5), 1, 4),
        (date(2026, 3, 6), 0, 0),
        (date(2026, 3, 7), 2, 2),
    ]
    svg = str(bars(points, "<b>edits</b>", date(2026, 3, 4)))
    assert svg.count("<rect") == 4
    assert "<title>2026-03-07: 2 revisions, 2 sentences edited</title>" in svg
    assert "&lt;b&gt;edits&lt;/b&gt;" in svg and "<b>" not in svg

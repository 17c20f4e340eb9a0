"""The run's notable changes as the Markdown artifact shows them."""

from __future__ import annotations

from tasks.steps.report import notable_markdown


def test_notable_changes_are_a_markdown_table_that_a_pipe_cannot_break() -> None:
    rows = [("https://news.example/a", "headline changed", "Old | New" + "x" * 300)]
    text = notable_markdown("r1", rows)
    lines = text.splitlines()
    assert lines[:4] == [
        "# Notable changes in run `r1`",
        "",
        "| article | rule | detail |",
        "|---|---|---|",
    ]
    assert (
        lines[4] == "| https://news.example/a | headline changed | Old \\| New" + "x" * 191 + " |"
    )
    assert notable_markdown("r2", []).endswith("No revision in this run matched a rule.")

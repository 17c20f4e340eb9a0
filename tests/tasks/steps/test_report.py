"""The run's notable changes as the Markdown artifact shows them."""

from __future__ import annotations

from pressdiff.render import format_rows
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


def test_notable_changes_show_hostile_text_as_the_cli_tables_do() -> None:
    """The step formats its own Markdown (tasks/ does not import the CLI's rendering): the
    same cells, escapes and all, as `pressdiff sql --format markdown` prints."""
    rows = [
        ("https://news.example/\x1b]0;owned\x07", "title\nchanged", "a | b\u202ecba\x9b2J\ttab"),
        ("https://news.example/b", "numbers changed", "12 → 13 " + "y" * 250),
    ]
    expected = format_rows(
        ("article", "rule", "detail"), [(u, r, d[:200]) for u, r, d in rows], "markdown"
    )
    assert notable_markdown("r3", rows) == "# Notable changes in run `r3`\n\n" + expected

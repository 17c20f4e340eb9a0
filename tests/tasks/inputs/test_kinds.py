"""The one kind table: what a file name says about how it is read."""

from __future__ import annotations

import pytest

from tasks.inputs.kinds import format_of, kind_of_content_type, kind_of_name


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("a.html", "html"),
        ("a.HTM", "html"),
        ("a.xhtml", "html"),
        ("a.txt", "text"),
        ("a.md", "text"),
        ("a.json", "json"),
        ("a.jsonl", "jsonl"),
        ("a.ndjson", "jsonl"),
        ("a.csv", "csv"),
        ("a.csv.gz", "csv"),
        ("a.TXT.GZ", "text"),
        ("dir.v2/a.html.gz", "html"),
        ("a.gz", None),
        ("a.pdf", None),
        ("README", None),
    ],
)
def test_format_of(name: str, fmt: str | None) -> None:
    assert format_of(name) == fmt


@pytest.mark.parametrize(
    ("name", "kind", "fmt"),
    [
        ("feed.rss", "feed", None),  # read for its links, not as an article
        ("feed.atom.gz", "feed", None),
        ("table.tsv", "csv", None),  # looked at first: a TSV is not read as a CSV
        ("notes.text", "text", None),
        ("crawl.arc", "arc", "warc"),
        ("https://news.example/a.html?page=2", "html", None),
    ],
)
def test_one_table_says_kind_and_format(name: str, kind: str, fmt: str | None) -> None:
    """What detect.py and read.py once kept in two tables now agree row by row."""
    assert (kind_of_name(name), format_of(name)) == (kind, fmt)


def test_content_types() -> None:
    assert kind_of_content_type("Application/RSS+XML; charset=utf-8") == "feed"
    assert kind_of_content_type("image/png") is None
    assert kind_of_content_type(None) is None

"""Edits people can trust, through the views of a warehouse built by the real ingest.

Each test writes small plain-text captures of one article (header lines `title:`, `url:`,
`seen:`), ingests them with the real flow on the real Prefect engine into a DuckDB file in
tmp_path, and reads only the contract's views.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pressdiff.cli import main
from tests.flows.test_ingest import query, run, write

pytestmark = pytest.mark.usefixtures("prefect")

URL = "https://harbour-news.example/2026/03/ferry-sunday"
FERRY = [
    "The mayor’s office said the ferry would run on Sunday as planned.",
    "The crossing to the island takes about forty minutes in calm weather.",
    "Tickets will be sold at the harbour office from eight in the morning.",
    "The operator said it had hired two extra crew members for the weekend.",
    "Islanders had asked for a Sunday service for more than three years.",
]


def capture(
    folder: Path, name: str, seen: str, paragraphs: list[str], title: str = "Ferry"
) -> Path:
    """A plain-text capture of URL seen at `seen`."""
    header = f"title: {title}\nurl: {URL}\nseen: {seen}\n\n"
    return write(folder / name, header + "\n\n".join(paragraphs) + "\n")


def test_spacing_invisible_marks_and_wordless_pieces_are_not_edits(tmp_path):
    db, src = tmp_path / "w.duckdb", tmp_path / "in"
    v1 = capture(src, "v1.txt", "2026-03-01T08:00:00Z", [FERRY[0], "•", *FERRY[1:]])
    respaced = [
        "The mayor ’s office said the ferry would run on Sunday as planned .",
        "\u0095",
        "''",
        "The crossing to the island takes about forty minutes\u200e in calm weather.",
        "Tickets will be sold at the \u2066harbour office\u2069 from eight in the morning.",
        "The operator said it had hired two extra crew members for the weekend .",
        "Islanders had asked for a Sunday\u2060 service for more than three years.",
    ]
    v2 = capture(src, "v2.txt", "2026-03-01T09:00:00Z", respaced)
    run([v1], db, workers=0)
    second = run([v2], db, workers=0)
    assert (second.versions_new, second.unchanged, second.comparisons) == (0, 1, 0)
    assert query(db, "select count(*) from versions") == [(1,)]
    assert query(db, "select count(*) from comparisons") == [(0,)]
    assert query(db, "select text from sentences order by sentence_no") == [(s,) for s in FERRY]


def test_a_dateline_after_a_caption_paragraph_is_lifted(tmp_path):
    db, src = tmp_path / "w.duckdb", tmp_path / "in"
    lead = "JANESVILLE, Wis. — " + FERRY[0]
    v1 = capture(src, "v1.txt", "2026-03-01T08:00:00Z", [lead, *FERRY[1:]])
    v2 = capture(src, "v2.txt", "2026-03-01T09:00:00Z", ["Photo", lead, *FERRY[1:]])
    run([v1], db, workers=0)
    run([v2], db, workers=0)
    assert query(db, "select version_no, dateline from versions order by 1") == [
        (1, "JANESVILLE, Wis."),
        (2, "JANESVILLE, Wis."),
    ]
    assert query(db, "select count(*) from sentences where text like '%JANESVILLE%'") == [(0,)]
    assert query(db, "select kind, new_text from sentence_edits where kind <> 'same'") == [
        ("added", "Photo")
    ]


def test_phrase_edits_and_diff_show_the_text_as_published(tmp_path, capsys):
    db, src = tmp_path / "w.duckdb", tmp_path / "in"
    old = "The operator said it’s ready for Sunday — weather permitting."
    new = "The operator said it isn’t ready for Sunday – weather permitting."
    v1 = capture(src, "v1.txt", "2026-03-01T08:00:00Z", [*FERRY, old])
    v2 = capture(src, "v2.txt", "2026-03-01T09:00:00Z", [*FERRY, new])
    run([v1], db, workers=0)
    run([v2], db, workers=0)
    changed = "select kind, old_text, new_text from sentence_edits where kind <> 'same'"
    assert query(db, changed) == [("changed", old, new)]
    # the dash is typography; the words are the edit, as they were written
    assert query(db, "select removed, inserted from phrase_edits") == [("it’s", "it isn’t")]
    assert main(["diff", URL, "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "~ The operator said [-it’s-]{+it isn’t+} ready for Sunday – weather" in out

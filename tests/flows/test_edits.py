"""Edits people can trust, through the views of a warehouse built by the real ingest.

Each test writes small plain-text captures of one article (header lines `title:`, `url:`,
`seen:`), ingests them with the real flow on the real Prefect engine into a DuckDB file in
tmp_path, and reads only the contract's views.
"""

from __future__ import annotations

import pytest

from pressdiff.cli import main
from tests.helpers import FERRY, capture, query, run, write
from tests.helpers import FERRY_URL as URL

pytestmark = pytest.mark.usefixtures("prefect")


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
    assert query(
        db, "select kind, new_text, category from sentence_edits where kind <> 'same'"
    ) == [("added", "Photo", "boilerplate")]
    assert query(db, "select n_added, n_boilerplate from comparisons") == [(0, 1)]


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


def test_notable_changes_give_the_headline_and_only_replaced_numbers(tmp_path):
    db, src = tmp_path / "w.duckdb", tmp_path / "in"
    before = [*FERRY[:3], "The operator said it had hired 2 extra crew members.", FERRY[4]]
    after = [
        FERRY[0],
        "The crossing to the island takes about 45 minutes in calm weather.",
        FERRY[2],
        "The operator said it had hired extra crew members.",  # a figure deleted: no number
        FERRY[4],
    ]
    before[1] = before[1].replace("forty", "40")
    v1 = capture(src, "v1.txt", "2026-03-01T08:00:00Z", before, title="Ferry to run Sunday")
    v2 = capture(src, "v2.txt", "2026-03-01T09:00:00Z", after, title="Sunday ferry confirmed")
    run([v1], db, workers=0)
    run([v2], db, workers=0)
    assert query(db, "select rule, detail from notable_changes order by all") == [
        ("headline changed", "Ferry to run Sunday → Sunday ferry confirmed"),
        ("number changed", "40 → 45"),
    ]


def test_on_a_day_tie_the_copy_seen_first_is_the_original(tmp_path):
    src = tmp_path / "in"
    longer = [*FERRY, "The harbour master said the new timetable would be published on Friday."]
    for name, site, seen, paragraphs in [
        ("first.txt", "first.example", "2026-03-01T08:00:00Z", FERRY),
        ("longer.txt", "later.example", "2026-03-01T11:00:00Z", longer),
    ]:
        header = f"url: https://{site}/ferry\ndate 2026-03-01\nseen: {seen}\n\n"
        write(src / name, header + "\n\n".join(paragraphs) + "\n")
    db = tmp_path / "w.duckdb"
    run([src], db, workers=0)
    assert query(
        db,
        """select a.site, m.is_original from story_members m
           join articles a using (article_id) order by 1""",
    ) == [("first.example", True), ("later.example", False)]


def test_a_late_capture_replaces_the_comparison_that_spanned_it(tmp_path):
    db, src = tmp_path / "w.duckdb", tmp_path / "in"
    texts = [
        FERRY,
        [*FERRY[:4], "Islanders had asked for a Sunday service for years."],
        [*FERRY[:4], "Islanders had asked for a Sunday service for years.", "More to follow."],
    ]
    seen = ["2026-03-01T08:00:00Z", "2026-03-01T09:00:00Z", "2026-03-01T10:00:00Z"]
    titles = ["Ferry to run Sunday", "Ferry to run Sunday", "Sunday ferry confirmed"]
    files = [capture(src, f"v{k + 1}.txt", seen[k], texts[k], title=titles[k]) for k in range(3)]
    for k in (2, 0, 1):  # v3, then v1, then v2: one ingest each
        run([files[k]], db, workers=0)
    steps = """select o.version_no, n.version_no, c.n_changed, c.n_added, c.n_removed
               from comparisons c
               join versions o on o.version_id = c.old_version_id
               join versions n on n.version_id = c.new_version_id order by all"""
    assert query(db, steps) == [(1, 2, 1, 0, 0), (2, 3, 0, 1, 0)]
    # nothing is left of the v1 -> v3 step: no edits, no phrases, no notable change
    assert query(
        db,
        """select count(*) from sentence_edits e
           where e.comparison_id not in (select comparison_id from comparisons)""",
    ) == [(0,)]
    assert query(
        db,
        """select count(*) from phrase_edits p
           where p.comparison_id not in (select comparison_id from comparisons)""",
    ) == [(0,)]
    assert query(
        db,
        """select v.version_no, n.rule from notable_changes n join versions v using (version_id)
           order by all""",
    ) == [(3, "headline changed")]
    assert query(db, "select count(*) from term_swaps") == [(0,)]


def test_moved_and_edited_and_rewritten_sentences_are_changed_and_unrelated_ones_are_not(
    tmp_path,
):
    db, src = tmp_path / "w.duckdb", tmp_path / "in"
    council = "The council will review the service in the autumn."
    rewritten = "In calm weather, the island crossing takes about forty minutes."
    moved = "Tickets will be on sale at the harbour office from eight o'clock."
    parking = "Parking near the pier will be free on Sundays."
    v1 = capture(src, "v1.txt", "2026-03-01T08:00:00Z", [*FERRY, council])
    v2 = capture(
        src, "v2.txt", "2026-03-01T09:00:00Z", [FERRY[0], rewritten, *FERRY[3:], moved, parking]
    )
    run([v1], db, workers=0)
    run([v2], db, workers=0)
    assert query(
        db,
        """select kind, old_sentence_no, new_sentence_no, moved from sentence_edits
           where kind <> 'same' order by all""",
    ) == [
        ("added", None, 6, False),  # unrelated: never paired with the removed sentence
        ("changed", 2, 2, False),  # rewritten in place
        ("changed", 3, 5, True),  # moved to the end and edited
        ("removed", 6, None, False),
    ]
    assert query(db, "select n_changed, n_added, n_removed, n_moved from comparisons") == [
        (2, 1, 1, 0)
    ]


SITE = "https://harbour-news.example/2026/03/"
FOOTER = "Follow Harbour News on Mastodon for updates from the island every day."


def test_page_furniture_and_site_boilerplate_are_labelled_never_counted(tmp_path):
    db, src = tmp_path / "w.duckdb", tmp_path / "in"
    bodies = {
        "school": "Pupils of the island school will learn to sail this summer, with lessons "
        "given twice a week by volunteers from the rowing club near the old quay.",
        "market": "Stallholders voted to move the Saturday market indoors for the winter, "
        "after gales tore three awnings in November and soaked the fish counter.",
        "lighthouse": "A local trust bought the disused lighthouse at auction and plans a "
        "small museum about the keepers who lived there until nineteen eighty.",
    }
    for topic, body in bodies.items():
        write(src / "site" / f"{topic}.txt", f"url: {SITE}{topic}\n\n{body}\n\n{FOOTER}\n")
    run([src / "site"], db, workers=0)
    v1 = capture(src, "v1.txt", "2026-03-01T08:00:00Z", FERRY)
    furnished = [
        "Photo",
        *FERRY[:2],
        "Advertisement Continue reading the main story",
        *FERRY[2:],
        "Jane Doe contributed reporting.",
        "This material may not be published, broadcast, rewritten or redistributed.",
        FOOTER,
    ]
    v2 = capture(src, "v2.txt", "2026-03-01T09:00:00Z", furnished)
    run([v1], db, workers=0)
    run([v2], db, workers=0)
    assert query(
        db,
        """select n_same, n_changed, n_added, n_removed, n_boilerplate, significance, summary
           from comparisons where relation = 'revision'""",
    ) == [(5, 0, 0, 0, 5, None, "5 boilerplate")]
    assert query(
        db,
        """select kind, new_sentence_no, category, significance from sentence_edits
           where kind <> 'same' order by new_sentence_no""",
    ) == [
        ("added", 1, "boilerplate", "minor"),
        ("added", 4, "boilerplate", "minor"),
        ("added", 8, "boilerplate", "minor"),
        ("added", 9, "boilerplate", "minor"),
        ("added", 10, "boilerplate", "minor"),
    ]
    assert query(db, "select count(*) from notable_changes") == [(0,)]


def test_every_edit_has_a_category_significance_and_rule_and_notable_changes_filter(tmp_path):
    db, src = tmp_path / "w.duckdb", tmp_path / "in"
    v1 = capture(src, "v1.txt", "2026-03-01T08:00:00Z", FERRY, title="Ferry to run Sunday")
    edited = [
        FERRY[0].replace("planned", "plannned"),
        FERRY[1].replace("forty", "forty-five"),
        FERRY[2].replace("eight", "8").replace("the morning", "the morning, 2 hours early"),
        *FERRY[3:],
        "Correction: an earlier version of this story gave the wrong departure time.",
    ]
    v2 = capture(src, "v2.txt", "2026-03-01T09:00:00Z", edited, title="Ferry to run Sunday")
    run([v1], db, workers=0)
    run([v2], db, workers=0)
    assert query(
        db,
        """select kind, category, significance, rule is not null from sentence_edits
           where kind <> 'same' order by coalesce(new_sentence_no, old_sentence_no)""",
    ) == [
        ("changed", "spelling/typo", "minor", True),
        ("changed", "wording", "minor", True),
        ("changed", "wording", "substantive", True),
        ("added", "correction notice", "major", True),
    ]
    assert query(db, "select significance, summary from comparisons") == [
        ("major", "2 wording, 1 correction notice, 1 spelling/typo")
    ]
    assert query(
        db, "select rule from notable_changes where significance = 'major' order by rule"
    ) == [("correction added",)]


def test_records_carry_their_own_capture_time(tmp_path):
    """JSON Lines and CSV records with `seen_at` (or `fetched_at`, `crawled_at`), in one
    ingest and out of order, become versions in capture order."""
    import csv
    import json

    db, src = tmp_path / "w.duckdb", tmp_path / "in"
    texts = [
        " ".join(FERRY),
        " ".join([*FERRY[:4], "Islanders had asked for a Sunday service for years."]),
        " ".join([*FERRY[:4], "Islanders had asked for it for years.", "More soon."]),
    ]
    lines = [
        {"url": URL, "text": texts[2], "seen_at": "2026-03-01T10:00:00Z"},
        {"url": URL, "text": texts[0], "fetched_at": "2026-03-01T08:00:00+00:00"},
    ]
    write(src / "crawl.jsonl", "\n".join(json.dumps(x) for x in lines) + "\n")
    with (src / "later.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["url", "text", "crawled_at"])
        w.writerow([URL, texts[1], "Sun, 01 Mar 2026 09:00:00 +0000"])
    run([src], db, workers=0)
    hour = "select version_no, hour(seen_at), valid_to is null from versions order by 1"
    assert query(db, hour) == [(1, 8, False), (2, 9, False), (3, 10, True)]
    steps = """select o.version_no, n.version_no from comparisons c
               join versions o on o.version_id = c.old_version_id
               join versions n on n.version_id = c.new_version_id order by all"""
    assert query(db, steps) == [(1, 2), (2, 3)]

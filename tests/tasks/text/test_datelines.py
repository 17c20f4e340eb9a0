"""Header lines and datelines: lifted out as fields, never mistaken for prose."""

from __future__ import annotations

import pytest

from tasks.text.datelines import (
    Header,
    is_bare_dateline,
    lift_dateline,
    split_dateline,
    split_header,
)
from tasks.text.segment import split_paragraphs

BODY = "Officials said on Wednesday that the talks had gone well."

# ---------------------------------------------------------------- split_header


def test_date_header_and_dateline_on_one_line() -> None:
    header = split_header(f" date 2017-02-08 ANKARA: {BODY}\n\nSecond paragraph.")
    assert header == Header({"published_at": "2017-02-08"}, f"ANKARA: {BODY}\n\nSecond paragraph.")
    assert split_dateline(split_paragraphs(header.body)[0]) == ("ANKARA", BODY)


def test_header_lines_become_fields() -> None:
    text = (
        "title: Talks went well\n"
        "url: https://example.com/a?utm_source=x\n"
        "seen: 2017-02-09T10:00:00Z\n"
        "\n"
        f"{BODY}\nSecond line."
    )
    assert split_header(text) == Header(
        {
            "title": "Talks went well",
            "url": "https://example.com/a?utm_source=x",
            "seen_at": "2017-02-09T10:00:00Z",
        },
        f"{BODY}\nSecond line.",
    )


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        ("Date: 2017-02-08T10:30:00+03:00\nBody.", {"published_at": "2017-02-08T10:30:00+03:00"}),
        ("published_at=2017-02-08 10:30\nBody.", {"published_at": "2017-02-08 10:30"}),
        ("PUBLISHED 2017-02-08T10:30Z\nBody.", {"published_at": "2017-02-08T10:30Z"}),
        ("headline: H\nBody.", {"title": "H"}),
        ("link: https://example.com/x\nBody.", {"url": "https://example.com/x"}),
        ("By: Jane Doe\nBody.", {"byline": "Jane Doe"}),
        ("author: Jane Doe\nBody.", {"byline": "Jane Doe"}),
        ("retrieved: 2017-02-09\nBody.", {"seen_at": "2017-02-09"}),
        ("Title:    spaced out   \r\nBody.", {"title": "spaced out"}),
        ("\ufefftitle: After a BOM\nBody.", {"title": "After a BOM"}),
        # the first of a repeated key wins
        ("title: First\ntitle: Second\nBody.", {"title": "First"}),
        ("date 2017-02-08\ndate 2018-01-01\nBody.", {"published_at": "2017-02-08"}),
        # blank lines between header lines
        (
            "author: Jane\n\n\ndate 2017-02-08\n\nBody.",
            {"byline": "Jane", "published_at": "2017-02-08"},
        ),
    ],
)
def test_header_variants(text: str, fields: dict[str, str]) -> None:
    assert split_header(text) == Header(fields, "Body.")


@pytest.mark.parametrize(
    "text",
    [
        "date yesterday\nBody.",  # a date header needs a date
        "dated 2017-02-08 the letter arrived.",
        "Update: the story changed on Tuesday.",
        "By the time we arrived: it was over.",
        "Body first.\ntitle: a late line is prose",
        "Officials said: talks went well.",
    ],
)
def test_prose_is_not_a_header(text: str) -> None:
    assert split_header(text) == Header({}, text)


def test_empty_header_value_does_not_swallow_the_body() -> None:
    header = split_header(f"title:\n{BODY}\nSecond line.")
    assert "title" not in header.fields
    assert header.body.endswith(f"{BODY}\nSecond line.")


# ---------------------------------------------------------------- split_dateline


@pytest.mark.parametrize(
    ("prefix", "dateline"),
    [
        ("ANKARA (Reuters) - ", "ANKARA (Reuters)"),
        ("ANKARA: ", "ANKARA"),
        ("ANKARA – ", "ANKARA"),
        ("WASHINGTON — ", "WASHINGTON"),
        ("WASHINGTON, Feb 8 (Reuters) — ", "WASHINGTON, Feb 8 (Reuters)"),
        ("WASHINGTON, Feb. 8 (Reuters) - ", "WASHINGTON, Feb. 8 (Reuters)"),
        ("LONDON, 8 February - ", "LONDON, 8 February"),
        ("NEW YORK (AP) — ", "NEW YORK (AP)"),
        ("SAN JOSE, Calif. (AP) — ", "SAN JOSE, Calif. (AP)"),
        ("ST. LOUIS (AP) — ", "ST. LOUIS (AP)"),
        ("KABUL/ISLAMABAD (Reuters) - ", "KABUL/ISLAMABAD (Reuters)"),
    ],
)
def test_split_dateline(prefix: str, dateline: str) -> None:
    assert split_dateline(prefix + BODY) == (dateline, BODY)


@pytest.mark.parametrize(
    "paragraph",
    [
        "U.S. officials said on Wednesday that the talks had gone well.",
        "U.S.-Turkish differences impeded the campaign for many months.",
        "NATO allies said on Wednesday that the talks had gone well.",
        "NATO said on Wednesday that the talks had gone well.",
        "NATO-led forces said on Wednesday that the talks had gone well.",
        "ABC News - officials said on Wednesday that the talks had gone well.",
        "ANKARA -Officials said on Wednesday that the talks had gone well.",
        "Officials in ANKARA: the talks had gone well, they said on Wednesday.",
        "ANKARA: Too short here.",  # what follows a dateline must be a sentence
        "",
    ],
)
def test_prose_is_not_a_dateline(paragraph: str) -> None:
    assert split_dateline(paragraph) == (None, paragraph)


def test_dateline_needs_twenty_characters_after_it() -> None:
    assert split_dateline("ANKARA: exactly twenty chars") == ("ANKARA", "exactly twenty chars")
    assert split_dateline("ANKARA: nineteen characters") == (None, "ANKARA: nineteen characters")


@pytest.mark.parametrize(
    ("prefix", "dateline"),
    [
        ("SÃO PAULO (Reuters) - ", "SÃO PAULO (Reuters)"),
        ("MÜNCHEN (dpa) - ", "MÜNCHEN (dpa)"),
        ("İSTANBUL: ", "İSTANBUL"),
    ],
)
def test_accented_place_names_are_datelines(prefix: str, dateline: str) -> None:
    assert split_dateline(prefix + BODY) == (dateline, BODY)


@pytest.mark.parametrize(
    ("paragraphs", "dateline", "rest"),
    [
        (
            ["JANESVILLE, Wis. — The plant will close at the end of the year, officials said."],
            "JANESVILLE, Wis.",
            ["The plant will close at the end of the year, officials said."],
        ),
        (
            ["Photo", "JANESVILLE, Wis. — The plant will close at the end of the year."],
            "JANESVILLE, Wis.",
            ["Photo", "The plant will close at the end of the year."],
        ),
        (
            ["Photo", "Getty Images", "SACRAMENTO, Calif. (AP) — The bill passed on Monday night."],
            "SACRAMENTO, Calif. (AP)",
            ["Photo", "Getty Images", "The bill passed on Monday night."],
        ),
        # a real paragraph before it: that is prose, not a dateline
        (
            ["The plant opened in 1919.", "JANESVILLE, Wis. — The plant will close this year."],
            None,
            ["The plant opened in 1919.", "JANESVILLE, Wis. — The plant will close this year."],
        ),
    ],
)
def test_a_dateline_is_lifted_after_caption_paragraphs(
    paragraphs: list[str], dateline: str | None, rest: list[str]
) -> None:
    assert lift_dateline(paragraphs) == (dateline, rest)


# ---------------------------------------------------------------- a dateline alone


@pytest.mark.parametrize(
    ("line", "bare"),
    [
        ("ANKARA (Reuters) -", True),
        ("WASHINGTON (AP)", True),
        ("ANKARA:", True),
        ("(Reuters) -", True),
        ("WASHINGTON, Feb 8 (AP) —", True),
        ("JANESVILLE, Wis. —", True),
        ("MÜNCHEN (dpa) –", True),
        ("Paris:", False),  # a place is written in capitals
        ("WASHINGTON", False),  # a word in capitals with nothing after it is a heading
        ("(You can read it here.)", False),  # a sentence in brackets is no agency
        (f"ANKARA (Reuters) - {BODY}", False),
    ],
)
def test_bare_dateline(line: str, bare: bool) -> None:
    """A dateline with nothing after it, by the grammar of a leading one."""
    assert is_bare_dateline(line) is bare

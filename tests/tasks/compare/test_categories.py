"""Every category of the edit taxonomy, on constructed examples through `compare`."""

from __future__ import annotations

import pytest

from tasks.compare.align import compare
from tasks.text.segment import split_sentences

BASE = [
    "The mayor said the ferry would run on Sunday as planned.",
    "The crossing to the island takes about forty minutes in calm weather.",
    "Tickets cost 12 euros and will be sold at the harbour office.",
    "“We have waited three years for this,” said Anna Berg, who runs the island shop.",
    "The operator said it had hired two extra crew members for the weekend.",
]


def labels(new: list[str], old: list[str] = BASE) -> list[tuple[str, str, str | None]]:
    c = compare("t", split_sentences(old), "t", split_sentences(new))
    return [(e.kind, e.category, e.significance) for e in c.edits if e.kind != "same"]


def edit(k: int, text: str) -> list[str]:
    return [text if i == k else s for i, s in enumerate(BASE)]


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        (edit(0, BASE[0].replace("planned", "plannned")), ("changed", "spelling/typo", "minor")),
        (edit(2, BASE[2].replace("12", "15")), ("changed", "number", "major")),
        (
            edit(3, BASE[3].replace("three years", "so long")),
            ("changed", "quote changed", "substantive"),
        ),
        (edit(3, BASE[3].replace("Anna Berg", "Maria Lund")), ("changed", "name", "substantive")),
        (
            edit(4, BASE[4].replace("The operator said", "According to the operator,")),
            ("changed", "attribution", "substantive"),
        ),
        (edit(1, BASE[1].replace("about", "roughly")), ("changed", "wording", "minor")),
        (
            edit(1, BASE[1].replace("in calm weather", "when the sea is not rough at all")),
            ("changed", "wording", "substantive"),
        ),
        (
            [*BASE, "Correction: an earlier version gave the wrong price."],
            ("added", "correction notice", "major"),
        ),
        ([*BASE, "“It is a good day,” the mayor added."], ("added", "quote added", "substantive")),
        (
            [*BASE, "Parking near the pier will be free on Sundays."],
            ("added", "sentence added", "substantive"),
        ),
        (BASE[:3] + BASE[4:], ("removed", "quote removed", "major")),
        (BASE[:4], ("removed", "sentence removed", "substantive")),
        ([*BASE[1:], BASE[0]], ("moved", "moved", "minor")),
        ([*BASE, "Photo: Jane Doe"], ("added", "boilerplate", "minor")),
    ],
)
def test_each_category(new: list[str], expected: tuple[str, str, str]) -> None:
    assert labels(new) == [expected]


def test_every_labelled_row_says_which_rule_gave_it() -> None:
    c = compare(
        "t", split_sentences(BASE), "t", split_sentences(edit(2, BASE[2].replace("12", "15")))
    )
    (row,) = [e for e in c.edits if e.kind != "same"]
    assert row.rule == "a number replaced by a number: 12 → 15"
    assert (c.significance, c.summary) == ("major", "1 number")


def test_a_new_headline_is_at_least_substantive_and_named() -> None:
    c = compare("Ferry runs", split_sentences(BASE), "Ferry to run", split_sentences(BASE))
    assert (c.significance, c.summary) == ("substantive", "headline")
    assert compare("t", split_sentences(BASE), "t", split_sentences(BASE)).summary == "no edits"

"""Phrase edits: the smallest word-level spans between two sentences, as published."""

from __future__ import annotations

from tasks.compare.phrases import phrase_edits


def test_phrase_edits_keep_names_whole() -> None:
    assert phrase_edits("the fight against Islamic State.", "the fight against Daesh.") == [
        ("Islamic State", "Daesh")
    ]


def test_phrase_edits_deletion_and_insertion_carry_one_space() -> None:
    assert phrase_edits("threatened by Islamist militants or", "threatened by militants or") == [
        ("Islamist ", "")
    ]
    assert phrase_edits("said on Monday", "said late on Monday") == [("", "late ")]
    assert phrase_edits("it said so", "it said") == [(" so", "")]


def test_phrase_edits_punctuation_and_words() -> None:
    assert phrase_edits("Erdogan's office, he said.", "Erdogan's office said.") == [(", he", "")]
    assert phrase_edits("U.S.-led campaign", "U.S.-backed campaign") == [
        ("U.S.-led", "U.S.-backed")
    ]
    assert phrase_edits("Same text.", "Same text.") == []
    assert phrase_edits("", "New words.") == [("", "New words.")]


def test_phrase_edits_several_spans() -> None:
    assert phrase_edits(
        "neutralising IS in Syria where IS declared",
        "neutralising Daesh in Syria where Daesh declared",
    ) == [
        ("IS", "Daesh"),
        ("IS", "Daesh"),
    ]


def test_phrase_edits_are_cut_from_the_text_as_published() -> None:
    old = "The mayor’s “plan” — five days, he said."
    new = 'The mayor\'s "plan" - seven days.'
    assert phrase_edits(old, new) == [("five", "seven"), (", he said", "")]
    # invisible characters are no tokens: deleting one is no edit
    assert phrase_edits("a\u200b b c", "a b d") == [("c", "d")]

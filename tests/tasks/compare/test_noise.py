"""What is not prose: boilerplate lines, bare datelines, the words a side is compared on."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tasks.compare.align import align
from tasks.compare.noise import _PUNCTUATION, Side, is_boilerplate
from tasks.text.typography import comparison_form, text_hash
from warehouse.records import Sentence

PROSE = "The council approved the new budget on Tuesday after a long debate."


def test_is_boilerplate() -> None:
    assert is_boilerplate("Reporting by A. Writer; Editing by B. Editor")
    assert is_boilerplate("(Additional reporting by C. Writer in Ankara)")
    assert is_boilerplate("Writing by D. Writer")
    assert is_boilerplate("© 2017 Thomson Reuters")
    assert is_boilerplate("ANKARA (Reuters) -")
    assert is_boilerplate("WASHINGTON (AP)")
    assert is_boilerplate("Our Standards: The Thomson Reuters Trust Principles.")
    assert not is_boilerplate("Reporters were kept out of the building.")
    assert not is_boilerplate("KIND OF SCARY")  # an all-capitals subheading is content
    assert not is_boilerplate("(You can read it here.)")
    assert not is_boilerplate(PROSE)


def test_bare_datelines_of_the_one_grammar_are_boilerplate() -> None:
    """The dateline grammar of `tasks.text.datelines`, alone on a line: capitals of any
    script, a day, a long dash."""
    assert is_boilerplate("MÜNCHEN (dpa) -")
    assert is_boilerplate("WASHINGTON, Feb 8 (AP) —")
    assert is_boilerplate("JANESVILLE, Wis. —")
    assert not is_boilerplate("Janesville, Wis. —")
    assert not is_boilerplate("(Read the full report here.)")


@given(st.text())
def test_words_are_cut_alike_for_any_script(text: str) -> None:
    """A non-ASCII key is cut by a regex, an ASCII one by `translate`: the same words."""
    norm = comparison_form(text)
    side = Side([], [norm], [text_hash(norm)])
    assert side.words(0) == norm.translate(_PUNCTUATION).split()


def test_a_bare_dateline_with_capitals_of_any_script_is_no_edit() -> None:
    """Before the one grammar, "MÜNCHEN (dpa) -" alone on its line was an added sentence."""
    old = [_sentence(1, PROSE)]
    new = [_sentence(1, "MÜNCHEN (dpa) -"), _sentence(2, PROSE)]
    assert [(e.kind, e.old_sentence_no, e.new_sentence_no) for e in align(old, new)] == [
        ("same", 1, 2)
    ]


def _sentence(no: int, text: str) -> Sentence:
    norm = comparison_form(text)
    return Sentence(no, no, text, norm, text_hash(norm))

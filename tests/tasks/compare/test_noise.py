"""What is not prose: boilerplate lines, bare datelines, the words a side is compared on."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from tasks.compare.align import align
from tasks.compare.noise import (
    _BARE_DATELINE_ENDS,
    _PUNCTUATION,
    Side,
    is_boilerplate,
    may_open_with_dateline,
)
from tasks.text.datelines import is_bare_dateline, split_dateline
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


# Lines near the dateline grammar: places in capitals, title case or lower case (any script),
# a region, a day, an agency, a colon or dash, then prose or nothing, spaces or a newline.
_CAPITALS = ["ANKARA", "NEW YORK", "MÜNCHEN", "O'NEIL", "ΑΘΗΝΑ", "ÉVORA", "RIO/SÃO PAULO"]
_OTHER_PLACES = ["Paris", "São Paulo", "aB", "x", "ǅemal", "Москва", "St.", "US-based", "I'm", "ª"]
near_datelines = st.builds(
    lambda place, region, day, agency, dash, rest: place + region + day + agency + dash + rest,
    st.sampled_from(_CAPITALS) | st.sampled_from(_OTHER_PLACES),
    st.sampled_from(["", ", Wis.", ", N.Y.", ",Calif"]),
    st.sampled_from(["", ", Feb 8", ", 8 Feb."]),
    st.sampled_from(["", " (Reuters)", "(AP)", " (dpa.)", " (Agence France-Presse)", "("]),
    st.sampled_from([" -", ":", " —", " –", "-", " :", " - ", ") -", ""]),
    st.sampled_from([" The talks went on late into the night.", "", " ", "\n", " \n", " x"])
    | st.text(max_size=30),
)


@given(near_datelines | st.text())
@example("Apple Watch (Series 3) - the watch that started it all, now cheaper.")
@example("JANESVILLE, Wis. — The mayor said the ferry would run on Sunday as planned.")
@example("WASHINGTON (AP) \n")
def test_the_quick_dateline_checks_never_miss_one(line: str) -> None:
    """`comparison_key` and `is_boilerplate` skip the long dateline grammar on lines the
    grammar cannot take; the quick checks must hold on every line the grammar takes."""
    assert may_open_with_dateline(line) or split_dateline(line)[0] is None
    assert line.rstrip().endswith(_BARE_DATELINE_ENDS) or not is_bare_dateline(line)


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

"""Page furniture: the quick scan for openers takes what case-blind matching takes."""

from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st

from tasks.compare.furniture import _OPENERS, _OPENING, trie_pattern

_CASE_BLIND = re.compile(r"\n(?i:" + trie_pattern(sorted([*_OPENERS, "this material"])) + r")\b")
_OPENER_TEXT = st.sampled_from(sorted([*_OPENERS, "this material", "thisx", "The", "ski"]))


@given(
    st.lists(
        st.one_of(_OPENER_TEXT, st.text(alphabet="aApPhHiIİıſKkSsTt \u212a", max_size=8)),
        max_size=3,
    ).map("".join)
)
@example("PHOTOS")
@example("Thıs")
@example("ſee")
@example("AFP\u212a")
def test_openers_are_found_as_case_blind_matching_finds_them(line: str) -> None:
    text = "\n" + line
    assert bool(_OPENING.match(text)) == bool(_CASE_BLIND.match(text))

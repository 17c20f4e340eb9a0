"""Sentence pairing: its quick paths give what the general ones give."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from tasks.compare.noise import Side
from tasks.compare.pairing import (
    _CONTENT_WORD,
    _FUNCTION_WORDS,
    _content,
    _content_and_more,
    _content_within,
    _ordered_pairs_numpy,
    _ordered_pairs_small,
    _similarities,
    _similarities_small,
)
from tasks.text.typography import comparison_form, text_hash

# float32 values near the floors: 0.9 in float32 is just under 0.9 in float64
_VALUES = [0.0, 0.25, 0.5, 0.5000001, 0.6, 0.89999, 0.9, 1.0]
small_matrices = st.integers(1, 8).flatmap(
    lambda cols: st.lists(
        st.lists(st.sampled_from(_VALUES), min_size=cols, max_size=cols), min_size=1, max_size=8
    )
)


@given(small_matrices, st.sampled_from([0.5, 0.6, 0.9]))
@settings(max_examples=300, deadline=None)
def test_small_matrix_pairs_as_numpy_would(matrix: list[list[float]], floor: float) -> None:
    """The scan in Python picks the same pairs as numpy's argmax: ties to the first in row
    order, and values compared with the floor in the matrix's own precision (float32)."""
    sim = np.array(matrix, dtype=np.float32)
    quick = _ordered_pairs_small(sim.tolist(), float(np.float32(floor)))
    assert quick == _ordered_pairs_numpy(sim, floor)


words = st.lists(
    st.sampled_from(["the", "mayor", "said", "ferry", "Sunday", "a", "x"]), max_size=12
)


@given(st.lists(words, min_size=1, max_size=4), st.lists(words, min_size=1, max_size=4))
@settings(max_examples=300, deadline=None)
def test_small_similarities_are_cdists_float32_values(olds: list, news: list) -> None:
    """Scores of a small gap computed in a Python loop are rounded as `cdist` rounds them."""
    scores = [[fuzz.ratio(a, b) for b in news] for a in olds]
    assert _similarities_small(scores) == _similarities(olds, news).tolist()


@given(st.text(alphabet=st.sampled_from("Ab1 ,.'-\x01\x7féß_"), max_size=60))
def test_content_words_are_the_scans_for_any_key(text: str) -> None:
    """The quick cuts of ASCII keys give the content words the scan of the key gives."""
    norm = comparison_form(text)
    side = Side([], [norm], [text_hash(norm)])
    assert _content(side, 0) == set(_CONTENT_WORD.findall(norm.lower())) - _FUNCTION_WORDS


@given(st.text(alphabet=st.sampled_from("Ab1 ,.'-\x01\x7féß_"), max_size=60) | st.text())
def test_the_quick_bag_meets_content_words_as_the_content_bag_does(text: str) -> None:
    """Leftovers are dismissed by the common part of a quick bag with the other side's
    content words: the quick bag holds the content words and only words that are never one."""
    norm = comparison_form(text)
    side = Side([], [norm], [text_hash(norm)])
    content, more = _content(side, 0), _content_and_more(side, 0)
    assert content <= more
    assert all(len(w) <= 3 or w in _FUNCTION_WORDS for w in more - content)


@given(st.text(alphabet=st.sampled_from("Ab1 ,.'-\x01\x7féß_"), max_size=60) | st.text())
def test_content_words_taken_from_the_quick_bag_are_the_content_words(text: str) -> None:
    """Loose pairing takes an old leftover's content words from its quick bag: the same set."""
    norm = comparison_form(text)
    side = Side([], [norm], [text_hash(norm)])
    assert _content_within(_content_and_more(side, 0), side, 0) == _content(side, 0)

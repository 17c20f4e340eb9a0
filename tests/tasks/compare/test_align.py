"""Sentence alignment through its entry: the seed pair, properties, edge cases, re-crawls."""

from __future__ import annotations

import gzip
import itertools
import json
import random
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import pytest
import trafilatura
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.bench_align import make_sentences
from tasks.compare.align import SentenceEdit, align, compare
from tasks.compare.noise import comparison_key, is_boilerplate
from tasks.compare.phrases import PhraseEdit, phrase_edits_for, phrase_ops
from tasks.text.datelines import split_dateline, split_header
from tasks.text.segment import split_paragraphs, split_sentences
from tests.helpers import corpus
from warehouse.records import Sentence

# ---------------------------------------------------------------- helpers


sentences = make_sentences  # numbered from 1, from paragraphs of sentence texts


def flat(texts: Sequence[str]) -> list[Sentence]:
    """One sentence per paragraph."""
    return sentences([[t] for t in texts])


def shape(edits: Sequence[SentenceEdit]) -> list[tuple[str, int | None, int | None]]:
    return [(e.kind, e.old_sentence_no, e.new_sentence_no) for e in edits]


def non_same(edits: Sequence[SentenceEdit]) -> list[SentenceEdit]:
    return [e for e in edits if e.kind != "same"]


def pipeline_sentences(text: str) -> list[Sentence]:
    """Sentences the way the pipeline builds them: header, paragraphs, dateline, sentences."""
    paragraphs = split_paragraphs(split_header(text).body)
    _, paragraphs[0] = split_dateline(paragraphs[0])
    return split_sentences(paragraphs)


def apply(edits: Sequence[SentenceEdit], old: Sequence[Sentence]) -> list[str]:
    """The new text's sentence keys, rebuilt from `old` and the rows alone.

    Rows are read in order; a 'removed' row gives nothing; every other row gives its new
    sentence once (rows of a split or merge share a number). A 'same' row gives the old
    sentence's key unchanged; a 'changed' or 'moved' row gives the old sentence(s) of its
    group with the phrase operations applied, cut at the new sentences' boundaries; an
    'added' row gives its own text.
    """
    by_no = {s.sentence_no: s for s in old}
    out: list[str] = []
    seen: set[int] = set()
    groups = _groups(edits)
    for e in edits:
        n = e.new_sentence_no
        if n is None or n in seen:
            continue
        seen.add(n)
        if e.kind == "added":
            out.append(comparison_key(e.new_text or ""))
        elif e.kind == "same":
            out.append(comparison_key(by_no[e.old_sentence_no or 0].norm))
        else:
            olds, news = groups[n]
            rebuilt = _rebuild([by_no[i] for i in olds], news, edits)
            out.append(rebuilt[news.index(n)])
    return out


def _groups(edits: Sequence[SentenceEdit]) -> dict[int, tuple[list[int], list[int]]]:
    """For each new number of a changed/moved row: (old numbers, new numbers) of its group."""
    olds_of: dict[int, list[int]] = defaultdict(list)
    news_of: dict[int, list[int]] = defaultdict(list)
    for e in edits:
        if e.kind in ("changed", "moved") and e.old_sentence_no and e.new_sentence_no:
            olds_of[e.new_sentence_no].append(e.old_sentence_no)
            news_of[e.old_sentence_no].append(e.new_sentence_no)
    out = {}
    for n, olds in olds_of.items():
        news = news_of[olds[0]] if len(olds) == 1 else [n]
        out[n] = (olds, news)
    return out


def _rebuild(olds: list[Sentence], news: list[int], edits: Sequence[SentenceEdit]) -> list[str]:
    new_text = {e.new_sentence_no: e.new_text or "" for e in edits}
    old_joined = " ".join(comparison_key(s.norm) for s in olds)
    new_keys = [comparison_key(new_text[n]) for n in news]
    new_joined = " ".join(new_keys)
    text = old_joined
    for a, b, c, d in reversed(phrase_ops(old_joined, new_joined)):
        text = text[:a] + new_joined[c:d] + text[b:]
    assert text == new_joined
    parts, pos = [], 0
    for key in new_keys:
        parts.append(text[pos : pos + len(key)])
        pos += len(key) + 1
    return parts


# ---------------------------------------------------------------- the seed pair


@pytest.mark.corpus
def test_seed_pair_is_swaps_and_cuts_only(seeds: Path) -> None:
    wire = pipeline_sentences((seeds / "000_b4ab9eb716f0ff46.txt").read_text())
    copy = pipeline_sentences((seeds / "001_6f49e0fbfe08af1d.txt").read_text())
    assert (len(wire), len(copy)) == (35, 15)

    result = compare(None, wire, None, copy)

    changed = {1: 1, 2: 2, 4: 4, 5: 5, 8: 8, 13: 9, 16: 12}
    same = {3: 3, 6: 6, 7: 7, 14: 10, 15: 11, 17: 13, 18: 14, 19: 15}
    removed = [9, 10, 11, 12, *range(20, 36)]
    expected = sorted(
        [("changed", o, n) for o, n in changed.items()]
        + [("same", o, n) for o, n in same.items()]
        + [("removed", o, None) for o in removed],
        key=lambda row: row[1],
    )
    assert shape(result.edits) == expected
    for e in result.edits:
        old = wire[e.old_sentence_no - 1] if e.old_sentence_no else None
        new = copy[e.new_sentence_no - 1] if e.new_sentence_no else None
        assert e.old_text == (old.text if old else None)
        assert e.new_text == (new.text if new else None)
        if e.kind == "changed":
            assert 0.9 < e.similarity < 1.0
        else:
            assert e.similarity == (1.0 if e.kind == "same" else 0.0)

    assert (result.n_same, result.n_changed, result.n_removed) == (8, 7, 20)
    assert (result.n_added, result.n_moved, result.title_changed) == (0, 0, False)
    assert round(result.jaccard, 4) == 0.4217
    assert round(result.containment, 4) == 0.9309

    islamic_state, is_, islamist = ("Islamic State", "Daesh"), ("IS", "Daesh"), ("Islamist ", "")
    assert [
        (p.old_sentence_no, p.new_sentence_no, p.removed, p.inserted) for p in result.phrases
    ] == [
        (1, 1, *islamic_state),
        (2, 2, *islamic_state),
        (2, 2, *is_),
        (4, 4, *is_),
        (4, 4, *is_),
        (5, 5, *islamic_state),
        (8, 8, *is_),
        (13, 9, *islamic_state),
        (16, 12, *islamist),
    ]
    swaps = [(p.removed, p.inserted) for p in result.phrases]
    assert (swaps.count(islamic_state), swaps.count(is_), swaps.count(islamist)) == (4, 4, 1)


# ---------------------------------------------------------------- properties

WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india"]
sentence_text = st.lists(st.sampled_from(WORDS), min_size=4, max_size=9).map(
    lambda ws: " ".join(ws).capitalize() + "."
)
texts = st.lists(sentence_text, min_size=1, max_size=12, unique=True)


@st.composite
def edited_pairs(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    """An old sentence list and a new one made from it by random edits."""
    old = draw(texts)
    new = list(old)
    for _ in range(draw(st.integers(0, 4))):
        op = draw(st.sampled_from(["delete", "insert", "change", "move"]))
        if op == "insert" or not new:
            new.insert(draw(st.integers(0, len(new))), draw(sentence_text))
        elif op == "delete":
            new.pop(draw(st.integers(0, len(new) - 1)))
        elif op == "change":
            k = draw(st.integers(0, len(new) - 1))
            words = new[k].rstrip(".").split()
            words[draw(st.integers(0, len(words) - 1))] = draw(st.sampled_from(WORDS))
            new[k] = " ".join(words).capitalize() + "."
        else:
            k = draw(st.integers(0, len(new) - 1))
            new.insert(draw(st.integers(0, len(new) - 1)), new.pop(k))
    return old, new


@given(texts)
def test_self_comparison_is_all_same(old: list[str]) -> None:
    ss = flat(old)
    assert shape(align(ss, ss)) == [("same", i, i) for i in range(1, len(ss) + 1)]


@given(edited_pairs())
@settings(max_examples=300, deadline=None)
def test_applying_the_edits_to_old_gives_new(pair: tuple[list[str], list[str]]) -> None:
    old, new = flat(pair[0]), flat(pair[1])
    edits = align(old, new)
    assert apply(edits, old) == [s.norm for s in new]
    assert sorted({e.new_sentence_no for e in edits} - {None}) == [s.sentence_no for s in new]
    assert sorted({e.old_sentence_no for e in edits} - {None}) == [s.sentence_no for s in old]
    assert [e.new_sentence_no for e in edits if e.new_sentence_no] == sorted(
        e.new_sentence_no for e in edits if e.new_sentence_no
    )


@given(edited_pairs())
@settings(max_examples=300, deadline=None)
def test_swapping_sides_swaps_added_and_removed(pair: tuple[list[str], list[str]]) -> None:
    old, new = flat(pair[0]), flat(pair[1])
    forward, backward = compare(None, old, None, new), compare(None, new, None, old)
    assert (forward.n_added, forward.n_removed) == (backward.n_removed, backward.n_added)
    assert (forward.n_same, forward.n_changed, forward.n_moved) == (
        backward.n_same,
        backward.n_changed,
        backward.n_moved,
    )
    mirror = {"added": "removed", "removed": "added"}
    assert sorted(
        (mirror.get(e.kind, e.kind), e.new_sentence_no or 0, e.old_sentence_no or 0)
        for e in backward.edits
    ) == sorted((e.kind, e.old_sentence_no or 0, e.new_sentence_no or 0) for e in forward.edits)


@given(st.lists(texts, min_size=1, max_size=6), st.randoms(use_true_random=False))
def test_shuffled_paragraphs_are_only_same_or_moved(
    paragraphs: list[list[str]], rnd: random.Random
) -> None:
    unique = list(dict.fromkeys(t for p in paragraphs for t in p))
    blocks = [unique[i : i + 3] for i in range(0, len(unique), 3)]
    shuffled = list(blocks)
    rnd.shuffle(shuffled)
    edits = align(sentences(blocks), sentences(shuffled))
    assert {e.kind for e in edits} <= {"same", "moved"}
    assert len(edits) == len(unique)


# ---------------------------------------------------------------- cases

BODY = [
    "The council approved the new budget on Tuesday after a long debate.",
    "Spending on roads will rise by ten percent next year, officials said.",
    "The mayor called the vote a victory for residents of the eastern districts.",
    "Opposition members said the plan ignored the needs of small businesses.",
    "A final reading is expected in March, when the council meets again.",
    "Residents can comment on the plan online until the end of February.",
]


def test_sentence_split_shares_the_old_number() -> None:
    old = flat([*BODY[:2], "The mayor called the vote a victory, and she thanked the staff."])
    new = flat([*BODY[:2], "The mayor called the vote a victory.", "She thanked the staff."])
    rows = non_same(align(old, new))
    assert shape(rows) == [("changed", 3, 3), ("changed", 3, 4)]
    assert rows[0].similarity == rows[1].similarity > 0.5
    assert [
        (p.new_sentence_no, p.removed, p.inserted) for p in phrase_edits_for(rows, old, new)
    ] == [
        (3, ", and she", ". She"),
    ]


def test_sentence_merge_shares_the_new_number() -> None:
    old = flat([BODY[0], "The mayor called the vote a victory.", "She thanked the staff."])
    new = flat([BODY[0], "The mayor called the vote a victory and thanked the staff."])
    rows = non_same(align(old, new))
    assert shape(rows) == [("changed", 2, 2), ("changed", 3, 2)]
    assert [
        (p.old_sentence_no, p.removed, p.inserted) for p in phrase_edits_for(rows, old, new)
    ] == [
        (2, ". She", "and"),
    ]


def test_moved_block_is_moved_not_removed_and_added() -> None:
    old = flat(BODY)
    new = flat([BODY[0], BODY[3], BODY[4], BODY[5], BODY[1], BODY[2]])
    assert shape(align(old, new)) == [
        ("same", 1, 1),
        ("same", 4, 2),
        ("same", 5, 3),
        ("same", 6, 4),
        ("moved", 2, 5),
        ("moved", 3, 6),
    ]


def test_moved_and_edited_sentence_is_moved_with_phrase_edits() -> None:
    old = flat(BODY)
    edited = BODY[1].replace("ten percent", "12 percent")
    new = flat([BODY[0], BODY[2], BODY[3], BODY[4], BODY[5], edited])
    edits = align(old, new)
    assert non_same(edits) == [
        SentenceEdit("moved", 2, 6, BODY[1], edited, pytest.approx(0.92, abs=0.01))
    ]
    assert phrase_edits_for(edits, old, new) == [PhraseEdit(2, 6, "ten", "12")]


def test_long_cut_is_removed_rows_where_they_were() -> None:
    old = flat(BODY)
    new = flat([BODY[0], BODY[5]])
    edits = align(old, new)
    assert edits == [
        SentenceEdit("same", 1, 1, BODY[0], BODY[0], 1.0),
        *(SentenceEdit("removed", i, None, BODY[i - 1], None, 0.0) for i in range(2, 6)),
        SentenceEdit("same", 6, 2, BODY[5], BODY[5], 1.0),
    ]


def test_addition_and_edit_in_one_gap() -> None:
    old = flat(BODY[:3])
    new = flat(
        [
            BODY[0],
            "Officials declined to say how the plan would be paid for.",
            BODY[1].replace("ten", "eleven"),
            BODY[2],
        ]
    )
    assert shape(align(old, new)) == [
        ("same", 1, 1),
        ("added", None, 2),
        ("changed", 2, 3),
        ("same", 3, 4),
    ]


def test_boilerplate_and_datelines_are_not_edits() -> None:
    old = flat(
        ["ANKARA (Reuters) - " + BODY[0], *BODY[1:], "Reporting by A. Writer; Editing by B. Editor"]
    )
    new = flat(
        [
            "ANKARA: " + BODY[0],
            *BODY[1:],
            "(Reporting by C. Writer)",
            "Copyright 2017 Thomson Reuters.",
            "Our Standards: The Trust Principles.",
        ]
    )
    edits = align(old, new)
    assert shape(edits) == [("same", i, i) for i in range(1, 7)]
    assert edits[0] == SentenceEdit("same", 1, 1, old[0].text, new[0].text, 1.0)


def test_boilerplate_only_change_is_no_edit() -> None:
    old = flat([*BODY[:3], "Reporting by A. Writer; Editing by B. Editor"])
    new = flat([*BODY[:3], "(Reporting by C. Writer; Additional reporting by D. Writer)"])
    result = compare(None, old, None, new)
    assert shape(result.edits) == [("same", 1, 1), ("same", 2, 2), ("same", 3, 3)]
    assert (result.jaccard, result.containment, result.phrases) == (1.0, 1.0, ())


def test_typography_and_paragraph_reflow_are_not_edits() -> None:
    old = sentences([["He said “it’s over” — again.", BODY[0]], [BODY[1]]])
    new = sentences([['He said "it\'s over" - again.'], [BODY[0], BODY[1]]])
    assert shape(align(old, new)) == [("same", 1, 1), ("same", 2, 2), ("same", 3, 3)]


def test_spacing_around_punctuation_is_same() -> None:
    old = flat(["Prices rose , officials said ."])
    new = flat(["Prices rose, officials said."])
    assert align(old, new) == [SentenceEdit("same", 1, 1, old[0].text, new[0].text, 1.0)]


def test_empty_sides() -> None:
    ss = flat(BODY[:2])
    assert shape(align([], ss)) == [("added", None, 1), ("added", None, 2)]
    assert shape(align(ss, [])) == [("removed", 1, None), ("removed", 2, None)]
    assert align([], []) == []


def test_title_changed() -> None:
    ss = flat(BODY[:1])
    assert compare(None, ss, None, ss).title_changed is False
    assert compare("It’s here", ss, "It's here", ss).title_changed is False
    assert compare("Old", ss, "New", ss).title_changed is True
    assert compare(None, ss, "New", ss).title_changed is True


# ---------------------------------------------------------------- real re-crawls


def _recrawl_versions() -> dict[str, list[list[Sentence]]]:
    root = corpus("fundus-recrawls")
    index = json.loads((root / "index.json").read_text())
    versions: dict[str, list[list[Sentence]]] = defaultdict(list)
    for entry in sorted(index, key=lambda e: (e["url"], e["crawl_date"])):
        html = gzip.decompress((root / entry["file"]).read_bytes()).decode("utf-8", "replace")
        doc = trafilatura.bare_extraction(html, include_comments=False, with_metadata=True)
        text = (doc.text if doc else None) or ""
        versions[entry["url"]].append(split_sentences(split_paragraphs(text)))
    return versions


@pytest.mark.corpus
def test_fundus_recrawls() -> None:
    identical, edited = 0, []
    for url, versions in _recrawl_versions().items():
        for old, new in itertools.pairwise(versions):
            edits = align(old, new)
            if [s.norm for s in old] == [s.norm for s in new]:
                identical += 1
                kept = [s.sentence_no for s in old if not is_boilerplate(s.norm)]
                assert shape(edits) == [("same", no, no) for no in kept], url
            else:
                assert non_same(edits), url
                edited.append((url, old, new, edits))
    assert (identical, len(edited)) == (14, 3)  # 16 URLs, 17 pairs of consecutive crawls
    copy_edits = [e for e in edited if "mbl.is" in e[0]]
    assert len(copy_edits) == 1
    _, old, new, edits = copy_edits[0]
    rows = non_same(edits)
    assert shape(rows) == [("changed", 16, 16), ("changed", 25, 25), ("changed", 27, 27)]
    assert all(r.old_text == old[r.old_sentence_no - 1].text for r in rows)
    assert all(r.new_text == new[r.new_sentence_no - 1].text for r in rows)
    assert all(r.similarity > 0.9 for r in rows)
    phrases = phrase_edits_for(edits, old, new)
    assert {(p.old_sentence_no, p.new_sentence_no) for p in phrases} == {
        (16, 16),
        (25, 25),
        (27, 27),
    }

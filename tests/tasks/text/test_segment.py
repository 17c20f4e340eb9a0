"""Paragraphs and sentences: abbreviations, paragraph breaks, text kept as published."""

from __future__ import annotations

import json
import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasks.text.segment import (
    _ONE_SENTENCE,
    _plain_spans,
    _sentence_spans,
    split_paragraphs,
    split_sentences,
    syntok_spans,
)
from tasks.text.typography import comparison_form, text_hash
from tests.helpers import corpus
from warehouse.records import Sentence


def sentence(sentence_no: int, paragraph_no: int, text: str) -> Sentence:
    norm = comparison_form(text)
    return Sentence(sentence_no, paragraph_no, text, norm, text_hash(norm))


def texts(paragraph: str) -> list[str]:
    return [s.text for s in split_sentences([paragraph])]


# ---------------------------------------------------------------- paragraphs


@pytest.mark.parametrize(
    ("text", "paragraphs"),
    [
        # blank lines separate paragraphs; single line breaks inside one are re-flowed
        ("One a.\nOne b.\n\nTwo a.\nTwo b.", ["One a. One b.", "Two a. Two b."]),
        # no blank line anywhere: every line is a paragraph
        ("One.\nTwo.\nThree.", ["One.", "Two.", "Three."]),
        # a "blank" line may hold spaces, tabs or no-break spaces
        ("One.\n \t\nTwo.", ["One.", "Two."]),
        ("One.\n\u00a0\nTwo.", ["One.", "Two."]),
        # Windows and old Mac line ends
        ("One a.\r\nOne b.\r\n\r\nTwo.", ["One a. One b.", "Two."]),
        ("One.\rTwo.", ["One.", "Two."]),
        # runs of blank lines and surrounding white space leave no empty paragraphs
        ("\n\n  One.  \n\n\n\nTwo.\n\n", ["One.", "Two."]),
        ("  One.  \n\n   \nTwo.", ["One.", "Two."]),
        ("", []),
        ("\n \n\t\n", []),
    ],
)
def test_split_paragraphs(text: str, paragraphs: list[str]) -> None:
    assert split_paragraphs(text) == paragraphs


# ---------------------------------------------------------------- sentences


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        (
            "The U.S. Army said so. Gen. Smith agreed.",
            ["The U.S. Army said so.", "Gen. Smith agreed."],
        ),
        (
            "Dr. Jones arrived at 5 p.m. on Friday. She left.",
            ["Dr. Jones arrived at 5 p.m. on Friday.", "She left."],
        ),
        (
            "It happened on Jan. 5 in Ankara. Nobody saw it.",
            ["It happened on Jan. 5 in Ankara.", "Nobody saw it."],
        ),
        (
            "Mr. Smith and Mrs. Jones met at 3 a.m. in the U.K. capital. It rained.",
            ["Mr. Smith and Mrs. Jones met at 3 a.m. in the U.K. capital.", "It rained."],
        ),
        (
            "U.S.-led forces advanced on Feb. 8 and the U.N. watched. Sen. Graham spoke.",
            ["U.S.-led forces advanced on Feb. 8 and the U.N. watched.", "Sen. Graham spoke."],
        ),
        (
            "It was No. 1 on the list. Prof. White said 3.5 percent was fine.",
            ["It was No. 1 on the list.", "Prof. White said 3.5 percent was fine."],
        ),
    ],
)
def test_abbreviations_do_not_end_sentences(paragraph: str, expected: list[str]) -> None:
    assert texts(paragraph) == expected


@pytest.mark.parametrize(
    "paragraph",
    [
        "Gov. Andrew Cuomo said on Friday that the state would reopen.",
        "Rep. Nancy Pelosi spoke for an hour.",
        "Lt. Gen. Michael Flynn resigned on Monday.",
        "Police said Sgt. John Smith was hurt.",
    ],
)
def test_title_abbreviations_do_not_end_sentences(paragraph: str) -> None:
    assert texts(paragraph) == [paragraph]


def test_sentence_text_is_kept_exactly_as_published() -> None:
    paragraph = "He said “It is over.” Then he left — for good. It’s done…"
    assert split_sentences([paragraph]) == [
        Sentence(
            1,
            1,
            "He said “It is over.”",
            'He said "It is over."',
            text_hash('He said "It is over."'),
        ),
        Sentence(
            2,
            1,
            "Then he left — for good.",
            "Then he left - for good.",
            text_hash("Then he left - for good."),
        ),
        Sentence(3, 1, "It’s done…", "It's done...", text_hash("It's done...")),
    ]


def test_sentences_numbered_from_one_with_their_paragraph_numbers() -> None:
    paragraphs = split_paragraphs(
        "First paragraph. It has two sentences.\n\n"
        "Second paragraph has one.\n\n"
        "Third: “Quoted.” And more. And the end."
    )
    assert split_sentences(paragraphs) == [
        sentence(1, 1, "First paragraph."),
        sentence(2, 1, "It has two sentences."),
        sentence(3, 2, "Second paragraph has one."),
        sentence(4, 3, "Third: “Quoted.”"),
        sentence(5, 3, "And more."),
        sentence(6, 3, "And the end."),
    ]


def test_same_words_with_other_typography_give_the_same_norms_and_hashes() -> None:
    curly = split_sentences(["“It’s over,” he said — again. Then he left."])
    straight = split_sentences(['"It\'s  over," he said - again.   Then he left.'])
    assert [s.text for s in curly] != [s.text for s in straight]
    assert [(s.sentence_no, s.paragraph_no, s.norm, s.hash) for s in curly] == [
        (s.sentence_no, s.paragraph_no, s.norm, s.hash) for s in straight
    ]


def test_empty_input_and_invisible_only_sentences_give_nothing() -> None:
    assert split_sentences([]) == []
    assert split_sentences(["\u200b"]) == []


@pytest.mark.parametrize("piece", ["•", "\x95", "''", "* * *", "—", "\u200e\u2066 \u2069"])
def test_a_piece_without_letter_or_digit_is_not_a_sentence(piece: str) -> None:
    paragraphs = ["The ferry will run on Sunday.", piece, "Tickets are on sale now."]
    assert [(s.sentence_no, s.paragraph_no, s.text) for s in split_sentences(paragraphs)] == [
        (1, 1, "The ferry will run on Sunday."),
        (2, 3, "Tickets are on sale now."),
    ]


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        (
            "東京都は月曜日、新しい計画を発表した。計画は来年から始まる！本当に？はい。",
            [
                "東京都は月曜日、新しい計画を発表した。",
                "計画は来年から始まる！",
                "本当に？",
                "はい。",
            ],
        ),
        (
            "中国政府周一宣布了新计划。该计划将于明年开始！",
            ["中国政府周一宣布了新计划。", "该计划将于明年开始！"],
        ),
        # a quotation closed by 。」 and followed by と goes on: one sentence
        (
            "「行く。」と彼は言った。次の日に出発した。",
            ["「行く。」と彼は言った。", "次の日に出発した。"],
        ),
        (
            "सरकार ने सोमवार को नई योजना की घोषणा की। योजना अगले साल शुरू होगी।",
            ["सरकार ने सोमवार को नई योजना की घोषणा की।", "योजना अगले साल शुरू होगी।"],
        ),
        # a dash after a state abbreviation continues the sentence
        (
            "He grew up in Janesville, Wis. — a town of mills. He left at 18.",
            ["He grew up in Janesville, Wis. — a town of mills.", "He left at 18."],
        ),
    ],
)
def test_sentences_end_at_wide_full_stops_and_danda(paragraph: str, expected: list[str]) -> None:
    assert [s.text for s in split_sentences([paragraph])] == expected


@pytest.mark.corpus
def test_real_chinese_japanese_and_hindi_pages_split_at_their_full_stops() -> None:
    """Every fundus-news body in Chinese, Japanese or Hindi: each sentence holds at most one
    full stop (。 or ।), and it is at its end (or before a closing quote or bracket)."""
    root = corpus("fundus-news")
    bodies = 0
    for folder in ("jp", "cn", "tw", "ind"):
        for expected in sorted((root / folder).glob("*.json")):
            for article in json.loads(expected.read_text(encoding="utf-8")).values():
                paragraphs = [p for sec in article["body"]["sections"] for p in sec["paragraphs"]]
                if not any("。" in p or "।" in p for p in paragraphs):
                    continue
                bodies += 1
                for s in split_sentences(paragraphs):
                    inner = re.sub(
                        r"[。।][」』）)\"”’]*(?=[とっ])", "", s.text.rstrip('」』）)"”’ ')
                    )
                    assert not re.search(r"[。।]", inner[:-1]), s.text
    assert bodies >= 10


# ---------------------------------------------------------------- properties

_TOKENS = st.sampled_from(
    [
        "the",
        "U.S.",
        "Gen.",
        "said",
        "“quoted”",
        "it’s",
        "—",
        "(AP)",
        "3.5",
        "a.m.",
        "Dr.",
        "e-mail",
        "!",
        "?",
        "...",
        "Jan.",
        "5",
        "NATO",
        "café",
        '"',
        "'",
        "x.",
    ]
)
_PARAGRAPH = st.lists(
    st.lists(_TOKENS, min_size=1, max_size=8).map(" ".join), min_size=1, max_size=4
).map(lambda parts: ". ".join(parts) + ".")


@settings(max_examples=200, deadline=None)
@given(st.lists(_PARAGRAPH, min_size=1, max_size=4))
def test_no_text_is_lost_and_numbering_is_consecutive(paragraphs: list[str]) -> None:
    out = split_sentences(paragraphs)
    assert [s.sentence_no for s in out] == list(range(1, len(out) + 1))
    assert [s.paragraph_no for s in out] == sorted(s.paragraph_no for s in out)
    for paragraph_no, paragraph in enumerate(paragraphs, start=1):
        joined = "".join(s.text for s in out if s.paragraph_no == paragraph_no)
        assert _kept(joined) == _kept(paragraph)
    for s in out:
        assert s.text == s.text.strip()
        assert (s.norm, s.hash) == (comparison_form(s.text), text_hash(comparison_form(s.text)))


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Zl", "Zp")), min_size=1)
)
def test_no_printable_character_is_lost(paragraph: str) -> None:
    out = split_sentences([paragraph])
    assert _kept("".join(s.text for s in out)) == _kept(paragraph)
    assert all(re.search(r"[^\W_]", s.norm) for s in out)


def _kept(text: str) -> str:
    """The letters and digits of `text`: a piece with none is not a sentence, so the
    characters of a bullet or a lone quote mark may go, but never a letter or a digit."""
    return re.sub(r"[\W_]", "", text)


# ------------------------------------------- the one-sentence shortcuts equal syntok


def _sentences(paragraph: str, spans: list[tuple[int, int]]) -> list[tuple[str, str]]:
    """(norm, visible text) of each sentence, as split_sentences keeps them."""
    out = []
    for a, b in spans:
        text = paragraph[a:b].strip()
        if norm := comparison_form(text):
            out.append((norm, "".join(c for c in text if unicodedata.category(c) != "Cf").strip()))
    return out


def _same_as_syntok(paragraph: str) -> bool:
    ours = _sentences(paragraph, _sentence_spans(paragraph))
    return ours == _sentences(paragraph, syntok_spans(paragraph))


def test_shortcut_agrees_with_syntok_on_every_real_paragraph() -> None:
    """Real bodies (the benchmark's ground truth and four extractors' outputs on it)."""
    root = corpus("article-extraction-benchmark")
    texts = [
        v["articleBody"] for v in json.loads((root / "ground-truth.json").read_text()).values()
    ]
    for out in sorted((root / "output").glob("*.json")):
        data = json.loads(out.read_text())
        texts += [v.get("articleBody") for v in data.get("output", data).values()]
    paragraphs = [p for t in texts if t for p in split_paragraphs(t)]
    short = [p for p in paragraphs if _ONE_SENTENCE.fullmatch(p)]
    assert len(short) > 1000  # the shortcut is taken, and often
    assert [p for p in short if not _same_as_syntok(p)] == []
    plain = [p for p in paragraphs if _plain_spans(p)]
    assert len(plain) > 1000  # and so is the one for plain sentences
    assert [p for p in plain if not _same_as_syntok(p)] == []


_PIECES = st.sampled_from(
    [
        "word",
        "Word",
        " ",
        "  ",
        ".",
        "!",
        "?",
        ";",
        ":",
        ",",
        "(",
        ")",
        "[",
        "]",
        '"',
        "'",
        "\u201c",
        "\u201d",
        "\u2019",
        "\u2026",
        "U.S.",
        "3.5",
        "2016",
        "etc",
        "Mr",
        "May",
        "SpaceX",
        "AWD",
        "I",
        "\u00a0",
        "\u200b",
        "\u3002",
        "\t",
    ]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=14).map("".join))
def test_shortcut_agrees_with_syntok_on_generated_paragraphs(paragraph: str) -> None:
    assert _same_as_syntok(paragraph)


_WORDS = st.one_of(  # plain words half the time, tricky ones the other half
    st.sampled_from(["word", "Word", "words", "Words", "Spa", "AWD", "2016"]),
    st.sampled_from(
        re.findall(
            r"\S+",
            "etc Mr May March SpaceX 7 I x U.S. 3.5 aß (aside) no No gen ohneQ \u201cQuoted\u201d",
        )
    ),
)
_ENDS = st.sampled_from([".", ".", ".", "!", "?", "...", ".\u201d", "\u2019.", ";", ":", ""])


@st.composite
def _plain_looking(draw: st.DrawFn) -> str:
    """Sentences of words, each closed by punctuation, joined by spaces: what the plain
    sentence shortcut is for, with the words and marks that must make it step aside."""
    sentences = draw(st.lists(st.lists(_WORDS, min_size=1, max_size=5), min_size=2, max_size=5))
    return draw(st.sampled_from([" ", "  "])).join(
        " ".join(words) + draw(_ENDS) for words in sentences
    )


@settings(max_examples=300, deadline=None)
@given(_plain_looking())
def test_plain_sentence_shortcut_agrees_with_syntok(paragraph: str) -> None:
    assert _same_as_syntok(paragraph)

"""The comparison form: typography folded, hashes and ids stable."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasks.text.typography import comparison_form, stable_id, text_hash, words

# Characters comparison_form deletes outright (soft hyphen, zero-width characters, BOM).
DELETED = (
    "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


@pytest.mark.parametrize(
    ("text", "form"),
    [
        # quotes
        ("‘single’", "'single'"),
        ("“double”", '"double"'),
        ("„low“ and ‟reversed”", '"low" and "reversed"'),
        ("«guillemets»", '"guillemets"'),
        ("it’s Smith‚s ‛x", "it's Smith's 'x"),
        ("5′ tall, `tick`", "5' tall, 'tick'"),
        # dashes
        ("a‐b‑c‒d–e—f―g−h", "a-b-c-d-e-f-g-h"),
        ("Rome — the city", "Rome - the city"),
        # spaces
        ("a\u00a0b", "a b"),
        ("a\u202fb\u2009c\u3000d", "a b c d"),
        ("a  b\t\tc\n\nd\r\ne", "a b c d e"),
        ("  padded  ", "padded"),
        ("line\u2028break", "line break"),
        # NFKC
        ("ﬁnal ﬂight", "final flight"),
        ("ｆｕｌｌ ｗｉｄｔｈ", "full width"),
        ("cafe\u0301", "caf\u00e9"),
        ("x²", "x2"),
        # ellipsis and invisible characters
        ("wait…", "wait..."),
        ("co\u00adop\u200beration\ufeff", "cooperation"),
        ("zero\u200cwidth\u200djoiner", "zerowidthjoiner"),
        # direction marks, embeddings, overrides, isolates, word joiner
        ("\u200fשלום\u200e and \u202bx\u202c", "שלום and x"),
        ("\u2066Gaza\u2069 \u2067City\u2069 \u2068a\u2060b\u202d\u202e", "Gaza City ab"),
        # spacing around punctuation
        ("The mayor ’s office", "The mayor's office"),
        (
            "do n't, they 're, we 've, I 'm, she 'd, we 'll",
            "don't, they're, we've, I'm, she'd, we'll",
        ),
        ("said , adding ; then : done .", "said, adding; then: done."),
        ("Really ? Yes !", "Really? Yes!"),
        ("( AP ) and [ sic ]", "(AP) and [sic]"),
        ("a 10 % rise", "a 10% rise"),
        # a quote mark that opens a quotation keeps its space
        ("the 'quoted' word", "the 'quoted' word"),
        ("rock 'n' roll", "rock 'n' roll"),
        # nothing to fold
        ("Plain ASCII text.", "Plain ASCII text."),
        ("", ""),
        (" \n\t ", ""),
    ],
)
def test_comparison_form_folds_typography(text: str, form: str) -> None:
    assert comparison_form(text) == form


def test_comparison_form_keeps_case_words_and_punctuation() -> None:
    text = "“We won’t stop,” said Dr. Smith — 3.5% of U.S.-led forces (SDF) agree!"
    assert comparison_form(text) == (
        '"We won\'t stop," said Dr. Smith - 3.5% of U.S.-led forces (SDF) agree!'
    )


def test_spacing_before_an_apostrophe_is_not_a_new_text() -> None:
    a = "The mayor ’s office said the ferry would run on Sunday as planned."
    b = "The mayor’s office said the ferry would run on Sunday as planned."
    assert text_hash(comparison_form(a)) == text_hash(comparison_form(b))


def test_double_prime_folds_like_a_double_quote() -> None:
    assert comparison_form("″quoted″") == comparison_form('"quoted"')


def test_acute_accent_used_as_apostrophe_folds_to_apostrophe() -> None:
    assert comparison_form("don´t") == "don't"


def test_deleting_an_invisible_character_still_composes() -> None:
    assert comparison_form("cafe\u00ad\u0301") == comparison_form("caf\u00e9")
    assert comparison_form(comparison_form("e\u200b\u0301")) == comparison_form("e\u200b\u0301")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_characters=DELETED)))
def test_comparison_form_is_idempotent(text: str) -> None:
    form = comparison_form(text)
    assert comparison_form(form) == form


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_comparison_form_has_no_runs_of_space_and_no_typographic_marks(text: str) -> None:
    form = comparison_form(text)
    assert form == form.strip()
    assert "  " not in form
    assert not set(form) & set("‘’‚‛“”„‟«»‐‑‒–—―−…\u00a0\t\n\r" + DELETED)


# One text, written with interchangeable typography: every choice gives the same form.
_QUOTES = st.sampled_from([('"', '"'), ("“", "”"), ("„", "“"), ("«", "»")])
_APOSTROPHE = st.sampled_from(["'", "’", "‘"])
_DASH = st.sampled_from(["-", "–", "—", "―", "−"])
_SPACE = st.sampled_from([" ", "  ", "\u00a0", "\t", "\n", " \n ", "\u2009", "\u3000"])


@st.composite
def _rendering(draw: st.DrawFn) -> str:
    open_q, close_q = draw(_QUOTES)
    parts = [
        "The",
        "minister’s".replace("’", draw(_APOSTROPHE)),
        "plan",
        draw(_DASH),
        "announced",
        "Tuesday",
        draw(_DASH),
        f"{open_q}will",
        f"work,{close_q}",
        "he",
        "said.",
    ]
    out = draw(_SPACE)
    for part in parts:
        out += part + draw(_SPACE)
    return out


@settings(max_examples=200, deadline=None)
@given(_rendering(), _rendering())
def test_typography_variants_share_form_and_hash(a: str, b: str) -> None:
    expected = 'The minister\'s plan - announced Tuesday - "will work," he said.'
    assert comparison_form(a) == comparison_form(b) == expected
    assert text_hash(comparison_form(a)) == text_hash(comparison_form(b)) == text_hash(expected)


@settings(max_examples=500, deadline=None)
@given(
    st.text(alphabet="ab '’‘\"“”-–— \u00a0\t\n", max_size=8),
    st.text(alphabet="ab '’‘\"“”-–— \u00a0\t\n", max_size=8),
)
def test_text_hash_equal_iff_comparison_forms_equal(a: str, b: str) -> None:
    fa, fb = comparison_form(a), comparison_form(b)
    assert (text_hash(fa) == text_hash(fb)) == (fa == fb)


def test_text_hash_is_a_pinned_64_bit_hex_digest() -> None:
    # xxh3-64 of the UTF-8 bytes: a stored hash must mean the same text in every later run
    assert text_hash("") == "2d06800538d394c2"
    assert text_hash("The bridge opened on time.") == "c9dabe20ba1771de"


def test_stable_id_is_pinned_and_order_sensitive() -> None:
    assert stable_id("a", "b") == "d671f8867f47bbb9"
    assert stable_id("ab") == "a873719c24d5735c"
    assert stable_id("b", "a") != stable_id("a", "b")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(), min_size=1, max_size=4))
def test_stable_id_is_16_hex_digits_and_deterministic(parts: list[str]) -> None:
    ident = stable_id(*parts)
    assert ident == stable_id(*list(parts))
    assert len(ident) == 16
    assert set(ident) <= set("0123456789abcdef")


def test_words_are_lower_cased_without_punctuation() -> None:
    text = comparison_form("U.S.-led campaign, “don’t” stop: 3.5% e-mail — OK?")
    assert words(text) == ["u.s", "led", "campaign", "don't", "stop", "3.5", "e-mail", "ok"]

"""Extraction: the seed pair, an HTML page, plain text with headers, rejects, dates."""

from __future__ import annotations

import json
import pickle
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from tasks.text.extract import (
    HTML_EXTRACTOR,
    TEXT_EXTRACTOR,
    cap_rejects,
    extract_document,
    extract_text,
    parse_datetime,
    process_refs,
)
from tasks.text.typography import comparison_form, text_hash, words
from tests.helpers import corpus
from warehouse.records import Article, Document, InputRef, Reject, Sentence

WIRE = "000_b4ab9eb716f0ff46.txt"
REPUBLICATION = "001_6f49e0fbfe08af1d.txt"


def seed(name: str) -> tuple[Path, Article]:
    path = corpus("seeds", name)
    [article] = process_refs([InputRef(source=str(path), fmt="text", path=str(path))], 10**6, 20)
    assert isinstance(article, Article)
    return path, article


def sentence(sentence_no: int, paragraph_no: int, text: str) -> Sentence:
    norm = comparison_form(text)
    return Sentence(sentence_no, paragraph_no, text, norm, text_hash(norm))


def hash_of(sentences: list[Sentence]) -> str:
    return text_hash(" ".join(s.norm for s in sentences))


def fields(article: Article) -> dict[str, object]:
    """Everything of an Article but its text, sentences and counts."""
    names = "source key url site title byline published_at dateline language extractor seen_at"
    return {name: getattr(article, name) for name in names.split()}


# ---------------------------------------------------------------- the seed pair


def test_wire_story() -> None:
    path, wire = seed(WIRE)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("ANKARA (Reuters) - ")
    paragraphs = [lines[0].removeprefix("ANKARA (Reuters) - "), *lines[1:]]
    assert fields(wire) == {
        "source": str(path),
        "key": str(path),
        "url": None,
        "site": None,
        "title": None,
        "byline": None,
        "published_at": None,
        "dateline": "ANKARA (Reuters)",
        "language": None,
        "extractor": TEXT_EXTRACTOR,
        "seen_at": None,
    }
    # one paragraph per line, the dateline lifted out of the first
    assert wire.text == "\n\n".join(paragraphs)
    assert len(paragraphs) == 34
    # every line is one sentence except line 6, a quote that goes on after "...": two
    assert [s.paragraph_no for s in wire.sentences] == [1, 2, 3, 4, 5, 6, 6, *range(7, 35)]
    assert [s.sentence_no for s in wire.sentences] == list(range(1, 36))
    by_paragraph = {}
    for s in wire.sentences:
        by_paragraph.setdefault(s.paragraph_no, []).append(s.text)
    assert [" ".join(by_paragraph[n]) for n in range(1, 35)] == paragraphs
    assert wire.text_hash == hash_of(wire.sentences)
    assert wire.n_words == len(words(" ".join(s.norm for s in wire.sentences))) == 895


def test_republication() -> None:
    path, rep = seed(REPUBLICATION)
    raw = path.read_text(encoding="utf-8")
    assert raw.lstrip().startswith("date 2017-02-08 ANKARA: ")
    blocks = [b for b in raw.split("\n\n") if b.strip()]
    paragraphs = [blocks[0].strip().removeprefix("date 2017-02-08 ANKARA: "), *blocks[1:]]
    assert fields(rep) == {
        "source": str(path),
        "key": str(path),
        "url": None,
        "site": None,
        "title": None,
        "byline": None,
        "published_at": datetime(2017, 2, 8, tzinfo=UTC),
        "dateline": "ANKARA",
        "language": None,
        "extractor": TEXT_EXTRACTOR,
        "seen_at": None,
    }
    assert rep.text == "\n\n".join(p.strip() for p in paragraphs)
    # blank-line paragraphs: the quote splits in 6, and 8, 9 and 11 each hold two sentences
    paragraph_nos = [1, 2, 3, 4, 5, 6, 6, 7, 8, 8, 9, 9, 10, 11, 11]
    assert [s.paragraph_no for s in rep.sentences] == paragraph_nos
    assert [s.sentence_no for s in rep.sentences] == list(range(1, 16))
    assert rep.n_words == 410


def test_no_sentence_starts_with_the_dateline() -> None:
    for name in (WIRE, REPUBLICATION):
        _, article = seed(name)
        assert not [s.text for s in article.sentences if s.text.startswith("ANKARA")]
        assert not article.text.startswith("ANKARA")
        assert not article.text.startswith("date")


# Sentences (wire no, republication no) that are the same words in both; the quote and
# apostrophe styles differ (curly on the wire, straight in the republication) in some.
SHARED = [(3, 3), (6, 6), (7, 7), (14, 10), (15, 11), (17, 13), (18, 14), (19, 15)]
QUOTE_STYLE_DIFFERS = [(6, 6), (7, 7), (15, 11), (18, 14), (19, 15)]


def test_quote_style_does_not_leak_into_the_comparison_form() -> None:
    _, wire = seed(WIRE)
    _, rep = seed(REPUBLICATION)
    w = {s.sentence_no: s for s in wire.sentences}
    r = {s.sentence_no: s for s in rep.sentences}
    assert [(a, b) for a, b in SHARED if w[a].text != r[b].text] == QUOTE_STYLE_DIFFERS
    assert [(w[a].norm, w[a].hash) for a, b in SHARED] == [
        (r[b].norm, r[b].hash) for a, b in SHARED
    ]
    for a, _b in QUOTE_STYLE_DIFFERS:
        assert set(w[a].text) & set("“”’")
        assert not set(w[a].norm) & set("“”‘’")
    # exactly these sentences of the republication are unchanged: the rest swapped terms
    wire_norms = {s.norm for s in wire.sentences}
    assert [s.sentence_no for s in rep.sentences if s.norm in wire_norms] == [b for _, b in SHARED]
    assert {r[b].norm for _, b in SHARED} <= wire_norms


def test_seed_datelines_are_fields() -> None:
    _, wire = seed(WIRE)
    _, rep = seed(REPUBLICATION)
    assert (wire.dateline, rep.dateline) == ("ANKARA (Reuters)", "ANKARA")


# ---------------------------------------------------------------- HTML

PAGE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>Harbour bridge reopens after repairs | The Daily Example</title>
<link rel="canonical"
  href="https://WWW.Example.com/news/harbour-bridge?utm_source=twitter&amp;utm_medium=social#top">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2021-03-04">
</head>
<body>
<header><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav></header>
<article>
<h1>Harbour bridge reopens after repairs</h1>
<p>PORTSMOUTH (Example News) - The harbour bridge reopened to traffic on Thursday after eight
months of repairs that cost the city far more than planned, officials said.</p>
<p>Engineers replaced the corroded cables and resurfaced the deck, and the council said the
work would keep the bridge safe for another forty years.</p>
<p>“We are glad it is finally over,” said the mayor, who drove across with the first
commuters shortly after dawn.</p>
</article>
<footer><p>Copyright 2021 The Daily Example. All rights reserved.</p></footer>
</body>
</html>
"""
PAGE_PARAGRAPHS = [
    "The harbour bridge reopened to traffic on Thursday after eight months of repairs that cost "
    "the city far more than planned, officials said.",
    "Engineers replaced the corroded cables and resurfaced the deck, and the council said the "
    "work would keep the bridge safe for another forty years.",
    "“We are glad it is finally over,” said the mayor, who drove across with the first "
    "commuters shortly after dawn.",
]


@pytest.mark.parametrize("as_bytes", [False, True], ids=["str", "bytes"])
def test_html_page(as_bytes: bool) -> None:
    html = PAGE.encode("utf-8") if as_bytes else PAGE
    seen = datetime(2021, 3, 5, 6, 7, 8, tzinfo=UTC)
    article = extract_document(
        Document(source="page.html", key="page.html", html=html, seen_at=seen)  # type: ignore[arg-type]
    )
    # the <h1> repeats the title and is dropped; one sentence per paragraph
    sentences = [sentence(n, n, text) for n, text in enumerate(PAGE_PARAGRAPHS, start=1)]
    assert article == Article(
        source="page.html",
        key="page.html",
        url="https://www.example.com/news/harbour-bridge",
        site="example.com",
        title="Harbour bridge reopens after repairs",
        byline="Jane Doe",
        published_at=datetime(2021, 3, 4, tzinfo=UTC),
        dateline="PORTSMOUTH (Example News)",
        language="en",
        text="\n\n".join(PAGE_PARAGRAPHS),
        sentences=sentences,
        text_hash=hash_of(sentences),
        n_words=67,
        extractor=HTML_EXTRACTOR,
        seen_at=seen,
    )


def test_html_document_fields_win_over_the_page() -> None:
    doc = Document(
        source="https://example.com/feed.xml",
        key="https://m.example.com/news/harbour-bridge/amp",
        url="https://m.example.com/news/harbour-bridge/amp?utm_campaign=x",
        html=PAGE,
        title="Title from the feed",
        byline="Feed Author",
        published_at="2021-03-03T22:00:00-05:00",
    )
    article = extract_document(doc)
    assert isinstance(article, Article)
    assert (article.url, article.site, article.title, article.byline, article.published_at) == (
        "https://example.com/news/harbour-bridge",
        "example.com",
        "Title from the feed",
        "Feed Author",
        datetime(2021, 3, 4, 3, tzinfo=UTC),
    )


def test_a_feed_title_does_not_change_the_text() -> None:
    direct = extract_document(Document(source="p", key="p", html=PAGE))
    via_feed = extract_document(Document(source="p", key="p", html=PAGE, title="Feed headline"))
    assert isinstance(direct, Article)
    assert isinstance(via_feed, Article)
    assert (via_feed.dateline, via_feed.text, via_feed.text_hash) == (
        direct.dateline,
        direct.text,
        direct.text_hash,
    )


def test_html_published_time_keeps_time_and_offset() -> None:
    html = PAGE.replace('content="2021-03-04"', 'content="2021-03-04T23:30:00-05:00"')
    article = extract_document(Document(source="page.html", key="page.html", html=html))
    assert isinstance(article, Article)
    assert article.published_at == datetime(2021, 3, 5, 4, 30, tzinfo=UTC)


def test_html_language_falls_back_to_html_lang() -> None:
    html = PAGE.replace('<html lang="en-GB">', '<html class="x" lang=de>')
    article = extract_document(Document(source="p", key="p", html=html))
    assert isinstance(article, Article)
    assert article.language == "de"


@pytest.mark.parametrize(
    "html",
    [
        "<html><body></body></html>",
        "<html><head><title>x</title></head><body><div></div></body></html>",
    ],
)
def test_html_without_article_text(html: str) -> None:
    assert extract_document(Document(source="empty.html", key="empty.html", html=html)) == Reject(
        "empty.html", "no article text", "the extractor found no main text"
    )


def test_html_with_too_little_text() -> None:
    html = "<html><body><article><p>Just a short note.</p></article></body></html>"
    assert extract_document(Document(source="short.html", key="short.html", html=html)) == Reject(
        "short.html", "too short", "4 words, fewer than 20"
    )


# ---------------------------------------------------------------- plain text


def test_text_with_header_lines() -> None:
    text = (
        "title: Library to close\n"
        "url: https://www.Example.com/news/library?utm_source=rss#top\n"
        "by: Jane Doe\n"
        "seen: 2024-01-02T03:04:05+01:00\n"
        "date 2024-01-01 LONDON, Jan 1 (Reuters) - The city council voted on Tuesday to close "
        "the old library on Main Street.\n"
        "Officials said the building had become unsafe.\n"
    )
    sentences = [
        sentence(
            1, 1, "The city council voted on Tuesday to close the old library on Main Street."
        ),
        sentence(2, 2, "Officials said the building had become unsafe."),
    ]
    assert extract_document(
        Document(source="a.txt", key="a.txt", text=text), min_words=5
    ) == Article(
        source="a.txt",
        key="a.txt",
        url="https://www.example.com/news/library",
        site="example.com",
        title="Library to close",
        byline="Jane Doe",
        published_at=datetime(2024, 1, 1, tzinfo=UTC),
        dateline="LONDON, Jan 1 (Reuters)",
        language=None,
        text="\n\n".join(s.text for s in sentences),
        sentences=sentences,
        text_hash=hash_of(sentences),
        n_words=21,
        extractor=TEXT_EXTRACTOR,
        seen_at=datetime(2024, 1, 2, 2, 4, 5, tzinfo=UTC),
    )


def test_leading_title_paragraph_is_dropped_before_the_dateline() -> None:
    text = "Library  to close\n\nLONDON (Reuters) - The city council voted on Tuesday to close it."
    article = extract_document(
        Document(source="a", key="a", text=text, title="Library to close"), min_words=5
    )
    assert isinstance(article, Article)
    assert (article.dateline, article.text, [s.text for s in article.sentences]) == (
        "LONDON (Reuters)",
        "The city council voted on Tuesday to close it.",
        ["The city council voted on Tuesday to close it."],
    )


def test_text_too_short() -> None:
    doc = Document(source="short.txt", key="short.txt", text="One two three four five.")
    assert extract_document(doc) == Reject("short.txt", "too short", "5 words, fewer than 20")
    article = extract_document(doc, min_words=5)
    assert isinstance(article, Article)
    assert article.n_words == 5


def test_text_empty_after_the_header() -> None:
    doc = Document(source="h.txt", key="h.txt", text="title: Only a title\n")
    assert extract_document(doc) == Reject("h.txt", "too short", "0 words, fewer than 20")


def test_process_ref_passes_rejects_through_and_extracts_the_rest(tmp_path: Path) -> None:
    body = "The council met on Tuesday and voted to keep the library open for another year."
    path = tmp_path / "batch.jsonl"
    path.write_text(
        json.dumps({"text": body, "url": "https://example.com/a?fbclid=1"})
        + "\n{oops\n"
        + json.dumps({"text": "Too short."})
        + "\n"
    )
    out = process_refs([InputRef(source=str(path), fmt="jsonl", path=str(path))], 10**6, 10)
    assert [type(x).__name__ for x in out] == ["Article", "Reject", "Reject"]
    article = out[0]
    assert isinstance(article, Article)
    assert (article.key, article.url, article.text) == (f"{path}#L1", "https://example.com/a", body)
    assert out[1:] == [
        Reject(
            str(path), "malformed JSON", "line 2: Expecting property name enclosed in double quotes"
        ),
        Reject(str(path), "too short", "2 words, fewer than 10"),
    ]


def test_a_file_of_many_bad_records_lists_a_thousand_rejects_and_counts_the_rest(
    tmp_path: Path,
) -> None:
    """One reject per bad record, up to MAX_REJECTS_PER_INPUT; then one that counts the rest
    (a 1 MB file of 500,000 bad lines made 500,000 rejects and held 220 MB)."""
    body = "The council met on Tuesday and voted to keep the library open for another year."
    path = tmp_path / "many.jsonl"
    lines = ["{oops"] * 1_500 + [json.dumps({"text": "Too short."})] * 700
    path.write_text("\n".join([*lines, json.dumps({"text": body})]) + "\n")
    other = tmp_path / "few.jsonl"
    other.write_text("{oops\n" * 3)
    refs = [InputRef(source=str(p), fmt="jsonl", path=str(p)) for p in (path, other)]
    out = process_refs(refs, 10**6, 10)
    assert len(out) == 1_000 + 1 + 1 + 3
    assert all(r == Reject(str(path), "malformed JSON", r.detail) for r in out[:1_000])
    assert isinstance(out[1_000], Article) and out[1_000].text == body
    assert out[1_001] == Reject(
        str(path),
        "too many rejects",
        "1,200 more not listed one by one (700 too short, 500 malformed JSON)",
    )
    assert [r.source for r in out[1_002:]] == [str(other)] * 3


def test_cap_rejects_counts_each_source_apart() -> None:
    items = [Reject(f"s{i % 2}", "x", "d") for i in range(7)]
    assert list(cap_rejects(items, limit=2)) == [
        *items[:4],
        Reject("s0", "too many rejects", "2 more not listed one by one (2 x)"),
        Reject("s1", "too many rejects", "1 more not listed one by one (1 x)"),
    ]


# ---------------------------------------------------------------- parse_datetime


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2017-02-08", datetime(2017, 2, 8, tzinfo=UTC)),
        ("  2017-02-08  ", datetime(2017, 2, 8, tzinfo=UTC)),
        ("2017-02-08 10:30", datetime(2017, 2, 8, 10, 30, tzinfo=UTC)),
        ("2017-02-08T10:30:00Z", datetime(2017, 2, 8, 10, 30, tzinfo=UTC)),
        ("2017-02-08T10:30:00+03:00", datetime(2017, 2, 8, 7, 30, tzinfo=UTC)),
        ("2017-02-08T23:30:00-05:00", datetime(2017, 2, 9, 4, 30, tzinfo=UTC)),
        ("2017-02-08T10:30:00.123456+00:00", datetime(2017, 2, 8, 10, 30, 0, 123456, tzinfo=UTC)),
        ("Wed, 08 Feb 2017 10:30:00 +0300", datetime(2017, 2, 8, 7, 30, tzinfo=UTC)),
        ("Wed, 08 Feb 2017 10:30:00 GMT", datetime(2017, 2, 8, 10, 30, tzinfo=UTC)),
        ("Wed, 08 Feb 2017 10:30:00", datetime(2017, 2, 8, 10, 30, tzinfo=UTC)),
        ("yesterday", None),
        ("8 February 2017", None),
        ("2017-13-45", None),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_parse_datetime(value: str | None, expected: datetime | None) -> None:
    parsed = parse_datetime(value)
    assert parsed == expected
    if parsed is not None:
        assert parsed.tzinfo is UTC or parsed.utcoffset() == timedelta(0)


def test_parse_datetime_returns_utc_not_the_original_offset() -> None:
    parsed = parse_datetime("2017-02-08T10:30:00+03:00")
    assert parsed is not None
    assert parsed.tzinfo == UTC
    assert parsed.tzinfo != timezone(timedelta(hours=3))


def test_what_extraction_processes_send_back_pickles_whole() -> None:
    """Articles, their sentences, rejects and unsplit texts cross process boundaries."""
    doc = Document("a.txt", "a.txt", text="date 2024-01-02\n\nOne sentence here. And another one.")
    article = extract_document(doc, min_words=1)
    assert isinstance(article, Article) and len(article.sentences) == 2
    found = extract_text(doc)
    reject = Reject("b.html", "no article text", "the extractor found no main text")
    for item in (article, found, reject, article.sentences[0]):
        copy = pickle.loads(pickle.dumps(item))
        assert copy == item and type(copy) is type(item)
    assert pickle.loads(pickle.dumps(article)).published_at == datetime(2024, 1, 2, tzinfo=UTC)


# ---------------------------------------------------------------- hostile inputs (issue 18)

WORDS = " ".join(["The ferry strike went on for another day in the port."] * 4)


@pytest.mark.parametrize(
    "date",
    ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "Tue, 31 Dec 9999 23:59:59 -1400"],
)
def test_a_date_out_of_range_in_utc_is_dropped_and_the_article_kept(date: str) -> None:
    """OverflowError escaped extraction and failed the run; the text is good, the date is
    nonsense, so the article is stored without it."""
    assert parse_datetime(date) is None
    text = f"seen: {date}\ndate {date[:10]}\n\n{WORDS}"
    article = extract_document(Document("a.txt", "a.txt", text=text, published_at=date))
    assert isinstance(article, Article)
    assert article.published_at is None and article.seen_at is None


@pytest.mark.parametrize("url", ["http://[::1", "12345", "mailto:x@a.example", "http://:80/"])
def test_a_url_that_names_no_page_is_ignored_and_the_text_kept(url: str) -> None:
    """`http://[::1` raised ValueError (the whole file was lost); `12345` became an URL."""
    for doc in (
        Document("a.txt", "a.txt", text=f"url: {url}\n\n{WORDS}"),
        Document("a.json", "a.json#0", url=url, text=WORDS),
        Document("a.html", "a.html", html=f'<link rel="canonical" href="{url}"><p>{WORDS}</p>'),
    ):
        article = extract_document(doc)
        assert isinstance(article, Article)
        assert (article.url, article.site, article.key) == (None, None, doc.key)


def test_a_page_of_absurdly_many_tags_is_rejected_before_the_extractor() -> None:
    """1M tiny paragraphs ran over 400 s in trafilatura."""
    html = "<html><body>" + "<p>x</p>" * 60_000 + "</body></html>"
    assert extract_document(Document("big.html", "big.html", html=html)) == Reject(
        "big.html", "page too complex", "120,004 tags, over the limit of 100,000 a page may have"
    )


def test_a_page_over_its_time_limit_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    """The per-page limit (60 s in the extraction processes) holds inside trafilatura."""
    monkeypatch.setattr("tasks.text.extract.SECONDS_PER_PAGE", 0.2)
    html = "<html><body>" + "<div><p>word and more words</p></div>" * 20_000 + "</body></html>"
    assert extract_document(Document("slow.html", "slow.html", html=html)) == Reject(
        "slow.html", "page too complex", "extracting its text took over 0.2 s"
    )


def test_trafilatura_warnings_do_not_reach_stderr(capfd: pytest.CaptureFixture[str]) -> None:
    """Its WARNING and ERROR lines ('discarding data', 'empty HTML tree') reached the user."""
    extract_document(Document("e.html", "e.html", html="<html><body></body></html>"))
    extract_document(Document("e.html", "e.html", html=b"\xff\xfe<"))
    assert capfd.readouterr().err == ""

"""Reading inputs: every bad input becomes the exact Reject; good parts still come through."""

from __future__ import annotations

import gzip
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tasks.inputs.read import read_ref
from warehouse.records import Document, InputRef, Reject

NAMES = "text, body, content, article, articleBody, maintext, html, raw_html, content_html"


def write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def read(path: Path, fmt: str, max_bytes: int = 1_000_000) -> list[Document | Reject]:
    return list(read_ref(InputRef(source=str(path), fmt=fmt, path=str(path)), max_bytes))


def text_doc(path: Path, text: str, **fields: object) -> Document:
    return Document(source=str(path), key=str(path), text=text, **fields)  # type: ignore[arg-type]


# ---------------------------------------------------------------- bad files


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read a chmod 000 file"
)
def test_unreadable_file(tmp_path: Path) -> None:
    path = write(tmp_path / "locked.txt", "Some text.")
    path.chmod(0)
    try:
        assert read(path, "text") == [Reject(str(path), "unreadable", "Permission denied")]
    finally:
        path.chmod(0o644)


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "gone.txt"
    assert read(path, "text") == [Reject(str(path), "unreadable", "No such file or directory")]


@pytest.mark.parametrize("data", [b"", b"  \n\t\r\n ", gzip.compress(b""), gzip.compress(b"\n\n")])
def test_empty_file(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path / "empty.txt", data)
    assert read(path, "text") == [Reject(str(path), "empty", "the file has no content")]


def test_binary_text_file(tmp_path: Path) -> None:
    path = write(tmp_path / "image.txt", b"GIF89a\x01\x00\x01\x00\x00\xff\x00,")
    assert read(path, "text") == [
        Reject(str(path), "binary", "the file contains NUL bytes; it is not text")
    ]


def test_binary_html_file(tmp_path: Path) -> None:
    path = write(tmp_path / "page.html", b"<html>\x00\x00<body>")
    assert read(path, "html") == [
        Reject(str(path), "binary", "the file contains NUL bytes; it is not HTML")
    ]


def test_oversized_file(tmp_path: Path) -> None:
    path = write(tmp_path / "big.txt", "x" * 2_000)
    assert read(path, "text", max_bytes=1_000) == [
        Reject(str(path), "too large", "2,000 bytes, over the 1,000-byte limit")
    ]


def test_file_of_exactly_max_bytes_is_read(tmp_path: Path) -> None:
    path = write(tmp_path / "edge.txt", "x" * 1_000)
    assert read(path, "text", max_bytes=1_000) == [text_doc(path, "x" * 1_000)]


def test_gzip_bomb_is_oversized(tmp_path: Path) -> None:
    path = write(tmp_path / "bomb.txt.gz", gzip.compress(b"x" * 5_000))
    assert path.stat().st_size < 1_000
    assert read(path, "text", max_bytes=1_000) == [
        Reject(str(path), "too large", "decompresses to over 1,000 bytes")
    ]


def test_undecodable_file(tmp_path: Path) -> None:
    path = write(tmp_path / "noise.txt", bytes(range(128, 256)) * 4)
    assert read(path, "text") == [
        Reject(str(path), "undecodable", "no character encoding fits the bytes")
    ]


@pytest.mark.parametrize(
    ("data", "detail"),
    [
        (
            b"\x1f\x8b\x08\x00garbage that is not deflate",
            "Error -3 while decompressing data: invalid code lengths set",
        ),
        (
            gzip.compress(b"A story about a bridge. " * 20)[:-12],  # a truncated download
            "Compressed file ended before the end-of-stream marker was reached",
        ),
    ],
)
def test_corrupt_gzip(tmp_path: Path, data: bytes, detail: str) -> None:
    path = write(tmp_path / "story.txt.gz", data)
    assert read(path, "text") == [Reject(str(path), "corrupt gzip", detail)]


def test_unsupported_format(tmp_path: Path) -> None:
    path = write(tmp_path / "feed.xml", "<rss/>")
    assert read(path, "xml") == [Reject(str(path), "unsupported format", "cannot read 'xml' input")]


# ---------------------------------------------------------------- records


def test_malformed_jsonl_lines_are_rejected_and_good_lines_come_through(tmp_path: Path) -> None:
    path = write(
        tmp_path / "articles.jsonl",
        '{"text": "One.", "title": "T1", "url": "https://example.com/1"}\n'
        "{not json\n"
        "\n"
        '{"url": "https://example.com/3"}\n'
        "[1, 2]\n"
        '{"body": "Two.", "link": "https://example.com/5", "authors": ["A", "", "B"],'
        ' "date": "2017-02-08"}\n',
    )
    assert read(path, "jsonl") == [
        Document(str(path), f"{path}#L1", url="https://example.com/1", text="One.", title="T1"),
        Reject(
            str(path), "malformed JSON", "line 2: Expecting property name enclosed in double quotes"
        ),
        Reject(str(path), "no text", f"{path}#L4: none of the fields {NAMES}"),
        Reject(str(path), "malformed record", f"{path}#L5: expected an object with a text field"),
        Document(
            str(path),
            f"{path}#L6",
            url="https://example.com/5",
            text="Two.",
            byline="A, B",
            published_at="2017-02-08",
        ),
    ]


def test_json_file_with_one_object_is_keyed_by_path(tmp_path: Path) -> None:
    path = write(tmp_path / "one.json", '{"articleBody": "Text.", "headline": "H", "published": 5}')
    assert read(path, "json") == [
        Document(str(path), str(path), text="Text.", title="H", published_at="5")
    ]


def test_json_file_with_a_list_is_keyed_by_index(tmp_path: Path) -> None:
    path = write(tmp_path / "list.json", '[{"text": "A."}, {"raw_html": "<p>B.</p>"}, "x"]')
    assert read(path, "json") == [
        Document(str(path), f"{path}#0", text="A."),
        Document(str(path), f"{path}#1", html="<p>B.</p>"),
        Reject(str(path), "malformed record", f"{path}#2: expected an object with a text field"),
    ]


def test_malformed_json_file(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.json", '{\n  "text": ')
    assert read(path, "json") == [Reject(str(path), "malformed JSON", "line 2: Expecting value")]


def test_csv_row_with_too_many_cells(tmp_path: Path) -> None:
    path = write(
        tmp_path / "rows.csv",
        "url,title,text\n"
        'https://example.com/a,A,"First, with a comma."\n'
        "https://example.com/b,B,Second.,extra\n"
        "https://example.com/c,C,\n"
        'https://example.com/d,D,"Multi\nline."\n',
    )
    assert read(path, "csv") == [
        Document(
            str(path),
            f"{path}#row2",
            url="https://example.com/a",
            title="A",
            text="First, with a comma.",
        ),
        Reject(str(path), "malformed CSV row", "row 3: more cells than columns"),
        Reject(str(path), "no text", f"{path}#row4: none of the fields {NAMES}"),
        Document(
            str(path), f"{path}#row5", url="https://example.com/d", title="D", text="Multi\nline."
        ),
    ]


# ---------------------------------------------------------------- decoding


def test_gzipped_text_is_read_transparently(tmp_path: Path) -> None:
    text = "A “curly” story — with a dash.\n"
    path = write(tmp_path / "story.txt.gz", gzip.compress(text.encode("utf-8")))
    assert read(path, "text") == [text_doc(path, text)]


def test_gzipped_jsonl_is_read_transparently(tmp_path: Path) -> None:
    path = write(tmp_path / "a.jsonl.gz", gzip.compress(b'{"text": "Zipped."}\n'))
    assert read(path, "jsonl") == [Document(str(path), f"{path}#L1", text="Zipped.")]


def test_gzipped_html_is_handed_on_as_bytes(tmp_path: Path) -> None:
    html = b"<html><body><p>Hello.</p></body></html>"
    path = write(tmp_path / "page.html.gz", gzip.compress(html))
    assert read(path, "html") == [Document(str(path), str(path), html=html)]  # type: ignore[arg-type]


def test_utf8_bom_is_dropped(tmp_path: Path) -> None:
    path = write(tmp_path / "bom.txt", b"\xef\xbb\xbfHello.")
    assert read(path, "text") == [text_doc(path, "Hello.")]


def test_utf16_with_bom_is_not_binary(tmp_path: Path) -> None:
    path = write(tmp_path / "wide.txt", "Hello, wide world.".encode("utf-16"))
    assert read(path, "text") == [text_doc(path, "Hello, wide world.")]


LATIN1_TEXTS = [
    pytest.param(
        "Société Générale a annoncé jeudi une baisse de ses bénéfices, à cause de la crise. " * 5,
        id="french-cp1252",
    ),
    pytest.param(
        "Straße und Größe: Die Bürger in München äußerten sich über die Maßnahmen. " * 5,
        id="german-cp1250-agrees",
    ),
    pytest.param(
        "Le café était fermé à Zürich, où les élèves attendaient déjà la réouverture.",
        id="french-mac_latin2",
    ),
    pytest.param(
        "The café in Zürich was closed on Monday, the owner said. Visitors from Bogotá "
        "and São Paulo were disappointed.",
        id="english-cp775",
    ),
    pytest.param(
        "Señor Muñoz said the año had been difficult for the compañía. " * 5,
        id="spanish-cp1250",
    ),
    pytest.param(
        "Officials met in Düsseldorf and Köln. The naïve plan was dropped. " * 3,
        id="german-cp1250",
    ),
    pytest.param("Price £5, ½ off, ©2017 Example®", id="symbols-cp932"),
]


@pytest.mark.parametrize("text", LATIN1_TEXTS)
def test_latin1_text_is_decoded(tmp_path: Path, text: str) -> None:
    path = write(tmp_path / "latin1.txt", text.encode("latin-1"))
    assert read(path, "text") == [text_doc(path, text)]


# ---------------------------------------------------------------- fetched bytes and formats


def test_fetched_text_keeps_url_seen_at_and_feed_hints() -> None:
    seen = datetime(2017, 2, 8, 12, tzinfo=UTC)
    ref = InputRef(
        source="https://example.com/feed.xml",
        fmt="text",
        body="Fetched “body”.".encode(),
        url="https://example.com/a",
        seen_at=seen,
        meta={"title": "From the feed", "published_at": "2017-02-08"},
    )
    assert list(read_ref(ref, 100)) == [
        Document(
            "https://example.com/feed.xml",
            "https://example.com/a",
            url="https://example.com/a",
            text="Fetched “body”.",
            title="From the feed",
            published_at="2017-02-08",
            seen_at=seen,
        )
    ]


def test_fetched_html_is_not_decoded() -> None:
    body = b'<html><head><meta charset="latin-1"></head><body>caf\xe9</body></html>'
    ref = InputRef(
        source="https://example.com/a", fmt="html", body=body, url="https://example.com/a"
    )
    assert list(read_ref(ref, 100)) == [
        Document(
            "https://example.com/a",
            "https://example.com/a",
            url="https://example.com/a",
            html=body,  # type: ignore[arg-type]
        )
    ]


# ---------------------------------------------------------------- hostile inputs (issue 18)


def test_json_nested_100k_deep_is_a_reject(tmp_path: Path) -> None:
    """RecursionError escaped the reader and failed the run."""
    path = write(tmp_path / "deep.json", "[" * 100_000 + "]" * 100_000)
    assert read(path, "json") == [Reject(str(path), "malformed JSON", "nested too deeply to read")]
    lines = write(tmp_path / "deep.jsonl", "[" * 100_000 + "\n" + '{"text": "kept"}\n')
    assert read(lines, "jsonl") == [
        Reject(str(lines), "malformed JSON", "line 1: nested too deeply to read"),
        Document(str(lines), f"{lines}#L2", text="kept"),
    ]


def test_an_integer_of_5000_digits_is_a_reject(tmp_path: Path) -> None:
    """Python refuses to convert it with a ValueError that is not a JSONDecodeError."""
    path = write(tmp_path / "big.json", '{"text": "t", "n": ' + "9" * 5000 + "}")
    [reject] = read(path, "json")
    assert (reject.source, reject.reason) == (str(path), "malformed JSON")
    assert "4300" in reject.detail


def test_a_url_that_is_not_a_string_is_ignored_and_the_record_kept(tmp_path: Path) -> None:
    """`url: 12345` was taken for a URL."""
    path = write(tmp_path / "a.jsonl", '{"url": 12345, "link": "https://a.example/x", "text": "t"}')
    assert read(path, "jsonl") == [
        Document(str(path), f"{path}#L1", url="https://a.example/x", text="t")
    ]


def test_lone_surrogates_and_nul_characters_are_not_stored(tmp_path: Path) -> None:
    """JSON may spell characters no UTF-8 column holds (\\ud800) or NUL; both were passed on."""
    path = write(tmp_path / "a.json", '{"title": "a\\ud800b", "text": "x\\u0000y"}')
    assert read(path, "json") == [Document(str(path), str(path), text="xy", title="a?b")]


def test_a_nul_byte_deep_in_a_csv_is_dropped_and_its_row_kept(tmp_path: Path) -> None:
    """csv.Error ('line contains NUL') escaped the reader: NULs past the first 8 kB are not
    seen by the binary check."""
    rows = "".join(f"{i},row {i}\n" for i in range(1000))
    path = write(tmp_path / "a.csv", "id,text\n" + rows + "7,bad\x00row\n")
    out = read(path, "csv")
    assert len(out) == 1001
    assert out[-1] == Document(str(path), f"{path}#row1002", text="badrow")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_html_with_a_bom_is_decoded(tmp_path: Path, encoding: str) -> None:
    """It was rejected as binary (its bytes hold NULs)."""
    html = "<html><body><p>Ça va, Zoë?</p></body></html>"
    path = write(tmp_path / "a.html", ("\ufeff" + html).encode(encoding))
    assert read(path, "html") == [Document(str(path), str(path), html=html)]

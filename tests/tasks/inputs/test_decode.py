"""The one bounded decode: gzip inflated within a limit, charsets of web bodies and files."""

from __future__ import annotations

import gzip
import zlib

import pytest

from pressdiff.errors import InputError
from tasks.inputs.decode import (
    Inflater,
    TooLarge,
    decode_body,
    decode_text,
    detect_charset,
    gunzip,
    inflate_head,
)

# --- gzip -------------------------------------------------------------------------------------


def test_gunzip() -> None:
    """Plain bytes pass through; every gzip member is inflated; bombs and junk are refused."""
    assert gunzip(b"plain") == b"plain"
    assert gunzip(gzip.compress(b"one ") + gzip.compress(b"two")) == b"one two"
    with pytest.raises(InputError, match="too large: decompresses to over 100 bytes"):
        gunzip(gzip.compress(b"x" * 1000), max_bytes=100)
    with pytest.raises(InputError, match="corrupt gzip"):
        gunzip(gzip.compress(b"x" * 1000)[:20])


# --- Charsets ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "content_type", "codec"),
    [
        (b"\xef\xbb\xbfplain", None, "utf-8-sig"),
        ("naïve".encode("utf-16"), None, "utf-16"),
        (b"plain ascii", "text/html; charset=utf-8", "utf-8"),
        (b"plain ascii", None, "utf-8"),
        ("façade".encode("cp1252"), 'text/html; charset="windows-1252"', "cp1252"),
        ("façade".encode("cp1252"), "text/html; charset=x-unknown", "cp1252"),
        ('<meta charset="koi8-r">Москва'.encode("koi8-r"), "text/html", "koi8-r"),
    ],
)
def test_detect_charset(body: bytes, content_type: str | None, codec: str) -> None:
    assert detect_charset(body, content_type) == codec


def test_decode_body_never_fails() -> None:
    assert decode_body(b"caf\xc3", "text/plain; charset=utf-8").startswith("caf")


def test_decode_raises_input_error_on_nul_bytes() -> None:
    with pytest.raises(InputError) as info:
        decode_text(b"text\x00more")
    assert (info.value.reason, info.value.detail, str(info.value)) == (
        "binary",
        "the file contains NUL bytes; it is not text",
        "binary: the file contains NUL bytes; it is not text",
    )


def test_gunzip_limit_counts_every_member() -> None:
    """The limit is on all members together: two members of 60 bytes pass 100."""
    two = gzip.compress(b"x" * 60) + gzip.compress(b"y" * 60)
    assert gunzip(two, max_bytes=120) == b"x" * 60 + b"y" * 60
    with pytest.raises(InputError, match="too large: decompresses to over 100 bytes"):
        gunzip(two, max_bytes=100)


def test_inflate_head_of_a_cut_gzip() -> None:
    """A file's head inflates as far as it goes, never past its limit."""
    data = gzip.compress(b"<rss>" + b"x" * 50_000)
    assert inflate_head(data[:200], 8192).startswith(b"<rss>xxx")
    assert inflate_head(data, 100) == b"<rss>" + b"x" * 95


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw deflate"])
def test_inflater_streams_within_its_limit(encoding: str) -> None:
    """Chunks of a gzip, zlib or raw deflate stream inflate to the body; one byte more than
    the limit is TooLarge, with what still fitted kept."""
    body = b"a story about a bridge " * 100
    if encoding == "gzip":
        data = gzip.compress(body)
    else:
        z = zlib.compressobj(wbits=zlib.MAX_WBITS if encoding == "deflate" else -zlib.MAX_WBITS)
        data = z.compress(body) + z.flush()
    name = "gzip" if encoding == "gzip" else "deflate"
    inflater = Inflater(name, len(body))
    out = b"".join(inflater.feed(data[i : i + 50]) for i in range(0, len(data), 50))
    assert out + inflater.flush() == body
    small = Inflater(name, len(body) - 1)
    with pytest.raises(TooLarge):
        small.feed(data)
    assert small.overflow == body[:-1]

"""What one URL may cost, decided from its headers before any body byte."""

from __future__ import annotations

import httpx
import pytest

from tasks.web.limits import Failure, check_headers, content_encoding, media_type
from tasks.web.policy import ARTICLE_CONTENT_TYPES


@pytest.mark.parametrize(
    ("value", "coding"),
    [("", ""), ("identity", ""), ("GZIP", "gzip"), ("x-gzip", "gzip"), ("deflate", "deflate")],
)
def test_content_encoding(value: str, coding: str) -> None:
    assert content_encoding(value) == coding


@pytest.mark.parametrize("value", ["br", "gzip, gzip", "zstd"])
def test_unsupported_content_encoding(value: str) -> None:
    with pytest.raises(Failure, match=f"unsupported content encoding {value}"):
        content_encoding(value)


def test_check_headers() -> None:
    """A declared length over the limit is refused, unless the body is encoded (then the
    decoded bytes count, while streaming); a type that is no article is refused."""
    ok = httpx.Headers({"content-type": "text/html; charset=utf-8", "content-length": "10"})
    check_headers(ok, ARTICLE_CONTENT_TYPES, 10)
    big = httpx.Headers({"content-type": "text/html", "content-length": "11"})
    with pytest.raises(Failure, match="too large: over 10 bytes"):
        check_headers(big, ARTICLE_CONTENT_TYPES, 10)
    check_headers(httpx.Headers({**big, "content-encoding": "gzip"}), ARTICLE_CONTENT_TYPES, 10)
    with pytest.raises(Failure, match="content type image/png is not an article"):
        check_headers(httpx.Headers({"content-type": "image/png"}), ARTICLE_CONTENT_TYPES, 10)
    assert media_type(" Text/HTML ; charset=utf-8") == "text/html"
    assert media_type(None) is None

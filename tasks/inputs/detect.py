"""What kind of input a file or a response body is, from its first few kilobytes.

The content decides; the file name and the HTTP content type only settle what the content
leaves open (a CSV file is also plain text, a long JSON Lines record looks like JSON). A
gzip head is inflated as far as it goes, so `x.warc.gz`, `sitemap.xml.gz` and a gzipped
response are recognised by what they hold.

The kinds, and what names and content types suggest, are tasks/inputs/kinds.py.
"""

from __future__ import annotations

import csv
import json
import re
import zlib

from tasks.inputs.decode import GZIP_MAGIC, inflate_head, wide_text
from tasks.inputs.kinds import kind_of_content_type, kind_of_name

SNIFF_BYTES = 8192

_BINARY_MAGIC = (
    b"%PDF",
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"PK\x03\x04",
    b"BZh",
    b"\x28\xb5\x2f\xfd",
)
_PROLOG = re.compile(
    r"\A\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>|\s+)*", re.S | re.I
)
_TAG = re.compile(r"<([A-Za-z_][\w:.-]*)")
_DOCTYPE_HTML = re.compile(r"<!DOCTYPE\s+html", re.I)
_EMBEDDED_FEED = re.compile(
    r"<(?:[\w.-]+:)?feed[^>]+xmlns(?::\w+)?=[\"']http://www\.w3\.org/2005/Atom"
    r"|<rss[\s>]|<(?:[\w.-]+:)?RDF[^>]+purl\.org/rss/1\.0",
)
_JSONFEED_VERSION = re.compile(r'"version"\s*:\s*"https?://jsonfeed\.org/version/')
_URL_LINE = re.compile(r"https?://\S+\Z", re.I)
_HTML_TAGS = frozenset(
    {
        "html", "head", "body", "div", "p", "span", "a", "article", "section", "main",
        "header", "footer", "nav", "meta", "link", "title", "script", "style", "table",
        "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "img", "form",
        "iframe", "figure", "noscript",
    }
)  # fmt: skip
_FEED_ROOTS = frozenset({"rss", "feed", "channel"})


def detect_kind(head: bytes, name: str = "", content_type: str | None = None) -> str:
    """The kind of input whose first bytes are `head`; `name` and `content_type` are hints."""
    raw, inflated = _inflate(head[:SNIFF_BYTES])
    if raw is None:
        return "binary"
    truncated = len(head) >= SNIFF_BYTES or inflated
    if raw.startswith(b"WARC/"):
        return "warc"
    if raw.startswith(b"filedesc://"):
        return "arc"
    text = _decode(raw)
    if text is None:
        return "binary"
    return _kind_of_text(text, _hint(name, content_type), truncated)


def _inflate(head: bytes) -> tuple[bytes | None, bool]:
    """The head itself, or as much of a gzip head as inflates (None when it does not)."""
    if not head.startswith(GZIP_MAGIC):
        return head, False
    try:
        return inflate_head(head, SNIFF_BYTES), True
    except zlib.error:
        return None, True


def _decode(raw: bytes) -> str | None:
    """Text of a head, honouring UTF-8, UTF-16 and UTF-32 byte order marks; None for binary
    data."""
    if (wide := wide_text(raw)) is not None:
        return wide
    if raw.startswith(_BINARY_MAGIC) or b"\x00" in raw:
        return None
    text = raw.decode("utf-8", errors="replace").lstrip("\ufeff")
    controls = sum(1 for ch in text if ch < " " and ch not in "\t\n\r\f")
    if controls > len(text) // 20 or text.count("\ufffd") > max(8, len(text) // 4):
        return None
    return text


def _hint(name: str, content_type: str | None) -> str | None:
    """The kind a file name or content type suggests, if any."""
    return kind_of_content_type(content_type) or kind_of_name(name)


def _kind_of_text(text: str, hint: str | None, truncated: bool) -> str:
    """The kind of a decoded head."""
    stripped = text.lstrip()
    if stripped.startswith("<"):
        return _kind_of_markup(stripped, hint)
    if stripped.startswith(("{", "[")):
        return _kind_of_json(stripped, hint, truncated)
    lines = _complete_lines(stripped, truncated)
    if _is_url_list(lines):
        return "urls"
    if _DOCTYPE_HTML.search(text[:1024]) or "<html" in text[:1024].lower():
        return "html"
    return "csv" if _is_csv(lines, hint) else "text"


def _kind_of_markup(text: str, hint: str | None) -> str:
    """Feed, sitemap, sitemap index or HTML, from the root element of a markup head."""
    root = _root_name(text)
    if root in _FEED_ROOTS or (root == "rdf" and ("purl.org/rss" in text or "<item" in text)):
        return "feed"
    if root == "urlset":
        return "sitemap"
    if root == "sitemapindex":
        return "sitemapindex"
    if root == "html" or _DOCTYPE_HTML.search(text[:1024]):
        return "feed" if _EMBEDDED_FEED.search(text) else "html"
    if root in _HTML_TAGS:
        return "html"
    if hint in {"feed", "html"}:
        return hint
    return "text"


def _root_name(text: str) -> str | None:
    """Local name, lower-cased, of the first element after the XML prolog."""
    match = _TAG.match(text, _PROLOG.match(text).end())
    if match is None:
        return None
    return match.group(1).rsplit(":", 1)[-1].lower()


def _kind_of_json(text: str, hint: str | None, truncated: bool) -> str:
    """JSON Feed, JSON Lines or JSON."""
    if text.startswith("{") and _JSONFEED_VERSION.search(text.replace("\\/", "/")):
        return "jsonfeed"
    lines = _complete_lines(text, truncated)
    if len(lines) >= 2 and _is_json_value(lines[0]) and lines[1].startswith(("{", "[")):
        return "jsonl"
    if hint == "jsonl":
        return "jsonl"
    return "json"


def _is_json_value(line: str) -> bool:
    """Whether one line is a whole JSON object or array."""
    try:
        return isinstance(json.loads(line), dict | list)
    except (ValueError, RecursionError):
        return False


def _complete_lines(text: str, truncated: bool) -> list[str]:
    """Non-blank lines, without the last one when the head may have cut it short."""
    lines = text.splitlines()
    if truncated and lines and not text.endswith(("\n", "\r")):
        lines.pop()
    return [line.strip() for line in lines if line.strip()]


def _is_url_list(lines: list[str]) -> bool:
    """Whether every line (comments aside) is an absolute http(s) URL."""
    urls = [line for line in lines if not line.startswith("#")]
    return bool(urls) and all(_URL_LINE.match(line) for line in urls)


def _is_csv(lines: list[str], hint: str | None) -> bool:
    """Whether lines are rows of a delimited table: the same number (2+) of fields each."""
    needed = 2 if hint == "csv" else 3
    if len(lines) < needed:
        return hint == "csv" and bool(lines)
    for delimiter in (",", "\t", ";", "|"):
        widths = {len(row) for row in csv.reader(lines[:20], delimiter=delimiter)}
        if len(widths) == 1 and widths.pop() >= 2:
            return True
    return hint == "csv"

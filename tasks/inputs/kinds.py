"""The kinds of input pressdiff knows, and what names and content types say about them.

A *kind* is what an input is (detect.py decides it from the content); a *format* is how
read.py reads it into Documents. Feeds, sitemaps and URL lists are kinds with no format:
they are read for their links (tasks/web/links.py), not as articles.

Kinds: 'warc', 'arc', 'feed' (RSS 0.9x/1.0/2.0, Atom), 'jsonfeed', 'sitemap',
'sitemapindex', 'html', 'urls' (one URL a line), 'text', 'json', 'jsonl', 'csv', 'binary'.
"""

from __future__ import annotations

from pathlib import PurePosixPath

KINDS = (
    "warc",
    "arc",
    "feed",
    "jsonfeed",
    "sitemap",
    "sitemapindex",
    "html",
    "urls",
    "text",
    "json",
    "jsonl",
    "csv",
    "binary",
)

# suffix: (the kind the name suggests, the format a file of that name is read as). A name
# whose format is None is looked at before it is read (`.tsv` is read only when named).
SUFFIXES: dict[str, tuple[str, str | None]] = {
    ".html": ("html", "html"),
    ".htm": ("html", "html"),
    ".xhtml": ("html", "html"),
    ".txt": ("text", "text"),
    ".md": ("text", "text"),
    ".text": ("text", None),
    ".json": ("json", "json"),
    ".jsonl": ("jsonl", "jsonl"),
    ".ndjson": ("jsonl", "jsonl"),
    ".csv": ("csv", "csv"),
    ".tsv": ("csv", None),
    ".warc": ("warc", "warc"),
    ".arc": ("arc", "warc"),
    ".rss": ("feed", None),
    ".atom": ("feed", None),
}

CONTENT_TYPES = {
    "application/warc": "warc",
    "application/rss+xml": "feed",
    "application/atom+xml": "feed",
    "application/rdf+xml": "feed",
    "application/feed+json": "jsonfeed",
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/json": "json",
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "text/csv": "csv",
    "text/tab-separated-values": "csv",
    "text/plain": "text",
    "text/uri-list": "urls",
}

# kind: the format an input of that kind is read as, once its content has said what it is
FORMAT_OF_KIND = {
    "html": "html",
    "text": "text",
    "json": "json",
    "jsonl": "jsonl",
    "csv": "csv",
    "warc": "warc",
    "arc": "warc",
}


def kind_of_name(name: str) -> str | None:
    """The kind a file name or URL suggests (`.gz` looked through), if any."""
    suffixes = [s.lower() for s in PurePosixPath(name.split("?", 1)[0]).suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    entry = SUFFIXES.get(suffixes[-1]) if suffixes else None
    return entry[0] if entry else None


def format_of(path: str) -> str | None:
    """The input format a file name implies (`.gz` looked through), or None."""
    suffix = PurePosixPath(path.removesuffix(".gz").removesuffix(".GZ")).suffix.lower()
    entry = SUFFIXES.get(suffix)
    return entry[1] if entry else None


def kind_of_content_type(content_type: str | None) -> str | None:
    """The kind an HTTP content type names, if any."""
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    return CONTENT_TYPES.get(mime)

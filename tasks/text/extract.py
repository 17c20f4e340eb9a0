"""Cleaning: from a Document (HTML or plain text) to an Article with its sentences.

HTML goes through trafilatura (main text without comments, with metadata); plain text is
first-class. Header lines and datelines become fields, not text. The text is kept as
published; sentences carry the comparison form in which typography does not matter.
"""

from __future__ import annotations

import contextlib
import logging
import re
import signal
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

import trafilatura

from pressdiff import __version__
from pressdiff.errors import InputError
from tasks.inputs.read import os_reason, read_ref
from tasks.inputs.warc import WarcCapture, iter_warc
from tasks.text.datelines import lift_dateline, split_header
from tasks.text.dates import parse_datetime
from tasks.text.segment import split_paragraphs, split_sentences
from tasks.text.typography import comparison_form, text_hash, words
from tasks.web.urls import canonical_url, http_url, site_of
from warehouse.records import Article, Document, InputRef, Reject, Sighting, pickles_by_fields

# The options every HTML page is extracted with (the benchmark's baseline uses the same).
TRAFILATURA_OPTIONS: dict[str, object] = {
    "include_comments": False,
    "with_metadata": True,
    # keep the time and offset of the publication date, not only the day
    "date_extraction_params": {"original_date": True, "outputformat": "%Y-%m-%dT%H:%M:%S%z"},
}


@dataclass(frozen=True, slots=True)
class ExtractSettings:
    """What extraction reads and keeps (its part of pressdiff's Settings)."""

    max_bytes: int = 20_000_000  # larger input files (and archived pages) are rejected
    min_words: int = 20  # shorter extracted texts are rejected


# A page of our own whose date line only dateparser can read: extracting it once loads
# what the first real page would otherwise pay for (see tasks/steps/prewarm.py).
_WARM_UP_PAGE = (
    "<html><head><title>Warm-up</title></head><body><article><h1>Warm-up</h1>"
    "<p>Capital City 26, Abril, 2022 7:43</p>"
    f"<p>{'Some plain words make up this line of text. ' * 30}</p>"
    "</article></body></html>"
).encode()


def warm_up() -> None:
    """Run the extractor once on a page of our own, so its lazy start-up is paid now."""
    with contextlib.suppress(Exception):  # warming is an optimisation; failing changes nothing
        trafilatura.bare_extraction(_WARM_UP_PAGE, **TRAFILATURA_OPTIONS)


HTML_EXTRACTOR = (
    f"trafilatura {trafilatura.__version__} "
    "(include_comments=False, with_metadata=True, original_date=True)"
)
TEXT_EXTRACTOR = f"pressdiff-text {__version__}"
_HTML_LANG = re.compile(rb"<html[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})", re.I)


# trafilatura, htmldate and courlan log WARNING and ERROR lines for every odd page
# ("discarding data", "empty HTML tree"); a person running pressdiff sees rejects instead.
for _name in ("trafilatura", "htmldate", "courlan", "justext", "readability"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)

# The work one page may cost. The largest page of the shared corpora has 19,629 tags;
# trafilatura's time grows faster than the page beyond that (100,000 paragraphs: 54 s).
MAX_TAGS = 100_000
# Rejects one input may list one by one; the rest are one reject that counts them by reason
# (a 1 MB file of 500,000 bad lines made 500,000 rows and held 220 MB).
MAX_REJECTS_PER_INPUT = 1_000
SECONDS_PER_PAGE = 60  # a page taking longer is rejected (extraction processes only)


class PageTimeout(BaseException):
    """A page took over SECONDS_PER_PAGE to extract (a BaseException, so that no
    `except Exception` inside the extractor swallows it)."""


@contextlib.contextmanager
def time_limit(seconds: float):
    """Raise PageTimeout in the block after `seconds`; only in a process's main thread
    (extraction processes), since signals go nowhere else."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise PageTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _too_much_work(html: str | bytes) -> str | None:
    """Why a page is too big to extract, or None: the cap is on its tags."""
    tags = html.count(b"<" if isinstance(html, bytes) else "<")
    if tags > MAX_TAGS:
        return f"{tags:,} tags, over the limit of {MAX_TAGS:,} a page may have"
    return None


_CANONICAL = re.compile(
    rb"<link\b(?=[^>]*\brel\s*=\s*[\"']?canonical\b)[^>]*\bhref\s*=\s*[\"']([^\"'>\s]+)", re.I
)


def _canonical_link(head: bytes, url: str | None) -> str | None:
    """The page's <link rel=canonical>, when it is absolute and on the same site as `url`
    (or `url` is unknown): it names the article better than og:url or the fetched URL."""
    m = _CANONICAL.search(head)
    if not m:
        return None
    link = m.group(1).decode("utf-8", "replace").replace("&amp;", "&")
    if not http_url(link):
        return None
    return link if url is None or site_of(url) == site_of(link) else None


def _html_fields(doc: Document) -> dict | Reject:
    html = doc.html
    if too_much := _too_much_work(html):
        return Reject(doc.source, "page too complex", too_much)
    try:
        with time_limit(SECONDS_PER_PAGE):
            result = trafilatura.bare_extraction(html, url=doc.url, **TRAFILATURA_OPTIONS)
    except PageTimeout:
        detail = f"extracting its text took over {SECONDS_PER_PAGE} s"
        return Reject(doc.source, "page too complex", detail)
    except RecursionError:
        return Reject(doc.source, "unparseable HTML", "elements nested too deeply")
    except Exception as exc:  # trafilatura raises many kinds on hostile markup
        return Reject(doc.source, "unparseable HTML", f"{type(exc).__name__}: {exc}")
    if result is None or not (result.text or "").strip():
        return Reject(doc.source, "no article text", "the extractor found no main text")
    head = html[:65536] if isinstance(html, bytes) else html[:65536].encode("utf-8", "ignore")
    lang = _HTML_LANG.search(head)
    return {
        "text": result.text,
        "title": doc.title or result.title,
        "page_title": result.title,
        "byline": doc.byline or result.author,
        "published_at": doc.published_at or result.date,
        "url": _canonical_link(head, doc.url or http_url(result.url))
        or doc.url
        or http_url(result.url),
        "language": result.language or (lang.group(1).decode().lower() if lang else None),
        "extractor": HTML_EXTRACTOR,
    }


def _text_fields(doc: Document) -> dict:
    header = split_header(doc.text or "")
    f = header.fields
    return {
        "text": header.body,
        "title": doc.title or f.get("title"),
        "byline": doc.byline or f.get("byline"),
        "published_at": doc.published_at or f.get("published_at"),
        "url": doc.url or http_url(f.get("url")),
        "language": None,
        "extractor": TEXT_EXTRACTOR,
        "seen_at": f.get("seen_at"),
    }


def _body(paragraphs: list[str], *titles: str | None) -> tuple[str | None, list[str]]:
    """Drop a leading copy of a title, then lift the dateline out of the first paragraph."""
    forms = {comparison_form(t) for t in titles if t}
    if paragraphs and comparison_form(paragraphs[0]) in forms:
        paragraphs = paragraphs[1:]
    if not paragraphs:
        return None, paragraphs
    return lift_dateline(paragraphs)


@pickles_by_fields
@dataclass(slots=True)
class Extracted:
    """A document's fields and paragraphs, not yet split into sentences.

    Extraction processes return these; the sentences are split in the process that collects
    them, while the extraction processes go on with the next pages (see tasks/steps/extract.py)."""

    source: str
    key: str
    url: str | None
    title: str | None
    byline: str | None
    published_at: datetime | None
    dateline: str | None
    language: str | None
    paragraphs: list[str]
    extractor: str
    seen_at: datetime | None


def extract_text(doc: Document) -> Extracted | Reject:
    """What a Document holds before sentence splitting, or a Reject saying why it holds none."""
    fields = _html_fields(doc) if doc.html is not None else _text_fields(doc)
    if isinstance(fields, Reject):
        return fields
    dateline, paragraphs = _body(
        split_paragraphs(fields["text"]), fields["title"], fields.get("page_title")
    )
    url = http_url(fields["url"])  # anything else (`12345`) names no page: the key stands
    return Extracted(
        source=doc.source,
        key=doc.key,
        url=canonical_url(url) if url else None,
        title=fields["title"],
        byline=fields["byline"],
        published_at=parse_datetime(fields["published_at"]),
        dateline=dateline,
        language=fields["language"],
        paragraphs=paragraphs,
        extractor=fields["extractor"],
        seen_at=(parse_datetime(doc.seen_at) if isinstance(doc.seen_at, str) else doc.seen_at)
        or parse_datetime(fields.get("seen_at")),
    )


def segment_article(e: Extracted, min_words: int = 20) -> Article | Reject:
    """The Article with its sentences, or a Reject when it has fewer than `min_words` words."""
    sentences = split_sentences(e.paragraphs)
    norm = " ".join(s.norm for s in sentences)
    n_words = len(words(norm))
    if n_words < min_words:
        return Reject(e.source, "too short", f"{n_words} words, fewer than {min_words}")
    return Article(
        source=e.source,
        key=e.key,
        url=e.url,
        site=site_of(e.url),
        title=e.title,
        byline=e.byline,
        published_at=e.published_at,
        dateline=e.dateline,
        language=e.language,
        text="\n\n".join(e.paragraphs),
        sentences=sentences,
        text_hash=text_hash(norm),
        n_words=n_words,
        extractor=e.extractor,
        seen_at=e.seen_at,
    )


def extract_document(doc: Document, min_words: int = 20) -> Article | Reject:
    """The Article a Document holds, or a Reject saying why it holds none."""
    found = extract_text(doc)
    return found if isinstance(found, Reject) else segment_article(found, min_words)


def finish(item, min_words: int):
    """An extraction result split into sentences (a bug costs its input, never the run)."""
    if not isinstance(item, Extracted):
        return item
    try:
        return segment_article(item, min_words)
    except Exception as exc:  # a bug must cost one input, never the run
        return Reject(item.source, "could not be read", f"unexpected {type(exc).__name__}: {exc}")


def _read_safely(ref: InputRef, max_bytes: int) -> Iterator[Extracted | Reject | Sighting]:
    """`read_and_extract`, item by item, where even an error of ours costs the rest of one
    input, not the batch."""
    try:
        yield from _extract_each(ref, max_bytes)
    except Exception as exc:
        yield Reject(ref.source, "could not be read", f"unexpected {type(exc).__name__}: {exc}")


def cap_rejects(items: Iterable, limit: int = MAX_REJECTS_PER_INPUT) -> Iterator:
    """`items`, with at most `limit` rejects per source; past that, one reject per source
    counts the rest by reason, so a file of a million bad records is not a million rows."""
    seen: Counter[str] = Counter()
    more: dict[str, Counter[str]] = {}
    for item in items:
        if isinstance(item, Reject):
            seen[item.source] += 1
            if seen[item.source] > limit:
                more.setdefault(item.source, Counter())[item.reason] += 1
                continue
        yield item
    for source, reasons in more.items():
        counted = ", ".join(f"{n:,} {reason}" for reason, n in reasons.most_common())
        yield Reject(
            source,
            "too many rejects",
            f"{sum(reasons.values()):,} more not listed one by one ({counted})",
        )


def _capture(cap: WarcCapture, source: str) -> Extracted | Reject | Sighting:
    """One archived page: unchanged (a revisit), a reject (an error page), or an article."""
    if cap.status != 200:
        return Reject(
            f"{source}#{cap.target_uri}",
            "not an article capture",
            f"HTTP {cap.status} in the archive",
        )
    if cap.too_large is not None:
        return Reject(f"{source}#{cap.target_uri}", "too large", cap.too_large)
    if cap.revisit and (cap.body is None or cap.refers_to_uri in (None, cap.target_uri)):
        return Sighting(cap.target_uri, cap.captured_at, source)
    if cap.body is None:
        return Reject(
            f"{source}#{cap.target_uri}",
            "not an article capture",
            f"HTTP {cap.status} in the archive",
        )
    doc = Document(
        source, cap.target_uri, url=cap.target_uri, html=cap.body, seen_at=cap.captured_at
    )
    return extract_text(doc)


def _archive(ref: InputRef, max_bytes: int) -> list[Extracted | Reject | Sighting]:
    """Every HTML page in a WARC/ARC file, captured at its WARC-Date; a page that decodes
    to over `max_bytes` is a reject (the archive itself may be of any size)."""
    out: list[Extracted | Reject | Sighting] = []
    try:
        for cap in iter_warc(ref.path or ref.source, max_body=max_bytes):
            out.append(_capture(cap, ref.source))
    except InputError as exc:
        out.append(Reject(ref.source, exc.reason, exc.detail))
    except OSError as exc:
        out.append(Reject(ref.source, *os_reason(exc)))
    if not out:
        out.append(Reject(ref.source, "no pages", "the archive holds no HTML page captures"))
    return out


def read_and_extract(ref: InputRef, max_bytes: int) -> list[Extracted | Reject | Sighting]:
    """Read one input and extract the text of every document in it, unsegmented."""
    return list(_extract_each(ref, max_bytes))


def _extract_each(ref: InputRef, max_bytes: int) -> Iterator[Extracted | Reject | Sighting]:
    if ref.fmt == "warc":
        yield from _archive(ref, max_bytes)
        return
    for item in read_ref(ref, max_bytes):
        yield item if isinstance(item, Reject) else extract_text(item)


def process_refs(
    refs: Iterable[InputRef], max_bytes: int, min_words: int, split: bool = True
) -> list:
    """What an extraction process runs: `read_and_extract` over a chunk of inputs,
    flattened, and split into sentences too when `split`. Each input is read item by item
    and lists at most MAX_REJECTS_PER_INPUT rejects (see `cap_rejects`)."""
    out: list = []
    for ref in refs:
        items = _read_safely(ref, max_bytes)
        if split:
            items = (finish(item, min_words) for item in items)
        out.extend(cap_rejects(items))
    return out

"""A realistic stream of news documents for the scale benchmark, deterministic by seed.

Made of real texts: the pages of ../shared/corpora (fundus-news, trafilatura-eval) are
extracted once with pressdiff's own extractor (tasks/text/extract.py) and cached. The
stream is families and strays:

- a family is an original (a real text; past the first use of every text, the text under
  a letter-and-digit substitution of the family's own, so that families stay distinct
  while keeping the shape of real prose: word and sentence lengths, punctuation, quotes,
  numbers), then its revisions at the same URL (each one to three edits: a sentence
  changed, added, removed or moved, a term swapped throughout, now and then a new
  headline), and its republications by other sites (bench/republish.py: cuts, swapped
  terms, boilerplate lines, a new dateline and headline; plus typography changes:
  curly quotes, dashes, non-breaking spaces);
- a stray is an unrelated text with one version.

A family's documents arrive spread over the next few hundred documents of the stream, so
a revision or a copy usually lands in a later batch than its original. Each document is
written as a plain-text input with `title:`, `url:` and `seen:` header lines; the capture
times advance `step` per document from `start`.
"""

from __future__ import annotations

import gzip
import hashlib
import heapq
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from bench.republish import cipher, mostly_ascii, republish, sentences

_OUTLETS = (
    "meridian-wire coastal-courier island-gazette harbour-times daily-post north-star "
    "valley-news the-ledger city-record evening-mail metro-herald bay-observer"
)
SITES = [f"{name}.example" for name in _OUTLETS.split(" ")]
REVISIONS = [0, 0, 1, 1, 1, 2, 2, 3, 5]  # per family, drawn
COPIES = [0, 0, 0, 1, 1, 2, 3]
STRAYS = 0.15  # share of families that are an unrelated one-version text
HORIZON = 400  # a family's later documents arrive within this many documents
_TYPOGRAPHY = [('"', "\u201c"), ("'", "\u2019"), (" - ", " \u2013 "), (", ", ",\u00a0")]
_NUMBER = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class Source:
    """One real text: its title and paragraphs as pressdiff extracted them."""

    key: str
    title: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Doc:
    """One document of the stream."""

    kind: str  # original, revision, republication, stray
    family: int
    url: str
    title: str
    paragraphs: tuple[str, ...]

    def text(self, seen_at: datetime) -> str:
        """The document as a plain-text input, headed by its title, URL and capture time."""
        head = f"title: {self.title}\nurl: {self.url}\nseen: {seen_at.isoformat()}\n"
        return head + "\n" + "\n\n".join(self.paragraphs) + "\n"


# -- real texts ---------------------------------------------------------------------------


def _pages(corpora: Path) -> list[Path]:
    """The HTML pages of fundus-news and trafilatura-eval, alternating."""
    a = sorted((corpora / "fundus-news").rglob("*.html.gz"))
    b = sorted((corpora / "trafilatura-eval").rglob("*.html.gz"))
    return [p for pair in zip(a, b, strict=False) for p in pair] + a[len(b) :] + b[len(a) :]


def _extract(page: Path) -> dict | None:
    from tasks.text.extract import extract_text
    from warehouse.records import Document

    found = extract_text(Document(str(page), str(page), html=gzip.decompress(page.read_bytes())))
    paragraphs = getattr(found, "paragraphs", None)
    if not paragraphs or not found.title:
        return None
    return {"title": found.title, "paragraphs": paragraphs}


def source_texts(corpora: Path, cache: Path, limit: int | None = None) -> list[Source]:
    """The corpora's pages (the first `limit`) as pressdiff extracts them, cached in `cache`:
    the ones of mostly ASCII letters with a title and at least 4 paragraphs and 120 words."""
    pages = _pages(corpora)[:limit]
    digest = hashlib.sha256("\n".join(p.name for p in pages).encode()).hexdigest()[:16]
    cached = cache / f"scale-sources-{digest}.json"
    if cached.exists():
        found = json.loads(cached.read_text())
    else:
        found = {str(p.relative_to(corpora)): _extract(p) for p in pages}
        cache.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps(found))
    return [
        Source(key, f["title"], tuple(f["paragraphs"]))
        for key, f in sorted(found.items())
        if f
        and len(f["paragraphs"]) >= 4
        and sum(len(p.split()) for p in f["paragraphs"]) >= 120
        and mostly_ascii(" ".join(f["paragraphs"]))
    ]


# -- edits --------------------------------------------------------------------------------


def _split(paragraphs: tuple[str, ...]) -> list[list[str]]:
    return [sentences(p) or [p] for p in paragraphs]


def _join(paras: list[list[str]]) -> tuple[str, ...]:
    return tuple(" ".join(p) for p in paras if p)


def _change_sentence(paras: list[list[str]], rng: random.Random, extra: list[str]) -> None:
    p = rng.randrange(len(paras))
    s = rng.randrange(len(paras[p]))
    words = paras[p][s].split()
    if _NUMBER.search(paras[p][s]) and rng.random() < 0.5:  # a figure corrected
        paras[p][s] = _NUMBER.sub(lambda m: str(int(m[0]) + rng.randint(1, 9)), paras[p][s], 1)
    elif len(words) > 3:  # a word replaced
        i = rng.randrange(1, len(words))
        words[i] = rng.choice(extra[0].split() or ["again"])
        paras[p][s] = " ".join(words)


def _add_sentence(paras: list[list[str]], rng: random.Random, extra: list[str]) -> None:
    p = rng.randrange(len(paras))
    paras[p].insert(rng.randint(0, len(paras[p])), rng.choice(extra))


def _remove_sentence(paras: list[list[str]], rng: random.Random, extra: list[str]) -> None:
    p = max(range(len(paras)), key=lambda i: (len(paras[i]), -i))
    if len(paras[p]) > 1:
        del paras[p][rng.randrange(len(paras[p]))]


def _move_sentence(paras: list[list[str]], rng: random.Random, extra: list[str]) -> None:
    p = max(range(len(paras)), key=lambda i: (len(paras[i]), i))
    moved = paras[p].pop(rng.randrange(len(paras[p])))
    paras[rng.randrange(len(paras))].insert(0, moved)


def _swap_term(paras: list[list[str]], rng: random.Random, extra: list[str]) -> None:
    words = sorted({w for p in paras for s in p for w in s.split()[1:] if w.istitle()})
    if words:
        old, new = rng.choice(words), rng.choice(extra).split()[0].title()
        for p in paras:
            p[:] = [re.sub(rf"\b{re.escape(old)}\b", new, s) for s in p]


EDITS = [_change_sentence, _add_sentence, _remove_sentence, _move_sentence, _swap_term]


def revise(doc: Doc, rng: random.Random, extra: list[str]) -> Doc:
    """The next revision of `doc`: one to three edits, now and then a new headline."""
    paras = _split(doc.paragraphs)
    for edit in rng.sample(EDITS, rng.randint(1, 3)):
        edit(paras, rng, extra)
    for _ in range(10):  # an edit that changed nothing (a word swapped for itself): another
        if _join(paras) != doc.paragraphs:
            break
        rng.choice(EDITS)(paras, rng, extra)
    title = doc.title if rng.random() < 0.8 else f"{doc.title} ({rng.choice(['update', 'live'])})"
    return Doc("revision", doc.family, doc.url, title, _join(paras))


def retype(text: str, rng: random.Random) -> str:
    """`text` in another typography: curly quotes, dashes, non-breaking spaces."""
    for plain, fancy in rng.sample(_TYPOGRAPHY, rng.randint(1, len(_TYPOGRAPHY))):
        text = text.replace(plain, fancy)
    return text


def copy_of(doc: Doc, site: str, k: int, seed: int) -> Doc:
    """Another site's republication of `doc`."""
    rng = random.Random(seed)
    rep = republish("\n\n".join(doc.paragraphs), seed)
    url = f"https://{site}/world/{doc.family:07d}-{k}"
    paras = tuple(retype(p, rng) for p in rep.text.split("\n\n"))
    return Doc("republication", doc.family, url, retype(rep.title, rng), paras)


# -- the stream ---------------------------------------------------------------------------


def family(sources: list[Source], n: int, seed: int) -> list[tuple[int, Doc]]:
    """Family `n`: (delay in documents, document) of its original, revisions and copies."""
    rng = random.Random(seed * 1_000_003 + n)
    src = sources[n] if n < len(sources) else rng.choice(sources)
    table = cipher(rng) if n >= len(sources) else {}
    donor = rng.choice(sources)
    extra = [s.translate(table) for p in donor.paragraphs for s in sentences(p)] or ["More."]
    site = rng.choice(SITES)
    url = f"https://{site}/news/{n:07d}"
    original = Doc(
        "original",
        n,
        url,
        src.title.translate(table),
        tuple(p.translate(table) for p in src.paragraphs),
    )
    if rng.random() < STRAYS:
        return [(0, Doc("stray", n, url, original.title, original.paragraphs))]
    out, doc = [(0, original)], original
    delays = sorted(rng.randint(1, HORIZON) for _ in range(rng.choice(REVISIONS)))
    for delay in delays:
        doc = revise(doc, rng, extra)
        out.append((delay, doc))
    others = [s for s in SITES if s != site]
    for k in range(rng.choice(COPIES)):
        out.append((rng.randint(1, HORIZON), copy_of(original, rng.choice(others), k, n * 7 + k)))
    return out


def stream(sources: list[Source], n_docs: int, seed: int = 1) -> Iterator[Doc]:
    """The first `n_docs` documents of the stream of `seed` over `sources`."""
    due: list[tuple[int, int, Doc]] = []  # (position due, tie-break, doc)
    emitted, fam, order = 0, 0, 0
    while emitted < n_docs:
        if due and due[0][0] <= emitted:
            yield heapq.heappop(due)[2]
            emitted += 1
            continue
        for delay, doc in family(sources, fam, seed):
            heapq.heappush(due, (emitted + delay, order, doc))
            order += 1
        fam += 1


def write_batch(
    folder: Path, docs: list[Doc], first: int, start: datetime, step: timedelta
) -> None:
    """Write `docs` (positions `first`...) into `folder` as plain-text inputs."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, doc in enumerate(docs, start=first):
        (folder / f"{i:08d}.txt").write_text(doc.text(start + i * step), encoding="utf-8")

"""Republications generated from real article bodies, and the real bodies themselves.

A republication is what another outlet makes of a wire story: some paragraphs dropped
(down to 40% of the words kept), a few terms swapped everywhere ("Islamic State" ->
"Daesh"), the outlet's boilerplate added, paragraphs re-flowed (merged or split), a new
dateline and a new headline. Everything is driven by one seeded `random.Random`, so a seed
names one republication for ever.

The bodies come from ../shared/corpora (read there, never copied): the ground-truth
`articleBody` of article-extraction-benchmark, the expected bodies of fundus-news, the
texts trafilatura extracts from trafilatura-eval's pages (cached, extraction is slow), and
allsides-same-event's outlet articles (same event, written independently).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"')\]]))\s+(?=[\"'(\[]?[A-Z0-9])")
# a name inside a sentence ("... against Islamic State in ..."), not a sentence's first word
_TERM = re.compile(r"(?<=[a-z,] )[A-Z][a-z]{2,}(?: [A-Z][a-z]{2,})?\b")
_REPLACEMENTS = [
    "Daesh",
    "the administration",
    "Pyongyang",
    "the company",
    "officials",
    "the Kremlin",
    "Brussels",
    "the ministry",
    "militants",
    "the group",
]
_BOILERPLATE = [
    "Subscribe to our newsletter to get the day's top stories delivered to your inbox "
    "every morning, free of charge.",
    "This article was published from a syndicated wire feed and has not been edited "
    "by our staff. All rights reserved.",
    "Follow us on Twitter and Facebook for the latest updates. Download our app to read on the go.",
    "Click here to read more stories like this one, and sign up for breaking news "
    "alerts from our newsroom.",
    "(Reporting by our correspondents; Editing by the news desk.)",
    "Copyright {year} {site}. All rights reserved. This material may not be published, "
    "broadcast, rewritten or redistributed.",
]
_SITES = ["Daily Sabah", "The Tribune", "Gulf News", "Metro Herald", "The Express"]
_DATELINE = re.compile(r"^[A-Z][A-Z .'-]+(?:\([A-Za-z .]+\))?\s*[-–—:]+\s+")


@dataclass(frozen=True, slots=True)
class Republication:
    """One generated republication and what was done to make it."""

    title: str
    text: str  # paragraphs separated by blank lines
    kept: float  # share of the original's words kept
    swaps: tuple[tuple[str, str], ...]
    site: str
    added: tuple[str, ...]  # the boilerplate paragraphs added

    def document(self, with_title: bool = True) -> str:
        """The text as an extractor would give it, optionally headed by its title."""
        return f"{self.title}\n\n{self.text}" if with_title else self.text


def paragraphs(body: str) -> list[str]:
    """Blank-line or line separated blocks of `body`, stripped."""
    blocks = re.split(r"\n\s*\n", body) if "\n\n" in body else body.split("\n")
    return [b.strip() for b in blocks if b.strip()]


def sentences(paragraph: str) -> list[str]:
    """A rough split of a paragraph into sentences (enough for re-flowing)."""
    return [s for s in _SENTENCE_END.split(paragraph) if s.strip()]


def _units(body: str) -> list[str]:
    """Paragraphs, or sentences for a body with too few paragraphs to drop any."""
    paras = paragraphs(body)
    return paras if len(paras) >= 4 else [s for p in paras for s in sentences(p)]


def _n_words(texts: list[str]) -> int:
    return sum(len(t.split()) for t in texts)


def drop_units(units: list[str], rng: random.Random, min_kept: float = 0.4) -> list[str]:
    """Drop a tail and some inner units, keeping at least `min_kept` of the words."""
    if len(units) < 2:
        return list(units)
    target = rng.uniform(min_kept, 1.0) * _n_words(units)
    kept = list(units)
    while len(kept) > 1:
        # wire rewrites mostly cut the end; sometimes a block in the middle
        i = len(kept) - 1 if rng.random() < 0.6 else rng.randrange(1, len(kept))
        if _n_words(kept) - len(kept[i].split()) < target:
            break
        del kept[i]
    return kept


def swap_terms(text: str, rng: random.Random, n: int) -> tuple[str, tuple[tuple[str, str], ...]]:
    """Replace every occurrence of up to `n` names used inside sentences of `text`."""
    terms = sorted(set(_TERM.findall(text)))
    swaps = tuple((t, rng.choice(_REPLACEMENTS)) for t in rng.sample(terms, min(n, len(terms))))
    for old, new in swaps:
        text = re.sub(rf"\b{re.escape(old)}\b", new, text)
    return text, swaps


def reflow(units: list[str], rng: random.Random) -> list[str]:
    """Merge some neighbouring paragraphs and split some long ones at a sentence."""
    out: list[str] = []
    for unit in units:
        parts = sentences(unit)
        if len(parts) > 2 and rng.random() < 0.2:
            cut = rng.randrange(1, len(parts))
            out += [" ".join(parts[:cut]), " ".join(parts[cut:])]
        elif out and rng.random() < 0.25:
            out[-1] = f"{out[-1]} {unit}"
        else:
            out.append(unit)
    return out


def headline(units: list[str], rng: random.Random) -> str:
    """A new headline made of words of the opening, re-ordered and cut."""
    words = [w.strip(",.;:\"'") for w in units[0].split()[:14]]
    words = [w for w in words if w] or ["Update"]
    rng.shuffle(words)
    return " ".join(words[: rng.randint(4, 10)]).capitalize()


def boilerplate(site: str, rng: random.Random) -> list[str]:
    """One or two of the outlet's boilerplate paragraphs."""
    picked = rng.sample(_BOILERPLATE, rng.randint(1, 2))
    return [b.format(year=rng.randint(2015, 2024), site=site) for b in picked]


def republish(body: str, seed: int, min_kept: float = 0.4) -> Republication:
    """Another outlet's copy of `body`, with the edits of a real republication."""
    rng = random.Random(seed)
    units = _units(body)
    kept = drop_units(units, rng, min_kept)
    share = _n_words(kept) / max(_n_words(units), 1)
    text, swaps = swap_terms("\n\n".join(kept), rng, rng.randint(0, 3))
    kept = reflow(text.split("\n\n"), rng)
    site = rng.choice(_SITES)
    if kept and rng.random() < 0.5:  # a new dateline, or none
        kept[0] = _DATELINE.sub("", kept[0])
        kept[0] = f"{rng.choice(['ANKARA', 'LONDON', 'DUBAI'])}: {kept[0]}"
    extra = boilerplate(site, rng)
    head, tail = (extra[:1], extra[1:]) if rng.random() < 0.3 else ([], extra)
    return Republication(
        title=headline(kept or ["Update"], rng),
        text="\n\n".join(head + kept + tail),
        kept=share,
        swaps=swaps,
        site=site,
        added=tuple(extra),
    )


# -- real bodies from ../shared/corpora -------------------------------------------------


@dataclass(frozen=True, slots=True)
class Body:
    """One real article body and where it came from."""

    key: str  # corpus/file or corpus/id
    text: str


def benchmark_bodies(root: Path) -> list[Body]:
    """article-extraction-benchmark's ground-truth `articleBody`s."""
    truth = json.loads((root / "article-extraction-benchmark" / "ground-truth.json").read_text())
    return [
        Body(f"aeb/{key}", item["articleBody"])
        for key, item in sorted(truth.items())
        if item.get("articleBody", "").strip()
    ]


def _fundus_text(entry: dict) -> str:
    body = entry.get("body") or {}
    paras = list(body.get("summary") or [])
    for section in body.get("sections") or []:
        paras += section.get("paragraphs") or []
    return "\n\n".join(p for p in paras if p.strip())


def fundus_bodies(root: Path) -> list[Body]:
    """fundus-news's expected bodies (summary and section paragraphs), one per version key."""
    out = []
    for path in sorted((root / "fundus-news").glob("*/*.json")):
        if path.name == "meta.info":
            continue
        for key, entry in sorted(json.loads(path.read_text()).items()):
            if isinstance(entry, dict) and (text := _fundus_text(entry)):
                out.append(Body(f"fundus/{path.parent.name}/{path.stem}/{key}", text))
    return out


def _extract(page: Path) -> str:
    import trafilatura

    html = gzip.decompress(page.read_bytes()).decode("utf-8", "replace")
    return trafilatura.extract(html, fast=True, include_comments=False) or ""


def trafilatura_bodies(root: Path, cache: Path) -> list[Body]:
    """The texts trafilatura extracts from trafilatura-eval's pages, cached in `cache`."""
    pages = sorted((root / "trafilatura-eval").glob("*/*.html.gz"))
    digest = hashlib.sha256("\n".join(p.name for p in pages).encode()).hexdigest()[:16]
    cached = cache / f"trafilatura-eval-{digest}.json"
    if cached.exists():
        texts = json.loads(cached.read_text())
    else:
        texts = {f"{p.parent.name}/{p.name}": _extract(p) for p in pages}
        cache.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps(texts))
    return [Body(f"trafilatura/{k}", t) for k, t in sorted(texts.items()) if t.strip()]


@dataclass(frozen=True, slots=True)
class EventArticle:
    """One outlet's article in an allsides event."""

    event: int
    stance: str
    source: str
    title: str
    text: str


def allsides_articles(root: Path) -> Iterator[EventArticle]:
    """Every outlet article of allsides-same-event, with its event id."""
    path = next((root / "allsides-same-event").glob("*.jsonl.gz"))
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            event = json.loads(line)
            for stance, item in sorted((event.get("news") or {}).items()):
                text = "\n\n".join(p for p in item.get("newBody") or [] if p.strip())
                if text:
                    yield EventArticle(
                        event["id"],
                        stance,
                        item.get("newsSource", ""),
                        item.get("newsTitle", ""),
                        text,
                    )


def mostly_ascii(text: str) -> bool:
    """Whether a substitution of ASCII letters makes `text` another text (not Cyrillic, CJK)."""
    letters = [c for c in text if c.isalpha()]
    return sum(c.isascii() for c in letters) >= 0.98 * max(len(letters), 1)


def cipher(rng: random.Random) -> dict[int, int]:
    """A random substitution of the ASCII letters and digits (case kept)."""
    table = {}
    for alphabet in (string.ascii_lowercase, string.digits):
        shuffled = list(alphabet)
        rng.shuffle(shuffled)
        table |= dict(zip(alphabet, shuffled, strict=True))
    table |= {k.upper(): v.upper() for k, v in table.items() if k.isalpha()}
    return str.maketrans(table)

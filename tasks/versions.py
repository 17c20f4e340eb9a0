"""Versioning rules: what an extracted article is, given the versions already stored.

An article is its canonical URL, else the absolute path (and line or row) of its source.
An incoming text is a *sighting* of the version current at its capture time when it is
that version's text, else a *new version*, inserted in capture order: a revert or an older
crawl arriving late lands where it belongs, and the version after it changed from it. A
text found under another article is counted as a duplicate (it is still stored).

`Plan` holds one batch's decisions as columns to insert; the warehouse executes them
(warehouse/store.py), the load step composes the two (tasks/steps/load.py).
"""

from __future__ import annotations

import bisect
import os
from dataclasses import dataclass, field
from datetime import datetime

from tasks.web.urls import canonical_url
from warehouse.columns import Columns
from warehouse.ids import stable_id
from warehouse.records import Article, Reject, Sighting, StoreResult

TABLES = ("articles", "versions", "sentences", "sightings")


def article_key(article: Article) -> str:
    """What identifies an article: its canonical URL, else its absolute source key."""
    if article.url:
        return article.url
    path, sep, rest = article.key.partition("#")
    return os.path.abspath(path) + sep + rest if not path.startswith("http") else article.key


def article_id_of(article: Article) -> str:
    """The stable article id of `article`."""
    return stable_id("article", article_key(article))


def sighting_article_id(sighting: Sighting) -> str:
    """The article a sighting's URL names."""
    return stable_id("article", canonical_url(sighting.url))


@dataclass(slots=True)
class Timeline:
    """One article's versions in seen_at order: (seen_at, text_hash, version_id)."""

    entries: list[tuple[datetime, str, str]] = field(default_factory=list)
    arrivals: int = 0  # versions stored so far: the next one's arrival number

    def at(self, t: datetime) -> int:
        """Index of the version current at `t` (-1 when none was seen yet)."""
        return bisect.bisect_right(self.entries, t, key=lambda e: e[0]) - 1

    def occurrences(self, text_hash: str) -> int:
        return sum(1 for e in self.entries if e[1] == text_hash)


class Plan:
    """One batch's decisions: rows to insert by table, and what they add up to.

    Built from the stored versions of the batch's articles, rows of (article_id, seen_at,
    text_hash, version_id, version_no), and, by text hash, the articles that hold it."""

    def __init__(self, known_rows: list, elsewhere: dict[str, set[str]]) -> None:
        self.timelines: dict[str, Timeline] = {}
        for article_id, seen_at, h, version_id, no in sorted(known_rows, key=lambda r: r[1]):
            tl = self.timelines.setdefault(article_id, Timeline())
            tl.entries.append((seen_at, h, version_id))
            tl.arrivals = max(tl.arrivals, no)
        self.elsewhere = elsewhere
        self.cols = {t: Columns() for t in TABLES}
        self.result = StoreResult()
        self.rejects: list[Reject] = []

    def add(self, a: Article, seen_at: datetime, run_id: str, article_id: str) -> None:
        """Decide what `a` is: a sighting of the text current at `seen_at`, or a new version
        (inserted in seen_at order, so a revert or an older crawl lands where it belongs)."""
        tl = self.timelines.setdefault(article_id, Timeline())
        i = tl.at(seen_at)
        if i >= 0 and tl.entries[i][1] == a.text_hash:
            self._sighting(tl.entries[i][2], seen_at, run_id, a.source)
            return
        if any(other != article_id for other in self.elsewhere.get(a.text_hash, ())):
            self.result.duplicates += 1
        self.elsewhere.setdefault(a.text_hash, set()).add(article_id)
        k = tl.occurrences(a.text_hash)  # a text coming back (a revert) is a version again
        version_id = stable_id("version", article_id, a.text_hash, *([str(k)] if k else []))
        if not tl.entries:
            self.result.articles_new += 1
            self.cols["articles"].add(
                article_id=article_id,
                url=a.url,
                source_key=article_key(a),
                site=a.site,
                first_seen=seen_at,
            )
        if i >= 0:
            self.result.revisions.append((tl.entries[i][2], version_id))
        if i + 1 < len(tl.entries):  # an older text arriving late: its successor changed from it
            self.result.revisions.append((version_id, tl.entries[i + 1][2]))
        tl.entries.insert(i + 1, (seen_at, a.text_hash, version_id))
        tl.arrivals += 1
        self.result.versions_new += 1
        self.result.new_version_ids.append(version_id)
        self._version(a, version_id, article_id, tl.arrivals, seen_at, run_id)

    def add_sighting(self, s: Sighting, run_id: str, article_id: str) -> None:
        """A URL seen unchanged counts for the version current then; unknown: a reject."""
        tl = self.timelines.get(article_id)
        i = tl.at(s.seen_at) if tl else -1
        if tl is None or i < 0:
            detail = f"{s.url} was not modified, but no version of it is stored"
            self.rejects.append(Reject(s.source, "unchanged but unknown", detail))
            return
        self._sighting(tl.entries[i][2], s.seen_at, run_id, s.source)

    def _sighting(self, version_id: str, seen_at: datetime, run_id: str, source: str) -> None:
        self.result.unchanged += 1
        self.cols["sightings"].add(
            version_id=version_id, seen_at=seen_at, run_id=run_id, source=source
        )

    def _version(
        self, a: Article, version_id: str, article_id: str, no: int, seen_at: datetime, run_id: str
    ) -> None:
        self.cols["versions"].add(
            version_id=version_id,
            article_id=article_id,
            version_no=no,
            title=a.title,
            byline=a.byline,
            published_at=a.published_at,
            dateline=a.dateline,
            seen_at=seen_at,
            text=a.text,
            norm=" ".join(s.norm for s in a.sentences),
            text_hash=a.text_hash,
            n_words=a.n_words,
            language=a.language,
            source=a.source,
            extractor=a.extractor,
            run_id=run_id,
        )
        for s in a.sentences:
            self.cols["sentences"].add(
                version_id=version_id,
                sentence_no=s.sentence_no,
                paragraph_no=s.paragraph_no,
                text=s.text,
                norm=s.norm,
                sentence_hash=s.hash,
            )

"""How much one run follows from the sources it fetches: sitemaps and feeds, article links.

A sitemap index can name thousands of sitemaps, each an index again; a feed can hold
100,000 items. Every named source (a URL given to `ingest`, a watched source) has a share,
and the run as a whole has a larger one:

    documents   sitemaps and feeds fetched for a source (the source itself included),
                per source and per run
    links       article links taken from a source's documents, per source and per run
    depth       sitemap indexes nested deeper than `max_depth` are not followed

Whatever a limit leaves out is a `Reject` of the named source with reason "limit reached"
and a detail that names the limit, its setting and how much was left out: it shows in the
run's summary and in `rejects`, never silently.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from warehouse.records import Reject

LIMIT_REACHED = "limit reached"


@dataclass(frozen=True, slots=True)
class CrawlLimits:
    """How much one run may follow (the settings a CrawlBudget starts from)."""

    documents_per_source: int = 50
    documents_per_run: int = 200
    links_per_source: int = 5_000
    links_per_run: int = 20_000
    max_depth: int = 3


@dataclass(slots=True)
class CrawlBudget:
    """What one run may still follow; `take_*` spend it and say what was left out."""

    documents_per_source: int = 50
    documents_per_run: int = 200
    links_per_source: int = 5_000
    links_per_run: int = 20_000
    max_depth: int = 3
    documents: Counter[str] = field(default_factory=Counter)  # by named source; "" is the run
    links: Counter[str] = field(default_factory=Counter)

    def take_documents(self, root: str, urls: list[str]) -> tuple[list[str], list[Reject]]:
        """The documents of `root` that may still be fetched, and a reject for the rest."""
        limits = (
            (self.documents_per_source, "per source", "PRESSDIFF_MAX_SITEMAPS_PER_SOURCE"),
            (self.documents_per_run, "per run", "PRESSDIFF_MAX_SITEMAPS_PER_RUN"),
        )
        return self._take(self.documents, root, urls, limits, "sitemaps and feeds")

    def take_links(self, root: str, links: list) -> tuple[list, list[Reject]]:
        """The article links of `root` that may still be followed, and a reject for the rest."""
        limits = (
            (self.links_per_source, "per source", "PRESSDIFF_MAX_LINKS_PER_SOURCE"),
            (self.links_per_run, "per run", "PRESSDIFF_MAX_LINKS_PER_RUN"),
        )
        return self._take(self.links, root, links, limits, "article links")

    def too_deep(self, root: str, urls: list[str]) -> list[Reject]:
        """A reject for sitemaps nested past `max_depth`, left unfetched."""
        if not urls:
            return []
        detail = (
            f"{len(urls)} sitemaps not followed: nested deeper than {self.max_depth} "
            f"(first: {urls[0]})"
        )
        return [Reject(root, LIMIT_REACHED, detail)]

    @staticmethod
    def _take(
        spent: Counter[str], root: str, items: list, limits: tuple, what: str
    ) -> tuple[list, list[Reject]]:
        """As many of `items` as every limit allows, spent from `root`'s and the run's share."""
        left = [
            (limit - spent[key], limit, scope, name)
            for key, (limit, scope, name) in zip((root, ""), limits, strict=True)
        ]
        allowed = max(0, min(len(items), *(room for room, *_ in left)))
        spent[root] += allowed
        spent[""] += allowed
        dropped = len(items) - allowed
        if not dropped:
            return items, []
        _, limit, scope, name = min(left, key=lambda entry: entry[0])  # the one that bit
        detail = f"{dropped} {what} not followed: over {limit} {scope} ({name})"
        return items[:allowed], [Reject(root, LIMIT_REACHED, detail)]

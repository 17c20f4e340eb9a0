"""What the user named, expanded: files, folders (recursive), globs, and URLs to fetch."""

from __future__ import annotations

import glob
import os
import stat
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pressdiff.errors import InputError
from tasks.inputs.crawl_index import INDEX_NAME, read_crawl_index
from tasks.inputs.detect import detect_kind
from tasks.inputs.kinds import FORMAT_OF_KIND, format_of
from tasks.inputs.read import not_regular, os_reason, printable, read_regular
from tasks.web.links import LINK_KINDS, Link, read_links
from warehouse.records import InputRef, Reject


@dataclass(slots=True)
class Plan:
    """The inputs one ingest will read, and what it could not use."""

    refs: list[InputRef] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)  # sources to fetch: pages, feeds, sitemaps
    links: list[Link] = field(default_factory=list)  # article links read from local sources
    rejects: list[Reject] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files in folders of no known type
    skipped_by_name: list[str] = field(default_factory=list)  # files in folders, not articles
    indexes: dict[Path, dict] = field(default_factory=dict, repr=False, compare=False)  # cache

    def _index(self, folder: Path) -> dict:
        if folder not in self.indexes:
            self.indexes[folder] = read_crawl_index(folder)
        return self.indexes[folder]

    def capture_time(self, path: Path) -> datetime | None:
        """The crawl date `path`'s folder's index.json gives it (None when none does)."""
        return self._index(path.parent).get(path.name)

    def is_crawl_index(self, path: Path) -> bool:
        """Whether `path` is its folder's crawl index: metadata, not an article."""
        return path.name == INDEX_NAME and bool(self._index(path.parent))


# Files in a folder that are not articles by their names: a corpus' notes, licence and
# answer keys. Named on the command line, they are read like any file.
_NOT_ARTICLE_STEMS = frozenset(
    {
        "readme",
        "license",
        "licence",
        "copying",
        "notice",
        "authors",
        "changelog",
        "changes",
        "contributing",
        "source",
        "manifest",
    }
)
_NOT_ARTICLE_NAMES = frozenset(
    {
        "index.json",
        "ground-truth.json",
        "ground_truth.json",
        "groundtruth.json",
        "evaldata.json",
        "eval_baseline.json",
        "metadata.json",
        "meta.json",
        "package.json",
    }
)


def not_an_article(name: str) -> bool:
    """Whether a file called `name`, found in a folder, is by its name no article: a README,
    LICENSE or SOURCE.txt (as text or of no known type: `changelog.blog.html` is a page), an
    index or ground truth, `*.expected.json`, a dotfile."""
    lower = name.lower()
    return (
        lower.startswith(".")
        or (lower.split(".", 1)[0] in _NOT_ARTICLE_STEMS and format_of(name) in (None, "text"))
        or lower in _NOT_ARTICLE_NAMES
        or ".expected." in lower
    )


def is_url(source: str) -> bool:
    """Whether `source` names something to fetch rather than a local path."""
    return "://" in source and not source.startswith("file://")


def _walk(plan: Plan, folder: Path) -> list[Path]:
    """The files under `folder`, sorted; a folder that cannot be listed is a reject."""

    def refused(exc: OSError) -> None:
        reason, detail = os_reason(exc)
        where = printable(exc.filename or str(folder))
        plan.rejects.append(Reject(where, reason, f"cannot list the folder: {detail}"))

    out = []
    for dirpath, dirnames, filenames in os.walk(folder, onerror=refused):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        out.extend(Path(dirpath, f) for f in sorted(filenames))
    return out


def _regular(plan: Plan, path: Path) -> bool:
    """Whether `path` is a regular file (or a link to one) to read; a pipe, device, socket,
    broken or looping link or a file that cannot be looked at is a reject instead."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        reason, detail = os_reason(exc)
        if os.path.islink(path) and not os.path.exists(path) and "loop" not in detail:
            reason, detail = "unreadable", "a symbolic link to nothing"
        plan.rejects.append(Reject(printable(str(path)), reason, detail))
        return False
    if kind := not_regular(mode):
        detail = f"it is {kind}; only files are read"
        plan.rejects.append(Reject(printable(str(path)), "not a regular file", detail))
        return False
    return True


MAX_LINK_SOURCE_BYTES = 256 * 1024 * 1024  # a local feed, sitemap or URL list read whole
_SURE = {"html", "csv", "jsonl", "warc"}  # formats whose name is trusted without a look


def _sniff(path: Path) -> str:
    try:
        return detect_kind(read_regular(str(path), 8192)[:8192], printable(path.name))
    except InputError:
        return "unreadable"


def _add_links(plan: Plan, path: Path, kind: str, max_bytes: int) -> None:
    source = printable(str(path))
    try:
        body = read_regular(str(path), max_bytes)
        if len(body) > max_bytes:
            raise InputError("too large", f"over the {max_bytes:,}-byte limit")
        links = read_links(body, source, kind)
    except InputError as exc:
        plan.rejects.append(Reject(source, exc.reason, exc.detail))
        return
    plan.links += links.articles
    plan.urls += links.sources
    plan.rejects += links.rejects


def _add_file(plan: Plan, path: Path, *, named: bool) -> None:
    if not named and not_an_article(path.name):
        plan.skipped_by_name.append(printable(str(path)))
        return
    if not _regular(plan, path) or plan.is_crawl_index(path):
        return
    fmt = format_of(path.name)
    if fmt not in _SURE:
        kind = _sniff(path)
        if kind in LINK_KINDS:
            _add_links(plan, path, kind, MAX_LINK_SOURCE_BYTES)
            return
        if kind in ("warc", "arc") or (fmt is None and named):  # in folders, names decide
            fmt = FORMAT_OF_KIND.get(kind)
    if fmt is None and not named:
        plan.skipped.append(printable(str(path)))
        return
    plan.refs.append(
        InputRef(
            source=printable(str(path)),
            fmt=fmt or "text",
            path=str(path),
            seen_at=plan.capture_time(path),
        )
    )


def _add_named(plan: Plan, path: Path) -> None:
    """A folder's files, or one file; anything else named is a reject, never ignored."""
    try:
        is_dir = stat.S_ISDIR(os.stat(path).st_mode)
    except OSError:
        is_dir = False  # _add_file says why
    if is_dir:
        for p in _walk(plan, path):
            _add_file(plan, p, named=False)
    else:
        _add_file(plan, path, named=True)


def plan_inputs(sources: list[str]) -> Plan:
    """Expand every SOURCE into InputRefs (local) and URLs (to fetch); only the heads of
    files of unknown kind are read (and feeds, sitemaps and URL lists, for their links)."""
    plan = Plan()
    for source in sources:
        if is_url(source):
            plan.urls.append(source)
            continue
        path = Path(source.removeprefix("file://")).expanduser()
        if os.path.lexists(path):
            _add_named(plan, path)
        elif matches := sorted(glob.glob(str(path), recursive=True)):
            for m in matches:
                _add_named(plan, Path(m))
        else:
            reason, detail = "not found", "no such file, folder or glob match"
            try:
                os.stat(path)
            except FileNotFoundError:
                pass
            except OSError as exc:  # e.g. a folder on the way that cannot be searched
                reason, detail = os_reason(exc)
            plan.rejects.append(Reject(printable(source), reason, detail))
    return plan


def batched(items: list, size: int) -> list[list]:
    """`items` in consecutive lists of at most `size`."""
    return [items[i : i + size] for i in range(0, len(items), size)]

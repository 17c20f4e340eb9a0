"""What the user named, expanded: files, folders (recursive), globs, and URLs to fetch."""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass, field
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from pressdiff.errors import InputError
from tasks.article import InputRef, Reject
from tasks.detect import detect_kind
from tasks.links import LINK_KINDS, Link, read_links
from tasks.read import format_of


@dataclass(slots=True)
class Plan:
    """The inputs one ingest will read, and what it could not use."""

    refs: list[InputRef] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)  # sources to fetch: pages, feeds, sitemaps
    links: list[Link] = field(default_factory=list)  # article links read from local sources
    rejects: list[Reject] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files in folders of no known type


def is_url(source: str) -> bool:
    """Whether `source` names something to fetch rather than a local path."""
    return "://" in source and not source.startswith("file://")


def _walk(folder: Path) -> list[Path]:
    out = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        out.extend(Path(dirpath, f) for f in sorted(filenames) if not f.startswith("."))
    return out


_SURE = {"html", "csv", "jsonl", "warc"}  # formats whose name is trusted without a look
_KIND_FORMAT = {
    "html": "html",
    "text": "text",
    "json": "json",
    "jsonl": "jsonl",
    "csv": "csv",
    "warc": "warc",
    "arc": "warc",
}


def _sniff(path: Path) -> str:
    try:
        with path.open("rb") as f:
            return detect_kind(f.read(8192), path.name)
    except OSError:
        return "unreadable"


def _add_links(plan: Plan, path: Path, kind: str) -> None:
    try:
        links = read_links(path.read_bytes(), str(path), kind)
    except (OSError, InputError) as exc:
        reason, detail = (
            (exc.reason, exc.detail) if isinstance(exc, InputError) else ("unreadable", str(exc))
        )
        plan.rejects.append(Reject(str(path), reason, detail))
        return
    plan.links += links.articles
    plan.urls += links.sources


def _add_file(plan: Plan, path: Path, *, named: bool) -> None:
    fmt = format_of(path.name)
    if fmt not in _SURE:
        kind = _sniff(path)
        if kind in LINK_KINDS:
            _add_links(plan, path, kind)
            return
        if kind in ("warc", "arc") or (fmt is None and named):  # in folders, names decide
            fmt = _KIND_FORMAT.get(kind)
    if fmt is None and not named:
        plan.skipped.append(str(path))
        return
    plan.refs.append(InputRef(source=str(path), fmt=fmt or "text", path=str(path)))


def plan_inputs(sources: list[str]) -> Plan:
    """Expand every SOURCE into InputRefs (local) and URLs (to fetch); no file is read."""
    plan = Plan()
    for source in sources:
        if is_url(source):
            plan.urls.append(source)
            continue
        path = Path(source.removeprefix("file://")).expanduser()
        if path.is_dir():
            for p in _walk(path):
                _add_file(plan, p, named=False)
        elif path.is_file():
            _add_file(plan, path, named=True)
        elif matches := sorted(glob.glob(str(path), recursive=True)):
            for m in map(Path, matches):
                if m.is_dir():
                    for p in _walk(m):
                        _add_file(plan, p, named=False)
                elif m.is_file():
                    _add_file(plan, m, named=True)
        else:
            plan.rejects.append(Reject(source, "not found", "no such file, folder or glob match"))
    return plan


def batched(items: list, size: int) -> list[list]:
    """`items` in consecutive lists of at most `size`."""
    return [items[i : i + size] for i in range(0, len(items), size)]


plan = task(name="plan-inputs", cache_policy=NO_CACHE)(plan_inputs)

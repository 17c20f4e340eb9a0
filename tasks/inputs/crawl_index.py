"""A folder's crawl index: `index.json` naming the folder's files with their crawl dates.

Crawl archives such as fundus' re-crawls ship one beside the pages:
`[{"url": ..., "file": "de_Taz_2023-04-28T203215_2ff9dea0.html.gz",
"crawl_date": "2023-04-28 20:32:15.077826", ...}, ...]`. It is metadata, not an article:
each file it names gets its crawl date as its capture time (UTC when the date has no
offset), so re-crawls ingested in folder order come out in crawl order. An `index.json`
of any other shape is no crawl index and is read like any other file.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from tasks.text.dates import parse_datetime

INDEX_NAME = "index.json"
MAX_INDEX_BYTES = 64 * 1024 * 1024
_DATE_KEYS = ("crawl_date", "crawled_at", "seen_at", "fetched_at")


def _capture_time(value: object) -> datetime | None:
    return parse_datetime(value) if isinstance(value, str) else None


def parse_crawl_index(data: bytes) -> dict[str, datetime] | None:
    """File name -> capture time, from an index's bytes; None when they are not a crawl
    index (not a JSON list of objects naming a `file` of this folder and a crawl date)."""
    try:
        entries = json.loads(data)
    except (ValueError, RecursionError):
        return None
    if not isinstance(entries, list) or not entries:
        return None
    times: dict[str, datetime] = {}
    for e in entries:
        if not isinstance(e, dict) or not isinstance(e.get("file"), str):
            return None
        name = e["file"]
        t = next((t for k in _DATE_KEYS if (t := _capture_time(e.get(k)))), None)
        if t is None or "/" in name or "\\" in name or name in ("", ".", ".."):
            return None
        times[name] = t
    return times


def read_crawl_index(folder: Path) -> dict[str, datetime]:
    """The capture times `folder`'s index.json gives its files; empty without one."""
    index = folder / INDEX_NAME
    try:
        with index.open("rb") as handle:
            data = handle.read(MAX_INDEX_BYTES + 1)
    except OSError:
        return {}
    if len(data) > MAX_INDEX_BYTES:
        return {}
    return parse_crawl_index(data) or {}

"""The Atom feed of notable changes (RFC 4287), built with ElementTree so every value is
escaped; one entry per revision and rule, newest first."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.etree import ElementTree as ET

ATOM = "http://www.w3.org/2005/Atom"


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    el.text = text
    return el


def _stamp(ts: datetime | None) -> str:
    return (ts or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")


def atom(title: str, self_url: str, site_url: str, entries: list[dict], link) -> bytes:
    """The feed document. `entries` are rows of web_recent_notable.sql; `link(row)` is the
    absolute address of the diff each entry points to."""
    feed = ET.Element("feed", xmlns=ATOM)
    _text(feed, "title", title)
    _text(feed, "id", self_url)
    ET.SubElement(feed, "link", rel="self", href=self_url, type="application/atom+xml")
    ET.SubElement(feed, "link", rel="alternate", href=site_url, type="text/html")
    _text(feed, "updated", _stamp(max((e["found_at"] for e in entries), default=None)))
    author = ET.SubElement(feed, "author")
    _text(author, "name", "pressdiff")
    _text(feed, "generator", "pressdiff")
    for e in entries:
        entry = ET.SubElement(feed, "entry")
        _text(entry, "title", f"{e['rule']}: {e['title'] or e['url']}")
        _text(
            entry, "id", f"urn:pressdiff:notable:{e['comparison_id']}:{e['rule'].replace(' ', '-')}"
        )
        _text(entry, "updated", _stamp(e["found_at"]))
        ET.SubElement(entry, "link", rel="alternate", href=link(e), type="text/html")
        ET.SubElement(entry, "category", term=e["rule"])
        summary = f"{e['url']} v{e['version_no']}: {e['rule']}"
        if e["detail"]:
            summary += f" ({e['detail']})"
        _text(entry, "summary", summary)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)

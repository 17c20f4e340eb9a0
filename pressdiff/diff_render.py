"""A comparison for the terminal: sentence rows, removed words struck in red, inserted green.

The comparison shown is the one the warehouse stored for the pair (what the views say);
a pair never compared is aligned now, with the configured thresholds. Runs of unchanged
sentences are folded into one line. Article text is appended as plain text with its
control characters made visible (`render.visible`), never parsed as markup.
"""

from __future__ import annotations

from dataclasses import asdict

import duckdb
from rich.text import Text

from pressdiff.render import visible
from tasks.compare.align import Comparison, SentenceEdit, compare
from tasks.compare.phrases import PhraseEdit, phrase_ops
from tasks.compare.settings import AlignSettings
from warehouse.comparisons import StoredVersion
from warehouse.stored_comparison import StoredComparison, stored_comparison

REMOVED = "red strike"
INSERTED = "green"
_MARK = {"same": "  ", "changed": "~ ", "moved": "↕ ", "added": "+ ", "removed": "- "}


def comparison_of(
    con: duckdb.DuckDBPyConnection,
    old: StoredVersion,
    new: StoredVersion,
    relation: str,
    align: AlignSettings,
) -> tuple[Comparison, str]:
    """The comparison of `old` with `new` and its relation: the stored one when the pair
    was compared, else an alignment made now with `align` (as ingest would make it)."""
    found = stored_comparison(con, old.version_id, new.version_id, relation)
    if found is not None:
        return from_stored(found), str(found.row["relation"])
    c = compare(
        *(old.title, old.sentences, new.title, new.sentences),
        **asdict(align),
        furniture=old.furniture | new.furniture,
    )
    return c, relation


def from_stored(found: StoredComparison) -> Comparison:
    """A stored comparison as the aligner's `Comparison`."""
    r = found.row
    return Comparison(
        jaccard=r["jaccard"],
        containment=r["containment"],
        n_same=r["n_same"],
        n_changed=r["n_changed"],
        n_added=r["n_added"],
        n_removed=r["n_removed"],
        n_moved=r["n_moved"],
        title_changed=r["title_changed"],
        edits=tuple(SentenceEdit(*e) for e in found.edits),
        phrases=tuple(PhraseEdit(*p) for p in found.phrases),
        n_boilerplate=r["n_boilerplate"] or 0,
        significance=r["significance"],
        summary=r["summary"],
    )


def inline_diff(old: str, new: str, *, markers: bool = False) -> Text:
    """`new` with the words of `old` it dropped (struck, red) and the ones it added (green);
    with `markers` (for output without colour), as `[-dropped-]{+added+}` like git's."""
    a, b = old, new  # as published: phrase_ops compares the words' comparison forms
    out, j = Text(), 0
    for os_, oe, ns, ne in phrase_ops(a, b):
        out.append(visible(b[j:ns]))
        if oe > os_:
            removed = visible(a[os_:oe])
            out.append(f"[-{removed}-]" if markers else removed, style=REMOVED)
        if ne > ns:
            inserted = visible(b[ns:ne])
            out.append(f"{{+{inserted}+}}" if markers else inserted, style=INSERTED)
        j = ne
    out.append(visible(b[j:]))
    return out


def _row(e: SentenceEdit, markers: bool) -> Text:
    line = Text(_MARK[e.kind], style="bold")
    if e.kind == "removed":
        line.append(visible(e.old_text or ""), style=REMOVED)
    elif e.kind == "added":
        line.append(visible(e.new_text or ""), style=INSERTED)
    elif e.kind in ("changed", "moved") and e.old_text and e.new_text:
        line.append_text(inline_diff(e.old_text, e.new_text, markers=markers))
    else:
        line.append(visible(e.new_text or ""))
    return line


def render(comparison: Comparison, *, context: int = 1, markers: bool = False) -> list[Text]:
    """Lines for a terminal: every edit, `context` unchanged sentences around each, the
    rest of every unchanged run folded into one dim line."""
    rows = comparison.edits
    keep = [e.kind != "same" for e in rows]
    near = [any(keep[max(0, i - context) : i + context + 1]) for i in range(len(rows))]
    lines: list[Text] = []
    folded = 0
    for e, show in zip(rows, near, strict=True):
        if show:
            if folded:
                lines.append(
                    Text(f"  … {folded} unchanged sentence{'s' * (folded > 1)} …", style="dim")
                )
                folded = 0
            lines.append(_row(e, markers))
        else:
            folded += 1
    if folded:
        lines.append(Text(f"  … {folded} unchanged sentence{'s' * (folded > 1)} …", style="dim"))
    return lines


def headline(old_title: str | None, new_title: str | None, *, markers: bool = False) -> Text:
    """The titles of both sides, as an inline diff when they differ."""
    if (old_title or "") == (new_title or ""):
        return Text(visible(new_title or "(no title)"), style="bold")
    return inline_diff(old_title or "", new_title or "", markers=markers)


def summary_line(c: Comparison, relation: str | None = None) -> str:
    """One line of counts."""
    parts = [
        f"{c.n_same} same",
        f"{c.n_changed} changed",
        f"{c.n_added} added",
        f"{c.n_removed} removed",
        f"{c.n_moved} moved",
    ]
    rel = f"{relation}: " if relation else ""
    return f"{rel}{', '.join(parts)}; jaccard {c.jaccard:.2f}, containment {c.containment:.2f}"


EDIT_COLUMNS = (
    "old_version_id",
    "new_version_id",
    "relation",
    "kind",
    "old_sentence_no",
    "new_sentence_no",
    "old_text",
    "new_text",
    "similarity",
)


def edit_rows(
    c: Comparison, old_id: str, new_id: str, relation: str
) -> tuple[tuple[str, ...], list[tuple]]:
    """Every aligned sentence of `c`, unfolded, as rows for `--format json|csv|...`."""
    rows = [
        (
            old_id,
            new_id,
            relation,
            e.kind,
            e.old_sentence_no,
            e.new_sentence_no,
            e.old_text,
            e.new_text,
            round(e.similarity, 4),
        )
        for e in c.edits
    ]
    return EDIT_COLUMNS, rows

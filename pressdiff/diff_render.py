"""A comparison for the terminal: sentence rows, removed words struck in red, inserted green.

Runs of unchanged sentences are folded into one line. Article text is appended as plain
text with its control characters made visible (`render.visible`), never parsed as markup.
"""

from __future__ import annotations

from rich.text import Text

from pressdiff.render import visible
from tasks.compare.align import Comparison, SentenceEdit
from tasks.compare.phrases import phrase_ops

REMOVED = "red strike"
INSERTED = "green"
_MARK = {"same": "  ", "changed": "~ ", "moved": "↕ ", "added": "+ ", "removed": "- "}


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

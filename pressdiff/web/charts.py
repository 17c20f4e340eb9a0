"""Small SVG bar charts drawn on the server: edits over time, one bar per day.

The SVG is built from numbers and dates only; labels are escaped all the same.
"""

from __future__ import annotations

from datetime import date, timedelta
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT, PAD = 600, 140, 24
MAX_BARS = 90


def days(points: list[tuple[date, int, int]], start: date | None) -> list[tuple[date, int, int]]:
    """`points` with the days between `start` (or the first point) and the last point that
    had no revision filled in as zeros, when that makes at most MAX_BARS days."""
    if not points:
        return []
    first = min(start or points[0][0], points[0][0])
    span = (points[-1][0] - first).days + 1
    if span > MAX_BARS:
        return points[-MAX_BARS:]
    have = {p[0]: p for p in points}
    every = (first + timedelta(days=i) for i in range(span))
    return [have.get(d, (d, 0, 0)) for d in every]


def bars(points: list[tuple[date, int, int]], what: str, start: date | None = None) -> Markup:
    """A bar per day of (day, revisions, edited sentences) from `start`: height is edited
    sentences, the tooltip says both. At most MAX_BARS days are shown, the latest."""
    points = days(points, start)
    if not points:
        return Markup("")
    top = max(max(p[2] for p in points), 1)
    step = (WIDTH - 2 * PAD) / len(points)
    width = min(max(step * 0.8, 1), 40)
    out = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(what)}">',
        f"<title>{escape(what)}</title>",
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
        'class="axis"/>',
    ]
    for i, (day, n_revisions, n_edits) in enumerate(points):
        h = (HEIGHT - 2 * PAD) * (n_edits or 0) / top
        x = PAD + i * step + (step - width) / 2
        tip = f"{day}: {n_revisions} revision{'s' * (n_revisions != 1)}, {n_edits} sentences edited"
        out.append(
            f'<rect x="{x:.1f}" y="{HEIGHT - PAD - h:.1f}" width="{width:.1f}" '
            f'height="{max(h, 1):.1f}"><title>{escape(tip)}</title></rect>'
        )
    first, last = points[0][0], points[-1][0]
    out.append(f'<text x="{PAD}" y="{HEIGHT - 6}">{escape(str(first))}</text>')
    if last != first:
        out.append(
            f'<text x="{WIDTH - PAD}" y="{HEIGHT - 6}" text-anchor="end">{escape(str(last))}</text>'
        )
    out.append(f'<text x="{PAD}" y="{PAD - 8}">max {top} sentences a day</text>')
    out.append("</svg>")
    return Markup("".join(out))

"""Page furniture: lines a page carries that are not the article's prose.

A caption or photo credit ("Photo", "Getty Images"), an advertisement slot ("Advertisement
Continue reading the main story"), a reporting credit ("Jane Doe contributed reporting.",
"Associated Press writer John Roe in Paris contributed."), a wire rights footer ("This
material may not be published, broadcast, rewritten or redistributed.") or a share or
newsletter prompt. Comparisons keep such lines but label them 'boilerplate' and never count
them as editorial edits; besides these universal patterns, each site's own boilerplate (a
sentence found in several of its articles) is furniture too (`warehouse/comparisons.py`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_PATTERNS = re.compile(
    r"""^(?:
        (?:photo|photograph|image|picture|video|graphic|illustration)s?(?:\s*:.*)?
      | (?:ap|afp|reuters|getty|epa|dpa)(?:\s+images|\s+photo.*)?
      | getty\s+images.* | (?:photo|image)\s+(?:credit|by)\b.*
      | advertisement\b.* | continue\s+reading\b.* | skip\s+advertisement\b.*
      | (?:read\s+more|related|see\s+also|share\s+this(?:\s+article)?|follow\s+us\b)\b.{0,80}
      | (?:sign\s+up|subscribe)\s+(?:for|to)\b.{0,120}
      | this\s+material\s+may\s+not\s+be\s+published\b.*
    )$""",
    re.I | re.X,
)
# Reporting credits, apart: they are tried only on a text holding "contr" and "buted" (what
# any spelling of "contributed" these case-blind patterns accept keeps when lower-cased).
_CONTRIBUTED = re.compile(
    r"""^(?:
        .{0,160}\bcontributed\s+(?:reporting|to\s+this\s+(?:report|story|article))\b.{0,40}
      | .{0,80}\b(?:writers?|correspondents?|reporters?|journalists?)\b.{0,100}\bcontributed\W*
    )$""",
    re.I | re.X,
)
# The first words a pattern can open with: only sentences opening with one of them, or
# holding "contributed", are checked against the patterns.
_OPENERS = frozenset(
    [
        "photo",
        "photos",
        "photograph",
        "photographs",
        "image",
        "images",
        "picture",
        "pictures",
        "video",
        "videos",
        "graphic",
        "graphics",
        "illustration",
        "illustrations",
        "ap",
        "afp",
        "reuters",
        "getty",
        "epa",
        "dpa",
        "advertisement",
        "continue",
        "skip",
        "read",
        "related",
        "see",
        "share",
        "follow",
        "sign",
        "subscribe",
        "this",
    ]
)


def trie_pattern(words: Iterable[str]) -> str:
    """An alternation matching exactly `words`, as a trie ("a(?:fp|p)"): the regex engine
    dismisses a text after a letter or two instead of trying every word in turn."""
    heads: dict[str, list[str]] = {}
    for w in words:
        heads.setdefault(w[0], []).append(w)
    parts = []
    for group in heads.values():
        first, last = min(group), max(group)  # what these two share, all share
        n = 0
        while n < len(first) and first[n] == last[n]:
            n += 1
        prefix = first[:n]
        tails = [w[len(prefix) :] for w in group]
        rest = sorted({t for t in tails if t})
        part = re.escape(prefix)
        if rest:
            part += f"(?:{trie_pattern(rest)})" + ("?" if "" in tails else "")
        parts.append(part)
    return "|".join(parts)


# Letters as case-blind matching takes them, as classes: "i" also takes "İ" and "ı", "k" the
# Kelvin sign, "s" the long s. A class lets the regex engine dismiss a branch at once.
_CASES = {"i": "\u0130\u0131", "k": "\u212a", "s": "\u017f"}


def _caseless(letter: str) -> str:
    return f"[{letter.upper()}{letter.lower()}{_CASES.get(letter.lower(), '')}]"


def caseless_trie(words: Iterable[str]) -> str:
    """`trie_pattern` of lower-case `words`, matching them as case-blind matching would,
    behind a look at the first letter (most lines fail there)."""
    words = sorted(words)
    heads = "".join(sorted({c for w in words for c in _caseless(w[0])[1:-1]}))
    trie = re.sub("[a-z]", lambda m: _caseless(m.group()), trie_pattern(words))
    return f"(?=[{heads}])(?:{trie})"


# Anchored on a newline rather than `^` in multiline mode: a literal first character lets
# the regex engine skip from newline to newline instead of trying every position.
_OPENING = re.compile(r"\n" + caseless_trie([*_OPENERS, "this material"]) + r"\b")


def is_furniture(norm: str) -> bool:
    """True for a caption, credit, advertisement, rights footer or share prompt."""
    if len(norm) >= 240:
        return False
    if _PATTERNS.match(norm):
        return True
    low = norm.lower()
    return "contr" in low and "buted" in low and bool(_CONTRIBUTED.match(norm))


def furniture_indices(norms: list[str], openings: str | None = None) -> set[int]:
    """Indices of the comparison forms that are furniture: one scan over their openings
    (`openings`: the first 16+ characters of each, each after a newline; a comparison form
    holds no newline) and one search for "contributed" find the few candidates; only those
    are checked against the patterns."""
    if openings is None:
        openings = "\n" + "\n".join([n[:16] for n in norms])
    hits = _lines_of(openings, [m.start() for m in _OPENING.finditer(openings)])
    text = "\n".join(norms)
    hits.update(_lines_of(text, _find_all(text, "contributed")))
    return {k for k in hits if is_furniture(norms[k])}


def _lines_of(text: str, positions: list[int]) -> set[int]:
    """The line numbers (from 0) of increasing `positions` in `text`: each newline is
    counted once, not once per position before it."""
    lines: set[int] = set()
    line = last = 0
    for pos in positions:
        line += text.count("\n", last, pos)
        last = pos
        lines.add(line)
    return lines


def _find_all(text: str, word: str) -> list[int]:
    found, pos = [], text.find(word)
    while pos >= 0:
        found.append(pos)
        pos = text.find(word, pos + 1)
    return found

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

_PATTERNS = re.compile(
    r"""^(?:
        (?:photo|photograph|image|picture|video|graphic|illustration)s?(?:\s*:.*)?
      | (?:ap|afp|reuters|getty|epa|dpa)(?:\s+images|\s+photo.*)?
      | getty\s+images.* | (?:photo|image)\s+(?:credit|by)\b.*
      | advertisement\b.* | continue\s+reading\b.* | skip\s+advertisement\b.*
      | (?:read\s+more|related|see\s+also|share\s+this(?:\s+article)?|follow\s+us\b)\b.{0,80}
      | (?:sign\s+up|subscribe)\s+(?:for|to)\b.{0,120}
      | .{0,160}\bcontributed\s+(?:reporting|to\s+this\s+(?:report|story|article))\b.{0,40}
      | .{0,80}\b(?:writers?|correspondents?|reporters?|journalists?)\b.{0,100}\bcontributed\W*
      | this\s+material\s+may\s+not\s+be\s+published\b.*
    )$""",
    re.I | re.X,
)
# Words one of the patterns needs: one scan over all sentences finds the few to check.
_CUES = re.compile(
    r"photo|image|picture|video|graphic|illustration|\bap\b|afp|reuters|getty|epa|dpa"
    r"|advertisement|continue|read more|related|see also|share|follow|sign up|subscribe"
    r"|contributed|this material",
    re.I,
)


def is_furniture(norm: str) -> bool:
    """True for a caption, credit, advertisement, rights footer or share prompt."""
    return len(norm) < 240 and bool(_PATTERNS.match(norm))


def furniture_indices(norms: list[str]) -> set[int]:
    """Indices of the comparison forms that are furniture (one scan finds the candidates)."""
    text = "\n".join(n[:240] for n in norms)
    found: set[int] = set()
    starts = [0]
    for n in norms[:-1]:
        starts.append(starts[-1] + min(len(n), 240) + 1)
    k = 0
    for m in _CUES.finditer(text):
        while k + 1 < len(starts) and starts[k + 1] <= m.start():
            k += 1
        if k not in found and is_furniture(norms[k]):
            found.add(k)
    return found

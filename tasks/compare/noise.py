"""What is not prose in a comparison: boilerplate lines and leading datelines.

Boilerplate lines (`is_boilerplate`: credit lines such as "Reporting by ...; Editing by ...",
"Copyright ...", "Our Standards: ...", a dateline or agency tag alone on its line such as
"WASHINGTON (AP)") take no part in a comparison, wherever they stand; a leading dateline
("ANKARA (Reuters) -", "ANKARA:", up to two in a row) is cut from every sentence's comparison
key (`comparison_key`). The dateline grammar is `tasks.text.datelines`'. Page furniture
(`tasks.compare.furniture`) is set aside too. `Side` is one side of a comparison so
prepared: the sentences that take part, their keys and key hashes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import attrgetter

from tasks.compare.furniture import furniture_indices, trie_pattern
from tasks.text.datelines import is_bare_dateline, split_dateline
from tasks.text.typography import text_hash
from warehouse.records import Sentence

_BOILERPLATE = re.compile(
    r"""^[(\[]?\s*(?:
        (?:additional\s+)?(?:reporting|writing|editing|compiled|research|graphics?|photos?
            |video|translation|production)(?:\s+and\s+\w+)?\s+by\b
      | copyright\b | © | \(c\)\s*\d{4}
      | our\s+standards\s*:
      | all\s+rights\s+reserved
    )""",
    re.I | re.X,
)
_LEADING_DASH = re.compile(r"^[:\-]+\s+")
_ASCII_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
_PUNCTUATION = str.maketrans(dict.fromkeys(_ASCII_PUNCTUATION, " "))
# The same table for bytes: `bytes.translate` reads a flat table where `str.translate` looks
# every character up in a dict, three times slower on a sentence.
_PUNCTUATION_BYTES = bytes.maketrans(_ASCII_PUNCTUATION.encode(), b" " * len(_ASCII_PUNCTUATION))
_WORD = re.compile(r"[^\s!-/:-@\[-`{-~]+")  # what is left between spaces and _PUNCTUATION
# Sentences that might be boilerplate or open with a dateline (a word in capitals, a place
# before an agency in brackets, or the dash a split-off dateline left behind): one scan over
# the openings of all sentences finds them, so the full checks run on a few sentences only.
_CAPITAL = "A-ZÀ-ÖØ-ÞĀ-ŽА-ЯЁΑ-Ω"  # Latin (with the mixed-case Extended-A), Cyrillic, Greek
_AGENCY_CLOSE = re.compile(r"\) ?[:\-]")
_CREDIT_WORDS = [
    *("additional", "reporting", "writing", "editing", "compiled", "research", "graphic"),
    *("graphics", "photo", "photos", "video", "translation", "production", "copyright"),
    *("our", "all"),
]
_SUSPECT = re.compile(
    rf"\n(?:[(\[©\-]|[{_CAPITAL}][{_CAPITAL}'.\-]|(?=[ARWECGPVTOarwecgpvto])"
    rf"(?i:{trie_pattern(sorted(_CREDIT_WORDS))})\b)"
)


_BARE_DATELINE_ENDS = (")", ":", "-", "–", "—")  # what a bare dateline ends in, spaces aside


def is_boilerplate(norm: str) -> bool:
    """True for a credit, copyright or standards line, or a bare dateline or agency tag."""
    if _BOILERPLATE.match(norm):
        return True
    # the dateline grammar is long to try: only a line ending as a dateline can be one
    return norm.rstrip().endswith(_BARE_DATELINE_ENDS) and is_bare_dateline(norm)


# The heads of `tasks.text.datelines`' two dateline patterns: a place in capitals holds the
# first word (letters, apostrophes and dots, up to a dash or anything else); a place in title
# case is up to three words before an agency in brackets.
_FIRST_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’.])*")
_TITLE_CASE_HEAD = re.compile(r"[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2}\s*\(")


def may_open_with_dateline(text: str) -> bool:
    """False when `split_dateline` finds no dateline in `text`, told cheaply by the heads of
    its patterns: a first word in capitals, or a title-case place before a bracket."""
    word = _FIRST_WORD.match(text)
    if word is not None and word[0] == word[0].upper():
        return True
    return _TITLE_CASE_HEAD.match(text) is not None


def comparison_key(norm: str) -> str:
    """`norm` without a leading dateline (or the dash a split-off dateline left behind)."""
    head = norm[:80]
    if ":" not in head and "-" not in head:
        return norm  # every dateline ends in a colon or a dash
    for _ in range(2):  # a republisher may put its own dateline before the wire's
        if not may_open_with_dateline(norm):
            break
        dateline, norm = split_dateline(norm)
        if dateline is None:
            break
    return _LEADING_DASH.sub("", norm).strip()


_NORM, _HASH = attrgetter("norm"), attrgetter("hash")


def _openings(norms: list[str]) -> str:
    """The first 48 characters of each, each after a newline (a match of a scan starts at
    the newline before its sentence): comparison forms never hold a newline."""
    return "\n" + "\n".join([norm[:48] for norm in norms])


def _suspects(norms: list[str], openings: str | None = None) -> set[int]:
    """Indices of the comparison forms that may be boilerplate or open with a dateline."""
    text = _openings(norms) if openings is None else openings
    found: set[int] = set()
    line = pos = 0
    for m in _SUSPECT.finditer(text):  # a match starts at the newline before its sentence
        line += text.count("\n", pos, m.start())
        pos = m.start()
        found.add(line)
    line = pos = 0
    for m in _AGENCY_CLOSE.finditer(text):  # "Paris (AFP) -": a place in title case
        line += text.count("\n", pos, m.start())  # each newline counted once
        pos = m.start()
        found.add(line - 1)
    return found


def cut_words(key: str) -> list[str]:
    """`key`'s words, cut at spaces and ASCII punctuation (which is dropped)."""
    if key.isascii():  # `translate` is quick on ASCII only; the regex cuts alike
        return key.encode().translate(_PUNCTUATION_BYTES).decode().split()
    return _WORD.findall(key)


@dataclass(slots=True)
class Side:
    """The sentences of one side that take part, with their keys and key hashes."""

    sentences: list[Sentence]
    keys: list[str]
    hashes: list[str]
    given: set[str] = field(default_factory=set)  # hashes of every sentence given
    flagged: set[str] = field(default_factory=set)  # hashes of those `_suspects` flagged
    # what the flagged were found to be, by hash: None for boilerplate, else (key, key hash)
    judged: dict[str, tuple[str, str] | None] = field(default_factory=dict)
    furniture: list[Sentence] = field(default_factory=list)  # left out of the pairing
    _words: dict[int, list[str]] = field(default_factory=dict)

    def words(self, i: int) -> list[str]:
        """The words of sentence `i` that similarity is measured on (punctuation dropped)."""
        if (found := self._words.get(i)) is None:
            found = self._words[i] = cut_words(self.keys[i])
        return found

    @classmethod
    def of(
        cls,
        sentences: Sequence[Sentence],
        like: Side | None = None,
        furniture: frozenset[str] = frozenset(),
    ) -> Side:
        """The side of `sentences`; those `like` also has are judged as they were there.
        Page furniture (and sentences whose hash is in `furniture`) is set aside."""
        sentences = list(sentences)
        norms = list(map(_NORM, sentences))
        hashes = list(map(_HASH, sentences))
        unique = set(hashes)
        if like is None:
            openings = _openings(norms)
            aside = furniture_indices(norms, openings)
            suspects = _suspects(norms, openings)
        else:  # a sentence `like` has is a matter of its text alone: look at the others only
            given, flagged = like.given, like.flagged
            if len(unique) == len(hashes):  # no text twice: set algebra finds them in C
                at = dict(zip(hashes, range(len(hashes)), strict=True))
                fresh = sorted([at[h] for h in unique - given])
                suspects = {at[h] for h in flagged & unique}
            else:
                fresh = [k for k, h in enumerate(hashes) if h not in given]
                suspects = {k for k, h in enumerate(hashes) if h in flagged}
            fresh_norms = [norms[k] for k in fresh]
            openings = _openings(fresh_norms)
            aside = {fresh[k] for k in furniture_indices(fresh_norms, openings)}
            suspects.update(fresh[k] for k in _suspects(fresh_norms, openings))
        if furniture:
            aside.update(k for k, h in enumerate(hashes) if h in furniture)
        set_aside = [sentences[k] for k in sorted(aside)]
        if aside:
            kept = [k for k in range(len(sentences)) if k not in aside]
            now_at = {k: n for n, k in enumerate(kept)}
            sentences = [sentences[k] for k in kept]
            norms = [norms[k] for k in kept]
            hashes = [hashes[k] for k in kept]
            suspects = {now_at[k] for k in suspects if k in now_at}
            unique = set(hashes)
        side = cls(sentences, norms, hashes, unique, furniture=set_aside)
        side.flagged = {hashes[k] for k in suspects}
        judged = side.judged
        known = like.judged if like is not None else {}
        for k in sorted(suspects, reverse=True):  # from the end: deleting keeps k in place
            h = hashes[k]
            if h in known:  # the same text, judged on the other side
                verdict = judged[h] = known[h]
            elif h in judged:
                verdict = judged[h]
            else:
                norm = norms[k]
                if is_boilerplate(norm):
                    verdict = None
                else:
                    key = comparison_key(norm)
                    verdict = (key, text_hash(key)) if key != norm else (norm, h)
                judged[h] = verdict
            if verdict is None:
                del sentences[k], norms[k], hashes[k]
            else:
                norms[k], hashes[k] = verdict
        return side

"""Benchmark `tasks.compare.align.align` against the NewsEdits simple baseline, in one run.

The baseline (Spangher et al., NAACL 2022): `difflib.SequenceMatcher` over the two sentence
lists; equal runs are 'same'; then leftover sentences are paired, best first, when their
word-overlap ratio |A ∩ B| / max(|A|, |B|) (sets of lower-cased words) is above 0.8, as an
edit ('changed', or 'moved' when the texts are equal); the rest are 'added' or 'removed'.

Both aligners see the same sentences (comparison forms, so typography is equal for both).

(a) Throughput, in pairs per second, on real article bodies (ground-truth articleBody of
    ../shared/corpora/article-extraction-benchmark) with synthetic edits, and on long
    (300+ sentence) texts made by joining bodies; prints the ratio ours / baseline.
(b) Agreement with constructed ground truth: pairs built with one kind of edit whose true
    rows are known; errors are true rows missed plus rows that are not true, per edit type.

Run: `uv run python bench/bench_align.py` (no network; about 30 s on 2 cores).
"""

from __future__ import annotations

import difflib
import json
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from tasks.compare.align import SentenceEdit, align
from tasks.compare.noise import is_boilerplate
from tasks.text.segment import split_paragraphs, split_sentences
from tasks.text.typography import comparison_form, text_hash, words
from warehouse.records import Sentence

ROOT = Path(__file__).resolve().parents[1]

CORPORA = ROOT.parent / "shared" / "corpora"
Aligner = Callable[[Sequence[Sentence], Sequence[Sentence]], list[SentenceEdit]]
Row = tuple[str, int | None, int | None]


# ---------------------------------------------------------------- the baseline


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / max(len(a), len(b), 1)


def baseline(old: Sequence[Sentence], new: Sequence[Sentence]) -> list[SentenceEdit]:
    """NewsEdits' simple baseline: difflib over sentences, then word-overlap pairing > 0.8."""
    matcher = difflib.SequenceMatcher(None, [s.norm for s in old], [s.norm for s in new])
    rows: list[tuple[tuple[float, int], SentenceEdit]] = []
    left_old: list[int] = []
    left_new: list[int] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                o, n = old[i], new[j]
                rows.append(
                    (
                        (j, i),
                        SentenceEdit("same", o.sentence_no, n.sentence_no, o.text, n.text, 1.0),
                    )
                )
        else:
            left_old += range(i1, i2)
            left_new += range(j1, j2)
    bags_old = {i: set(words(old[i].norm)) for i in left_old}
    bags_new = {j: set(words(new[j].norm)) for j in left_new}
    scored = [(_overlap(bags_old[i], bags_new[j]), i, j) for i in left_old for j in left_new]
    taken_old: set[int] = set()
    taken_new: set[int] = set()
    for score, i, j in sorted((s for s in scored if s[0] > 0.8), reverse=True):
        if i in taken_old or j in taken_new:
            continue
        taken_old.add(i)
        taken_new.add(j)
        o, n = old[i], new[j]
        kind = "moved" if o.norm == n.norm else "changed"
        rows.append(
            ((j, i), SentenceEdit(kind, o.sentence_no, n.sentence_no, o.text, n.text, score))
        )
    for i in left_old:
        if i not in taken_old:
            o = old[i]
            rows.append(
                ((i - 0.5, i), SentenceEdit("removed", o.sentence_no, None, o.text, None, 0.0))
            )
    for j in left_new:
        if j not in taken_new:
            n = new[j]
            rows.append(((j, -1), SentenceEdit("added", None, n.sentence_no, None, n.text, 0.0)))
    rows.sort(key=lambda pair: pair[0])
    return [row for _, row in rows]


# ---------------------------------------------------------------- texts


def make_sentences(paragraphs: Sequence[Sequence[str]]) -> list[Sentence]:
    """Sentences numbered from 1 from paragraphs given as lists of sentence texts."""
    out: list[Sentence] = []
    for paragraph_no, paragraph in enumerate(paragraphs, start=1):
        for text in paragraph:
            norm = comparison_form(text)
            out.append(Sentence(len(out) + 1, paragraph_no, text, norm, text_hash(norm)))
    return out


def load_bodies() -> list[list[str]]:
    """Sentence texts of every ground-truth article body with at least 8 distinct sentences."""
    truth = json.loads((CORPORA / "article-extraction-benchmark" / "ground-truth.json").read_text())
    bodies = []
    for item in truth.values():
        texts = [s.text for s in split_sentences(split_paragraphs(item["articleBody"]))]
        texts = list(dict.fromkeys(texts))
        if len(texts) >= 8:
            bodies.append(texts)
    return bodies


# ---------------------------------------------------------------- constructed edits
# A new text is a list of (text, provenance): ("same", i), ("changed", i), ("moved", i),
# ("added", None) or ("merged", (i, k)); the true rows follow from it.

Item = tuple[str, tuple[str, object]]


def _long_enough(texts: list[str], n_words: int) -> list[int]:
    return [i for i, t in enumerate(texts) if len(t.split()) >= n_words]


def _change_words(text: str, rnd: random.Random, pool: list[str]) -> str:
    """`text` with one or two of its inner words replaced by other words from `pool`."""
    ws = text.split()
    for _ in range(rnd.choice([1, 2])):
        k = rnd.randrange(1, len(ws) - 1)
        ws[k] = rnd.choice([w for w in pool if w != ws[k]] or ["changed"])
    return " ".join(ws)


def edit_deletion(texts: list[str], rnd: random.Random, other: list[str]) -> list[Item]:
    drop = set(rnd.sample(range(len(texts)), min(3, len(texts) // 3)))
    return [(t, ("same", i)) for i, t in enumerate(texts) if i not in drop]


def edit_insertion(texts: list[str], rnd: random.Random, other: list[str]) -> list[Item]:
    items: list[Item] = [(t, ("same", i)) for i, t in enumerate(texts)]
    fresh = [t for t in other if t not in texts]
    for t in rnd.sample(fresh, min(3, len(fresh))):
        items.insert(rnd.randrange(len(items) + 1), (t, ("added", None)))
    return items


def edit_words(texts: list[str], rnd: random.Random, other: list[str]) -> list[Item]:
    pool = [w for t in other for w in t.split() if w.isalpha()] or ["new", "words"]
    picks = set(rnd.sample(_long_enough(texts, 10), min(3, len(_long_enough(texts, 10)))))
    return [
        (_change_words(t, rnd, pool), ("changed", i)) if i in picks else (t, ("same", i))
        for i, t in enumerate(texts)
    ]


def edit_move(texts: list[str], rnd: random.Random, other: list[str]) -> list[Item]:
    size = max(1, min(rnd.choice([1, 2, 3]), (len(texts) - 2) // 4))
    start = rnd.randrange(0, len(texts) - size)
    block = [(t, ("moved", start + k)) for k, t in enumerate(texts[start : start + size])]
    rest: list[Item] = [
        (t, ("same", i)) for i, t in enumerate(texts) if not start <= i < start + size
    ]
    far = [p for p in range(len(rest) + 1) if abs(p - start) > size + 1]
    at = rnd.choice(far) if far else (0 if start > len(rest) - start else len(rest))
    return rest[:at] + block + rest[at:]


def edit_split(texts: list[str], rnd: random.Random, other: list[str]) -> list[Item]:
    i = rnd.choice(_long_enough(texts, 16))
    ws = texts[i].split()
    cut = rnd.randrange(len(ws) // 3, 2 * len(ws) // 3)
    first = " ".join(ws[:cut]).rstrip(",;:") + "."
    second = " ".join(ws[cut:])
    second = second[0].upper() + second[1:]
    items: list[Item] = [(t, ("same", k)) for k, t in enumerate(texts)]
    return [*items[:i], (first, ("changed", i)), (second, ("changed", i)), *items[i + 1 :]]


def edit_merge(texts: list[str], rnd: random.Random, other: list[str]) -> list[Item]:
    pairs = [
        i
        for i in range(len(texts) - 1)
        if min(len(texts[i].split()), len(texts[i + 1].split())) >= 5
    ]
    i = rnd.choice(pairs)
    joined = texts[i].rstrip(".!?") + ", and " + texts[i + 1][0].lower() + texts[i + 1][1:]
    items: list[Item] = [(t, ("same", k)) for k, t in enumerate(texts)]
    return [*items[:i], (joined, ("merged", (i, i + 1))), *items[i + 2 :]]


def edit_reflow(texts: list[str], rnd: random.Random, other: list[str]) -> list[Item]:
    return [(t, ("same", i)) for i, t in enumerate(texts)]


def edit_noise(texts: list[str], rnd: random.Random, other: list[str]) -> list[Item]:
    items: list[Item] = [(t, ("same", i)) for i, t in enumerate(texts)]
    items[0] = ("LONDON (Reuters) - " + texts[0], ("same", 0))
    return [*items, ("Reporting by A. Writer; Editing by B. Editor", ("noise", None))]


EDITS: dict[str, Callable[[list[str], random.Random, list[str]], list[Item]]] = {
    "deletion": edit_deletion,
    "insertion": edit_insertion,
    "word change": edit_words,
    "moved block": edit_move,
    "split": edit_split,
    "merge": edit_merge,
    "paragraph re-flow": edit_reflow,
    "dateline+credits": edit_noise,
}


def truth(n_old: int, items: list[Item]) -> set[Row]:
    """The true rows of a constructed pair."""
    rows: set[Row] = set()
    used: set[int] = set()
    for j, (_, (kind, src)) in enumerate(items, start=1):
        if kind == "noise":
            continue
        if kind == "added":
            rows.add(("added", None, j))
        elif kind == "merged":
            a, b = src  # type: ignore[misc]
            rows |= {("changed", a + 1, j), ("changed", b + 1, j)}
            used |= {a, b}
        else:
            rows.add((kind, int(src) + 1, j))  # type: ignore[call-overload]
            used.add(int(src))  # type: ignore[call-overload]
    return rows | {("removed", i + 1, None) for i in range(n_old) if i not in used}


def paragraphs(texts: list[str], rnd: random.Random) -> list[list[str]]:
    """`texts` cut into paragraphs of one to four sentences."""
    out, k = [], 0
    while k < len(texts):
        size = rnd.randint(1, 4)
        out.append(texts[k : k + size])
        k += size
    return out


def constructed(bodies: list[list[str]], rnd: random.Random, per_type: int):
    """(type, old, new, true rows) for `per_type` pairs of every edit type."""
    usable = [b for b in bodies if len(b) >= 10 and _long_enough(b, 16)]
    for name, edit in EDITS.items():
        for _ in range(per_type):
            texts, other = rnd.sample(usable, 2)
            while name == "dateline+credits" and len(texts[0].split()) < 5:
                texts = rnd.choice(usable)
            items = edit(texts, rnd, other)
            new_texts = [t for t, _ in items]
            old = make_sentences(paragraphs(texts, rnd))
            new = make_sentences(paragraphs(new_texts, rnd))
            yield name, old, new, truth(len(texts), items)


def errors(
    rows: list[SentenceEdit], true: set[Row], old: list[Sentence], new: list[Sentence]
) -> int:
    """True rows missed plus rows that are not true.

    Boilerplate lines (`is_boilerplate`: credits, copyright, bare datelines) are not part of
    a comparison by the contract: a 'same' row about one is neither needed nor an error,
    any other row about one (a credit line 'added') is an error.
    """
    noise_old = {s.sentence_no for s in old if is_boilerplate(s.norm)}
    noise_new = {s.sentence_no for s in new if is_boilerplate(s.norm)}

    def noise(row: Row) -> bool:
        return row[1] in noise_old or row[2] in noise_new

    got = {(r.kind, r.old_sentence_no, r.new_sentence_no) for r in rows}
    got = {r for r in got if not (r[0] == "same" and noise(r))}
    true = {r for r in true if not noise(r)}
    return len(true - got) + len(got - true)


# ---------------------------------------------------------------- throughput


def synthetic_pair(texts: list[str], rnd: random.Random, other: list[str]):
    """A realistic revision: deletions, insertions, word changes and a moved block at once."""
    items = edit_deletion(texts, rnd, other)
    new = [t for t, _ in items]
    new = [t for t, _ in edit_insertion(new, rnd, other)]
    new = [t for t, _ in edit_words(new, rnd, other)] if _long_enough(new, 10) else new
    new = [t for t, _ in edit_move(new, rnd, other)]
    return make_sentences(paragraphs(texts, rnd)), make_sentences(paragraphs(new, rnd))


def long_texts(
    bodies: list[list[str]], rnd: random.Random, n: int, size: int = 300
) -> list[list[str]]:
    out = []
    for _ in range(n):
        texts: list[str] = []
        while len(texts) < size:
            texts += rnd.choice(bodies)
        out.append(list(dict.fromkeys(texts))[:size])
    return out


def _pass(aligner: Aligner, pairs: list[tuple[list[Sentence], list[Sentence]]]) -> float:
    start = time.perf_counter()
    for old, new in pairs:
        aligner(old, new)
    return time.perf_counter() - start


def pairs_per_second(
    aligners: list[Aligner], pairs: list[tuple[list[Sentence], list[Sentence]]], budget: float
) -> list[float]:
    """Pairs/second of each aligner: best of passes taken in turn, so load hits all alike."""
    best = [float("inf")] * len(aligners)
    deadline = time.perf_counter() + budget
    while time.perf_counter() < deadline:
        for k, aligner in enumerate(aligners):
            best[k] = min(best[k], _pass(aligner, pairs))
    return [len(pairs) / b for b in best]


def main() -> None:
    rnd = random.Random(20170208)
    if not (CORPORA / "article-extraction-benchmark").exists():
        sys.exit(f"corpus not available: {CORPORA / 'article-extraction-benchmark'}")
    started = time.perf_counter()
    bodies = load_bodies()
    print(f"{len(bodies)} article bodies, {sum(map(len, bodies))} sentences")

    normal = [synthetic_pair(b, rnd, rnd.choice(bodies)) for b in bodies if len(b) >= 10]
    long = [synthetic_pair(t, rnd, rnd.choice(bodies)) for t in long_texts(bodies, rnd, 20)]
    print("\n(a) throughput, pairs/second (best of repeated passes)")
    print(f"{'set':<28}{'pairs':>7}{'ours':>12}{'baseline':>12}{'ours/base':>11}")
    for name, pairs in (("article bodies", normal), ("long texts (300 sentences)", long)):
        ours, base = pairs_per_second([align, baseline], pairs, 8.0)
        print(f"{name:<28}{len(pairs):>7}{ours:>12.1f}{base:>12.1f}{ours / base:>11.2f}")

    print("\n(b) agreement with constructed ground truth (errors = missed + spurious rows)")
    print(f"{'edit type':<20}{'pairs':>7}{'true edits':>12}{'ours':>8}{'baseline':>10}")
    totals = [0, 0, 0, 0]
    per_type: dict[str, list[int]] = {}
    for name, old, new, true in constructed(bodies, rnd, 40):
        t = per_type.setdefault(name, [0, 0, 0, 0])
        t[0] += 1
        t[1] += sum(1 for kind, _, _ in true if kind != "same")
        t[2] += errors(align(old, new), true, old, new)
        t[3] += errors(baseline(old, new), true, old, new)
    for name, t in per_type.items():
        print(f"{name:<20}{t[0]:>7}{t[1]:>12}{t[2]:>8}{t[3]:>10}")
        totals = [a + b for a, b in zip(totals, t, strict=True)]
    print(f"{'total':<20}{totals[0]:>7}{totals[1]:>12}{totals[2]:>8}{totals[3]:>10}")
    print(f"\ndone in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()

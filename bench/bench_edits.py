"""How trustworthy the reported edits are: real revision pairs, and constructed ones.

(a) Real revision pairs, through the real `pressdiff ingest` (a subprocess per round, a
    fresh warehouse in a temporary folder): ../shared/corpora/fundus-recrawls ingested
    crawl by crawl in the order of its index.json, the two gov.uk crawls of
    warc/ukwa-govuk-revisit and Wikipedia's home page on two days (warc/ukwa-wikipedia-
    sopa). Prints the edits of every revision comparison by kind and by category, with
    the furniture rows apart, and the changed rows whose two sentences share under a
    third of their words (to read by eye: a low-similarity pairing is where an unrelated
    pairing would show).
(b) Constructed revisions of real texts with known edits: for every article-extraction-
    benchmark body of 8+ sentences, one revision per category (a typo, a wording change,
    a number, a name, a quote edit, an attribution, a correction notice, an added and a
    removed sentence, a moved sentence, a moved-and-edited sentence, a sentence rewritten
    in place, page furniture added). Each has exactly one true row (kind and category);
    prints per category how many were right, the spurious rows (rows that are not the
    true one and not 'same'), the missed ones, the moved-and-edited found, and the
    unrelated pairings (a changed or moved row pairing two sentences that are not the
    edited pair).

Run: `uv run python bench/bench_edits.py [--real] [--constructed]` (both by default; no
network; the real part runs five ingests).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tasks.compare.align import compare  # noqa: E402
from tasks.text.segment import split_paragraphs, split_sentences  # noqa: E402

CORPORA = ROOT.parent / "shared" / "corpora"


# ---------------------------------------------------------------- (a) real pairs


def ingest_rounds(db: Path, rounds: list[list[str]], env: dict) -> None:
    for files in rounds:
        cmd = [sys.executable, "-m", "pressdiff.cli", "ingest", "--db", str(db), *files]
        subprocess.run(cmd, env=env, capture_output=True, check=False, cwd=ROOT)


def recrawl_rounds() -> list[list[str]]:
    root = CORPORA / "fundus-recrawls"
    index = json.loads((root / "index.json").read_text())
    crawls: dict[str, list[str]] = defaultdict(list)
    for entry in sorted(index, key=lambda e: e["crawl_date"]):
        crawls[entry["url"]].append(str(root / entry["file"]))
    rounds: list[list[str]] = []
    for files in crawls.values():
        for k, f in enumerate(files):
            if k == len(rounds):
                rounds.append([])
            rounds[k].append(f)
    return rounds


def real_pairs() -> None:
    import duckdb

    sets = {
        "fundus-recrawls": recrawl_rounds(),
        "gov.uk WARC pair": [
            [str(p)] for p in sorted((CORPORA / "warc" / "ukwa-govuk-revisit").glob("*.warc.gz"))
        ],
        "Wikipedia WARC pair": [
            [str(CORPORA / "warc" / "ukwa-wikipedia-sopa" / n)]
            for n in ("blackout-sopa-wikipedia-homepage.warc.gz", "post-blackout-main-page.warc.gz")
        ],
    }
    print("(a) real revision pairs, through pressdiff ingest")
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "PRESSDIFF_ALLOW_PRIVATE": "1"}
        for name, rounds in sets.items():
            db = Path(tmp) / f"{len(name)}-{abs(hash(name))}.duckdb"
            ingest_rounds(db, rounds, env)
            with duckdb.connect(str(db), read_only=True) as con:
                n_cmp = con.execute(
                    "select count(*) from comparisons where relation = 'revision'"
                ).fetchone()[0]
                rows = con.execute(
                    """select e.kind, coalesce(e.category, '-'), e.moved, e.similarity,
                              e.old_text, e.new_text
                       from sentence_edits e join comparisons c using (comparison_id)
                       where c.relation = 'revision' and e.kind <> 'same'"""
                ).fetchall()
            kinds = Counter(r[0] for r in rows if r[1] != "boilerplate")
            cats = Counter(r[1] for r in rows)
            low = [r for r in rows if r[0] == "changed" and r[3] < 0.33]
            print(f"\n  {name}: {n_cmp} revision comparisons, {len(rows)} rows not 'same'")
            print("    by kind (furniture apart): " + _fmt(kinds))
            print("    by category: " + _fmt(cats))
            print(f"    changed rows that also moved: {sum(1 for r in rows if r[2])}")
            print(f"    changed rows under 0.33 word similarity (read by eye): {len(low)}")
            for r in low[:5]:
                print(f"      - {r[4][:70]!r}\n        {r[5][:70]!r}")


def _fmt(c: Counter) -> str:
    return ", ".join(f"{k} {n}" for k, n in c.most_common()) or "none"


# ---------------------------------------------------------------- (b) constructed


def bodies() -> list[list[str]]:
    truth = json.loads((CORPORA / "article-extraction-benchmark" / "ground-truth.json").read_text())
    out = []
    for item in truth.values():
        paras = split_paragraphs(item["articleBody"])
        texts = list(dict.fromkeys(s.text for s in split_sentences(paras)))
        texts = [t for t in texts if len(t.split()) >= 6]
        if len(texts) >= 8:
            out.append(texts)
    return out


def _pick(texts: list[str], rnd: random.Random, test) -> int | None:
    ks = [k for k in range(1, len(texts) - 1) if test(texts[k])]
    return rnd.choice(ks) if ks else None


_NAME = __import__("re").compile(r"(?<=\s)[A-Z][a-z]{3,}\s[A-Z][a-z]{3,}")


def _words(t: str) -> list[str]:
    return t.split()


def constructed(texts: list[str], rnd: random.Random) -> dict[str, tuple]:
    """category -> (new texts, true row (kind, category, old index, new index, moved))."""
    out: dict[str, tuple] = {}
    n = len(texts)

    def swap(k: int, text: str) -> list[str]:
        return [text if i == k else t for i, t in enumerate(texts)]

    import re

    def plain(t: str) -> bool:  # no quotation: an edit in one would be 'quote changed'
        return not re.search(r"[\"“”«»„]", t)

    if (k := _pick(texts, rnd, lambda t: re.search(r"\b[a-z]{6,}\b", t))) is not None:
        w = rnd.choice(re.findall(r"\b[a-z]{6,}\b", texts[k]))
        typo = w[:2] + w[3] + w[2] + w[4:]
        out["spelling/typo"] = (
            swap(k, texts[k].replace(w, typo, 1)),
            ("changed", "spelling/typo", k, k, False),
        )
    if (
        k := _pick(texts, rnd, lambda t: re.search(r"\b\d+\b", t) and len(t.split()) > 8)
    ) is not None:
        m = re.search(r"\b(\d+)\b", texts[k])
        new = texts[k][: m.start()] + str(int(m.group(1)) + 7) + texts[k][m.end() :]
        out["number"] = (swap(k, new), ("changed", "number", k, k, False))
    if (k := _pick(texts, rnd, lambda t: len(t.split()) >= 12 and plain(t))) is not None:
        ws = _words(texts[k])
        ws[len(ws) // 2] = "reportedly"
        ws.insert(len(ws) // 2, "also")
        out["wording"] = (swap(k, " ".join(ws)), ("changed", "wording", k, k, False))
    if (
        k := _pick(texts, rnd, lambda t: re.search(r"(?<=\s)[A-Z][a-z]{3,}\s[A-Z][a-z]{3,}", t))
    ) is not None:
        name = _NAME.search(texts[k]).group()
        out["name"] = (
            swap(k, texts[k].replace(name, "Maria Lindqvist", 1)),
            ("changed", "name", k, k, False),
        )
    if (k := _pick(texts, rnd, lambda t: re.search(r"[\"“][^\"“”]{20,}[\"”]", t))) is not None:
        q = re.search(r"[\"“]([^\"“”]{20,})[\"”]", texts[k]).group(1)
        qw = q.split()
        qw[len(qw) // 2] = "certainly"
        out["quote changed"] = (
            swap(k, texts[k].replace(q, " ".join(qw), 1)),
            ("changed", "quote changed", k, k, False),
        )
    if (
        k := _pick(texts, rnd, lambda t: re.search(r"\bsaid\b", t) and len(t.split()) > 8)
    ) is not None:
        out["attribution"] = (
            swap(k, re.sub(r"\bsaid\b", "told reporters", texts[k], count=1)),
            ("changed", "attribution", k, k, False),
        )
    corr = "Correction: an earlier version of this article misstated the date of the meeting."
    out["correction notice"] = ([*texts, corr], ("added", "correction notice", None, n, False))
    added = "Officials at the regional water authority declined to comment on Thursday evening."
    k = rnd.randrange(1, n)
    out["sentence added"] = (
        [*texts[:k], added, *texts[k:]],
        ("added", "sentence added", None, k, False),
    )
    k = _pick(texts, rnd, lambda t: not re.search(r"[\"“”«»„]", t))
    if k is not None:
        out["sentence removed"] = (
            texts[:k] + texts[k + 1 :],
            ("removed", "sentence removed", k, None, False),
        )
    k = _pick(texts, rnd, lambda t: len(t.split()) >= 8)
    if k is not None and k < n - 2:
        new = texts[:k] + texts[k + 1 :] + [texts[k]]
        out["moved"] = (new, ("moved", "moved", k, n - 1, False))
    k = _pick(texts, rnd, lambda t: len(t.split()) >= 14)
    if k is not None and k < n - 2:
        ws = _words(texts[k])
        cut = len(ws) // 4
        edited = " ".join([*ws[:cut], "according", "to", "officials", *ws[cut + 2 :]])
        new = texts[:k] + texts[k + 1 :] + [edited]
        out["moved and edited"] = (new, ("changed", None, k, n - 1, True))
    k = _pick(texts, rnd, lambda t: len(t.split()) >= 14 and "," in t)
    if k is not None:
        head, _, tail = texts[k].rstrip(".").partition(",")
        rewritten = f"{tail.strip()[0].upper()}{tail.strip()[1:]}, {head[0].lower()}{head[1:]}."
        out["rewritten in place"] = (swap(k, rewritten), ("changed", None, k, k, False))
    k = rnd.randrange(1, n)
    out["boilerplate"] = (
        [*texts[:k], "Advertisement", *texts[k:]],
        ("added", "boilerplate", None, k, False),
    )
    return out


def constructed_pairs() -> None:
    rnd = random.Random(15)
    stats: dict[str, Counter] = defaultdict(Counter)
    for texts in bodies():
        old = split_sentences(texts)
        for category, (new_texts, true) in constructed(texts, rnd).items():
            new = split_sentences(new_texts)
            if [s.text for s in new] != new_texts or [s.text for s in old] != texts:
                continue  # the splitter would cut a sentence differently: not a clean case
            c = compare("t", old, "t", new)
            kind, cat, oi, ni, moved = true
            o_no = None if oi is None else oi + 1
            n_no = None if ni is None else ni + 1
            rows = [e for e in c.edits if e.kind != "same"]
            if new_texts == texts:
                continue
            # a moved sentence edited a little is 'moved' with similarity < 1 (the contract);
            # edited more, 'changed' with moved true: both are the pairing sought
            kinds = {"changed", "moved"} if category == "moved and edited" else {kind}
            hit = [
                e
                for e in rows
                if e.kind in kinds and e.old_sentence_no == o_no and e.new_sentence_no == n_no
            ]
            s = stats[category]
            s["pairs"] += 1
            if (
                hit
                and (cat is None or hit[0].category == cat)
                and (hit[0].moved == moved or hit[0].kind == "moved")
            ):
                s["right"] += 1
            else:
                s["missed"] += 1
            s["spurious"] += len([e for e in rows if e not in hit])
            s["unrelated pairings"] += sum(
                1 for e in rows if e.kind in ("changed", "moved") and e not in hit
            )
            if category == "moved and edited" and hit:
                s["moved-and-edited found"] += 1
    print("\n(b) constructed revisions of article-extraction-benchmark bodies")
    print("(missed: the true row not found, or found with another category)")
    print(f"{'edit':22}{'pairs':>7}{'right':>7}{'missed':>8}{'spurious':>10}{'unrelated':>11}")
    total: Counter = Counter()
    for category, s in stats.items():
        total.update(s)
        print(
            f"{category:22}{s['pairs']:>7}{s['right']:>7}{s['missed']:>8}{s['spurious']:>10}"
            f"{s['unrelated pairings']:>11}"
        )
    print(
        f"{'total':22}{total['pairs']:>7}{total['right']:>7}{total['missed']:>8}"
        f"{total['spurious']:>10}{total['unrelated pairings']:>11}"
    )
    reported = total["right"] + total["spurious"]
    print(f"reported edits right: {total['right']}/{reported} = {total['right'] / reported:.1%}")
    print(f"moved-and-edited found: {stats['moved and edited']['moved-and-edited found']}")


if __name__ == "__main__":
    args = set(sys.argv[1:])
    if not args or "--constructed" in args:
        constructed_pairs()
    if not args or "--real" in args:
        real_pairs()

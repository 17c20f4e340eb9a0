"""Near-duplicate detection: pressdiff's numpy MinHash + anchors + shared sentences
against datasketch.

    uv run python bench/bench_dedupe.py [--n 100000] [--no-duckdb]

Part 1 runs both on the same documents in one process: the real bodies of
../shared/corpora (article-extraction-benchmark, fundus-news, trafilatura-eval, allsides)
plus two generated republications of each real body (bench/republish.py). Both start
from what the warehouse stores (comparison forms; pressdiff's sentence route also reads the
sentence rows, hashes included, that ingest wrote) and end with candidate pairs; datasketch
is MinHash.bulk + MinHashLSH at the same num_perm and bands. Recall is the share of (body,
republication) pairs that are candidates and pass the same exact verification (which, as in
the warehouse, leaves out each site's boilerplate: sentences found in 3+ articles of the
site).

Part 2 deduplicates `--n` documents on one core, timing sketching, candidate generation
(numpy sort-based grouping; and, unless --no-duckdb, tasks.steps.dedupe.index_versions and
candidates on a migrated warehouse, fed in batches as the ingest task is), exact
verification and story clustering.
The documents are families: a real body or a letter-substitution cipher of one (a distinct
text with the same word structure) and 0-5 republications of it, enciphered alike; the
outlets' boilerplate is not enciphered, so it is shared across families as it is in life.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402
from datasketch import MinHash, MinHashLSH  # noqa: E402

from bench import reference_dedupe as ref  # noqa: E402
from bench.reference_dedupe import without_site_boilerplate  # noqa: E402
from bench.republish import (  # noqa: E402
    allsides_articles,
    benchmark_bodies,
    cipher,
    fundus_bodies,
    mostly_ascii,
    republish,
    trafilatura_bodies,
)
from flows.settings import Settings  # noqa: E402
from tasks.dedupe import minhash as mh  # noqa: E402
from tasks.dedupe.pairs import Candidate, Doc, verify  # noqa: E402
from tasks.dedupe.stories import cluster  # noqa: E402
from tasks.steps import dedupe  # noqa: E402
from tasks.text.segment import split_paragraphs, split_sentences  # noqa: E402
from tasks.text.typography import text_hash, words  # noqa: E402
from warehouse.connection import connect  # noqa: E402

CORPORA = Path(os.environ.get("PRESSDIFF_CORPORA", ROOT.parent / "shared" / "corpora"))
CACHE = Path(tempfile.gettempdir()) / "pressdiff-bench-cache"
S = Settings()
SETTINGS = S.dedupe
SCALE, MAX_DF = SETTINGS.anchor_scale, SETTINGS.anchor_max_df
MIN_SHARED, MIN_SHARE = SETTINGS.anchor_min_shared, SETTINGS.anchor_min_share
SENTENCE_MIN_WORDS = SETTINGS.sentence_min_words
BATCH = 500  # texts per numpy batch: bigger batches only add page faults


@dataclass(slots=True)
class Corpus:
    """Texts, the family each belongs to, and the (original, republication) pairs."""

    norms: list[str]
    family: np.ndarray
    positives: np.ndarray  # m x 2 indexes (original, republication)
    verification: list[str]  # the texts without their site's boilerplate, as verified
    sentences: list[list[tuple[str, str]]]  # (sentence_hash, norm) per sentence, as stored
    columns: tuple = field(init=False)  # the same as columns, as DuckDB would hand them over

    def __post_init__(self) -> None:
        self.columns = ref.sentence_columns(self.sentences)


def _doc(i: int, site: str | None, text: str) -> tuple[Doc, list[tuple[str, str]]]:
    found = split_sentences(split_paragraphs(text))
    norm = " ".join(s.norm for s in found)
    return Doc(str(i), str(i), site, None, norm), [(s.hash, s.norm) for s in found]


def real_bodies() -> tuple[list[str], list[str]]:
    """Real bodies with 20+ words (and their keys), and allsides' outlet articles."""
    bodies = benchmark_bodies(CORPORA) + fundus_bodies(CORPORA)
    bodies += trafilatura_bodies(CORPORA, CACHE)
    bodies = [b for b in bodies if len(b.text.split()) >= S.min_words]
    events = [a.text for a in allsides_articles(CORPORA) if len(a.text.split()) >= S.min_words]
    return [b.text for b in bodies], events


def same_docs_corpus(bodies: list[str], events: list[str], per_body: int = 2) -> Corpus:
    """Texts as the warehouse stores them (sentences; the republications with their
    outlet's site) and, for verification, without each site's boilerplate."""
    docs, sentences, family, positives = [], {}, [], []

    def add(site: str | None, text: str, fam: int) -> None:
        doc, sentences[doc.version_id] = _doc(len(docs), site, text)
        docs.append(doc)
        family.append(fam)

    for i, body in enumerate(bodies):
        original = len(docs)
        add(None, body, i)
        for j in range(per_body):
            positives.append((original, len(docs)))
            rep = republish(body, seed=i * 100 + j)
            add(rep.site, rep.document(), i)
    for i, text in enumerate(events):  # every allsides article is its own family
        add(None, text, len(bodies) + i)
    clean = without_site_boilerplate(docs, sentences, SETTINGS.boilerplate_min_articles)
    return Corpus(
        [d.norm_text for d in docs],
        np.array(family),
        np.array(positives),
        [d.norm_text for d in clean],
        [sentences[d.version_id] for d in docs],
    )


def timed(fn: Callable[[], object]) -> tuple[object, float]:
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


# -- the two detectors, from comparison forms to candidate pairs ---------------------------


def datasketch_candidates(norms: Sequence[str]) -> np.ndarray:
    sets = []
    for norm in norms:
        toks = words(norm)
        k = S.shingle_size
        grams = [" ".join(toks[i : i + k]) for i in range(max(len(toks) - k + 1, 1))]
        sets.append([g.encode() for g in grams if g])
    sigs = MinHash.bulk(sets, num_perm=S.num_perm)
    rows = S.num_perm // S.lsh_bands
    lsh = MinHashLSH(threshold=S.jaccard_threshold, num_perm=S.num_perm, params=(S.lsh_bands, rows))
    for i, sig in enumerate(sigs):
        if sets[i]:
            lsh.insert(i, sig)
    pairs = {
        (min(i, j), max(i, j)) for i, sig in enumerate(sigs) if sets[i] for j in lsh.query(sig)
    }
    return np.array(sorted((a, b) for a, b in pairs if a != b), np.int64).reshape(-1, 2)


def sketch_batches(
    norms: Sequence[str], with_distinct: bool = True, batch: int = BATCH
) -> tuple[np.ndarray, mh.Ragged, mh.Ragged | None]:
    """Signatures, anchors (and distinct shingle hashes) of all texts, `batch` at a time."""
    sigs, anchors, distinct = [], [], []
    for start in range(0, len(norms), batch):
        shingles = mh.shingle_hashes(mh.token_hashes(norms[start : start + batch]), S.shingle_size)
        sigs.append(mh.signatures(shingles, S.num_perm))
        anchors.append(mh.anchors(shingles, SCALE))
        if with_distinct:
            distinct.append(mh.distinct_shingles(shingles))
    return np.vstack(sigs), concat(anchors), concat(distinct) if with_distinct else None


def concat(parts: list[mh.Ragged]) -> mh.Ragged:
    lengths = np.concatenate([p.lengths for p in parts])
    offsets = np.zeros(len(lengths) + 1, np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return mh.Ragged(np.concatenate([p.values for p in parts]), offsets)


def ours_candidates(
    norms: Sequence[str],
    with_anchors: bool = True,
    sentences: tuple | None = None,
) -> np.ndarray:
    """Band candidates, plus anchor candidates, plus (given the stored sentence rows) pairs
    sharing a whole sentence (`sentences`: the columns of `ref.sentence_columns`): the routes
    of warehouse/sql/dedupe_candidates.sql."""
    sigs, anchors, _ = sketch_batches(norms, with_distinct=False)
    has_words = ~np.all(sigs == mh.EMPTY, axis=1)
    keys = mh.band_keys(sigs, S.lsh_bands)
    pairs = ref.band_candidates(keys)
    pairs = [pairs[has_words[pairs[:, 0]] & has_words[pairs[:, 1]]]]
    if with_anchors:
        pairs.append(ref.anchor_candidates(anchors, MIN_SHARED, MIN_SHARE, MAX_DF)[0])
    if sentences is not None:
        keys = ref.sentence_keys(*sentences, len(norms), SENTENCE_MIN_WORDS)
        pairs.append(ref.sentence_candidates(keys, MAX_DF))
    return np.unique(np.vstack(pairs), axis=0) if len(pairs) > 1 else pairs[0]


# -- verification with hashed shingle sets ---------------------------------------------------


def verified(pairs: np.ndarray, distinct: mh.Ragged) -> list:
    ids = [str(i) for i in range(len(distinct))]
    sets = {i: distinct.row(int(i)) for i in ids}
    cands = (Candidate(ids[a], ids[b], "pair") for a, b in pairs.tolist())
    return verify(cands, sets, SETTINGS)


def pair_set(pairs: np.ndarray) -> set[tuple[int, int]]:
    return {(int(a), int(b)) for a, b in np.sort(pairs, axis=1).tolist()}


def verified_set(pairs: list) -> set[tuple[int, int]]:
    """Verified pairs as (i, j) with i < j: `verify` orders ids as strings ("10" < "9")."""
    return {tuple(sorted((int(p.version_a), int(p.version_b)))) for p in pairs}


def recall(found: set[tuple[int, int]], positives: np.ndarray) -> float:
    hits = sum((min(a, b), max(a, b)) in found for a, b in positives.tolist())
    return hits / max(len(positives), 1)


# -- part 1 --------------------------------------------------------------------------------


def part1(bodies: list[str], events: list[str], repeats: int) -> None:
    corpus = same_docs_corpus(bodies, events)
    n = len(corpus.norms)
    _, _, distinct = sketch_batches(corpus.verification)
    rows = S.num_perm // S.lsh_bands
    print(
        f"\n## Same documents: {n} texts ({len(bodies)} real bodies, {len(corpus.positives)} "
        f"republications, {len(events)} allsides articles); num_perm={S.num_perm}, "
        f"{S.lsh_bands} bands x {rows} rows, shingles of {S.shingle_size} words, one core"
    )
    accepted = verified_set(verified(np.sort(corpus.positives, axis=1), distinct))
    print(
        f"republications the exact rule accepts (J>={SETTINGS.jaccard_threshold} or "
        f"C>={SETTINGS.containment_threshold}, each site's boilerplate left out: sentences in "
        f">={SETTINGS.boilerplate_min_articles} of its articles): "
        f"{recall(accepted, corpus.positives):.2%}"
    )
    runs = [
        ("datasketch MinHash.bulk + MinHashLSH", lambda: datasketch_candidates(corpus.norms)),
        ("pressdiff bands only", lambda: ours_candidates(corpus.norms, with_anchors=False)),
        ("pressdiff bands + anchors", lambda: ours_candidates(corpus.norms)),
        (
            "pressdiff bands + anchors + sentences",
            lambda: ours_candidates(corpus.norms, sentences=corpus.columns),
        ),
    ]
    print(f"\nbest of {repeats} interleaved runs\n")
    print("| detector | seconds | docs/s | candidates | candidate recall | recall | x datasketch |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    best: dict[str, tuple[np.ndarray, float]] = {}
    for _ in range(repeats):  # interleaved, best of `repeats`: the machine is shared
        for name, fn in runs:
            pairs, secs = timed(fn)
            best[name] = (pairs, min(secs, best.get(name, (None, secs))[1]))
    base = None
    for name, _ in runs:
        pairs, secs = best[name]
        ok = verified(pairs, distinct)
        found = verified_set(ok)
        base = base or secs
        print(
            f"| {name} | {secs:.2f} | {n / secs:,.0f} | {len(pairs):,} | "
            f"{recall(pair_set(pairs), corpus.positives):.2%} | "
            f"{recall(found, corpus.positives):.2%} | {base / secs:.1f} |"
        )
        if name == runs[-1][0]:
            report_false_positives(ok, corpus)


def report_false_positives(pairs: list, corpus: Corpus) -> None:
    """Verified pairs of real texts from different families, with their scores."""
    family = corpus.family
    bad = [p for p in pairs if family[int(p.version_a)] != family[int(p.version_b)]]
    generated = set(corpus.positives[:, 1].tolist())
    real = [p for p in bad if not {int(p.version_a), int(p.version_b)} & generated]
    print(
        f"\nverified pairs across families: {len(bad)}, of which {len(real)} between two real "
        "texts (below; the rest pair their republications); each inspected, see "
        "tests/tasks/test_stories.py CORPUS_TRUE_DUPLICATES and ALLSIDES_TRUE_DUPLICATES"
    )
    for p in real:
        a, b = corpus.norms[int(p.version_a)], corpus.norms[int(p.version_b)]
        print(f"  J={p.jaccard:.3f} C={p.containment:.3f}  {a[:70]!r}  |  {b[:70]!r}")


# -- part 2 --------------------------------------------------------------------------------


def sentence_norms(text: str) -> list[str]:
    return [s.norm for s in split_sentences(split_paragraphs(text))]


def large_corpus(bodies: list[str], n: int, seed: int = 7) -> Corpus:
    """`n` texts in families of an enciphered real body and its republications, with their
    sentences as the warehouse stores them (each text and republication split once; a
    family's cipher applied to its sentences)."""
    rng = random.Random(seed)
    pool, split = {}, {}
    cipherable = [i for i, body in enumerate(bodies) if mostly_ascii(body)]
    norms, family, positives, sentences = [], [], [], []

    def add(parts: list[tuple[str, bool]], table: dict[int, int]) -> None:
        found = [norm.translate(table) if keep else norm for norm, keep in parts]
        norms.append(" ".join(found))
        sentences.append([(text_hash(norm), norm) for norm in found])
        family.append(fam)

    fam = 0
    while len(norms) < n:
        # every real body once as it is, then enciphered copies of random ones
        b = fam if fam < len(bodies) else rng.choice(cipherable)
        table = cipher(rng) if fam >= len(bodies) else {}
        original = len(norms)
        if b not in split:
            split[b] = [(norm, True) for norm in sentence_norms(bodies[b])]
        add(split[b], table)
        for _ in range(min(rng.choice([0, 0, 1, 1, 2, 3, 5]), n - len(norms))):
            key = (b, rng.randrange(6))
            if key not in pool:  # the outlet's own paragraphs are not enciphered
                rep = republish(bodies[b], seed=b * 100 + key[1])
                added = set(rep.added)
                pool[key] = [
                    (norm, para not in added)
                    for para in [rep.title, *rep.text.split("\n\n")]
                    for norm in sentence_norms(para)
                ]
            positives.append((original, len(norms)))
            add(pool[key], table)
        fam += 1
    # part 2 times detection; its verification keeps whole texts
    return Corpus(norms, np.array(family), np.array(positives).reshape(-1, 2), norms, sentences)


def part2(bodies: list[str], n: int, use_duckdb: bool) -> None:
    corpus, build = timed(lambda: large_corpus(bodies, n))
    norms = corpus.norms
    n_words = sum(len(x.split()) for x in norms) / len(norms)
    print(
        f"\n## {len(norms):,} documents on one core ({int(corpus.family.max()) + 1:,} families, "
        f"{len(corpus.positives):,} republications, {n_words:.0f} words on average; "
        f"built in {build:.0f} s, not timed)"
    )
    steps: list[tuple[str, float]] = []
    (sigs, anchors, distinct), secs = timed(lambda: sketch_batches(norms))
    steps.append(("sketch: words, shingles, MinHash, anchors, distinct shingle hashes", secs))
    has_words = ~np.all(sigs == mh.EMPTY, axis=1)
    keys, secs = timed(lambda: mh.band_keys(sigs, S.lsh_bands))
    steps.append(("band keys", secs))
    band_pairs, secs = timed(lambda: ref.band_candidates(keys, max_group=None))
    band_pairs = band_pairs[has_words[band_pairs[:, 0]] & has_words[band_pairs[:, 1]]]
    steps.append((f"band candidates, numpy sort-grouping ({len(band_pairs):,} pairs)", secs))
    (anchor_pairs, _), secs = timed(
        lambda: ref.anchor_candidates(anchors, MIN_SHARED, MIN_SHARE, MAX_DF)
    )
    steps.append((f"anchor candidates, numpy ({len(anchor_pairs):,} pairs)", secs))
    sentence_pairs, secs = timed(
        lambda: ref.sentence_candidates(
            ref.sentence_keys(*corpus.columns, len(norms), SENTENCE_MIN_WORDS), MAX_DF
        )
    )
    steps.append((f"shared-sentence candidates, numpy ({len(sentence_pairs):,} pairs)", secs))
    pairs = np.unique(np.vstack([band_pairs, anchor_pairs, sentence_pairs]), axis=0)
    ok, secs = timed(lambda: verified(pairs, distinct))
    steps.append((f"exact verification of {len(pairs):,} candidates ({len(ok):,} pass)", secs))
    docs = [Doc(str(i), str(i), None, None, norms[i]) for i in range(len(norms))]
    stories, secs = timed(lambda: cluster(docs, ok))
    steps.append((f"stories ({len(stories):,})", secs))
    total = sum(s for _, s in steps)
    print("\n| step | seconds |\n|---|---:|")
    for name, secs in steps:
        print(f"| {name} | {secs:.2f} |")
    print(f"| **total** | **{total:.2f}** ({len(norms) / total:,.0f} docs/s) |")
    found = verified_set(ok)
    story_of = {m.version_id: s for s in stories for m in s.members}
    together = sum(
        story_of.get(str(a)) is not None and story_of.get(str(a)) is story_of.get(str(b))
        for a, b in corpus.positives.tolist()
    )
    fam = corpus.family
    cross = sum(fam[int(p.version_a)] != fam[int(p.version_b)] for p in ok)
    mixed = sum(len({fam[int(m.version_id)] for m in s.members}) > 1 for s in stories)
    print(
        f"\nrecall (body, republication) verified: {recall(found, corpus.positives):.2%}; "
        f"in one story: {together / max(len(corpus.positives), 1):.2%}; "
        f"verified pairs across families: {cross}; stories mixing families: {mixed}"
    )
    if use_duckdb:
        duckdb_incremental(norms, corpus.sentences)


# -- the warehouse's tables and candidate query, fed in batches as the ingest task would ----


def store_versions(
    con: duckdb.DuckDBPyConnection,
    ids: list[str],
    norms: Sequence[str],
    sentences: Sequence[Sequence[tuple[str, str]]],
) -> None:
    """Insert one version per text (each its own article) and its sentences straight into
    core.versions and core.sentences."""
    rows = pa.table(  # noqa: F841 - read by DuckDB
        {
            "version_id": ids,
            "article_id": ids,
            "version_no": [1] * len(ids),
            "seen_at": [datetime.now(UTC)] * len(ids),
            "text": list(norms),
            "norm": list(norms),
            "text_hash": ids,
            "n_words": [len(n.split()) for n in norms],
        }
    )
    con.execute("INSERT INTO core.versions BY NAME SELECT * FROM rows")
    sentence_rows = pa.table(  # noqa: F841 - read by DuckDB
        {
            "version_id": [v for v, ss in zip(ids, sentences, strict=True) for _ in ss],
            "sentence_no": [i for ss in sentences for i in range(1, len(ss) + 1)],
            "paragraph_no": [1 for ss in sentences for _ in ss],
            "text": [norm for ss in sentences for _, norm in ss],
            "norm": [norm for ss in sentences for _, norm in ss],
            "sentence_hash": [h for ss in sentences for h, _ in ss],
        }
    )
    con.execute("INSERT INTO core.sentences BY NAME SELECT * FROM sentence_rows")


def duckdb_incremental(
    norms: Sequence[str], sentences: Sequence[Sequence[tuple[str, str]]], batch: int = 2000
) -> None:
    """tasks.steps.dedupe.index_versions and candidates (warehouse/dedupe.py underneath) on a
    migrated warehouse, batch by batch."""
    with tempfile.TemporaryDirectory() as tmp:
        con = connect(Path(tmp) / "w.duckdb")
        con.execute("SET threads = 1")
        ids = [f"{i:016x}" for i in range(len(norms))]
        store_s = index_s = query_s = 0.0
        n_pairs = 0
        last = None
        for start in range(0, len(norms), batch):
            new = ids[start : start + batch]
            t0 = time.perf_counter()
            end = start + batch
            store_versions(con, new, norms[start:end], sentences[start:end])
            t1 = time.perf_counter()
            dedupe.index_versions(con, new, SETTINGS)
            t2 = time.perf_counter()
            n_pairs += len(dedupe.candidates(con, new, SETTINGS))
            t3 = time.perf_counter()
            store_s, index_s, last = store_s + t1 - t0, index_s + t2 - t1, t3 - t2
            query_s += last
        print(
            f"\nDuckDB warehouse (file, threads=1), batches of {batch}: version and sentence "
            f"rows {store_s:.1f} s, index_versions (sketch + insert) {index_s:.1f} s, "
            f"candidate queries {query_s:.1f} s (last batch against {len(norms):,} stored: "
            f"{last:.2f} s), {n_pairs:,} candidates"
        )
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="documents in part 2")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs of part 1 (best)")
    parser.add_argument("--no-duckdb", action="store_true", help="skip the DuckDB run")
    args = parser.parse_args()
    (bodies, events), secs = timed(real_bodies)
    print(
        f"# bench_dedupe: {len(bodies)} real bodies, {len(events)} allsides articles "
        f"(loaded in {secs:.1f} s; trafilatura extraction cached in {CACHE})"
    )
    part1(bodies, events, args.repeats)
    if args.n > 0:
        part2(bodies, args.n, not args.no_duckdb)


if __name__ == "__main__":
    main()

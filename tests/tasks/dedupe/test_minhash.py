"""MinHash signatures, band keys, anchors, and the warehouse's candidate query."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench import reference_dedupe as ref
from bench.republish import benchmark_bodies, republish
from tasks.dedupe import minhash as mh
from tasks.dedupe.settings import DedupeSettings
from tasks.dedupe.shingles import jaccard, shingles
from tasks.steps import dedupe
from tasks.steps.load import store_articles
from tasks.text.extract import extract_document
from tasks.text.segment import split_paragraphs, split_sentences
from tasks.text.typography import comparison_form, text_hash, words
from tests.helpers import corpus
from warehouse.connection import connect
from warehouse.records import Article, Document

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFG0123456789", min_size=1, max_size=12)
SEP = st.sampled_from([" ", " ", " ", ", ", ". ", " - ", "-", "'", ".", " (", ") "])


@st.composite
def texts(draw: st.DrawFn, min_words: int = 0, max_words: int = 60) -> str:
    ws = draw(st.lists(WORD, min_size=min_words, max_size=max_words))
    seps = draw(st.lists(SEP, min_size=len(ws), max_size=len(ws)))
    return "".join(w + s for w, s in zip(ws, seps, strict=True)).strip()


def sketch_one(norm: str) -> np.ndarray:
    return mh.signatures(mh.shingle_hashes(mh.token_hashes([norm])))[0]


@given(texts())
def test_words_are_the_words_of_typography(text: str) -> None:
    assert mh.token_hashes([text]).lengths[0] == len(words(text))


@given(texts(), st.lists(texts(), max_size=4), st.integers(0, 4))
def test_signature_of_a_text_does_not_depend_on_its_batch(
    text: str, others: list[str], at: int
) -> None:
    batch = [*others[:at], text, *others[at:]]
    sigs = mh.signatures(mh.shingle_hashes(mh.token_hashes(batch)))
    assert np.array_equal(sigs[min(at, len(others))], sketch_one(text))


@given(texts(min_words=1))
def test_identical_texts_have_identical_signatures_and_band_keys(text: str) -> None:
    sigs = mh.signatures(mh.shingle_hashes(mh.token_hashes([text, text.upper(), text])))
    assert np.array_equal(sigs[0], sigs[2])
    assert np.array_equal(sigs[0], sigs[1])  # words are lower-cased
    keys = mh.band_keys(sigs, 32)
    assert keys.shape == (3, 32) and keys.dtype == np.uint64
    assert np.array_equal(keys[0], keys[2])
    assert mh.estimated_jaccard(sigs[0], sigs[2]) == 1.0


@settings(max_examples=60, deadline=None)
@given(texts(min_words=20, max_words=200), texts(min_words=20, max_words=200), st.data())
def test_estimated_jaccard_is_close_to_exact(a: str, b: str, data: st.DataObject) -> None:
    # a pair with real overlap: a prefix of `a` with a suffix of `b`, against `a`
    cut = data.draw(st.integers(0, len(a)))
    mixed = a[:cut] + " " + b
    exact = jaccard(shingles(a), shingles(mixed))
    est = mh.estimated_jaccard(sketch_one(a), sketch_one(mixed))
    assert abs(est - exact) <= 5 * max(np.sqrt(exact * (1 - exact) / 128), 0.02)


@given(texts(), texts())
def test_distinct_shingle_keys_give_the_exact_jaccard(a: str, b: str) -> None:
    rows = mh.distinct_shingles(mh.shingle_hashes(mh.token_hashes([a, b])))
    sa, sb = shingles(a), shingles(b)
    assert rows.lengths.tolist() == [len(sa), len(sb)]
    shared = len(np.intersect1d(rows.row(0), rows.row(1)))
    assert shared == len(sa & sb)


def test_short_and_empty_texts() -> None:
    tokens = mh.token_hashes(["", "two words", "exactly three words", "four words in all", ".."])
    shingled = mh.shingle_hashes(tokens, 3)
    assert shingled.lengths.tolist() == [0, 1, 1, 2, 0]
    sigs = mh.signatures(shingled)
    assert (sigs[0] == mh.EMPTY).all() and (sigs[4] == mh.EMPTY).all()
    assert not (sigs[1] == mh.EMPTY).any()


def test_band_keys_need_bands_that_divide_the_signature() -> None:
    with pytest.raises(ValueError, match="30 bands do not divide 128 permutations"):
        mh.band_keys(np.zeros((1, 128), np.uint32), 30)


def test_band_and_anchor_candidates_in_memory() -> None:
    base = " ".join(f"word{i}" for i in range(400))
    norms = [
        base,
        base + " tail",
        " ".join(f"other{i}" for i in range(400)),
        base[: len(base) // 3],
    ]
    sk = mh.sketch(norms)
    bands = ref.band_candidates(mh.band_keys(sk.signatures, 32))
    assert bands.tolist() == [[0, 1]]  # the third of `base` has Jaccard 0.33
    pairs, shared = ref.anchor_candidates(sk.anchors)
    assert pairs.tolist() == [[0, 1], [0, 3], [1, 3]]
    assert shared[1] == sk.anchors.lengths[3]  # every anchor of the part is in the whole


def test_sentence_candidates_share_a_long_enough_sentence_few_texts_have() -> None:
    long = "the minister said the talks would resume on monday."
    other = "a different sentence of seven words here."
    stock = "share this story with your friends today."
    texts = [
        [long, "short one."],
        ["intro.", long, other],
        [other, "short one."],  # shares `other` with text 1 and only a short sentence with 0
        ["nothing in common with anybody else at all."],
    ]
    texts += [[stock, f"filler sentence number {i} of this page."] for i in range(4)]
    hashed = [[(text_hash(s), s) for s in t] for t in texts]
    columns = ref.sentence_columns(hashed)
    keys = ref.sentence_keys(*columns, len(texts), min_words=6)
    assert keys.lengths.tolist() == [1, 2, 1, 1, 2, 2, 2, 2]  # "short one." is too short
    assert keys.row(0).tolist() == [int(text_hash(long), 16)]
    assert ref.sentence_candidates(keys, max_df=3).tolist() == [[0, 1], [1, 2]]  # stock: 4 texts
    assert len(ref.sentence_candidates(keys, max_df=4)) == 2 + 6
    assert ref.sentence_keys(*columns, len(texts), min_words=0).lengths.sum() == 0  # off
    assert ref.hex64(["00000000000000ff", "FFFFFFFFFFFFFFFF"]).tolist() == [255, 2**64 - 1]
    for bad in (["abc"], ["00000000000000fg"], [None]):
        with pytest.raises(ValueError, match="16 hex digits"):
            ref.hex64(bad)


def test_anchors_find_what_bands_miss_in_generated_republications() -> None:
    """Candidate recall on rule-accepted republications of real bodies (all 181 bodies)."""
    bodies = benchmark_bodies(corpus())
    originals = [comparison_form(b.text) for b in bodies]
    reps = [comparison_form(republish(b.text, seed=i).text) for i, b in enumerate(bodies)]
    sk = mh.sketch(originals + reps)
    n = len(bodies)
    keys = mh.band_keys(sk.signatures, 32)
    by_band = (keys[:n] == keys[n:]).any(axis=1)
    pairs, _ = ref.anchor_candidates(sk.anchors)
    by_anchor = np.isin(
        np.arange(n) * (2 * n) + np.arange(n, 2 * n), pairs[:, 0] * 2 * n + pairs[:, 1]
    )
    accepted = np.array(
        [
            jaccard(a := shingles(o), r := shingles(p)) >= 0.45 or len(a & r) / len(r) >= 0.7
            for o, p in zip(originals, reps, strict=True)
        ]
    )
    print(
        f"bands {by_band[accepted].mean():.3f} anchors {by_anchor[accepted].mean():.3f} "
        f"either {(by_band | by_anchor)[accepted].mean():.3f} of {accepted.sum()} accepted"
    )
    assert (by_band | by_anchor)[accepted].mean() >= 0.99
    assert by_anchor[accepted].mean() > by_band[accepted].mean()


# -- the warehouse: tasks/steps/dedupe.py, warehouse/dedupe.py, sql/dedupe_candidates.sql ----

SETTINGS = DedupeSettings(
    shingle_size=3,
    num_perm=128,
    lsh_bands=32,
    anchor_scale=8,
    anchor_max_df=100,
    anchor_min_shared=2,
    anchor_min_share=0.4,
    sentence_min_words=6,
)
NOW = datetime(2024, 1, 1, tzinfo=UTC)


def store_documents(con: duckdb.DuckDBPyConnection, docs: list[Document]) -> list[str]:
    """Extract and store `docs` as the ingest flow does; their new version ids, in order."""
    articles = [extract_document(d) for d in docs]
    assert all(isinstance(a, Article) for a in articles)
    result = store_articles(con, articles, "run", NOW)
    assert result.versions_new == len(docs)
    return result.new_version_ids


def store_texts(con: duckdb.DuckDBPyConnection, ids: list[str], texts: list[str]) -> list[str]:
    """Write one version and its sentences per text directly, one article each; returns
    the comparison forms."""
    found = [split_sentences(split_paragraphs(t)) for t in texts]
    norms = [" ".join(s.norm for s in ss) for ss in found]
    rows = pa.table(  # noqa: F841 - read by DuckDB
        {
            "version_id": ids,
            "article_id": [f"article-{v}" for v in ids],
            "version_no": [1] * len(ids),
            "seen_at": [NOW] * len(ids),
            "text": norms,
            "norm": norms,
            "text_hash": [text_hash(n) for n in norms],
            "n_words": [len(words(n)) for n in norms],
        }
    )
    con.execute("INSERT INTO core.versions BY NAME SELECT * FROM rows")
    sentence_rows = pa.table(  # noqa: F841 - read by DuckDB
        {
            "version_id": [v for v, ss in zip(ids, found, strict=True) for _ in ss],
            "sentence_no": [s.sentence_no for ss in found for s in ss],
            "paragraph_no": [s.paragraph_no for ss in found for s in ss],
            "text": [s.text for ss in found for s in ss],
            "norm": [s.norm for ss in found for s in ss],
            "sentence_hash": [s.hash for ss in found for s in ss],
        }
    )
    con.execute("INSERT INTO core.sentences BY NAME SELECT * FROM sentence_rows")
    return norms


def test_warehouse_finds_the_seed_pair_incrementally(tmp_path: Path) -> None:
    seeds = corpus("seeds")
    wire_doc, copy_doc = (
        Document(str(p), str(p), text=p.read_text(encoding="utf-8"))
        for p in sorted(seeds.glob("*.txt"))
    )
    others = [
        Document(f"body{i}", f"body{i}", text=b.text)
        for i, b in enumerate(benchmark_bodies(corpus())[:40])
    ]
    con = connect(tmp_path / "w.duckdb")
    first_ids = store_documents(con, [wire_doc, *others])
    assert dedupe.index_versions(con, first_ids, SETTINGS) == 41
    assert dedupe.index_versions(con, first_ids, SETTINGS) == 0  # nothing is sketched twice
    first = dedupe.candidates(con, first_ids, SETTINGS)
    assert all(c.version_a < c.version_b for c in first)

    (copy,) = store_documents(con, [copy_doc])
    assert dedupe.index_versions(con, [copy], SETTINGS) == 1
    (wire,) = con.execute(
        "SELECT version_id FROM core.versions WHERE source = ?", [wire_doc.source]
    ).fetchone()
    rows = dedupe.candidates(con, [copy], SETTINGS)
    # the copy keeps under half the wire story: its only candidate is the wire story
    assert [(c.version_a, c.version_b) for c in rows] == [tuple(sorted((wire, copy)))]
    assert "anchor" in rows[0].method
    norm = dict(con.execute("SELECT version_id, norm FROM core.versions").fetchall())
    sk = mh.sketch([norm[wire], norm[copy]])
    est = mh.estimated_jaccard(sk.signatures[0], sk.signatures[1])
    assert rows[0].estimated_jaccard == pytest.approx(est)
    keys = mh.band_keys(sk.signatures, 32)
    shared_bands, shared_anchors = con.execute(
        """SELECT (SELECT count(*) FROM core.lsh_bands a JOIN core.lsh_bands b USING (band, key)
                   WHERE a.version_id = $wire AND b.version_id = $copy),
                  (SELECT count(*) FROM core.dedupe_anchors a JOIN core.dedupe_anchors b
                   USING (key) WHERE a.version_id = $wire AND b.version_id = $copy)""",
        {"wire": wire, "copy": copy},
    ).fetchone()
    assert shared_bands == int((keys[0] == keys[1]).sum())
    assert shared_anchors >= 20
    assert ("lsh" in rows[0].method) == (shared_bands > 0)
    assert "sentence" in rows[0].method  # it keeps whole sentences of the wire story


def test_warehouse_candidates_agree_with_the_in_memory_candidates(tmp_path: Path) -> None:
    bodies = benchmark_bodies(corpus())[:60]
    texts = [b.text for b in bodies] + [
        republish(b.text, seed=i).text for i, b in enumerate(bodies)
    ]
    ids = [f"v{i:03d}" for i in range(len(texts))]
    con = connect(tmp_path / "w.duckdb")
    norms = store_texts(con, ids, texts)
    assert dedupe.index_versions(con, ids, SETTINGS) == len(ids)
    rows = dedupe.candidates(con, ids, SETTINGS)
    assert all(c.version_a < c.version_b for c in rows)
    sk = mh.sketch(norms)
    rows_of = pa.table({"version_id": ids, "row": range(len(ids))})  # noqa: F841
    stored = con.execute(
        """SELECT row, sentence_hash, norm FROM core.sentences JOIN rows_of USING (version_id)
           ORDER BY row, sentence_no"""
    ).to_arrow_table()
    keys = ref.sentence_keys(
        stored["row"].to_numpy(), stored["sentence_hash"], stored["norm"], len(ids), 6
    )
    routes = {
        "lsh": ref.band_candidates(mh.band_keys(sk.signatures, 32)),
        "anchor": ref.anchor_candidates(sk.anchors, 2, 0.4)[0],
        "sentence": ref.sentence_candidates(keys),
    }
    expected: dict[tuple[str, str], list[str]] = {}
    for route, pairs in routes.items():
        for a, b in pairs.tolist():
            expected.setdefault((ids[a], ids[b]), []).append(route)
    assert {(c.version_a, c.version_b): c.method for c in rows} == {
        pair: "+".join(how) for pair, how in expected.items()
    }
    assert {c.method for c in rows} >= {"lsh+anchor+sentence", "sentence"}
    assert {(f"v{i:03d}", f"v{i + 60:03d}") for i in range(60)} <= expected.keys()
    for c in rows:
        a, b = ids.index(c.version_a), ids.index(c.version_b)
        est = mh.estimated_jaccard(sk.signatures[a], sk.signatures[b])
        assert c.estimated_jaccard == pytest.approx(est)

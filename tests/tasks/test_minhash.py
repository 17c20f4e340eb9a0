"""MinHash signatures, band keys, anchors, and the proposed DuckDB candidate query."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasks import minhash as mh
from tasks.shingles import jaccard, shingles
from tasks.typography import comparison_form, words
from tests.conftest import ROOT, corpus
from tests.tasks.republish import benchmark_bodies, republish

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
    bands = mh.band_candidates(mh.band_keys(sk.signatures, 32))
    assert bands.tolist() == [[0, 1]]  # the third of `base` has Jaccard 0.33
    pairs, shared = mh.anchor_candidates(sk.anchors)
    assert pairs.tolist() == [[0, 1], [0, 3], [1, 3]]
    assert shared[1] == sk.anchors.lengths[3]  # every anchor of the part is in the whole


def test_anchors_find_what_bands_miss_in_generated_republications() -> None:
    """Candidate recall on rule-accepted republications of real bodies (all 181 bodies)."""
    bodies = benchmark_bodies(corpus())
    originals = [comparison_form(b.text) for b in bodies]
    reps = [comparison_form(republish(b.text, seed=i).text) for i, b in enumerate(bodies)]
    sk = mh.sketch(originals + reps)
    n = len(bodies)
    keys = mh.band_keys(sk.signatures, 32)
    by_band = (keys[:n] == keys[n:]).any(axis=1)
    pairs, _ = mh.anchor_candidates(sk.anchors)
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


# -- warehouse/dedupe.sql.md, run as written ------------------------------------------------


def sql_blocks() -> list[str]:
    return re.findall(r"```sql\n(.*?)```", (ROOT / "warehouse" / "dedupe.sql.md").read_text(), re.S)


def store(con: duckdb.DuckDBPyConnection, ids: list[str], norms: list[str]) -> None:
    """Sketch `norms` and insert them as the task would, marking them new."""
    sk = mh.sketch(norms)
    keys = mh.band_keys(sk.signatures, 32)
    ok = np.flatnonzero(sk.n_shingles > 0)
    vid = np.array(ids)[ok]
    sketches = pa.table(
        {
            "version_id": vid,
            "n_shingles": sk.n_shingles[ok].astype(np.int32),
            "n_anchors": sk.anchors.lengths[ok].astype(np.int32),
            "signature": pa.array(list(sk.signatures[ok]), pa.list_(pa.uint32())),
            "params": [json.dumps({"num_perm": 128, "bands": 32, "anchor_scale": 8})] * len(ok),
        }
    )
    bands = pa.table(
        {
            "version_id": np.repeat(vid, 32),
            "band": np.tile(np.arange(32, dtype=np.uint8), len(ok)),
            "key": keys[ok].reshape(-1),
        }
    )
    anchors = pa.table(
        {
            "version_id": np.repeat(vid, sk.anchors.lengths[ok]),
            "key": np.concatenate([sk.anchors.row(int(i)) for i in ok]),
        }
    )
    for table, name in (
        (sketches, "dedupe_sketches"),
        (bands, "lsh_bands"),
        (anchors, "dedupe_anchors"),
    ):
        con.register("batch", table)
        con.execute(f"INSERT INTO {name} SELECT * FROM batch")
        con.unregister("batch")
    con.executemany("INSERT INTO new_versions VALUES (?)", [[v] for v in vid])


def seed_norms() -> list[str]:
    from tests.tasks.test_stories import seed_docs

    return [d.norm_text for d in seed_docs(corpus("seeds"))]


def test_sql_proposal_finds_the_seed_pair_incrementally(tmp_path: Path) -> None:
    ddl, query = sql_blocks()
    params = {"max_df": 100, "min_shared": 2, "min_share": 0.5}
    wire, copy = seed_norms()
    others = [comparison_form(b.text) for b in benchmark_bodies(corpus())[:40]]
    con = duckdb.connect(str(tmp_path / "dedupe.duckdb"))
    con.execute(ddl)
    store(con, ["wire"] + [f"other{i}" for i in range(len(others))], [wire, *others])
    first = con.execute(query, params).fetchall()
    con.execute("DELETE FROM new_versions")
    store(con, ["copy"], [copy])
    rows = con.execute(query, params).fetchall()
    # the copy keeps under half the wire story: its only candidate is the wire story
    assert [r[:2] for r in rows] == [("copy", "wire")]
    _, _, method, bands_shared, anchors_shared, est = rows[0]
    assert "anchor" in method and anchors_shared >= 20
    sk = mh.sketch([copy, wire])
    assert est == pytest.approx(mh.estimated_jaccard(sk.signatures[0], sk.signatures[1]))
    assert bands_shared == int(
        (mh.band_keys(sk.signatures, 32)[0] == mh.band_keys(sk.signatures, 32)[1]).sum()
    )
    assert all(r[0] < r[1] for r in first)


def test_sql_proposal_agrees_with_the_in_memory_candidates(tmp_path: Path) -> None:
    ddl, query = sql_blocks()
    bodies = benchmark_bodies(corpus())[:60]
    norms = [comparison_form(b.text) for b in bodies]
    norms += [comparison_form(republish(b.text, seed=i).text) for i, b in enumerate(bodies)]
    ids = [f"v{i:03d}" for i in range(len(norms))]
    con = duckdb.connect(str(tmp_path / "dedupe.duckdb"))
    con.execute(ddl)
    store(con, ids, norms)
    rows = con.execute(query, {"max_df": 100, "min_shared": 2, "min_share": 0.5}).fetchall()
    sk = mh.sketch(norms)
    pairs = np.vstack(
        [mh.band_candidates(mh.band_keys(sk.signatures, 32)), mh.anchor_candidates(sk.anchors)[0]]
    )
    expected = {(ids[a], ids[b]) for a, b in pairs.tolist()}
    assert {(r[0], r[1]) for r in rows} == expected
    assert {(f"v{i:03d}", f"v{i + 60:03d}") for i in range(60)} <= expected

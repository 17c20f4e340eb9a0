"""The scale benchmark, small: its stream is realistic and repeatable, and a run of it
through the real ingest flow reports every figure (structure and sanity, never timings)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter

from bench.scale_stream import Source, stream
from tests.helpers import ROOT, corpus

STAGES = ["extract", "store", "candidates", "verification", "stories", "comparisons"]
QUESTIONS = [
    "term_swaps",
    "history",
    "story",
    "article_as_of",
    "notable_changes_today",
    "sentence_search",
]

SOURCES = [
    Source(
        f"s{i}",
        f"Title {i}",
        tuple(
            f"Paragraph {p} of text {i} says that Council member {i} met Mayor Smith. "
            f'The vote was {i * 10 + p} to {p}. "We agree," she said on Monday.'
            for p in range(5)
        ),
    )
    for i in range(12)
]


def test_the_stream_is_the_same_for_a_seed_and_holds_families_and_strays() -> None:
    docs = list(stream(SOURCES, 300, seed=3))
    assert docs == list(stream(SOURCES, 300, seed=3))
    assert docs != list(stream(SOURCES, 300, seed=4))
    kinds = Counter(d.kind for d in docs)
    assert set(kinds) == {"original", "revision", "republication", "stray"}, kinds
    first_of: dict[int, int] = {}
    for i, d in enumerate(docs):
        first_of.setdefault(d.family, i)
        original = docs[first_of[d.family]]
        assert original.kind in ("original", "stray")  # a family opens with its original
        if d.kind == "revision":
            assert d.url == original.url and d.paragraphs != original.paragraphs
        if d.kind == "republication":
            assert d.url.split("/")[2] != original.url.split("/")[2]  # another site
    # past the first use of every text, a family's text is its own
    originals = [d for d in docs if d.kind in ("original", "stray")]
    assert len({d.paragraphs for d in originals}) == len(originals)


def test_a_small_run_reports_every_stage_question_and_figure(tmp_path) -> None:
    corpus("fundus-news")
    env = {**os.environ, "PRESSDIFF_CORPORA": str(corpus())}
    args = ["--versions", "100", "--batch", "25", "--sources", "20"]
    args += ["--cache", str(tmp_path / "cache")]
    proc = subprocess.run(
        [sys.executable, "bench/bench_scale.py", *args, "--keep", str(tmp_path / "run"), "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    r = json.loads(proc.stdout)
    assert (r["documents"], r["batch"], r["batches"]) == (100, 25, 4)
    assert 90 <= r["versions"] <= 100  # a copy that only changed typography is no version
    assert list(r["cost_per_1000_s"]) == ["10%", "50%", "100%"]
    for costs in r["cost_per_1000_s"].values():
        assert list(costs) == [*STAGES, "wall", "cpu", "load", "compared"]
        assert all(costs[s] > 0 for s in STAGES), costs
    assert list(r["growth"]) == [*STAGES, "wall", "cpu"]
    assert all(g > 0 for g in r["growth"].values()), r["growth"]
    assert list(r["query_ms"]) == list(r["query_ms_warm"]) == QUESTIONS
    assert all(ms > 0 for ms in r["query_ms"].values())
    rows = r["query_rows"]
    assert rows["history"] >= 2 and rows["story"] >= 2, rows  # the busiest family
    assert rows["sentence_search"] >= 1 and rows["article_as_of"] == 1, rows
    assert 0 < r["peak_rss_mb"] < 4096
    assert r["bytes_per_version"] > 1000
    assert not list((tmp_path / "run").glob("batch-*"))  # each batch's files are removed

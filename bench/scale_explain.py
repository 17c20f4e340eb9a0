"""Where a batch's queries spend their time in a grown warehouse: EXPLAIN ANALYZE evidence.

    uv run python bench/scale_explain.py WAREHOUSE [--batch 500] [--top 6]

WAREHOUSE is one `bench/bench_scale.py --keep DIR` left (DIR/warehouse/scale.duckdb). The
last `--batch` versions stored stand for a new batch, and each query a batch runs per stage
(warehouse/sql/*.sql, with the tables the code registers) is profiled once: its time, and
the operators that took longest with the rows they produced. A scan that reads a whole
table for a batch of a few hundred versions is a stage whose cost grows with the
warehouse. Writes (the stories' DELETEs) run in a transaction that is rolled back.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import duckdb
import pyarrow as pa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SQL = ROOT / "warehouse" / "sql"

from tasks.dedupe.settings import DEFAULTS  # noqa: E402

# stage, query file, the table (and column) the code gives it the batch in, and what of it
QUERIES = [
    ("store", "store_known_versions", "wanted", "article_id", "article"),
    ("store", "store_hashes_elsewhere", "hash_tbl", "text_hash", "hash"),
    ("candidates", "dedupe_candidates", "new_versions", "version_id", "version"),
    ("verification", "dedupe_verification_docs", "wanted", "version_id", "pair_version"),
    ("stories", "dedupe_component_step", "step", "version_id", "version"),
    ("stories", "dedupe_latest_versions", "wanted", "version_id", "version"),
    ("stories", "dedupe_docs", "wanted", "version_id", "version"),
    ("stories", "dedupe_drop_stories", "arts", "article_id", "article"),
    ("comparisons", "comparisons_sentences", "wanted", "version_id", "version"),
    ("comparisons", "site_boilerplate", "wanted", "version_id", "version"),
]
_D = DEFAULTS
PARAMS = {
    "dedupe_candidates": {
        "max_df": _D.anchor_max_df,
        "min_shared": _D.anchor_min_shared,
        "min_share": _D.anchor_min_share,
        "sentence_min_words": _D.sentence_min_words,
    },
    "dedupe_verification_docs": {"min_articles": _D.boilerplate_min_articles},
    "site_boilerplate": {"min_articles": 3},  # load_versions' default
}


def batch_keys(con: duckdb.DuckDBPyConnection, n: int) -> dict[str, list[str]]:
    """The last `n` versions stored, and what the queries take of them."""
    rows = con.execute(
        "SELECT version_id, article_id, text_hash FROM core.versions ORDER BY seen_at DESC LIMIT ?",
        [n],
    ).fetchall()
    versions = [r[0] for r in rows]
    con.register("new_versions", pa.table({"version_id": versions}))
    pairs = con.execute(
        (SQL / "dedupe_candidates.sql").read_text(), PARAMS["dedupe_candidates"]
    ).fetchall()
    con.unregister("new_versions")
    return {
        "version": versions,
        "article": sorted({r[1] for r in rows}),
        "hash": sorted({r[2] for r in rows}),
        "pair_version": sorted({v for p in pairs for v in p[:2]}),
    }


def operators(node: dict) -> list[dict]:
    """Every operator of a profile tree, flattened."""
    out = [node] if "operator_type" in node or "operator_name" in node else []
    for child in node.get("children", []):
        out += operators(child)
    return out


def profile(con: duckdb.DuckDBPyConnection, sql: str, params: dict, out: Path) -> dict:
    con.execute("SET enable_profiling = 'json'")
    con.execute(f"SET profiling_output = '{out}'")
    for statement in [s for s in sql.split(";\n") if s.strip()]:
        con.execute(statement, {k: v for k, v in params.items() if f"${k}" in statement})
    con.execute("SET enable_profiling = 'no_output'")
    return json.loads(out.read_text())


def describe(o: dict, batch: int) -> str:
    """One operator: name, table, seconds, rows out; for a scan, the rows it read per row of
    the batch (a whole table read for a small batch is the cost that grows)."""
    info = o.get("extra_info") or {}
    table = info.get("Table", "") if isinstance(info, dict) else ""
    line = (
        f"{o.get('operator_name', o.get('operator_type', '?')).strip():<18}"
        f"{table.removeprefix('scale.'):<22}{o.get('operator_timing', 0):>7.3f} s"
        f"{o.get('operator_cardinality', 0):>11,} rows out"
    )
    scanned = o.get("operator_rows_scanned", 0)
    if scanned:
        line += f"{scanned:>12,} rows scanned ({scanned / max(batch, 1):,.0f} per batch row)"
    return line


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("warehouse", type=Path)
    p.add_argument("--batch", type=int, default=500)
    p.add_argument("--top", type=int, default=6)
    args = p.parse_args()
    con = duckdb.connect(str(args.warehouse))
    sizes = {
        t: con.execute(f"SELECT count(*) FROM core.{t}").fetchone()[0]  # names from code
        for t in ("versions", "sentences", "lsh_bands", "dedupe_anchors", "duplicate_pairs")
    }
    print("rows: " + ", ".join(f"{t} {n:,}" for t, n in sizes.items()))
    keys = batch_keys(con, args.batch)
    with tempfile.TemporaryDirectory() as tmp:
        for stage, name, table, column, key in QUERIES:
            con.register(table, pa.table({column: keys[key]}))
            con.execute("BEGIN")
            try:
                prof = profile(con, (SQL / f"{name}.sql").read_text(), PARAMS.get(name, {}),
                               Path(tmp) / "p.json")  # fmt: skip
            finally:
                con.execute("ROLLBACK")
                con.unregister(table)
            ops = sorted(operators(prof), key=lambda o: -o.get("operator_timing", 0))
            total = prof.get("latency", sum(o.get("operator_timing", 0) for o in ops))
            print(f"\n{stage:<13}{name} ({len(keys[key]):,} {key}s in): {total:.3f} s")
            scans = [o for o in ops if o.get("operator_rows_scanned", 0) > 0]
            for o in ops[: args.top] + [o for o in scans if o not in ops[: args.top]]:
                print("    " + describe(o, len(keys[key])))


if __name__ == "__main__":
    main()

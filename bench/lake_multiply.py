"""Grow a warehouse K-fold in SQL, every table consistent: for bench_lake.py's scale run.

Ingesting 100,000 documents through the pipeline takes hours on a small machine (30,000 took
46 minutes), so the scale run ingests a few thousand real documents (bench/scale_stream.py:
the corpora's texts with their revisions and republications, realistic edits) and then
adds K-1 copies of everything stored, each copy a new set of articles of new outlets:

- every id and hash (article, version, comparison, story, run, source, text and sentence
  hashes; the columns ID_COLUMNS names) is `left(md5(id || '#k'), 16)`, the same 16 hex
  digits the code makes, so a copy's rows refer to each other as the original's do;
- every URL and site gets the copy's outlet prefix (`https://c7-meridian-wire.example/…`),
  a source key without a URL a `#k` suffix;
- every text (titles, bylines, datelines, versions' text and comparison form, sentences,
  sentence and phrase edits: TEXT_COLUMNS) is enciphered with the copy's own substitution
  of letters and of digits (upper and lower case alike, as scale_stream's cipher does), so
  copies are not duplicates of each other and term_swaps has each copy's swapped terms;
- every time is shifted by k times the span of the original, so the copies follow each
  other in time as new weeks of news would;
- MinHash sketches, LSH band keys and anchors are XORed with a constant of the copy, so
  later ingests do not find the copies to be each other's near-duplicates.

Each copy is one transaction (one snapshot, one set of Parquet files per table), as one
large ingest batch would be.
"""

from __future__ import annotations

import random
import string

import duckdb

ID_COLUMNS = {
    "article_id", "version_id", "comparison_id", "old_version_id", "new_version_id",
    "story_id", "original_version_id", "version_a", "version_b", "run_id", "flow_run_id",
    "text_hash", "sentence_hash", "source_id", "reextraction_id", "compared_with_version_id",
}  # fmt: skip
URL_COLUMNS = {"url", "final_url", "uri"}
TEXT_COLUMNS = {
    "title", "byline", "dateline", "text", "norm", "old_text", "new_text", "removed",
    "inserted",
}  # fmt: skip
SKIP_TABLES = {"schema_migrations"}


def cipher(k: int) -> tuple[str, str]:
    """The `translate` arguments of copy `k`: its substitution of letters and digits."""
    rng = random.Random(k)
    lower, digits = list(string.ascii_lowercase), list(string.digits)
    rng.shuffle(lower)
    rng.shuffle(digits)
    src = string.ascii_lowercase + string.ascii_uppercase + string.digits
    dst = "".join(lower) + "".join(lower).upper() + "".join(digits)
    return src, dst


def expression(column: str, dtype: str, k: int, shift_s: int) -> str:
    """The value of `column` (of type `dtype`) in copy `k`."""
    c = f'"{column}"'
    tag = f"'#{k}'"
    if column in ID_COLUMNS:
        return f"left(md5({c} || {tag}), 16)"
    if column in URL_COLUMNS:
        return f"regexp_replace({c}, '^(https?://)', '\\1c{k}-')"
    if column == "site":
        return f"'c{k}-' || {c}"
    if column in ("source_key", "source"):
        return f"regexp_replace({c}, '^(https?://)', '\\1c{k}-') || {tag}"
    if column in TEXT_COLUMNS and dtype == "VARCHAR":
        src, dst = cipher(k)
        return f"translate({c}, '{src}', '{dst}')"
    if dtype.startswith("TIMESTAMP"):
        return f"{c} + INTERVAL {k * shift_s} SECOND"
    if column == "key" and dtype == "UBIGINT":
        return f"xor({c}, hash({k}))"
    if column == "signature":
        return f"list_transform({c}, x -> xor(x, (hash({k}) % 4294967296)::UINTEGER))"
    return c


def core_tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    """Each core table with rows, and its columns (name, type)."""
    rows = con.execute(
        "SELECT table_name, column_name, data_type FROM duckdb_columns() "
        "WHERE database_name = current_database() AND schema_name = 'core' "
        "ORDER BY table_name, column_index"
    ).fetchall()
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, dtype in rows:
        if table not in SKIP_TABLES:
            tables.setdefault(table, []).append((column, dtype))
    return tables


def span_seconds(con: duckdb.DuckDBPyConnection) -> int:
    """The seconds the stored versions' capture times span, plus a day."""
    lo, hi = con.execute("SELECT min(seen_at), max(seen_at) FROM core.versions").fetchone()
    return int((hi - lo).total_seconds()) + 86_400


def multiply(con: duckdb.DuckDBPyConnection, copies: int, progress=print) -> None:
    """Add copies 1..`copies`-1 of every core table's rows (copy 0 is the original)."""
    from warehouse.transaction import transaction

    tables = core_tables(con)
    shift = span_seconds(con)
    originals = {t: f"_original_{t}" for t in tables}
    for table, tmp in originals.items():  # copy from what was ingested, not from copies
        con.execute(f"CREATE TEMP TABLE {tmp} AS FROM core.{table}")
    try:
        for k in range(1, copies):
            with transaction(con):
                for table, columns in tables.items():
                    names = ", ".join(f'"{c}"' for c, _ in columns)
                    values = ", ".join(expression(c, t, k, shift) for c, t in columns)
                    source = originals[table]
                    con.execute(f"INSERT INTO core.{table} ({names}) SELECT {values} FROM {source}")
            progress(f"  copy {k + 1}/{copies} stored")
    finally:
        for tmp in originals.values():
            con.execute(f"DROP TABLE IF EXISTS {tmp}")

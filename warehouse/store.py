"""Writing to the warehouse: articles, versions, sentences, sightings, rejects and runs.

Every write is a bulk insert of an Arrow table inside one transaction per batch; identity
and versioning decisions are made in Python on the batch plus one lookup of what is stored.
The same transaction records the work the batch makes due (matching its new versions,
comparing its revisions) in `core.pending_work`, so a run killed before that work is done
leaves it to the next run (warehouse/pending.py).
"""

from __future__ import annotations

import bisect
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from pressdiff import processes
from tasks.web.urls import canonical_url
from warehouse import pending
from warehouse.ids import stable_id
from warehouse.records import Article, Reject, Sighting
from warehouse.transaction import transaction


@dataclass(slots=True)
class StoreResult:
    """What one batch added to the warehouse."""

    articles_new: int = 0
    versions_new: int = 0
    unchanged: int = 0
    duplicates: int = 0
    rejected: int = 0
    # (previous version, new version) of articles that got a new version: to compare
    revisions: list[tuple[str, str]] = field(default_factory=list)
    new_version_ids: list[str] = field(default_factory=list)

    def add(self, other: StoreResult) -> None:
        """Accumulate another batch's result into this one."""
        self.articles_new += other.articles_new
        self.versions_new += other.versions_new
        self.unchanged += other.unchanged
        self.duplicates += other.duplicates
        self.rejected += other.rejected
        self.revisions += other.revisions
        self.new_version_ids += other.new_version_ids


def article_key(article: Article) -> str:
    """What identifies an article: its canonical URL, else its absolute source key."""
    if article.url:
        return article.url
    path, sep, rest = article.key.partition("#")
    return os.path.abspath(path) + sep + rest if not path.startswith("http") else article.key


def article_id_of(article: Article) -> str:
    """The stable article id of `article`."""
    return stable_id("article", article_key(article))


MOVED_SQL = (Path(__file__).parent / "sql" / "moved_files.sql").read_text()


def _moved(con: duckdb.DuckDBPyConnection, articles: list[Article]) -> dict[str, str]:
    """New url-less articles whose text is a stored url-less article's current text: a
    local file renamed or moved keeps its article (its id maps to the stored one's)."""
    own = {article_id_of(a): a.text_hash for a in articles if not a.url}
    if not own:
        return {}
    wanted = pa.table({"article_id": _str(list(own)), "text_hash": _str(list(own.values()))})  # noqa: F841
    return dict(con.execute(MOVED_SQL).fetchall())


class Columns(dict[str, list]):
    """Rows gathered column by column, for one bulk insert."""

    def add(self, **values: object) -> None:
        """Append one row."""
        for k, v in values.items():
            self.setdefault(k, []).append(v)


def insert_arrow(con: duckdb.DuckDBPyConnection, table: str, rows: dict[str, list]) -> None:
    """Bulk-insert columns `rows` into `table` by column name."""
    if not rows or not next(iter(rows.values())):
        return
    batch = pa.table(rows)  # noqa: F841 - read by DuckDB's replacement scan
    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM batch")


def _str(values: list) -> pa.Array:
    """Ids or hashes as a string column, even when there are none (an empty list would be
    typed null, and DuckDB would cast the other side of the join to it)."""
    return pa.array(values, pa.string())


def _known(con: duckdb.DuckDBPyConnection, ids: list[str], hashes: list[str]) -> tuple:
    wanted = pa.table({"article_id": _str(ids)})  # noqa: F841
    rows = con.execute(
        """SELECT v.article_id, v.seen_at, v.text_hash, v.version_id, v.version_no
           FROM core.versions v SEMI JOIN wanted USING (article_id)"""
    ).fetchall()
    hash_tbl = pa.table({"text_hash": _str(hashes)})  # noqa: F841
    elsewhere = con.execute(
        "SELECT text_hash, list(article_id) FROM core.versions SEMI JOIN hash_tbl "
        "USING (text_hash) GROUP BY text_hash"
    ).fetchall()
    return rows, {h: set(a) for h, a in elsewhere}


@dataclass(slots=True)
class _Timeline:
    """One article's versions in seen_at order: (seen_at, text_hash, version_id)."""

    entries: list[tuple[datetime, str, str]] = field(default_factory=list)
    arrivals: int = 0  # versions stored so far: the next one's arrival number

    def at(self, t: datetime) -> int:
        """Index of the version current at `t` (-1 when none was seen yet)."""
        return bisect.bisect_right(self.entries, t, key=lambda e: e[0]) - 1

    def occurrences(self, text_hash: str) -> int:
        return sum(1 for e in self.entries if e[1] == text_hash)


class _Batch:
    """Rows to insert for one batch, and the per-article state decisions depend on."""

    def __init__(self, known_rows: list, elsewhere: dict[str, set[str]]) -> None:
        self.timelines: dict[str, _Timeline] = {}
        for article_id, seen_at, h, version_id, no in sorted(known_rows, key=lambda r: r[1]):
            tl = self.timelines.setdefault(article_id, _Timeline())
            tl.entries.append((seen_at, h, version_id))
            tl.arrivals = max(tl.arrivals, no)
        self.elsewhere = elsewhere
        self.cols = {t: Columns() for t in ("articles", "versions", "sentences", "sightings")}
        self.result = StoreResult()


def _add(b: _Batch, a: Article, seen_at: datetime, run_id: str, article_id: str) -> None:
    """Decide what `a` is: a sighting of the text current at `seen_at`, or a new version
    (inserted in seen_at order, so a revert or an older crawl lands where it belongs)."""
    tl = b.timelines.setdefault(article_id, _Timeline())
    i = tl.at(seen_at)
    if i >= 0 and tl.entries[i][1] == a.text_hash:
        b.result.unchanged += 1
        b.cols["sightings"].add(
            version_id=tl.entries[i][2],
            seen_at=seen_at,
            run_id=run_id,
            source=a.source,
        )
        return
    if any(other != article_id for other in b.elsewhere.get(a.text_hash, ())):
        b.result.duplicates += 1
    b.elsewhere.setdefault(a.text_hash, set()).add(article_id)
    k = tl.occurrences(a.text_hash)  # a text coming back (a revert) is a version again
    version_id = stable_id("version", article_id, a.text_hash, *([str(k)] if k else []))
    if not tl.entries:
        b.result.articles_new += 1
        b.cols["articles"].add(
            article_id=article_id,
            url=a.url,
            source_key=article_key(a),
            site=a.site,
            first_seen=seen_at,
        )
    if i >= 0:
        b.result.revisions.append((tl.entries[i][2], version_id))
    if i + 1 < len(tl.entries):  # an older text arriving late: its successor changed from it
        b.result.revisions.append((version_id, tl.entries[i + 1][2]))
    tl.entries.insert(i + 1, (seen_at, a.text_hash, version_id))
    tl.arrivals += 1
    b.result.versions_new += 1
    b.result.new_version_ids.append(version_id)
    b.cols["versions"].add(
        version_id=version_id,
        article_id=article_id,
        version_no=tl.arrivals,
        title=a.title,
        byline=a.byline,
        published_at=a.published_at,
        dateline=a.dateline,
        seen_at=seen_at,
        text=a.text,
        norm=" ".join(s.norm for s in a.sentences),
        text_hash=a.text_hash,
        n_words=a.n_words,
        language=a.language,
        source=a.source,
        extractor=a.extractor,
        run_id=run_id,
    )
    for s in a.sentences:
        b.cols["sentences"].add(
            version_id=version_id,
            sentence_no=s.sentence_no,
            paragraph_no=s.paragraph_no,
            text=s.text,
            norm=s.norm,
            sentence_hash=s.hash,
        )


def store_articles(
    con: duckdb.DuckDBPyConnection, articles: Iterable[Article], run_id: str, now: datetime
) -> StoreResult:
    """Store a batch: new articles, new versions (with sentences), sightings of known texts,
    and the matching and comparisons the new versions make due."""
    articles = sorted(articles, key=lambda a: a.seen_at or now)
    if not articles:
        return StoreResult()
    moved = _moved(con, articles)
    ids_of = [moved.get(i, i) for i in map(article_id_of, articles)]
    b = _Batch(*_known(con, list(set(ids_of)), list({a.text_hash for a in articles})))
    for a, article_id in zip(articles, ids_of, strict=True):
        _add(b, a, a.seen_at or now, run_id, article_id)
    with transaction(con):
        for table, cols in b.cols.items():
            insert_arrow(con, f"core.{table}", cols)
        pending.owe(con, pending.STORIES, b.result.new_version_ids, run_id)
        pending.owe(con, "revision", b.result.revisions, run_id)
    return b.result


def store_sightings(
    con: duckdb.DuckDBPyConnection, sightings: Iterable[Sighting], run_id: str
) -> tuple[int, list[Reject]]:
    """Record URLs seen unchanged (304s, revisits) as sightings of the version current then;
    returns (how many, rejects for URLs with no stored version)."""
    sightings = list(sightings)
    if not sightings:
        return 0, []
    ids = {s: stable_id("article", canonical_url(s.url)) for s in sightings}
    b = _Batch(*_known(con, list(set(ids.values())), []))
    rejects = []
    for s in sightings:
        tl = b.timelines.get(ids[s])
        i = tl.at(s.seen_at) if tl else -1
        if i < 0:
            rejects.append(
                Reject(
                    s.source,
                    "unchanged but unknown",
                    f"{s.url} was not modified, but no version of it is stored",
                )
            )
            continue
        b.result.unchanged += 1
        b.cols["sightings"].add(
            version_id=tl.entries[i][2],
            seen_at=s.seen_at,
            run_id=run_id,
            source=s.source,
        )
    insert_arrow(con, "core.sightings", b.cols["sightings"])
    return b.result.unchanged, rejects


def store_rejects(
    con: duckdb.DuckDBPyConnection, rejects: Iterable[Reject], run_id: str, now: datetime
) -> int:
    """Record every reject of a batch; returns how many."""
    rows = Columns()
    for r in rejects:
        rows.add(source=r.source, reason=r.reason, detail=r.detail, at=now, run_id=run_id)
    insert_arrow(con, "core.rejects", rows)
    return len(rows.get("source", []))


def start_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    flow_run_id: str | None,
    command: str,
    now: datetime,
) -> None:
    """Record that a run started, and which process runs it (see abandon_dead_runs)."""
    owner = processes.me()
    con.execute(
        "INSERT INTO core.runs (run_id, flow_run_id, started_at, status, command, pid, host, "
        "process_start) VALUES (?, ?, ?, 'running', ?, ?, ?, ?)",
        [run_id, flow_run_id, now, command, owner.pid, owner.host, owner.start],
    )


def finish_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    status: str,
    counts: dict[str, int],
    now: datetime,
) -> None:
    """Record how a run ended and what it counted (keys are core.runs count columns)."""
    sets = ", ".join(f"{k} = ?" for k in counts)  # keys come from code, never from input
    con.execute(
        f"UPDATE core.runs SET status = ?, finished_at = ?, {sets} WHERE run_id = ?",
        [status, now, *counts.values(), run_id],
    )


def snapshot_dir(db: str | Path) -> Path:
    """Where raw fetched bodies of the warehouse `db` are kept."""
    p = Path(db)
    return p.with_name(p.name + ".snapshots")

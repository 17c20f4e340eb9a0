"""Site boilerplate (#14): the rewritten queries return exactly the rows the old ones did.

The old `boilerplate` joins multiplied each stored sentence by every (site, hash) pair of the
batch that shared its hash, so a batch's work grew with the warehouse. The old SQL text is
kept here as the reference; a warehouse with lines repeated across sites, articles and
versions (and articles without a site) is queried by both.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pytest

from warehouse.connection import connect
from warehouse.store import insert_arrow

SQL = Path(__file__).resolve().parents[2] / "warehouse" / "sql"
T0 = datetime(2026, 3, 4, 8, tzinfo=UTC)

OLD_SITE_BOILERPLATE = """
with wanted_versions as (
    select v.version_id, a.site
    from core.versions v join core.articles a using (article_id)
    semi join wanted using (version_id)
    where a.site is not null
),
candidates as (
    select distinct w.site, s.sentence_hash
    from wanted_versions w join core.sentences s using (version_id)
),
boilerplate as (
    select c.site, c.sentence_hash
    from candidates c
    join core.sentences s using (sentence_hash)
    join core.versions v on v.version_id = s.version_id
    join core.articles a on a.article_id = v.article_id and a.site = c.site
    group by c.site, c.sentence_hash
    having count(distinct a.article_id) >= $min_articles
)
select w.version_id, b.sentence_hash
from wanted_versions w
join boilerplate b using (site)
"""

OLD_VERIFICATION_DOCS = """
WITH w AS (
    SELECT v.version_id, v.article_id, a.site, v.published_at,
           least(a.first_seen, (SELECT min(x.seen_at) FROM core.versions x
                                WHERE x.article_id = v.article_id)) AS seen_at
    FROM core.versions v JOIN core.articles a USING (article_id)
    SEMI JOIN wanted USING (version_id)),
ws AS (
    SELECT w.version_id, w.site, s.sentence_no, s.norm, s.sentence_hash
    FROM w JOIN core.sentences s USING (version_id)),
boilerplate AS (
    SELECT q.site, q.sentence_hash
    FROM (SELECT DISTINCT site, sentence_hash FROM ws WHERE site IS NOT NULL) q
    JOIN core.sentences s USING (sentence_hash)
    JOIN core.versions v USING (version_id)
    JOIN core.articles a ON a.article_id = v.article_id AND a.site = q.site
    GROUP BY q.site, q.sentence_hash
    HAVING count(DISTINCT a.article_id) >= $min_articles)
SELECT w.version_id, w.article_id, w.site, w.published_at,
       coalesce(string_agg(ws.norm, ' ' ORDER BY ws.sentence_no)
                FILTER (WHERE b.sentence_hash IS NULL), ''),
       w.seen_at
FROM w
LEFT JOIN ws USING (version_id)
LEFT JOIN boilerplate b ON b.site = ws.site AND b.sentence_hash = ws.sentence_hash
GROUP BY ALL
"""

SITES = ["a.example", "b.example", "c.example", None]  # None: an article without a site
# lines every site prints (furniture), lines only some do, and lines the wire's copies share
SHARED = [f"Shared line {n}." for n in range(6)]


def build(con, rng: random.Random) -> list[str]:
    """A warehouse of 40 articles on four sites, 1-4 versions each; their version ids."""
    articles: dict[str, list] = {k: [] for k in ("article_id", "url", "source_key", "site")}
    versions: dict[str, list] = {
        k: []
        for k in (
            "version_id",
            "article_id",
            "version_no",
            "published_at",
            "seen_at",
            "text",
            "norm",
            "text_hash",
            "n_words",
        )
    }
    sentence_columns = ("version_id", "sentence_no", "paragraph_no", "text", "norm")
    sentence_columns += ("sentence_hash",)
    sentences: dict[str, list] = {k: [] for k in sentence_columns}
    ids = []
    for n in range(40):
        site = SITES[n % len(SITES)]
        aid = f"art{n}"
        articles["article_id"].append(aid)
        articles["url"].append(f"https://{site or 'nosite'}/{n}")
        articles["source_key"].append(aid)
        articles["site"].append(site)
        own = [f"Article {n} says {k}." for k in range(5)]
        for no in range(1, rng.randint(1, 4) + 1):
            vid = f"{aid}v{no}"
            ids.append(vid)
            # each revision stores its unchanged lines again, plus a few shared ones
            lines = own[: rng.randint(2, 5)] + rng.sample(SHARED, rng.randint(0, 4))
            if rng.random() < 0.3:
                lines.append(lines[0])  # a line twice in one version
            rng.shuffle(lines)
            for k, line in enumerate(lines):
                sentences["version_id"].append(vid)
                sentences["sentence_no"].append(k)
                sentences["paragraph_no"].append(k // 2)
                sentences["text"].append(line)
                sentences["norm"].append(line.lower())
                sentences["sentence_hash"].append(f"h:{line}")
            text = " ".join(lines)
            for key, value in (
                ("version_id", vid),
                ("article_id", aid),
                ("version_no", no),
                ("published_at", T0),
                ("seen_at", T0 + timedelta(minutes=n * 10 + no)),
                ("text", text),
                ("norm", text.lower()),
                ("text_hash", vid),
                ("n_words", len(text.split())),
            ):
                versions[key].append(value)
    articles["first_seen"] = [T0] * len(articles["article_id"])
    insert_arrow(con, "core.articles", articles)
    insert_arrow(con, "core.versions", versions)
    insert_arrow(con, "core.sentences", sentences)
    return ids


def rows(con, sql: str, wanted: list[str], min_articles: int) -> list[tuple]:
    con.register("wanted", pa.table({"version_id": pa.array(wanted, pa.string())}))
    try:
        return sorted(con.execute(sql, {"min_articles": min_articles}).fetchall(), key=repr)
    finally:
        con.unregister("wanted")


@pytest.mark.parametrize("min_articles", [1, 2, 3, 5])
def test_rewritten_boilerplate_queries_return_the_old_rows(tmp_path, min_articles) -> None:
    con = connect(tmp_path / "w.duckdb")
    rng = random.Random(14)
    ids = build(con, rng)
    new_site = (SQL / "site_boilerplate.sql").read_text()
    new_docs = (SQL / "dedupe_verification_docs.sql").read_text()
    seen_furniture = False
    for batch in (ids, rng.sample(ids, 12), rng.sample(ids, 3), []):
        old = rows(con, OLD_SITE_BOILERPLATE, batch, min_articles)
        assert rows(con, new_site, batch, min_articles) == old
        seen_furniture |= bool(old)
        assert rows(con, new_docs, batch, min_articles) == rows(
            con, OLD_VERIFICATION_DOCS, batch, min_articles
        )
    assert seen_furniture  # the comparison is about some furniture, not only empty results
    con.close()

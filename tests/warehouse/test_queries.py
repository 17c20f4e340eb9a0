"""The read queries behind history, diff and story (warehouse/queries.py), on a real
warehouse file holding one article in two versions and their stored comparison."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pressdiff.errors import NotFoundError
from tasks.steps.load import store_articles
from tasks.text.extract import extract_document
from tasks.text.typography import stable_id
from tasks.web.urls import canonical_url
from warehouse import queries
from warehouse.connection import connect
from warehouse.records import Article, Document

URL = "https://harbour.example.org/ferries"
ARTICLE_ID = stable_id("article", URL)
T0 = datetime(2025, 6, 2, 8, tzinfo=UTC)
LATER = T0 + timedelta(hours=3)
FIRST = (
    "The harbour board cancelled every ferry to the islands on Monday morning. "
    "A spokesman blamed the storm that reached the coast overnight. "
    "Crossings are expected to resume on Wednesday."
)
SECOND = (
    "The harbour board cancelled every ferry to the islands on Monday morning. "
    "A spokesman blamed the storm and a strike by the crews. "
    "Crossings are expected to resume on Wednesday."
)


def ferry(text: str, url: str | None = f"{URL}?utm_campaign=feed", key: str = "feed#1") -> Article:
    """The article a feed item with `text` becomes."""
    doc = Document(
        source="feed.xml", key=key, url=url, text=text, title="Ferries cancelled", seen_at=None
    )
    result = extract_document(doc, min_words=5)
    assert isinstance(result, Article)
    return result


def named(ref: str) -> tuple[str, str]:
    """What a person typed and its canonical URL, as the CLI passes them (the warehouse
    canonicalises nothing)."""
    return ref, canonical_url(ref)


def version_of(a: Article, article_id: str = ARTICLE_ID) -> str:
    return stable_id("version", article_id, a.text_hash)


@pytest.fixture(scope="module")
def revised(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    """(connection, v1, v2): one article in two versions, with the comparison the compare
    step would store. Shared by the read-only tests of this module."""
    con = connect(tmp_path_factory.mktemp("revised") / "w.duckdb")
    a1, a2 = ferry(FIRST), ferry(SECOND)
    store_articles(con, [a1], "run1", T0)
    store_articles(con, [a2], "run2", LATER)
    v1, v2 = version_of(a1), version_of(a2)
    con.execute(
        "INSERT INTO core.comparisons (comparison_id, old_version_id, new_version_id, relation, "
        "n_same, n_changed, n_added, n_removed, n_moved, title_changed) "
        "VALUES ('c1', ?, ?, 'revision', 2, 1, 0, 0, 0, false)",
        [v1, v2],
    )
    yield con, v1, v2
    con.close()


def test_history(revised: tuple) -> None:
    con, v1, v2 = revised
    assert queries.HISTORY_COLUMNS == (
        "version_no",
        "version_id",
        "seen_at",
        "valid_to",
        "n_words",
        "title",
        "n_same",
        "n_changed",
        "n_added",
        "n_removed",
        "n_moved",
        "title_changed",
    )
    assert queries.history(con, *named(f"{URL}?utm_source=x")) == (
        URL,
        [
            (2, v2, LATER, None, 30, "Ferries cancelled", *(2, 1, 0, 0, 0, False)),
            (1, v1, T0, LATER, 29, "Ferries cancelled", *[None] * 6),
        ],
    )


def test_history_of_an_article_without_url_shows_its_source_key(tmp_path: Path) -> None:
    key = str(tmp_path / "ferries.txt")
    a = ferry(FIRST, url=None, key=key)
    with connect(tmp_path / "w.duckdb") as con:
        store_articles(con, [a], "run1", T0)
        vid = version_of(a, stable_id("article", key))
        assert queries.history(con, *named(vid)) == (
            key,
            [(1, vid, T0, None, 29, "Ferries cancelled", *[None] * 6)],
        )


@pytest.mark.parametrize(
    "ref",
    [
        URL,
        f"{URL}?utm_source=newsletter&utm_medium=email",
        "HTTPS://HARBOUR.example.org/ferries#comments",
        "https://m.harbour.example.org/ferries/amp",
        "  https://harbour.example.org/ferries  ",
        ARTICLE_ID,
    ],
)
def test_resolve_article(revised: tuple, ref: str) -> None:
    con, _, _ = revised
    assert queries.resolve_article(con, *named(ref)) == ARTICLE_ID


def test_resolve_article_by_version_id(revised: tuple) -> None:
    con, v1, v2 = revised
    assert (queries.resolve_article(con, *named(v1)), queries.resolve_article(con, *named(v2))) == (
        ARTICLE_ID,
        ARTICLE_ID,
    )


def test_resolve_version(revised: tuple) -> None:
    con, v1, v2 = revised
    assert queries.resolve_version(con, *named(v1)) == v1
    assert queries.resolve_version(con, *named(f"{URL}?utm_source=x")) == v2
    assert queries.resolve_version(con, *named(ARTICLE_ID)) == v2
    assert queries.previous_version(con, v2) == v1


def test_previous_version_of_a_first_version(revised: tuple) -> None:
    con, v1, _ = revised
    with pytest.raises(NotFoundError) as info:
        queries.previous_version(con, v1)
    assert str(info.value) == (
        f"version {v1} is its article's first; name two versions: "
        "pressdiff diff OLD_VERSION_ID NEW_VERSION_ID"
    )


def test_version_labels_name_the_article_its_number_and_when_it_was_seen(revised: tuple) -> None:
    con, v1, v2 = revised
    assert queries.version_labels(con, [v1, v2, "no-such-version"]) == {
        v1: (ARTICLE_ID, f"{URL} v1 (seen 2025-06-02 08:00)"),
        v2: (ARTICLE_ID, f"{URL} v2 (seen 2025-06-02 11:00)"),
    }


def test_an_article_in_no_story_has_none(revised: tuple) -> None:
    con, _, v2 = revised
    with pytest.raises(NotFoundError) as info:
        queries.story(con, *named(v2))
    assert str(info.value) == f"{v2!r} is not part of a story (no near-duplicate was found)"


@pytest.mark.parametrize("ref", ["https://harbour.example.org/other", "0123456789abcdef", ""])
def test_not_found(revised: tuple, ref: str) -> None:
    con, _, _ = revised
    for lookup in (queries.resolve_article, queries.resolve_version, queries.history):
        with pytest.raises(NotFoundError) as info:
            lookup(con, *named(ref))
        assert str(info.value) == (
            f"no article or version matches {ref!r}; list them with "
            "'pressdiff sql \"select article_id, url from articles\"'"
        )

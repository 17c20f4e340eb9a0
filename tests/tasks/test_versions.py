"""The versioning rules decided without a warehouse: sightings, reverts, late texts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tasks.versions import Plan, article_id_of, sighting_article_id
from warehouse.ids import stable_id
from warehouse.records import Article, Reject, Sighting, StoreResult

T0 = datetime(2024, 1, 1, 12, tzinfo=UTC)
HOUR = timedelta(hours=1)
URL = "https://news.example.com/library"
AID = stable_id("article", URL)


def article(text_hash: str, url: str = URL) -> Article:
    return Article(
        source="feed.xml",
        key="feed.xml#1",
        url=url,
        site="news.example.com",
        title="Library",
        byline=None,
        published_at=None,
        dateline=None,
        language="en",
        text=f"text {text_hash}",
        sentences=[],
        text_hash=text_hash,
        n_words=2,
        extractor="test",
    )


def test_an_article_is_its_url() -> None:
    assert article_id_of(article("h1")) == AID
    assert sighting_article_id(Sighting(URL + "?utm_source=rss", T0, "feed")) == AID


def test_the_text_current_at_the_time_is_a_sighting() -> None:
    plan = Plan([(AID, T0, "h1", "v1", 1)], {"h1": {AID}})
    plan.add(article("h1"), T0 + HOUR, "run", AID)
    assert plan.result == StoreResult(unchanged=1)
    assert plan.cols["sightings"] == {
        "version_id": ["v1"],
        "seen_at": [T0 + HOUR],
        "run_id": ["run"],
        "source": ["feed.xml"],
    }
    assert not plan.cols["versions"]


def test_a_revert_is_a_new_version_with_its_own_id() -> None:
    plan = Plan([(AID, T0, "h1", "v1", 1), (AID, T0 + HOUR, "h2", "v2", 2)], {})
    plan.add(article("h1"), T0 + 2 * HOUR, "run", AID)
    again = stable_id("version", AID, "h1", "1")
    assert plan.result == StoreResult(
        versions_new=1, revisions=[("v2", again)], new_version_ids=[again]
    )
    assert plan.cols["versions"]["version_no"] == [3]


def test_an_older_text_arriving_late_goes_before_its_successor() -> None:
    plan = Plan([(AID, T0 + 2 * HOUR, "h2", "v2", 1)], {})
    plan.add(article("h1"), T0, "run", AID)
    v1 = stable_id("version", AID, "h1")
    assert plan.result == StoreResult(versions_new=1, revisions=[(v1, "v2")], new_version_ids=[v1])
    assert [e[2] for e in plan.timelines[AID].entries] == [v1, "v2"]


def test_a_text_held_by_another_article_is_a_duplicate_and_a_new_article() -> None:
    plan = Plan([], {"h1": {"other"}})
    plan.add(article("h1"), T0, "run", AID)
    v1 = stable_id("version", AID, "h1")
    assert plan.result == StoreResult(
        articles_new=1, versions_new=1, duplicates=1, new_version_ids=[v1]
    )
    assert plan.cols["articles"]["source_key"] == [URL]


def test_a_sighting_of_an_unknown_url_is_a_reject() -> None:
    plan = Plan([(AID, T0 + HOUR, "h1", "v1", 1)], {})
    plan.add_sighting(Sighting(URL, T0, "feed"), "run", AID)  # before its first version
    plan.add_sighting(Sighting("https://x.example/y", T0, "feed"), "run", "nobody")
    detail = "was not modified, but no version of it is stored"
    assert plan.rejects == [
        Reject("feed", "unchanged but unknown", f"{URL} {detail}"),
        Reject("feed", "unchanged but unknown", f"https://x.example/y {detail}"),
    ]
    assert plan.result == StoreResult()

"""The viewer in a real browser: Debian's chromium driven by playwright, over the real
`pressdiff web`. Follows links from the home page to an article, a diff, a story and a
search result, checks the marked words and swapped terms in the DOM, checks that a
<script> in an article never runs, and saves screenshots in tests/web/artifacts/."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import ARTIFACTS

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

if not Path(CHROMIUM).exists():
    pytest.skip(
        "chromium is not installed (apt-get install -y chromium); .ci/run installs it",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is a dev dependency")


@pytest.fixture(scope="module")
def browser() -> Iterator:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, site: str) -> Iterator:
    """A fresh page that fails the test if any dialog opens (alert, confirm, prompt)."""
    context = browser.new_context(viewport={"width": 1100, "height": 900}, base_url=site)
    p = context.new_page()
    dialogs: list[str] = []
    p.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    yield p
    context.close()
    assert dialogs == [], f"a script ran: {dialogs}"


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_home_to_article_to_diff_marks_the_number_and_the_removed_quote(page) -> None:
    page.goto("/")
    shot(page, "home")
    page.locator("#articles a", has_text="Porthaven ferry strike enters second day").click()
    assert page.locator("h1").inner_text().startswith("Porthaven ferry strike enters second day")
    assert page.locator("svg.chart rect").count() >= 1
    shot(page, "article")
    page.get_by_role("link", name="what changed").first.click()
    assert page.locator("h1").inner_text() == "v1 → v2"
    assert page.locator("ins.swap[data-swap-of='14,000']").inner_text() == "16,000"
    assert page.locator("li.row del", has_text="14,000").count() == 1
    removed = page.locator("li.row.removed del", has_text="We asked for one thing")
    assert removed.count() == 1
    assert page.locator(".headline del").first.inner_text().strip() == "crews"
    assert page.locator("li.fold details").count() >= 1
    shot(page, "diff")


def test_any_two_versions_from_the_form(page) -> None:
    page.goto("/")
    page.locator("#articles a", has_text="Porthaven ferry strike enters second day").click()
    page.get_by_role("button", name="Show the diff").click()
    assert "/diff?from=" in page.url
    assert page.locator("h1").inner_text() == "v1 → v2"


def test_home_to_the_ferry_story_shows_each_republication(page) -> None:
    page.goto("/")
    page.locator("#stories a", has_text="Porthaven ferry").click()
    assert page.locator("table.members tbody tr").count() == 3
    courier = page.locator("section.republication", has_text="coastalcourier.example")
    assert courier.locator("ins[data-swap-of='Harbour Authority']").all_inner_texts() == [
        "port regulator",
        "port regulator",
    ]
    assert courier.locator(".pair.removed .cut").count() == 7
    gazette = page.locator("section.republication", has_text="islandgazette.example")
    assert gazette.locator(".pair.removed").count() == 7
    assert gazette.locator(".pair.added ins").count() == 1
    shot(page, "story")


def test_the_seeds_story_marks_each_swap_four_times(page, has_seeds: bool) -> None:
    if not has_seeds:
        pytest.skip("the seeds corpus is absent")
    page.goto("/")
    page.locator("#stories a", has_text="untitled story").first.click()
    assert page.locator("ins[data-swap-of='Islamic State']").count() == 4
    assert page.locator("ins[data-swap-of='IS']").count() == 4
    for ins in page.locator("ins[data-swap-of]").all():
        assert ins.inner_text() == "Daesh"
    deleted = "[...document.querySelectorAll('.sides del')].map(e => e.textContent.trim())"
    assert page.evaluate(deleted).count("Islamic State") == 4
    assert page.evaluate(deleted).count("IS") == 4
    shot(page, "story-seeds")


def test_search_from_the_home_page_to_an_article_that_no_longer_says_it(page) -> None:
    page.goto("/")
    page.get_by_role("searchbox", name="Search every version").fill("rest between shifts")
    page.get_by_role("button", name="Search").click()
    assert page.url.endswith("/search?q=rest+between+shifts")
    results = page.locator("ol.results > li")
    assert results.count() == 2
    assert {"rest", "between"} <= set(page.locator("ol.results mark").all_inner_texts())
    gone = results.filter(has=page.locator(".badge.gone"))
    assert gone.count() == 1
    shot(page, "search")
    gone.get_by_role("link").first.click()
    assert page.locator("h1").inner_text().startswith("Porthaven ferry strike enters second day")


def test_a_script_in_an_article_does_not_run(page) -> None:
    page.goto("/search?q=pilots")
    page.locator("ol.results a").first.click()
    title = page.locator("h1").inner_text()
    assert title == "<script>alert(1)</script> Harbour pilots <b>vote</b> on strike"
    assert page.locator("main script").count() == 0
    assert page.locator("main b").count() == 0
    assert (
        page.locator(".text p", has_text="<script>alert(1)</script> The association").count() == 1
    )
    shot(page, "script-as-text")
    page.goto("/outlet/mischief.example")
    assert page.locator("main a", has_text="<script>alert(1)</script>").count() == 1


def test_the_phone_layout_stacks_the_sides(browser, site: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=site)
    p = context.new_page()
    p.goto("/")
    p.locator("#stories a", has_text="Porthaven ferry").click()
    pair = p.locator("section.republication .pair.changed").first
    old, new = pair.locator(".old").bounding_box(), pair.locator(".new").bounding_box()
    assert new["y"] >= old["y"] + old["height"] - 1  # one above the other, not side by side
    assert p.evaluate("document.documentElement.scrollWidth") <= 390
    p.screenshot(path=str(ARTIFACTS / "story-phone.png"), full_page=True)
    context.close()

"""robots.txt rules once parsed: what they refuse, and the delay they ask for (fetching
them, with every status code, is tested against a real server in test_fetcher)."""

from __future__ import annotations

from protego import Protego

from tasks.web.robots import Robots

RULES = """User-agent: pressdiff
Disallow: /private/
Crawl-delay: 2

User-agent: *
Disallow: /
Request-rate: 1/5
"""


def test_rules_for_pressdiff_and_for_everyone() -> None:
    robots = Robots(parser=Protego.parse(RULES))
    assert robots.refuses("https://news.example/private/a", "pressdiff") == "robots.txt disallows"
    assert robots.refuses("https://news.example/news/a", "pressdiff") is None
    assert robots.refuses("https://news.example/news/a", "otherbot") == "robots.txt disallows"
    assert robots.delay("pressdiff") == 2
    assert robots.delay("otherbot") == 5


def test_no_rules_and_a_refusal() -> None:
    assert Robots().refuses("https://news.example/a", "pressdiff") is None
    assert Robots().delay("pressdiff") is None
    down = Robots(refusal="robots.txt unreachable: HTTP 503")
    assert down.refuses("https://news.example/a", "pressdiff") == "robots.txt unreachable: HTTP 503"

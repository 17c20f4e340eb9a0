"""Small generated news texts, as many as a test or a benchmark needs: sentences built from
word lists, one text in ten a near-duplicate of an earlier one (a sentence changed and its
outlet's footer added, in another outlet's folder). Written by us, not taken from a corpus.
"""

from __future__ import annotations

import random
from pathlib import Path

SUBJECTS = """the council|the ministry|the union|the port authority|the regional court|the
mayor|the opposition|the ferry operator|the hospital board|the water company|police|the
governor|the central bank|the school district|the fishermen's cooperative|the rail
operator|the airline|the university|the harbour master|the election commission""".replace(
    "\n", " "
).split("|")
VERBS = """approved|rejected|postponed|announced|criticised|defended|reviewed|suspended|
extended|questioned|confirmed|published|cancelled|welcomed|blocked|funded""".replace(
    "\n", ""
).split("|")
OBJECTS = """a plan to expand the northern terminal|new rules on overtime pay|the budget for
next year|a proposal to close two clinics|an inquiry into the contract|the strike ballot|a
fare increase for commuters|the merger with its rival|a new flood barrier|the sale of the
old depot|emergency repairs on the bridge|a pilot scheme for night buses|the appointment of
a new director|limits on fishing quotas|a review of safety checks""".replace("\n", " ").split("|")
TAILS = """on Tuesday|after a long meeting|despite protests outside|citing rising
costs|according to a statement|late on Friday|in a narrow vote|for the second time this
year|after months of talks|without giving a reason""".replace("\n", " ").split("|")
PLACES = """Porthaven|Eastmoor|Kildare Bay|Northfield|Saltcombe|Ravensey|Westbrook|Duncliff|
Marlow Point|Ashgrove""".replace("\n", "").split("|")
QUOTES = """"This is a difficult decision," a spokesperson said.|Critics said the move came
too late.|Officials expect a final decision within weeks.|Residents have been asked to
comment by the end of the month.|The figures were not independently verified.|Talks are
expected to resume next week.""".replace("\n", " ").split("|")
OUTLETS = ["meridian-wire", "coastal-courier", "island-gazette", "harbour-times", "daily-post"]
FOOTER = "Subscribe to our newsletter for the latest local news every morning."


def sentence(rng: random.Random) -> str:
    place = rng.choice(PLACES)
    n = rng.randint(2, 900)
    s = (
        f"{rng.choice(SUBJECTS).capitalize()} of {place} {rng.choice(VERBS)} "
        f"{rng.choice(OBJECTS)} {rng.choice(TAILS)}, affecting {n} people."
    )
    return s if rng.random() < 0.8 else rng.choice(QUOTES)


def article(rng: random.Random) -> list[str]:
    return [sentence(rng) for _ in range(rng.randint(3, 7))]


def write_texts(folder: Path, n: int, seed: int = 1) -> None:
    """`n` small texts in outlet folders; one in ten a near-duplicate of an earlier one."""
    rng = random.Random(seed)
    written: list[list[str]] = []
    for i in range(n):
        if written and rng.random() < 0.1:
            body = list(rng.choice(written))
            body[rng.randrange(len(body))] = sentence(rng)
            body.append(FOOTER)
        else:
            body = article(rng)
            written.append(body)
        outlet = OUTLETS[i % len(OUTLETS)]
        path = folder / outlet / f"{i // 1000:03d}" / f"{i:06d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        title = body[0].split(",")[0]
        paras = "\n\n".join(" ".join(body[j : j + 2]) for j in range(0, len(body), 2))
        path.write_text(f"title: {title}\n\n{paras}\n")


def write_feed(path: Path, n: int, seed: int = 2) -> None:
    """An RSS 2.0 file of `n` items linking to loopback addresses (refused, never fetched)."""
    rng = random.Random(seed)
    with path.open("w") as f:
        f.write('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>')
        f.write("<title>Loopback wire</title><link>http://127.0.0.1:9/</link>")
        for i in range(n):
            title = sentence(rng).replace("&", "and").replace("<", "").replace('"', "")
            f.write(
                f"<item><title>{title}</title><link>http://127.0.0.1:9/story/{i}</link>"
                f"<pubDate>Tue, 10 Mar 2026 {i % 24:02d}:{i % 60:02d}:00 GMT</pubDate></item>"
            )
        f.write("</channel></rss>\n")

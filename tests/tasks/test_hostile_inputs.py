"""A catalogue of hostile inputs, written here into tmp_path, through the real ingest.

Each input is a file (or a pipe, a link, a socket) in one folder: broken compression,
bombs, binary, NULs, byte order marks, UTF-16/32, mislabelled charsets, huge lines, deep
nesting, entity expansion, malformed JSON/JSONL/CSV, empty files, dates out of range, URLs
that name no page, names that are not UTF-8, special files. One `pressdiff ingest`
subprocess reads the folder (and the special files named on its command line) under a
timeout; the readers read each input directly too. Every input must end as a version or
a reject with a reason in words; the command exits 1 with no traceback. The figures
(inputs tried, rejects, peak memory of the command, longest input) are printed.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import socket
import subprocess
import sys
import time
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from tasks.inputs.discover import plan_inputs
from tasks.inputs.read import printable
from tasks.text.extract import process_refs
from tests.helpers import open_db
from warehouse.records import Article, Reject, Sighting

ROOT = Path(__file__).resolve().parents[2]
# Runs a command and prints, last on stderr, the peak memory (kB) of its processes: this
# process's RUSAGE_CHILDREN would also count every earlier subprocess of the test session.
PEAK_OF = (
    "import resource, subprocess, sys; code = subprocess.call(sys.argv[1:]); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
    "sys.exit(code)"
)
MAX_BYTES = 2_000_000  # the command's size limit here (PRESSDIFF_MAX_FILE_BYTES)
BAD_DATES = ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00")
RFC_BAD_DATE = "Tue, 31 Dec 9999 23:59:59 -1400"
VOCABULARY = [
    "harbour",
    "ferry",
    "strike",
    "union",
    "council",
    "minister",
    "port",
    "wages",
    "talks",
    "crew",
    "night",
    "morning",
    "island",
    "vote",
    "court",
    "ruling",
    "storm",
    "road",
    "bridge",
    "school",
    "hospital",
    "budget",
    "tax",
    "market",
    "fishing",
    "boat",
    "river",
    "mayor",
    "police",
    "fire",
    "train",
    "station",
    "festival",
    "museum",
    "library",
    "weather",
    "north",
]


def prose(seed: int, n: int = 60) -> str:
    """Sentences of `n` words no other input has (near-duplicates would be compared)."""
    rng = random.Random(seed)
    words = [f"{rng.choice(VOCABULARY)}{seed}" if i % 7 == 0 else rng.choice(VOCABULARY)
             for i in range(n)]  # fmt: skip
    sentences = [" ".join(words[i : i + 10]) for i in range(0, n, 10)]
    return " ".join(s[0].upper() + s[1:] + "." for s in sentences)


def page(seed: int, head: str = "", body_extra: str = "") -> str:
    return (
        f"<html><head><title>Page {seed}</title>{head}</head><body><article>"
        f"<h1>Page {seed}</h1><p>{prose(seed)}</p><p>{prose(seed + 1000)}</p>"
        f"{body_extra}</article></body></html>"
    )


def warc_record(uri: str, date: str, body: bytes, content_type: str = "text/html") -> bytes:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: %s\r\n\r\n%s" % (content_type.encode(), body)
    return (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: %s\r\nWARC-Date: %s\r\n"
        b"WARC-Record-ID: <urn:uuid:%s>\r\nContent-Type: application/http; msgtype=response\r\n"
        b"Content-Length: %d\r\n\r\n%s\r\n\r\n"
        % (uri.encode(), date.encode(), str(abs(hash(uri))).encode(), len(http), http)
    )


def hostile_files() -> dict[str, bytes]:
    """File name -> bytes of every hostile regular file."""
    rng = random.Random(18)
    noise = bytes(rng.getrandbits(8) for _ in range(20_000))
    f: dict[str, bytes] = {}
    t = lambda s: s.encode()  # noqa: E731

    # --- plain text
    f["t01-empty.txt"] = b""
    f["t02-whitespace.txt"] = b" \t\r\n" * 1000
    f["t03-nuls.txt"] = b"\x00" * 100
    f["t04-random-binary.txt"] = noise
    f["t05-gif.txt"] = b"GIF89a" + noise[:500]
    f["t06-bom-only.txt"] = b"\xef\xbb\xbf"
    f["t07-utf8-bom.txt"] = b"\xef\xbb\xbf" + t(prose(7))
    f["t08-utf16le-bom.txt"] = "\ufeff".encode("utf-16-le") + prose(8).encode("utf-16-le")
    f["t09-utf16be-bom.txt"] = "\ufeff".encode("utf-16-be") + prose(9).encode("utf-16-be")
    f["t10-utf32-bom.txt"] = ("\ufeff" + prose(10)).encode("utf-32")
    f["t11-utf16-no-bom.txt"] = prose(11).encode("utf-16-le")
    f["t12-latin1.txt"] = (prose(12) + " Café Zoë à bientôt.").encode("latin-1")
    f["t13-cp1251.txt"] = ("Новости дня. " * 30 + prose(13)).encode("cp1251")
    f["t14-shift-jis.txt"] = ("日本語の記事です。" * 40).encode("shift_jis")
    f["t15-broken-utf8.txt"] = t(prose(15)).replace(b"e", b"\xc3\x28", 20)
    f["t16-huge-line.txt"] = t(" ".join([prose(16, 10)] * 5000))  # ~0.4 MB, one line
    f["t17-too-large.txt"] = b"word " * (MAX_BYTES // 5 + 100)
    f["t18-too-short.txt"] = b"Five words and no more."
    f["t19-seen-year-1.txt"] = t(f"seen: {BAD_DATES[0]}\ntitle: Year one\n\n{prose(19)}")
    f["t20-seen-year-9999.txt"] = t(f"seen: {BAD_DATES[1]}\n\n{prose(20)}")
    f["t21-seen-rfc-9999.txt"] = t(f"seen: {RFC_BAD_DATE}\ndate {BAD_DATES[0]}\n\n{prose(21)}")
    f["t22-url-ipv6-broken.txt"] = t(f"url: http://[::1\n\n{prose(22)}")
    f["t23-url-number.txt"] = t(f"url: 12345\n\n{prose(23)}")
    f["t24-url-javascript.txt"] = t(f"url: javascript:alert(1)\n\n{prose(24)}")
    f["t25-ansi-escapes.txt"] = t(f"title: \x1b[2J\x1b]0;pwned\x07[/bold]\n\n{prose(25)}")
    f["t26-nul-after-8k.txt"] = t(prose(26, 2000)) + b"\x00\x00" + t(prose(27))
    f["t27-cr-only.txt"] = t(prose(28).replace(". ", ".\r"))
    f["t28-unicode-spaces.txt"] = "\u3000\u2028\u2029\u00a0\u200b".encode() * 500
    f["t29-blank-lines.txt"] = b"\n" * 100_000 + t(prose(29))
    f["t30-gzipped.txt.gz"] = gzip.compress(t(prose(30)))
    f["t31-truncated-gzip.txt.gz"] = gzip.compress(t(prose(31) * 50))[:200]
    f["t32-gzip-bomb.txt.gz"] = gzip.compress(b"\x00" * 50_000_000, compresslevel=9)
    f["t33-gzip-of-binary.txt.gz"] = gzip.compress(noise)
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("a.txt", prose(34))
    f["t34-zip.txt"] = zipped.getvalue()
    f["t35-multi-member.txt.gz"] = gzip.compress(t(prose(35))) + gzip.compress(t(prose(36)))
    f["t36-markdown.md"] = t(f"# Heading\n\n* {prose(37)}\n\n```\ncode\n```\n")
    f["t37-gzip-garbage-tail.txt.gz"] = gzip.compress(t(prose(38))) + noise[:100]
    f["t38-control-chars.txt"] = t(prose(39)) + bytes(range(1, 32)) * 50

    # --- HTML
    f["h01-empty.html"] = b""
    f["h02-no-text.html"] = b"<html><body><nav>Home</nav></body></html>"
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10 if i else "lol"}">' for i in range(10))
    f["h03-billion-laughs.html"] = t(f"<!DOCTYPE html [{laughs}]>{page(103, '', '<p>&l9;</p>')}")
    xxe = '<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    f["h04-xxe.html"] = t(xxe + page(104, "", "<p>&xxe;</p>"))
    f["h05-nested-100k.html"] = t("<div>" * 50_000 + prose(105) + "</div>" * 50_000)
    f["h06-many-paragraphs.html"] = t("<html><body>" + "<p>x</p>" * 120_000 + "</body></html>")
    f["h07-utf16-bom.html"] = "\ufeff".encode("utf-16-le") + page(107).encode("utf-16-le")
    f["h08-utf32-bom.html"] = ("\ufeff" + page(108)).encode("utf-32")
    f["h09-mislabelled-charset.html"] = page(
        109, '<meta charset="utf-8">', "<p>Café crème à Zoë.</p>"
    ).encode("latin-1")
    f["h10-bogus-charset.html"] = t(page(110, '<meta charset="x-no-such-charset">'))
    f["h11-canonical-broken.html"] = t(page(111, '<link rel="canonical" href="http://[::1">'))
    f["h12-og-url-number.html"] = t(page(112, '<meta property="og:url" content="12345">'))
    date_meta = f'<meta property="article:published_time" content="{BAD_DATES[0]}">'
    f["h13-date-out-of-range.html"] = t(page(113, date_meta))
    f["h14-script-only.html"] = b"<html><script>" + b"var a=1;" * 10000 + b"</script></html>"
    f["h15-nul-in-head.html"] = b"<html>\x00\x00<body>" + t(prose(115)) + b"</body></html>"
    f["h16-png.html"] = b"\x89PNG\r\n\x1a\n" + noise[:2000]
    f["h17-unclosed.html"] = t("<html><body><p>" + "<b><i><span>".join(prose(117).split(".")))
    f["h18-huge-attribute.html"] = t(page(118, f'<meta name="x" content="{"a" * 1_000_000}">'))
    f["h19-nested-tables.html"] = t("<table><tr><td>" * 10_000 + prose(119))
    f["h20-truncated.html.gz"] = gzip.compress(t(page(120)))[:-30]
    f["h21-xml-decl-utf16.xhtml"] = t('<?xml version="1.0" encoding="utf-16"?>' + page(121))
    escapes = "\x1b[2J\x1b]0;x\x07</title>"
    f["h22-ansi-title.html"] = t(page(122).replace("Page 122</title>", escapes))
    f["h23-whitespace.html"] = b"   \n\n\t  "
    f["h24-comment-bomb.html"] = t("<!--" * 100_000 + page(124))
    f["h25-bidi-controls.html"] = t(page(125, "", "<p>\u202e\u2066 reversed \u2069\u202c</p>"))

    # --- JSON
    text = prose(200)
    f["j01-deep-100k.json"] = b"[" * 100_000 + b"]" * 100_000
    f["j02-deep-200k.json"] = b'{"a":' * 200_000 + b"1" + b"}" * 200_000
    f["j03-url-ipv6-broken.json"] = t(json.dumps({"url": "http://[::1", "text": prose(203)}))
    f["j04-url-number.json"] = t(json.dumps({"url": 12345, "text": prose(204)}))
    f["j05-big-int.json"] = t('{"text": "' + text + '", "n": ' + "9" * 5000 + "}")
    f["j06-nan.json"] = t('{"text": NaN, "title": Infinity, "body": "' + prose(206) + '"}')
    f["j07-lone-surrogate.json"] = t('{"title": "\\ud800", "text": "' + prose(207) + '\\udfff"}')
    f["j08-string.json"] = b'"just a string"'
    f["j09-number.json"] = b"42"
    f["j10-mixed-list.json"] = t(json.dumps([1, None, "x", [], {"text": prose(210)}, {}]))
    f["j11-empty-object.json"] = b"{}"
    f["j12-truncated.json"] = t(json.dumps({"text": prose(212)})[:-10])
    f["j13-duplicate-keys.json"] = t('{"text": "a", "text": "' + prose(213) + '"}')
    f["j14-text-is-ints.json"] = t(json.dumps({"text": list(range(100))}))
    f["j15-dates-out-of-range.json"] = t(
        json.dumps([{"published_at": d, "text": prose(215 + i)} for i, d in enumerate(BAD_DATES)])
    )
    f["j16-bom.json"] = b"\xef\xbb\xbf" + t(json.dumps({"text": prose(217)}))
    f["j17-utf16.json"] = ("\ufeff" + json.dumps({"text": prose(218)})).encode("utf-16-le")
    f["j18-rfc-date.json"] = t(json.dumps({"date": RFC_BAD_DATE, "text": prose(219)}))
    f["j19-html-field-deep.json"] = t(json.dumps({"html": "<div>" * 20_000 + prose(220)}))

    # --- JSON Lines
    f["l01-mixed.jsonl"] = t(
        "\n".join([json.dumps({"text": prose(301)}), "{broken", "[" * 50_000, "null", "7"])
    )
    f["l02-deep-line.jsonl"] = b"[" * 150_000 + b"\n"
    f["l03-long-line.jsonl"] = t(json.dumps({"text": prose(303, 30_000)}))
    f["l04-blank.jsonl"] = b"\n\n\n   \n"
    f["l05-url-garbage.jsonl"] = t(
        "\n".join(
            json.dumps({"url": u, "text": prose(310 + i)})
            for i, u in enumerate(["http://[::1", "http://a.example:99999/", "ftp://x/", ""])
        )
    )

    # --- CSV
    f["c01-ragged.csv"] = t("url,text\nhttp://[::1," + prose(401) + ",extra,cells\n,\n")
    rows = "".join(f"{i},{prose(i)}\n" for i in range(402, 420))
    f["c02-nul-after-8k.csv"] = t("id,text\n" + rows) + b"99,bad\x00row\n"
    f["c03-unclosed-quote.csv"] = t('text,title\n"' + prose(403) + ",never closed\n")
    f["c04-header-only.csv"] = b"url,title,text\n"
    f["c05-semicolons.csv"] = t("url;text\nx;" + prose(405) + "\n")
    f["c06-huge-field.csv"] = t('text\n"' + prose(406, 30_000) + '"\n')
    f["c07-bom-header.csv"] = b"\xef\xbb\xbf" + t("text,date\n" + prose(407) + f",{BAD_DATES[1]}\n")

    # --- feeds, sitemaps and URL lists (only links that name no page: nothing is fetched)
    f["f01-rss-bad-links.rss"] = t(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        f"<item><link>http://[::1</link><pubDate>{RFC_BAD_DATE}</pubDate></item>"
        "<item><link>javascript:alert(1)</link></item><item><title>no link</title></item>"
        "</channel></rss>"
    )
    f["f02-atom-bad-link.atom"] = t(
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
        f'<entry><link href="mailto:x@a.example"/><updated>{BAD_DATES[0]}</updated></entry></feed>'
    )
    f["f03-sitemap-bad-loc.xml"] = t(
        "<urlset><url><loc>http://[::1</loc>"
        f"<lastmod>{BAD_DATES[0]}</lastmod></url><url><lastmod>x</lastmod></url></urlset>"
    )
    f["f04-sitemapindex-bad-loc.xml"] = t(
        "<sitemapindex><sitemap><loc>javascript:1</loc></sitemap></sitemapindex>"
    )
    f["f05-feed-billion-laughs.rss"] = t(
        f'<?xml version="1.0"?><!DOCTYPE rss [{laughs}]><rss version="2.0"><channel>'
        "<title>&l9;</title><item><link>http://[::1</link></item></channel></rss>"
    )
    f["f06-jsonfeed-deep.json"] = t(
        '{"version": "https://jsonfeed.org/version/1.1", "items": ' + "[" * 100_000
    )
    f["f07-url-list.txt"] = t("https://\nhttp://[::1\nhttp://a.example:x/\n")
    f["f08-feed-xxe.rss"] = t(
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<rss version="2.0"><channel><title>&x;</title><item><link>&x;</link></item>'
        "</channel></rss>"
    )

    # --- web archives
    good = page(501).encode()
    f["w01-garbage.warc"] = noise
    day = "2024-01-01T00:00:00Z"
    f["w02-truncated.warc"] = warc_record("https://a.example/1", day, good)[:300]
    f["w03-bad-date.warc"] = warc_record("https://a.example/2", "9999-99-99", good)
    f["w04-truncated.warc.gz"] = gzip.compress(warc_record("https://a.example/3", day, good))[:99]
    f["w05-empty.warc"] = b""
    f["w06-no-html.warc"] = warc_record("https://a.example/4", day, b"{}", "x/y")
    f["w07-good-and-bad.warc"] = warc_record("https://a.example/5", day, good) + warc_record(
        "http://[::1", day, page(502).encode()
    )
    f["w08-text-named-warc.warc"] = t(prose(508))
    return f


def special_files(folder: Path) -> list[str]:
    """Pipes, links and a socket in `folder`; returns the names made."""
    os.mkfifo(folder / "s01-fifo.txt")
    os.mkfifo(folder / "s02-fifo.html")
    (folder / "s03-dev-zero.html").symlink_to("/dev/zero")
    (folder / "s04-loop.txt").symlink_to(folder / "s04-loop.txt")
    (folder / "s05-dangling.txt").symlink_to(folder / "nowhere.txt")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(folder / "s06-socket.txt"))
    sock.close()
    (folder / "s07-dev-null.txt").symlink_to("/dev/null")
    return ["s01-fifo.txt", "s02-fifo.html", "s03-dev-zero.html", "s04-loop.txt",
            "s05-dangling.txt", "s06-socket.txt", "s07-dev-null.txt"]  # fmt: skip


def weird_names(folder: Path) -> list[str]:
    """Files whose names are hostile (bytes that are not UTF-8, escapes, 255 bytes)."""
    names = [
        b"n01-caf\xe9-latin1-name.txt",
        b"n02-\xff\xfe-invalid.txt",
        b"n03-\x1b[31mred\x1b[0m-escape.txt",
        b"n04-new\nline.txt",
        b"n05-" + b"x" * 247 + b".txt",
        "n06-\u202etxt.exe-rtl.txt".encode(),
        b"n07-spaces and 'quotes' \"here\".txt",
    ]
    for i, name in enumerate(names):
        with open(os.fsencode(folder) + b"/" + name, "wb") as f:
            f.write(prose(600 + i).encode())
    return [printable(os.fsdecode(n)) for n in names]


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    folder = tmp_path_factory.mktemp("hostile") / "inputs"
    folder.mkdir()
    files = hostile_files()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    names = [*files, *special_files(folder), *weird_names(folder)]
    return folder, names


def test_the_catalogue_has_at_least_80_inputs(catalogue: tuple[Path, list[str]]) -> None:
    assert len(catalogue[1]) >= 80


def test_every_input_read_directly_is_a_version_or_a_reject_in_words(
    catalogue: tuple[Path, list[str]],
) -> None:
    folder, names = catalogue
    plan = plan_inputs([str(folder)])
    accounted: dict[str, list] = {name: [] for name in names}
    for r in plan.rejects:
        accounted[Path(r.source).name].append(r)
    slowest = (0.0, "")
    for ref in plan.refs:
        t = time.perf_counter()
        items = process_refs([ref], MAX_BYTES, 20)
        slowest = max(slowest, (time.perf_counter() - t, Path(ref.source).name))
        for item in items:
            assert isinstance(item, Article | Reject | Sighting), item
            if isinstance(item, Reject):
                assert item.reason.strip() and item.detail.strip(), item
        accounted[Path(ref.source).name] += items
    for link in plan.links:
        pytest.fail(f"{link.url} of {link.source} names no page and would be fetched")
    assert plan.urls == [] and plan.skipped == []
    assert [name for name, items in accounted.items() if not items] == []
    print(f"\nreaders: {len(names)} inputs, longest {slowest[0]:.2f} s ({slowest[1]})")


def test_one_ingest_over_the_catalogue_stores_or_rejects_everything(
    catalogue: tuple[Path, list[str]], tmp_path: Path
) -> None:
    """The real command, as a subprocess: exit 1, no traceback, every input accounted for."""
    folder, names = catalogue
    db = tmp_path / "w.duckdb"
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "PREFECT_HOME")}
    env |= {"PRESSDIFF_MAX_FILE_BYTES": str(MAX_BYTES), "PRESSDIFF_WORKERS": "2"}
    named = [str(folder / "s01-fifo.txt"), str(folder / "s04-loop.txt")]  # named ones too
    t = time.perf_counter()
    command = [sys.executable, "-m", "pressdiff.cli", "ingest", str(folder), *named]
    proc = subprocess.run(
        [sys.executable, "-c", PEAK_OF, *command, "--db", str(db)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=900,  # a hang fails here
        env=env,
    )
    elapsed = time.perf_counter() - t
    stderr, _, peak_kb = proc.stderr.rstrip("\n").rpartition("\n")
    peak_mb = int(peak_kb) / 1024
    assert proc.returncode == 1, proc.stdout + stderr
    assert "Traceback" not in stderr and "WARNING" not in stderr, stderr
    with open_db(db) as con:
        rejects = con.execute("select source, reason, detail from rejects").fetchall()
        stored = con.execute("select source from versions").fetchall()
        status = con.execute("select status from runs").fetchall()
    assert [r for r in rejects if not (r[1].strip() and r[2].strip())] == []
    outcomes: dict[str, int] = {name: 0 for name in names}
    for source, *_ in [*rejects, *stored]:
        name = Path(source.split("#", 1)[0]).name
        outcomes[name] = outcomes.get(name, 0) + 1
    assert [name for name, n in outcomes.items() if n == 0] == []
    assert {r[0] for r in rejects} >= set(named)
    assert status == [("completed_with_rejects",)]  # one run, closed, not left running
    print(
        f"\ningest: {len(names)} inputs tried ({len(names) + len(named)} named with the two "
        f"named again), {len(rejects)} rejects with reasons, {len(stored)} versions, exit "
        f"{proc.returncode}, 0 tracebacks; {elapsed:.1f} s; peak memory of the command "
        f"{peak_mb:.0f} MB\nreasons: {Counter(r[1] for r in rejects).most_common()}"
    )

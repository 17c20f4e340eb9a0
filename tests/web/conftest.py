"""A warehouse built from examples/, the seeds (when present) and an article whose title
and text carry a <script>, by the real CLI; and the real `pressdiff web` serving it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pressdiff.serve import free_port
from tests.helpers import CORPORA, ROOT, cli

EXAMPLES = ROOT / "examples" / "articles"
XSS_TITLE = "<script>alert(1)</script> Harbour pilots <b>vote</b> on strike"
XSS_TEXT = (
    f"title: {XSS_TITLE}\n"
    "url: https://mischief.example/2026/03/05/pilots-vote\n"
    "seen: 2026-03-05T10:00:00Z\n\n"
    "Harbour pilots in Porthaven will vote on Friday on whether to join the ferry strike, "
    "their association said on Thursday.\n\n"
    "<script>alert(1)</script> The association said a walkout by pilots would close the "
    "port to cargo ships as well as ferries.\n"
)


@pytest.fixture(scope="session")
def has_seeds() -> bool:
    return (CORPORA / "seeds").is_dir()


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory: pytest.TempPathFactory, has_seeds: bool) -> Path:
    """The demo's articles, the seeds and the <script> article, ingested and indexed."""
    inputs = tmp_path_factory.mktemp("inputs")
    shutil.copytree(EXAMPLES, inputs / "examples")
    if has_seeds:
        shutil.copytree(CORPORA / "seeds", inputs / "seeds")
    (inputs / "mischief.txt").write_text(XSS_TEXT)
    db = tmp_path_factory.mktemp("wh") / "web.duckdb"
    done = cli("ingest", str(inputs), "--db", str(db), "--workers", "0")
    assert done.returncode == 0, done.stderr
    indexed = cli("index", "--db", str(db))
    assert indexed.returncode == 0, indexed.stderr
    return db


@pytest.fixture(scope="session")
def site(warehouse: Path) -> Iterator[str]:
    """The base URL of `pressdiff web` serving `warehouse` on a free loopback port."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pressdiff.cli", "web", "--db", str(warehouse), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(base + "/", timeout=5).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail(f"pressdiff web did not start: {proc.communicate()[1]}")
    yield base
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()

"""Inputs are checked before anything starts: a mistyped path is a usage error at once."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.helpers import ROOT

EXAMPLES = ROOT / "examples" / "articles"


def test_a_missing_path_is_exit_2_before_the_warehouse_or_prefect_is_touched(tmp_path):
    db = tmp_path / "w.duckdb"
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "PREFECT_HOME")}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pressdiff.cli",
            "ingest",
            str(EXAMPLES),
            str(tmp_path / "mistyped.txt"),
            str(tmp_path / "no-*.html"),
            "--db",
            str(db),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        env=env,
    )
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        f"error: no such file, folder or glob match: {tmp_path / 'mistyped.txt'}, "
        f"{tmp_path / 'no-*.html'}"
    ]
    assert not db.exists()  # nothing was opened, migrated or ingested
    assert not (tmp_path / ".pressdiff").exists()  # Prefect's server never started

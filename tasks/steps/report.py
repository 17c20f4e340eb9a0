"""The summary of a run: counted in the warehouse, published as a Prefect artifact."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

import httpx
from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from warehouse.connection import warehouse
from warehouse.sqlfiles import run


@dataclass(slots=True)
class RunSummary:
    """What one run did, as the CLI prints it and the `runs` row records it."""

    run_id: str
    status: str = "running"
    inputs: int = 0
    articles_new: int = 0
    versions_new: int = 0
    unchanged: int = 0
    duplicates: int = 0
    rejected: int = 0
    comparisons: int = 0
    skipped: int = 0
    skipped_by_name: list[str] = field(default_factory=list)  # folder files no article by name
    tracked_new: int = 0
    reject_reasons: dict[str, int] = field(default_factory=dict)
    stage_seconds: dict[str, float] = field(default_factory=dict)  # tasks/steps/stage_clock.py

    def counts(self) -> dict[str, int]:
        """The counts as `core.runs` columns."""
        return {
            "n_inputs": self.inputs,
            "n_articles_new": self.articles_new,
            "n_versions_new": self.versions_new,
            "n_unchanged": self.unchanged,
            "n_duplicates": self.duplicates,
            "n_rejected": self.rejected,
            "n_comparisons": self.comparisons,
        }

    def as_dict(self) -> dict:
        """Plain data, for JSON output."""
        return asdict(self)


SUMMARY = "summary: "  # prefix of the one log line that sums up a run (`pressdiff serve` reads it)


def summary_line(s: RunSummary, flagged: int, polled: bool) -> str:
    """A tick in one line: what it polled, what it stored, what it flagged."""
    parts = [f"polled: {s.tracked_new} new links tracked"] if polled else []
    rejected = f"{s.rejected} rejected"
    if s.reject_reasons:
        rejected += " (" + ", ".join(f"{r}: {n}" for r, n in sorted(s.reject_reasons.items())) + ")"
    parts.append(
        f"fetched {s.inputs}: {s.versions_new} versions new ({s.articles_new} articles new), "
        f"{s.unchanged} unchanged, {rejected}"
    )
    parts.append(f"{flagged} notable changes flagged")
    return "; ".join(parts)


def summary_markdown(s: RunSummary) -> str:
    """The run summary as a Markdown table."""
    rows = [
        ("articles new", s.articles_new),
        ("versions new", s.versions_new),
        ("unchanged", s.unchanged),
        ("duplicates", s.duplicates),
        ("rejected", s.rejected),
        ("comparisons", s.comparisons),
    ]
    lines = [f"# pressdiff run `{s.run_id}`: {s.status}", "", "| | count |", "|---|---:|"]
    lines += [f"| {name} | {n} |" for name, n in rows]
    if s.reject_reasons:
        lines += ["", "| reject reason | count |", "|---|---:|"]
        lines += [f"| {r} | {n} |" for r, n in sorted(s.reject_reasons.items())]
    return "\n".join(lines)


@task(name="reject-reasons", cache_policy=NO_CACHE)
def reject_reasons(db: str, run_id: str) -> dict[str, int]:
    """How many inputs of the run were rejected, by reason."""
    rows = (
        warehouse(db)
        .execute(
            "SELECT reason, count(*) FROM core.rejects WHERE run_id = ? GROUP BY reason", [run_id]
        )
        .fetchall()
    )
    return dict(rows)


@task(name="publish-summary", cache_policy=NO_CACHE)
def publish_summary(summary: RunSummary) -> None:
    """Attach the run summary to the flow run as a Markdown artifact."""
    create_markdown_artifact(
        summary_markdown(summary), key="ingest-summary", description="What this run stored"
    )


# Characters of an article's text that could steer a terminal or fool a reader: C0 controls
# but tab and newline, DEL, C1, bidirectional overrides. Shown as escapes, as the CLI does.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _cell(text: str) -> str:
    """Untrusted `text` as one Markdown table cell: escapes for control characters, `\\|`
    for a pipe, a space for a line break."""
    text = _CONTROL.sub(
        lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text
    )
    return text.replace("|", "\\|").replace("\n", " ")


def notable_markdown(run_id: str, rows: list[tuple[str, str, str]]) -> str:
    """The run's notable changes (url, rule, detail) as Markdown."""
    lines = [f"# Notable changes in run `{run_id}`", ""]
    if not rows:
        return "\n".join([*lines, "No revision in this run matched a rule."])
    lines += ["| article | rule | detail |", "|---|---|---|"]
    lines += [f"| {_cell(u)} | {_cell(r)} | {_cell(d[:200])} |" for u, r, d in rows]
    return "\n".join(lines) + "\n"


def webhook_payloads(
    run_id: str, rows: list[tuple[str, str, str]], webhooks: dict[str, str]
) -> dict[str, dict]:
    """URL -> the JSON summary it gets: the run's changes matching its rule ("*": all)."""
    out: dict[str, dict] = {}
    for rule, target in webhooks.items():
        hits = [{"url": u, "rule": r, "detail": d} for u, r, d in rows if rule in ("*", r)]
        if hits:
            payload = out.setdefault(target, {"run_id": run_id, "changes": []})
            payload["changes"] += [h for h in hits if h not in payload["changes"]]
    return out


def post_webhooks(payloads: dict[str, dict], timeout: float = 10.0) -> dict[str, str]:
    """POST each payload; returns target -> 'ok' or what went wrong (never raises)."""
    results = {}
    for target, payload in payloads.items():
        try:
            r = httpx.post(target, json=payload, timeout=timeout)
            results[target] = "ok" if r.is_success else f"HTTP {r.status_code}"
        except httpx.HTTPError as exc:
            results[target] = f"{type(exc).__name__}: {exc}"
    return results


@task(name="publish-notable", cache_policy=NO_CACHE)
def publish_notable(db: str, run_id: str, webhooks: dict[str, str] | None = None) -> int:
    """Publish the run's notable changes (the notable_changes view): a Markdown artifact,
    and a JSON summary to each configured webhook whose rule matched."""
    rows = run(warehouse(db), "run_notable_changes", [run_id]).fetchall()
    create_markdown_artifact(
        notable_markdown(run_id, rows),
        key="notable-changes",
        description="Revisions flagged by the notable_changes rules",
    )
    for target, result in post_webhooks(webhook_payloads(run_id, rows, webhooks or {})).items():
        if result != "ok":
            get_run_logger().warning("webhook %s failed: %s", target, result)
    return len(rows)

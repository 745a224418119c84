"""What an alert says, and its shape for Teams, Slack and e-mail.

One `Alert` per failing check per run (or per failed run). It names the check,
the asset, the partition(s), a count from the check's metadata, and links to
the run in the Dagster UI and to the Data Docs.

Privacy: an alert carries only what the check's name, description and numeric
metadata say; Markdown tables and free text in metadata (which may hold example
values) are never copied. Every free-text field still goes through
`mask_personnummer` as a guard. The run id and the links are not masked: they
come from Dagster and the settings, not from data, and a run id such as
`12345678-1234-...` would otherwise be mangled into a broken link.
"""
from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage

import dagster as dg

from orchestration.settings import AlertSettings
from orchestration.ingest.identity import mask_personnummer

RANGE_START = "dagster/asset_partition_range_start"
RANGE_END = "dagster/asset_partition_range_end"
PARTITION = "dagster/partition"
RUN_FAILURE_KEY = "run_failure"

# The metadata entry that best answers "how many?", in order of preference.
# (The data-quality checks, GX checks, dbt tests and our late-delivery check.)
COUNT_KEYS = (
    "count", "late_files", "failed_expectations", "error_findings", "files_set_aside_whole",
    "deliveries_over_set_aside_limit", "rows_set_aside", "warn_findings", "findings",
    "dagster_dbt/failed_row_count", "failed_row_count", "unexpected_count",
)
MAX_FACTS = 6
MAX_DESCRIPTION = 600


def clean(text: object, limit: int = MAX_DESCRIPTION) -> str:
    """Free text as it may appear in an alert: masked, on one line, bounded."""
    s = " ".join(mask_personnummer(str(text)).split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


def check_key_string(asset_key: dg.AssetKey, check_name: str) -> str:
    return f"check:{asset_key.to_user_string()}:{check_name}"


@dataclass(frozen=True)
class Alert:
    key: str                  # unique within the run: the dedupe key
    run_id: str
    severity: str             # ERROR | WARN (a check) or FAILURE (a run)
    title: str
    summary: str
    facts: tuple[tuple[str, str], ...]
    run_url: str
    datadocs_url: str
    extra_links: tuple[tuple[str, str], ...] = field(default=())

    @property
    def subject(self) -> str:
        return f"[naravard] {self.title}"


def _number(value: dg.MetadataValue) -> float | int | None:
    v = getattr(value, "value", None)
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return v


def _count(metadata: Mapping[str, dg.MetadataValue]) -> tuple[str, float | int] | None:
    for k in COUNT_KEYS:
        if k in metadata and _number(metadata[k]) is not None:
            return k, _number(metadata[k])
    for k, v in metadata.items():
        if _number(v) is not None:
            return k, _number(v)
    return None


def _fmt(n: float | int) -> str:
    return f"{n:g}" if isinstance(n, float) else str(n)


def run_partitions(tags: Mapping[str, str]) -> str | None:
    if tags.get(RANGE_START) and tags.get(RANGE_END):
        start, end = tags[RANGE_START], tags[RANGE_END]
        return start if start == end else f"{start}..{end}"
    return tags.get(PARTITION)


def _partitions(evaluations: Sequence[dg.AssetCheckEvaluation], tags: Mapping[str, str]) -> str:
    # The data-quality checks name the months that failed; a partitioned check
    # carries its partition; otherwise the run's partition range says it.
    for e in reversed(evaluations):
        failed = getattr(e.metadata.get("failed_partitions"), "value", None)
        if isinstance(failed, str) and failed.strip() and failed.strip() != "none":
            return clean(failed, 200)
    own = sorted({e.partition for e in evaluations if e.partition})
    if own:
        return clean(", ".join(own), 200)
    return run_partitions(tags) or "not partitioned"


def check_alert(run: dg.DagsterRun, evaluations: Sequence[dg.AssetCheckEvaluation],
                settings: AlertSettings) -> Alert:
    """One alert for one check of one run (all its failed evaluations in that run)."""
    last = evaluations[-1]
    severity = "ERROR" if any(e.severity == dg.AssetCheckSeverity.ERROR for e in evaluations) else "WARN"
    asset = last.asset_key.to_user_string()
    check = clean(last.check_name, 120)
    count = _count(last.metadata)
    facts: list[tuple[str, str]] = [
        ("Check", check),
        ("Asset", asset),
        ("Severity", severity + (" (blocking: the assets after it were not built)" if last.blocking else "")),
        ("Partition", _partitions(evaluations, run.tags)),
        ("Count", f"{_fmt(count[1])} ({clean(count[0], 60)})" if count else "not reported by the check"),
    ]
    shown = 0
    for k, v in last.metadata.items():
        n = _number(v)
        if n is None or (count and k == count[0]) or shown >= MAX_FACTS:
            continue
        facts.append((clean(k, 60), _fmt(n)))
        shown += 1
    facts.append(("Run", f"{run.job_name} ({run.tags.get('naravard/trigger', 'ui/daemon')})"))
    links = []
    page = getattr(last.metadata.get("data_docs"), "value", None)
    if isinstance(page, str) and page.startswith("file://"):
        links.append(("Data Docs page of this validation", page))
    return Alert(
        key=check_key_string(last.asset_key, last.check_name),
        run_id=run.run_id,
        severity=severity,
        title=f"{severity}: check {check} failed on {asset}",
        summary=clean(last.description or "The check failed (no description)."),
        facts=tuple(facts),
        run_url=settings.run_url(run.run_id),
        datadocs_url=settings.datadocs_index.as_uri(),
        extra_links=tuple(links),
    )


def run_failure_alert(run: dg.DagsterRun, step_failures: Sequence[tuple[str, str]], run_message: str | None,
                      settings: AlertSettings) -> Alert:
    steps = [f"{clean(step, 120)}: {clean(msg, 240)}" for step, msg in step_failures]
    summary = ("; ".join(steps) if steps else clean(run_message or "The run failed before any step ran."))
    facts = [
        ("Job", run.job_name),
        ("Partition", run_partitions(run.tags) or "not partitioned"),
        ("Failed steps", str(len(step_failures))),
        ("Started by", run.tags.get("naravard/trigger", "ui/daemon")),
    ]
    return Alert(
        key=RUN_FAILURE_KEY,
        run_id=run.run_id,
        severity="FAILURE",
        title=f"run of {run.job_name} failed ({run.run_id[:8]})",
        summary=clean(summary, 1000),
        facts=tuple(facts),
        run_url=settings.run_url(run.run_id),
        datadocs_url=settings.datadocs_index.as_uri(),
    )


# ---- shapes ---------------------------------------------------------------------------------------------------

def as_text(alert: Alert) -> str:
    lines = [alert.subject, "", alert.summary, ""]
    lines += [f"{k}: {v}" for k, v in alert.facts]
    lines += ["", f"Run in the Dagster UI: {alert.run_url}", f"Data Docs: {alert.datadocs_url}"]
    lines += [f"{label}: {url}" for label, url in alert.extra_links]
    return "\n".join(lines) + "\n"


def teams_payload(alert: Alert) -> dict:
    """An Adaptive Card (1.4) in the envelope a Teams Workflows webhook ("Post to a channel
    when a webhook request is received") expects. The older O365-connector MessageCard
    is retired by Microsoft, so we do not send it.

    Teams opens only http(s) links from a card, so the Data Docs file:// link is a fact
    to copy, and the run is the card's button."""
    facts = [{"title": k, "value": v} for k, v in alert.facts]
    facts.append({"title": "Data Docs", "value": alert.datadocs_url})
    facts += [{"title": label, "value": url} for label, url in alert.extra_links]
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "msteams": {"width": "Full"},
        "body": [
            {"type": "TextBlock", "size": "Medium", "weight": "Bolder", "wrap": True,
             "color": "Warning" if alert.severity == "WARN" else "Attention", "text": alert.subject},
            {"type": "TextBlock", "wrap": True, "text": alert.summary},
            {"type": "FactSet", "facts": facts},
        ],
        "actions": [{"type": "Action.OpenUrl", "title": "Open the run in Dagster", "url": alert.run_url}],
    }
    return {"type": "message",
            "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None,
                             "content": card}]}


def _slack_escape(text: str) -> str:
    # Slack's mrkdwn reserves &, < and > for its own links and mentions.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_payload(alert: Alert) -> dict:
    """`text` is the notification and fallback; `blocks` the formatted message."""
    fields = [{"type": "mrkdwn", "text": f"*{_slack_escape(k)}*\n{_slack_escape(v)}"} for k, v in alert.facts][:10]
    links = [f"<{alert.run_url}|Open the run in Dagster>", f"Data Docs: `{_slack_escape(alert.datadocs_url)}`"]
    links += [f"{_slack_escape(label)}: `{_slack_escape(url)}`" for label, url in alert.extra_links]
    return {
        "text": f"{alert.subject}: {alert.summary}"[:3000],
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": alert.subject[:150], "emoji": False}},
            {"type": "section", "text": {"type": "mrkdwn", "text": _slack_escape(alert.summary)[:3000]}},
            {"type": "section", "fields": fields},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": " · ".join(links)[:3000]}]},
        ],
    }


def webhook_payload(alert: Alert, kind: str) -> dict:
    return slack_payload(alert) if kind == "slack" else teams_payload(alert)


def email_message(alert: Alert, settings: AlertSettings) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = alert.subject
    msg["From"] = settings.email_from
    msg["To"] = ", ".join(settings.email_to)
    msg["X-Naravard-Run"] = alert.run_id
    msg.set_content(as_text(alert))
    rows = "".join(f"<tr><th align='left'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in alert.facts)
    extra = "".join(f"<br>{html.escape(label)}: {html.escape(url)}" for label, url in alert.extra_links)
    msg.add_alternative(
        f"<h3>{html.escape(alert.subject)}</h3><p>{html.escape(alert.summary)}</p><table>{rows}</table>"
        f"<p><a href='{html.escape(alert.run_url)}'>Open the run in Dagster</a><br>"
        f"Data Docs: {html.escape(alert.datadocs_url)}{extra}</p>",
        subtype="html",
    )
    return msg

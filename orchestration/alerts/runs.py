"""Alerts for one run, read from the Dagster instance: the one function every path calls.

    alert_run(instance, run_id)   failed checks of the run (+ the run itself if it failed)

The daemon's sensors (orchestration/defs/sensors.py) and the
headless `naravard run` / `naravard backfill` call it with the same run
events, so a message looks the same whoever started the run.

Why from the event log and not from run failures only: a failed asset check
does not fail its run unless it is blocking (dagster#29896), so a run-failure
hook would never hear of a WARN check or a non-blocking ERROR check.

Exactly once per (run, check): the keys already alerted are kept on the run
itself, in the tag `naravard/alerts_sent` (visible in the UI), and read and
written under a file lock in the instance folder, so the CLI's own alerting
and a daemon sensor that sees the same run never both send.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import tempfile
from collections import defaultdict
from pathlib import Path

import dagster as dg

from orchestration.alerts.messages import RUN_FAILURE_KEY, Alert, check_alert, run_failure_alert
from orchestration.alerts.send import Delivery, deliver
from orchestration.settings import AlertSettings

log = logging.getLogger("naravard.alerts")

ALERTS_SENT_TAG = "naravard/alerts_sent"
LOCK_NAME = ".naravard_alerts.lock"


def failed_check_evaluations(instance: dg.DagsterInstance,
                             run_id: str) -> dict[dg.AssetCheckKey, list[dg.AssetCheckEvaluation]]:
    """Every failed check evaluation of the run, grouped by check (in event order)."""
    out: dict[dg.AssetCheckKey, list[dg.AssetCheckEvaluation]] = defaultdict(list)
    conn = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
    for record in conn.records:
        ev = record.event_log_entry.dagster_event
        data = ev.event_specific_data if ev else None
        if isinstance(data, dg.AssetCheckEvaluation) and not data.passed:
            out[dg.AssetCheckKey(data.asset_key, data.check_name)].append(data)
    return dict(out)


def step_failures(instance: dg.DagsterInstance, run_id: str) -> list[tuple[str, str]]:
    conn = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.STEP_FAILURE)
    out = []
    for record in conn.records:
        ev = record.event_log_entry.dagster_event
        err = ev.step_failure_data.error if ev and ev.step_failure_data else None
        message = (err.message.strip().splitlines() or ["unknown error"])[0] if err else "unknown error"
        out.append((ev.step_key or "?", message))
    return out


def run_failure_message(instance: dg.DagsterInstance, run_id: str) -> str | None:
    conn = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.RUN_FAILURE, limit=1, ascending=False)
    return conn.records[0].event_log_entry.message if conn.records else None


def _lock_path(instance: dg.DagsterInstance) -> Path:
    try:
        root = Path(instance.root_directory)
    except Exception:  # noqa: BLE001 - an instance without a folder (ephemeral) has no lock file
        root = Path(tempfile.gettempdir())
    return root / LOCK_NAME


@contextlib.contextmanager
def _alert_lock(instance: dg.DagsterInstance):
    path = _lock_path(instance)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def alerts_sent(run: dg.DagsterRun) -> set[str]:
    try:
        return set(json.loads(run.tags.get(ALERTS_SENT_TAG, "[]")))
    except ValueError:
        return set()


def pending_alerts(instance: dg.DagsterInstance, run: dg.DagsterRun, settings: AlertSettings, *,
                   checks: bool = True, run_failure: bool = True) -> list[Alert]:
    """What this run deserves and has not had yet (no sending)."""
    done = alerts_sent(run)
    out: list[Alert] = []
    if checks:
        for evaluations in failed_check_evaluations(instance, run.run_id).values():
            alert = check_alert(run, evaluations, settings)
            if alert.severity == "WARN" and not settings.alert_on_warn:
                continue
            if alert.key not in done:
                out.append(alert)
    if run_failure and run.status == dg.DagsterRunStatus.FAILURE and RUN_FAILURE_KEY not in done:
        out.append(run_failure_alert(run, step_failures(instance, run.run_id),
                                     run_failure_message(instance, run.run_id), settings))
    return out


def alert_run(instance: dg.DagsterInstance, run_id: str, settings: AlertSettings, *,
              checks: bool = True, run_failure: bool = True) -> list[tuple[Alert, list[Delivery]]]:
    """Send the alerts this run deserves and has not had yet; returns what was sent and how it went.

    A run that is still going is left alone (its checks are read once it has finished),
    so one message covers every evaluation of a check in the run."""
    run = instance.get_run_by_id(run_id)
    if run is None or not run.is_finished:
        return []
    sent: list[tuple[Alert, list[Delivery]]] = []
    with _alert_lock(instance):
        run = instance.get_run_by_id(run_id)  # fresh tags: another process may have just alerted
        alerts = pending_alerts(instance, run, settings, checks=checks, run_failure=run_failure)
        for alert in alerts:
            deliveries = deliver(alert, settings)
            if not deliveries:  # the caller (sensor log, CLI output) says so too; this keeps the text
                log.info("alert (no channel configured: set NARAVARD_ALERT_WEBHOOK_URL or NARAVARD_SMTP_HOST): "
                         "%s: %s", alert.subject, alert.summary)
            sent.append((alert, deliveries))
        if alerts:
            # Recorded also when a channel failed after its retries: the failure is logged
            # where the run's caller sees it, and a storm of repeats would not help.
            keys = sorted(alerts_sent(run) | {a.key for a in alerts})
            instance.add_run_tags(run_id, {ALERTS_SENT_TAG: json.dumps(keys)})
    return sent

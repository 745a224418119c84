"""Alerts from real Dagster runs in a real instance, sent to real local receivers.

A tiny code location stands in for the pipeline here (the real one is in
test_cli.py): an asset with a failing blocking ERROR check whose description
carries a personnummer, and a failing WARN check. The ERROR check fails the run
(blocking), so a run yields: 1 ERROR check + 1 WARN check + 1 failed run.
"""
from __future__ import annotations

import logging

import dagster as dg
import pytest

from orchestration.alerts import ALERTS_SENT_TAG, alert_run
from orchestration.settings import AlertSettings, Settings
from orchestration.alerts.send import SendFailed, post_json, send_email
from orchestration.defs.sensors import failed_check_alerts, failed_run_alerts
from tests.automation.conftest import fact, personnummer_like, teams_text

PNR = "19640823-3234"  # a valid personnummer (Luhn): must never reach a receiver


@dg.asset(key=["raw", "paket"])
def paket() -> int:
    return 1


@dg.asset_check(asset=paket, name="kontrakt", blocking=True)
def kontrakt() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=False, severity=dg.AssetCheckSeverity.ERROR,
        description=f"2 rows break the contract, e.g. line 7 with personnummer {PNR}",
        metadata={"failed_rows": 2, "rows_checked": 40,
                  "examples": dg.MetadataValue.md(f"| line | personnummer |\n|---|---|\n| 7 | {PNR} |")})


@dg.asset_check(asset=paket, name="registrering")
def registrering() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=False, severity=dg.AssetCheckSeverity.WARN,
                               description="3 contacts lack an assessment date", metadata={"gaps": 3})


def _run(instance: dg.DagsterInstance) -> str:
    result = dg.materialize([paket, kontrakt, registrering], instance=instance, raise_on_error=False,
                            tags={"dagster/asset_partition_range_start": "2024-01",
                                  "dagster/asset_partition_range_end": "2024-02", "naravard/trigger": "sensor"})
    assert not result.success  # the blocking ERROR check failed the run
    return result.run_id


def _tick(sensor, instance, cursor):
    from tests.conftest import resources_from_env

    alerting = resources_from_env()["alerting"]  # the test's channels (alert_env)
    with dg.build_sensor_context(instance=instance, cursor=cursor,  # closed: see test_schedule
                                 resources={"alerting": alerting}) as context:
        return sensor.evaluate_tick(context).cursor


def test_daemon_sensors_alert_once_per_failing_check_and_failed_run(alert_env, webhook, mailbox):
    with dg.DagsterInstance.get() as instance:
        # First ticks only set the cursors: alerting starts with runs that finish from now on.
        checks_cursor = _tick(failed_check_alerts, instance, None)
        runs_cursor = _tick(failed_run_alerts, instance, None)
        assert webhook.raw == [] and mailbox.messages == []

        run_id = _run(instance)
        checks_cursor = _tick(failed_check_alerts, instance, checks_cursor)
        runs_cursor = _tick(failed_run_alerts, instance, runs_cursor)

        # WARN is off by default: the ERROR check and the failed run, one message each per channel.
        assert len(webhook.posts) == 2 and len(mailbox.messages) == 2
        check_post, run_post = webhook.posts
        assert fact(check_post, "Check") == "kontrakt"
        assert fact(check_post, "Asset") == "raw/paket"
        assert fact(check_post, "Partition") == "2024-01..2024-02"
        assert fact(check_post, "Count") == "2 (failed_rows)"
        assert fact(check_post, "Severity").startswith("ERROR (blocking")
        card_text = teams_text(check_post)
        assert f"http://dagster.region.example:3000/runs/{run_id}" in card_text
        assert (alert_env / "datadocs" / "index.html").as_uri() in card_text
        assert "run of __ephemeral_asset_job__ failed" in teams_text(run_post)
        assert [m["Subject"] for m in mailbox.messages] == [
            "[naravard] ERROR: check kontrakt failed on raw/paket",
            f"[naravard] run of __ephemeral_asset_job__ failed ({run_id[:8]})"]
        assert mailbox.envelopes[0] == ("naravard@region.example",
                                        ["dataengineer@region.example", "jour@region.example"])
        # No personnummer anywhere, neither from the description (masked) nor from the table (never copied).
        assert personnummer_like(webhook.raw, (run_id,)) == []
        assert personnummer_like(mailbox.texts(), (run_id,)) == []
        assert "<personnummer>" in teams_text(check_post)

        # Later ticks and the headless path find nothing new for this run.
        _tick(failed_check_alerts, instance, checks_cursor)
        _tick(failed_run_alerts, instance, runs_cursor)
        assert alert_run(instance, run_id, Settings.from_env().alerts) == []
        assert len(webhook.posts) == 2 and len(mailbox.messages) == 2
        assert instance.get_run_by_id(run_id).tags[ALERTS_SENT_TAG] == '["check:raw/paket:kontrakt", "run_failure"]'


def test_headless_path_alerts_with_warn_on_to_slack(alert_env, webhook, mailbox, monkeypatch):
    monkeypatch.setenv("NARAVARD_ALERT_WEBHOOK_KIND", "slack")
    monkeypatch.setenv("NARAVARD_ALERT_ON_WARN", "true")
    with dg.DagsterInstance.get() as instance:
        run_id = _run(instance)
        sent = alert_run(instance, run_id, Settings.from_env().alerts)  # what `naravard run` calls after its run
        assert [a.title for a, _ in sent] == [
            "ERROR: check kontrakt failed on raw/paket",
            "WARN: check registrering failed on raw/paket",
            f"run of __ephemeral_asset_job__ failed ({run_id[:8]})"]
        assert all(d.ok for _, ds in sent for d in ds)
        assert len(webhook.posts) == 3 and len(mailbox.messages) == 3
        warn = webhook.posts[1]
        assert set(warn) == {"text", "blocks"}
        assert warn["blocks"][0] == {"type": "header", "text": {"type": "plain_text", "emoji": False,
                                                                "text": "[naravard] WARN: check registrering failed "
                                                                        "on raw/paket"}}
        assert "*Count*\n3 (gaps)" in [f["text"] for f in warn["blocks"][2]["fields"]]
        assert f"<http://dagster.region.example:3000/runs/{run_id}|Open the run in Dagster>" in \
            warn["blocks"][3]["elements"][0]["text"]
        assert personnummer_like(webhook.raw, (run_id,)) == []
        # The sensor, evaluated after the CLI had alerted, sends nothing more.
        cursor = '{"after": 0}'
        _tick(failed_check_alerts, instance, cursor)
        assert len(webhook.posts) == 3 and len(mailbox.messages) == 3


def test_run_that_failed_in_a_step_names_the_step_without_personal_data(alert_env, webhook, mailbox):
    @dg.asset
    def trasig():
        raise RuntimeError(f"cannot parse line 3 of listning_2024-01.csv: {PNR}")

    with dg.DagsterInstance.get() as instance:
        result = dg.materialize([trasig], instance=instance, raise_on_error=False)
        sent = alert_run(instance, result.run_id, Settings.from_env().alerts)
    assert [a.key for a, _ in sent] == ["run_failure"]
    text = teams_text(webhook.posts[0])
    assert "trasig: dagster._core.errors.DagsterExecutionStepExecutionError" in text or "trasig:" in text
    assert fact(webhook.posts[0], "Failed steps") == "1"
    assert personnummer_like([webhook.raw[0], mailbox.texts()[0]], (result.run_id,)) == []


def test_webhook_retries_a_busy_receiver_and_gives_up_on_a_refusal(webhook):
    webhook.statuses = [503, 200]
    assert post_json(webhook.url, {"text": "hej"}, attempts=3, backoff=0.01) == 2
    assert len(webhook.raw) == 2 and webhook.posts == [{"text": "hej"}]

    webhook.statuses = [400]
    with pytest.raises(SendFailed, match="HTTP 400"):
        post_json(webhook.url, {"text": "igen"}, attempts=3, backoff=0.01)
    assert len(webhook.raw) == 3  # not retried

    webhook.statuses = [503, 503, 503]
    with pytest.raises(SendFailed, match="gave up after 3 attempts"):
        post_json(webhook.url, {"text": "tre"}, attempts=3, backoff=0.01)
    assert len(webhook.raw) == 6


def test_mail_to_a_relay_that_is_down_is_retried_then_reported(alert_env, monkeypatch):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("NARAVARD_SMTP_PORT", str(port))
    from dataclasses import replace

    from orchestration.alerts.messages import Alert

    settings = replace(AlertSettings.from_env(), backoff_seconds=0.01)
    alert = Alert("k", "run", "ERROR", "t", "s", (), "http://x/runs/run", "file:///x")
    with pytest.raises(SendFailed, match="gave up after 3 attempts"):
        send_email(alert, settings)


def test_nothing_configured_means_logged_only(naravard_env, monkeypatch, caplog):
    caplog.set_level(logging.INFO, logger="naravard.alerts")
    for name in ("NARAVARD_ALERT_WEBHOOK_URL", "NARAVARD_SMTP_HOST", "NARAVARD_ALERT_EMAIL_TO"):
        monkeypatch.delenv(name, raising=False)
    with dg.DagsterInstance.get() as instance:
        run_id = _run(instance)
        sent = alert_run(instance, run_id, Settings.from_env().alerts)
    assert [a.key for a, ds in sent if ds == []] == ["check:raw/paket:kontrakt", "run_failure"]
    assert "no channel configured" in caplog.text


"""Alerts on failed checks and failed runs: Teams or Slack webhook, and e-mail.

    from orchestration.alerts import alert_run
    alert_run(instance, run_id, settings.alerts)  # after a run: one message per failing check (+ the run if it failed)

Where alerts go (NARAVARD_ALERT_*, NARAVARD_SMTP_*, NARAVARD_UI_URL) is AlertSettings in orchestration/settings.py;
the daemon's sensors get it as the `alerting` resource.
messages.py   what an alert says; Teams Adaptive Card, Slack blocks, e-mail
send.py       urllib / smtplib with retries and backoff (standard library only)
runs.py       reads a run's check evaluations and failures from the instance; exactly once per check and run

ERROR checks always alert; WARN checks only with NARAVARD_ALERT_ON_WARN=true.
docs/operations.md describes the settings.
"""
from orchestration.alerts.runs import ALERTS_SENT_TAG, alert_run

__all__ = ["ALERTS_SENT_TAG", "alert_run"]

"""Where alerts go, read from the environment in one place (like orchestration/settings.py).

    NARAVARD_ALERT_WEBHOOK_URL    incoming webhook of a Teams channel (Workflows) or Slack
    NARAVARD_ALERT_WEBHOOK_KIND   teams | slack (default: slack when the URL is hooks.slack.com, else teams)
    NARAVARD_SMTP_HOST / _PORT    mail relay (port 25 by default); no host = no e-mail
    NARAVARD_SMTP_STARTTLS        true to upgrade the connection with STARTTLS (default false)
    NARAVARD_SMTP_USER / _PASSWORD  optional login at the relay
    NARAVARD_ALERT_EMAIL_TO       one or more addresses, comma-separated
    NARAVARD_ALERT_EMAIL_FROM     sender (default naravard@<host name>)
    NARAVARD_ALERT_ON_WARN        true = also alert on WARN checks (registration gaps); default false
    NARAVARD_UI_URL               base URL of the Dagster UI for run links (default http://127.0.0.1:3000)

Nothing configured is valid: alerts are then only logged.
"""
from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path

from orchestration.settings import ConfigurationError, Settings

WEBHOOK_KINDS = ("teams", "slack")
_TRUE = {"1", "true", "yes", "on", "ja"}
_FALSE = {"0", "false", "no", "off", "nej", ""}


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    v = value.strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise ConfigurationError(f"{name}={value!r}: expected true or false")


@dataclass(frozen=True)
class AlertSettings:
    webhook_url: str | None
    webhook_kind: str
    smtp_host: str | None
    smtp_port: int
    smtp_starttls: bool
    smtp_user: str | None
    smtp_password: str | None
    email_to: tuple[str, ...]
    email_from: str
    alert_on_warn: bool
    ui_url: str
    datadocs_index: Path
    # A webhook or relay that is briefly down (a 503, a dropped connection) is
    # retried: 3 attempts, waiting 2 s then 4 s. A bounced request (a 400, a
    # wrong password) is not retried: it would fail the same way.
    attempts: int = 3
    backoff_seconds: float = 2.0
    timeout_seconds: float = 10.0

    @property
    def email_enabled(self) -> bool:
        return bool(self.smtp_host and self.email_to)

    @property
    def channels(self) -> list[str]:
        out = [f"{self.webhook_kind} webhook"] if self.webhook_url else []
        return out + (["e-mail"] if self.email_enabled else [])

    def run_url(self, run_id: str) -> str:
        return f"{self.ui_url.rstrip('/')}/runs/{run_id}"

    @classmethod
    def from_env(cls) -> "AlertSettings":
        url = os.environ.get("NARAVARD_ALERT_WEBHOOK_URL", "").strip() or None
        kind = os.environ.get("NARAVARD_ALERT_WEBHOOK_KIND", "").strip().lower()
        if not kind:
            kind = "slack" if url and "hooks.slack.com" in url else "teams"
        if kind not in WEBHOOK_KINDS:
            raise ConfigurationError(f"NARAVARD_ALERT_WEBHOOK_KIND={kind!r}: expected teams or slack")
        port = os.environ.get("NARAVARD_SMTP_PORT", "25").strip() or "25"
        if not port.isdigit():
            raise ConfigurationError(f"NARAVARD_SMTP_PORT={port!r}: expected a port number")
        to = tuple(a.strip() for a in os.environ.get("NARAVARD_ALERT_EMAIL_TO", "").split(",") if a.strip())
        return cls(
            webhook_url=url,
            webhook_kind=kind,
            smtp_host=os.environ.get("NARAVARD_SMTP_HOST", "").strip() or None,
            smtp_port=int(port),
            smtp_starttls=env_flag("NARAVARD_SMTP_STARTTLS", False),
            smtp_user=os.environ.get("NARAVARD_SMTP_USER") or None,
            smtp_password=os.environ.get("NARAVARD_SMTP_PASSWORD") or None,
            email_to=to,
            email_from=os.environ.get("NARAVARD_ALERT_EMAIL_FROM", "").strip() or f"naravard@{socket.gethostname()}",
            alert_on_warn=env_flag("NARAVARD_ALERT_ON_WARN", False),
            ui_url=os.environ.get("NARAVARD_UI_URL", "").strip() or "http://127.0.0.1:3000",
            datadocs_index=Settings.from_env().datadocs_dir / "index.html",
        )

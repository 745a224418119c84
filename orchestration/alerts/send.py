"""Sending: an incoming webhook (Teams or Slack) over HTTPS, and e-mail over SMTP.

Standard library only (urllib.request, smtplib, email). Transient failures are
retried with exponential backoff: connection errors, timeouts, HTTP 429 and
5xx, SMTP 4xx replies and dropped connections. Anything else (a 400 from the
webhook, a refused login) fails at once: trying again would fail the same way.
A failed channel never stops the other one, and never fails the pipeline run.
"""
from __future__ import annotations

import json
import logging
import smtplib
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from orchestration.alerts.messages import Alert, email_message, webhook_payload
from orchestration.settings import AlertSettings

log = logging.getLogger("naravard.alerts")

# Longest wait a webhook may ask for with Retry-After before we give up waiting.
MAX_RETRY_AFTER = 30.0


class SendFailed(RuntimeError):
    pass


class _Transient(Exception):
    def __init__(self, message: str, wait: float | None = None):
        super().__init__(message)
        self.wait = wait


def with_backoff(attempt_once: Callable[[], None], attempts: int, backoff: float, what: str) -> int:
    """Call attempt_once until it succeeds; returns the number of attempts used.
    It raises _Transient for what is worth retrying and anything else for what is not."""
    wait = backoff
    for attempt in range(1, attempts + 1):
        try:
            attempt_once()
            return attempt
        except _Transient as e:
            if attempt == attempts:
                raise SendFailed(f"{what}: {e} (gave up after {attempts} attempts)") from e
            pause = min(e.wait, MAX_RETRY_AFTER) if e.wait is not None else wait
            log.warning("%s: %s; trying again in %.1f s (attempt %d of %d)", what, e, pause, attempt + 1, attempts)
            time.sleep(pause)
            wait *= 2
    raise AssertionError("unreachable")


def post_json(url: str, payload: dict, *, attempts: int = 3, backoff: float = 2.0, timeout: float = 10.0) -> int:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")

    def once() -> None:
        req = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                resp.read()
        except urllib.error.HTTPError as e:
            if e.code == 429 or e.code >= 500:
                retry_after = e.headers.get("Retry-After") if e.headers else None
                wait = float(retry_after) if retry_after and retry_after.isdigit() else None
                raise _Transient(f"HTTP {e.code} {e.reason}", wait) from e
            raise SendFailed(f"webhook refused the message: HTTP {e.code} {e.reason}") from e
        except (urllib.error.URLError, TimeoutError, ConnectionError) as e:
            raise _Transient(f"cannot reach the webhook ({getattr(e, 'reason', e)})") from e

    return with_backoff(once, attempts, backoff, "webhook")


def send_email(alert: Alert, settings: AlertSettings) -> int:
    msg = email_message(alert, settings)

    def once() -> None:
        try:
            with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.timeout_seconds) as smtp:
                if settings.smtp_starttls:
                    smtp.starttls()
                if settings.smtp_user:
                    smtp.login(settings.smtp_user, settings.smtp_password or "")
                smtp.send_message(msg)
        except smtplib.SMTPResponseException as e:
            if 400 <= e.smtp_code < 500:  # "try again later" (greylisting, a full queue)
                raise _Transient(f"SMTP {e.smtp_code} {e.smtp_error!r}") from e
            raise SendFailed(f"the mail relay refused the message: SMTP {e.smtp_code} {e.smtp_error!r}") from e
        except smtplib.SMTPServerDisconnected as e:
            raise _Transient(f"the mail relay {settings.smtp_host}:{settings.smtp_port} hung up ({e})") from e
        except smtplib.SMTPException as e:  # recipients refused, STARTTLS not offered, ...
            raise SendFailed(f"the mail relay refused the message: {e}") from e
        except OSError as e:  # refused connection, timeout, unknown host
            raise _Transient(f"cannot reach the mail relay {settings.smtp_host}:{settings.smtp_port} ({e})") from e

    return with_backoff(once, settings.attempts, settings.backoff_seconds, "e-mail")


@dataclass(frozen=True)
class Delivery:
    channel: str
    ok: bool
    detail: str = ""


def deliver(alert: Alert, settings: AlertSettings) -> list[Delivery]:
    """Send one alert on every configured channel; report each outcome, never raise."""
    out: list[Delivery] = []
    if settings.webhook_url:
        channel = f"{settings.webhook_kind} webhook"
        try:
            post_json(settings.webhook_url, webhook_payload(alert, settings.webhook_kind),
                      attempts=settings.attempts, backoff=settings.backoff_seconds, timeout=settings.timeout_seconds)
            out.append(Delivery(channel, True))
        except Exception as e:  # noqa: BLE001 - one channel failing must not stop the other
            out.append(Delivery(channel, False, str(e)))
    if settings.email_enabled:
        try:
            send_email(alert, settings)
            out.append(Delivery("e-mail", True))
        except Exception as e:  # noqa: BLE001
            out.append(Delivery("e-mail", False, str(e)))
    for d in out:
        if not d.ok:
            log.error("alert %r not delivered by %s: %s", alert.subject, d.channel, d.detail)
    return out

"""Real local receivers for alerts: an HTTP server (the webhook) and an SMTP server (aiosmtpd).

Both listen on 127.0.0.1 in a thread and record what arrives, so the tests
assert on the bytes the pipeline really sent, not on a mock's call list.
"""
from __future__ import annotations

import email
import email.policy
import json
import re
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

PNR_ANYWHERE = re.compile(r"\d{6,8}[-+ ]?\d{4}")


def personnummer_like(texts: list[str], run_ids: tuple[str, ...] = ()) -> list[str]:
    """Everything shaped like a personnummer (also 10-digit forms), with or without separator.
    Run ids are left out: a random UUID such as 1234567-8901-... can look like one, and
    the alerts carry them on purpose (the run link)."""
    out = []
    for t in texts:
        for run_id in run_ids:
            t = t.replace(run_id, "<run>")
        out += [m.group(0) for m in PNR_ANYWHERE.finditer(t)]
    return out


@dataclass
class WebhookReceiver:
    url: str
    posts: list[dict] = field(default_factory=list)
    raw: list[str] = field(default_factory=list)
    # Status codes to answer with, in order; 200 once they are used up.
    statuses: list[int] = field(default_factory=list)


@pytest.fixture
def webhook():
    receiver = WebhookReceiver(url="")
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode("utf-8")
            with lock:
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                receiver.raw.append(body)
                if status == 200:
                    receiver.posts.append(json.loads(body))
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"ok" if status == 200 else b"busy")

        def log_message(self, *args):  # keep the test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/webhook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield receiver
    server.shutdown()
    server.server_close()


@dataclass
class MailReceiver:
    host: str
    port: int
    messages: list[email.message.EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)

    def texts(self) -> list[str]:
        """What a reader sees of each message: subject, plain and HTML parts, decoded.
        (The raw MIME has boundaries full of digits that look like anything.)"""
        return [m["Subject"] + "\n" + m.get_body(("plain",)).get_content() + "\n"
                + m.get_body(("html",)).get_content() for m in self.messages]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def mailbox():
    receiver = MailReceiver("127.0.0.1", _free_port())

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
            receiver.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            receiver.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
            return "250 Message accepted for delivery"

    controller = Controller(Handler(), hostname=receiver.host, port=receiver.port)
    controller.start()
    yield receiver
    controller.stop()


@pytest.fixture
def alert_env(naravard_env: Path, monkeypatch: pytest.MonkeyPatch, webhook: WebhookReceiver,
              mailbox: MailReceiver) -> Path:
    """naravard_env with both alert channels pointed at the local receivers (Teams, WARN off)."""
    monkeypatch.setenv("NARAVARD_DATADOCS_DIR", str(naravard_env / "datadocs"))
    monkeypatch.setenv("NARAVARD_ALERT_WEBHOOK_URL", webhook.url)
    monkeypatch.setenv("NARAVARD_ALERT_WEBHOOK_KIND", "teams")
    monkeypatch.setenv("NARAVARD_SMTP_HOST", mailbox.host)
    monkeypatch.setenv("NARAVARD_SMTP_PORT", str(mailbox.port))
    monkeypatch.setenv("NARAVARD_ALERT_EMAIL_TO", "dataengineer@region.example, jour@region.example")
    monkeypatch.setenv("NARAVARD_ALERT_EMAIL_FROM", "naravard@region.example")
    monkeypatch.setenv("NARAVARD_UI_URL", "http://dagster.region.example:3000")
    monkeypatch.setenv("NARAVARD_ALERT_ON_WARN", "false")
    return naravard_env


def teams_text(post: dict) -> str:
    """Everything a Teams reader sees in the card (title, text, facts), one string."""
    card = post["attachments"][0]["content"]
    parts = [b.get("text", "") for b in card["body"] if b["type"] == "TextBlock"]
    for b in card["body"]:
        if b["type"] == "FactSet":
            parts += [f"{f['title']}: {f['value']}" for f in b["facts"]]
    parts += [a["url"] for a in card.get("actions", [])]
    return "\n".join(parts)


def fact(post: dict, title: str) -> str:
    card = post["attachments"][0]["content"]
    facts = next(b for b in card["body"] if b["type"] == "FactSet")["facts"]
    return next(f["value"] for f in facts if f["title"] == title)

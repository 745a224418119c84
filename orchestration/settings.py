"""Every setting of naravard (README's configuration table, docs/operations.md,
docs/data_quality.md), read from the environment here and nowhere else.

An entry point reads them once: the CLI in `main`, the code location in
`orchestration/definitions.py`. From there they travel as values: the CLI
passes a `Settings`, and assets, checks and sensors get them as Dagster
resources built from it (`orchestration/defs/resources.py`). dbt is handed
what it needs on its command line (`orchestration/dbt_cli.py`).

The one exception is the partitions' first month: Dagster needs the
partitions definition when the modules that declare the assets are imported,
so `orchestration/partitions.py` reads it through `first_month_from_env`,
the same reader and default `Settings.first_month` uses.
"""
from __future__ import annotations

import dataclasses
import logging
import os
import socket
from dataclasses import dataclass
from pathlib import Path

from orchestration.paths import DEFAULT_DATA_DIR, PROJECT_ROOT

log = logging.getLogger(__name__)

# The demo key is public (it is in this file). It is fine for demo data and
# refused in production, where a leaked key would let anyone re-identify
# pseudonyms by hashing candidate personnummer.
DEMO_PSEUDONYM_KEY = "naravard-demo-key-not-for-production"
# The values of NARAVARD_ENV (README, docs/security.md). Anything else is a typo
# that must not quietly mean "not production" (NARAVARD_ENV=production).
ENVIRONMENTS = ("dev", "prod")
# In prod the key must be at least this many bytes (UTF-8): HMAC-SHA256's own strength.
MIN_PROD_KEY_BYTES = 32
# Reporting months, schedules and delivery deadlines are Swedish time.
TIMEZONE = "Europe/Stockholm"
DEFAULT_FIRST_MONTH = "2023-01"
# dbt's DuckDB: spills to disk beyond this instead of taking 80 % of the machine
# (it did: 7 GB on region-scale demo data). 4GB builds one national month
# (docs/decisions.md, docs/benchmarks.md).
DEFAULT_DUCKDB_MEMORY_LIMIT = "4GB"
# How much memory DuckDB may take while loading one file: what it needs beyond goes
# to its temp directory, so the memory of a load does not grow with the file.
DEFAULT_INGEST_MEMORY_LIMIT = "2GB"
# A month's file is late after this day of the following month.
DEFAULT_LATE_DAY = 15
# A landing file must be this old before the sensor takes it (a sender may still be copying).
DEFAULT_SETTLE_SECONDS = 60
# More than this share of a delivery's rows set aside means something systematic
# broke (a changed date format, shifted columns): the month would reach the marts
# with a hole in it, so the raw check fails with ERROR.
DEFAULT_MAX_SET_ASIDE_SHARE = 0.05
# Validation pages kept in the Data Docs per suite (older ones are pruned).
DEFAULT_KEEP_VALIDATIONS = 10
WEBHOOK_KINDS = ("teams", "slack")

# A process that reads the settings more than once (the tests, a tool) says the
# demo-key warning once, or it drowns everything else on the console.
_demo_key_warned = False

_TRUE = {"1", "true", "yes", "on", "ja"}
_FALSE = {"0", "false", "no", "off", "nej", ""}


class ConfigurationError(RuntimeError):
    pass


# The variables that hold secrets: given to Dagster by name when set (Settings.env_secrets).
SECRET_VARIABLES = ("NARAVARD_PSEUDONYM_KEY", "NARAVARD_ALERT_WEBHOOK_URL", "NARAVARD_SMTP_PASSWORD")


def _text(name: str, default: str = "") -> str:
    return (os.environ.get(name) or "").strip() or default


def _path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default.resolve()


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


def _int(name: str, default: int, lo: int, hi: int) -> int:
    raw = _text(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name}={raw!r}: expected a whole number") from None
    if not lo <= value <= hi:
        raise ConfigurationError(f"{name}={value}: expected {lo}..{hi}")
    return value


def first_month_from_env() -> str:
    """NARAVARD_FIRST_MONTH: the first reporting month (the partitions' start)."""
    return _text("NARAVARD_FIRST_MONTH", DEFAULT_FIRST_MONTH)


@dataclass(frozen=True)
class AlertSettings:
    """Where alerts go (docs/operations.md). Nothing configured is valid: alerts are then only logged.

    NARAVARD_ALERT_WEBHOOK_URL    incoming webhook of a Teams channel (Workflows) or Slack
    NARAVARD_ALERT_WEBHOOK_KIND   teams | slack (default: slack when the URL is hooks.slack.com, else teams)
    NARAVARD_SMTP_HOST / _PORT    mail relay (port 25 by default); no host = no e-mail
    NARAVARD_SMTP_STARTTLS        true to upgrade the connection with STARTTLS (default false)
    NARAVARD_SMTP_USER / _PASSWORD  optional login at the relay
    NARAVARD_ALERT_EMAIL_TO       one or more addresses, comma-separated
    NARAVARD_ALERT_EMAIL_FROM     sender (default naravard@<host name>)
    NARAVARD_ALERT_ON_WARN        true = also alert on WARN checks (registration gaps); default false
    NARAVARD_UI_URL               base URL of the Dagster UI for run links (default http://127.0.0.1:3000)
    """

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
    def from_env(cls, datadocs_dir: Path | None = None) -> "AlertSettings":
        url = _text("NARAVARD_ALERT_WEBHOOK_URL") or None
        kind = _text("NARAVARD_ALERT_WEBHOOK_KIND").lower()
        if not kind:
            kind = "slack" if url and "hooks.slack.com" in url else "teams"
        if kind not in WEBHOOK_KINDS:
            raise ConfigurationError(f"NARAVARD_ALERT_WEBHOOK_KIND={kind!r}: expected teams or slack")
        port = _text("NARAVARD_SMTP_PORT", "25")
        if not port.isdigit():
            raise ConfigurationError(f"NARAVARD_SMTP_PORT={port!r}: expected a port number")
        if datadocs_dir is None:
            datadocs_dir = _path("NARAVARD_DATADOCS_DIR", _data_dir() / "datadocs")
        return cls(
            webhook_url=url,
            webhook_kind=kind,
            smtp_host=_text("NARAVARD_SMTP_HOST") or None,
            smtp_port=int(port),
            smtp_starttls=env_flag("NARAVARD_SMTP_STARTTLS", False),
            smtp_user=os.environ.get("NARAVARD_SMTP_USER") or None,
            smtp_password=os.environ.get("NARAVARD_SMTP_PASSWORD") or None,
            email_to=tuple(a.strip() for a in _text("NARAVARD_ALERT_EMAIL_TO").split(",") if a.strip()),
            email_from=_text("NARAVARD_ALERT_EMAIL_FROM") or f"naravard@{socket.gethostname()}",
            alert_on_warn=env_flag("NARAVARD_ALERT_ON_WARN", False),
            ui_url=_text("NARAVARD_UI_URL", "http://127.0.0.1:3000"),
            datadocs_index=datadocs_dir / "index.html",
        )


@dataclass(frozen=True)
class AutomationSettings:
    """The schedules, sensors and the late-delivery rule (docs/operations.md).

    NARAVARD_LATE_DAY               a month's file is late after this day of the following month (default 15)
    NARAVARD_MONTHLY_CRON           the monthly marts-and-publish run (default: 06:00 the day after
                                    NARAVARD_LATE_DAY, Europe/Stockholm)
    NARAVARD_LANDING_SETTLE_SECONDS a landing file must be this old before the sensor takes it (default 60)
    """

    late_day: int = DEFAULT_LATE_DAY
    monthly_cron: str = f"0 6 {DEFAULT_LATE_DAY + 1} * *"
    settle_seconds: int = DEFAULT_SETTLE_SECONDS

    @classmethod
    def from_env(cls) -> "AutomationSettings":
        # Day 27 at most: every month has the day after it, where the monthly run goes.
        late_day = _int("NARAVARD_LATE_DAY", DEFAULT_LATE_DAY, 1, 27)
        # The monthly run comes the morning after the delivery deadline: it publishes
        # everything that arrived in time, and its late-delivery check names what did not.
        return cls(
            late_day=late_day,
            monthly_cron=_text("NARAVARD_MONTHLY_CRON") or f"0 6 {late_day + 1} * *",
            settle_seconds=_int("NARAVARD_LANDING_SETTLE_SECONDS", DEFAULT_SETTLE_SECONDS, 0, 86_400),
        )


def _data_dir() -> Path:
    return _path("NARAVARD_DATA_DIR", DEFAULT_DATA_DIR)


@dataclass(frozen=True)
class Settings:
    landing_dir: Path
    warehouse: Path
    serving_dir: Path
    archive_dir: Path
    datadocs_dir: Path
    dagster_home: Path
    pseudonym_key: str
    env: str
    first_month: str = DEFAULT_FIRST_MONTH
    suppression_threshold: int = 5
    duckdb_memory_limit: str = DEFAULT_DUCKDB_MEMORY_LIMIT
    ingest_memory_limit: str = DEFAULT_INGEST_MEMORY_LIMIT
    # The data-quality checks that run in Python (the dbt thresholds are dbt vars), docs/data_quality.md.
    max_set_aside_share: float = DEFAULT_MAX_SET_ASIDE_SHARE
    keep_validations: int = DEFAULT_KEEP_VALIDATIONS
    # Progress lines of long work (orchestration/progress.py): NARAVARD_PROGRESS=off, NARAVARD_PROGRESS_SECONDS.
    progress_off: bool = False
    progress_seconds: float = 10.0
    automation: AutomationSettings = AutomationSettings()
    alerts: AlertSettings | None = None
    # The secrets (by variable name) whose value came from the environment: Dagster then
    # gets them as dg.EnvVar (orchestration/defs/resources.py), so its UI shows the name,
    # never the value. A Settings made by hand (the tests) holds its values plainly.
    env_secrets: frozenset[str] = frozenset()

    @property
    def using_demo_key(self) -> bool:
        return self.pseudonym_key == DEMO_PSEUDONYM_KEY

    @classmethod
    def from_env(cls, check_key: bool = True) -> "Settings":
        """check_key=False: for a tool that reads a setting but handles no personal data (the benchmark's
        report of the memory limit), so it neither warns about the demo key nor refuses it."""
        data = _data_dir()
        env = _text("NARAVARD_ENV", "dev").lower()
        if env not in ENVIRONMENTS:
            raise ConfigurationError(
                f"NARAVARD_ENV={os.environ['NARAVARD_ENV']!r} is not one of {', '.join(ENVIRONMENTS)} "
                "(README, docs/security.md); set NARAVARD_ENV=prod for production.")
        datadocs = _path("NARAVARD_DATADOCS_DIR", data / "datadocs")
        settings = cls(
            landing_dir=_path("NARAVARD_LANDING_DIR", data / "landing"),
            warehouse=_path("NARAVARD_WAREHOUSE", data / "warehouse" / "naravard.duckdb"),
            serving_dir=_path("NARAVARD_SERVING_DIR", data / "serving"),
            archive_dir=_path("NARAVARD_ARCHIVE_DIR", data / "archive"),
            datadocs_dir=datadocs,
            dagster_home=_path("DAGSTER_HOME", PROJECT_ROOT / "dagster_home"),
            pseudonym_key=os.environ.get("NARAVARD_PSEUDONYM_KEY") or DEMO_PSEUDONYM_KEY,
            env=env,
            first_month=first_month_from_env(),
            suppression_threshold=int(_text("NARAVARD_SUPPRESSION_THRESHOLD", "5")),
            duckdb_memory_limit=_text("NARAVARD_DUCKDB_MEMORY_LIMIT", DEFAULT_DUCKDB_MEMORY_LIMIT),
            ingest_memory_limit=_text("NARAVARD_INGEST_MEMORY_LIMIT", DEFAULT_INGEST_MEMORY_LIMIT),
            max_set_aside_share=float(_text("NARAVARD_DQ_MAX_SET_ASIDE_SHARE", str(DEFAULT_MAX_SET_ASIDE_SHARE))),
            keep_validations=int(_text("NARAVARD_DATADOCS_KEEP", str(DEFAULT_KEEP_VALIDATIONS))),
            progress_off=_text("NARAVARD_PROGRESS").lower() in ("off", "0", "false", "no"),
            progress_seconds=float(_text("NARAVARD_PROGRESS_SECONDS", "10")),
            automation=AutomationSettings.from_env(),
            alerts=AlertSettings.from_env(datadocs),
            env_secrets=frozenset(name for name in SECRET_VARIABLES if os.environ.get(name)),
        )
        if check_key:
            settings.check_key()
        return settings

    def check_key(self) -> None:
        global _demo_key_warned
        too_short = len(self.pseudonym_key.encode("utf-8")) < MIN_PROD_KEY_BYTES
        if self.env == "prod" and not self.using_demo_key and too_short:
            raise ConfigurationError(
                f"NARAVARD_ENV=prod but NARAVARD_PSEUDONYM_KEY is shorter than {MIN_PROD_KEY_BYTES} bytes. "
                "Set a secret key of at least 32 random bytes; see docs/security.md.")
        if not self.using_demo_key:
            return
        if self.env == "prod":
            raise ConfigurationError(
                "NARAVARD_ENV=prod but NARAVARD_PSEUDONYM_KEY is not set (or is the public demo key). "
                "Set a secret key of at least 32 random bytes; see docs/security.md."
            )
        if _demo_key_warned:
            return
        _demo_key_warned = True
        log.warning(
            "!!! Using the PUBLIC DEMO pseudonym key. Pseudonyms made with it can be reversed by anyone. "
            "Set NARAVARD_PSEUDONYM_KEY before loading real personal data. !!!"
        )

    def without_key(self) -> dict[str, str]:
        """Every setting but the key, as text: what the outputs are made from besides the
        code and the data (orchestration/uptodate.py). The key acts on new deliveries only."""
        return {f.name: str(getattr(self, f.name)) for f in dataclasses.fields(self)
                if f.name not in ("pseudonym_key", "env_secrets")}


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a child process (dbt, a pipeline the benchmark starts):
    this process's, telemetry off, plus `extra`."""
    quiet = {"DAGSTER_DISABLE_TELEMETRY": "1", "DO_NOT_TRACK": "1", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
             "GX_ANALYTICS_ENABLED": "False"}
    return {**quiet, **os.environ, **(extra or {})}


def quiet_telemetry() -> None:
    """Nothing here may wait on the network: switch off every tool's telemetry (process set-up)."""
    os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

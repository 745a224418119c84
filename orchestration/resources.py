"""The Dagster resources: where the data lies and how it is handled, built from
`Settings` (orchestration/defs/resources.py) and handed to assets, checks and
sensors by name, the way dagster-io's project_etl_tutorial passes its DuckDBResource.

    warehouse      the DuckDB warehouse, one writer at a time (below)
    landing        the landing folder, and when a delivery is due or settled
    archive        every delivery as received
    serving        the serving folder and the disclosure threshold it is published with
    pseudonym_key  the key that pseudonymises personnummer
    quality        the Data Docs folder and the Python checks' thresholds
    progress       progress lines of long work
    alerting       where alerts go

Secrets (the key, the webhook URL, the SMTP password) are given as dg.EnvVar
when they come from the environment, so the Dagster UI shows the variable's
name, never its value (orchestration/defs/resources.py).

DuckDB allows a single writer process. Runs use the in-process executor, so
steps never write concurrently inside a run; a lock held by another process
(a second run, an analyst with the file open) is retried with backoff before
the step fails with a clear message.
"""
from __future__ import annotations

import contextlib
import time
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.progress import Progress
from orchestration.settings import (
    DEFAULT_INGEST_MEMORY_LIMIT,
    DEFAULT_KEEP_VALIDATIONS,
    DEFAULT_LATE_DAY,
    DEFAULT_MAX_SET_ASIDE_SHARE,
    DEFAULT_SETTLE_SECONDS,
    AlertSettings,
)


class WarehouseBusy(RuntimeError):
    pass


class WarehouseDamaged(dg.Failure):
    """The warehouse file exists but DuckDB cannot open it (cut short, overwritten). Not retried:
    waiting does not mend a file. The way out is a rebuild from the archive."""

    def __init__(self, path: Path):
        super().__init__(
            description=f"The warehouse {path} is damaged (cut short or not a DuckDB file) and cannot be opened. "
            "Recreate it from the archive with `naravard rebuild` (the damaged file is kept beside it); "
            "see docs/security.md.", allow_retries=False)


def connect_with_retry(path: Path, attempts: int = 6, first_wait: float = 0.5, read_only: bool = False):
    path.parent.mkdir(parents=True, exist_ok=True)
    wait = first_wait
    for attempt in range(1, attempts + 1):
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as e:
            if "lock" not in str(e).lower():
                # "Could not read enough bytes", "not a valid DuckDB database file": the file, not a lock.
                if path.exists():
                    raise WarehouseDamaged(path) from e
                raise
            if attempt == attempts:
                raise WarehouseBusy(
                    f"The warehouse {path} is locked by another process ({e}). DuckDB allows one writer: "
                    "wait for the other run to finish, or point BI tools at the serving copy instead."
                ) from e
            time.sleep(wait)
            wait *= 2
        except (duckdb.SerializationException, duckdb.InternalException) as e:
            raise WarehouseDamaged(path) from e
    raise AssertionError("unreachable")


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse (NARAVARD_WAREHOUSE), and how much memory loading one file may take."""

    path: str
    ingest_memory_limit: str = DEFAULT_INGEST_MEMORY_LIMIT

    def resolved_path(self) -> Path:
        return Path(self.path)

    @contextlib.contextmanager
    def connect(self, read_only: bool = False):
        con = connect_with_retry(self.resolved_path(), read_only=read_only)
        try:
            yield con
        finally:
            con.close()


class LandingResource(dg.ConfigurableResource):
    """The landing folder (NARAVARD_LANDING_DIR) and the calendar of its deliveries: the first
    reporting month, the day a month's file is late, how long a file must lie still before the
    sensor takes it, and the environment (in prod the demo's COVERAGE.json is not trusted)."""

    path: str
    first_month: str
    late_day: int = DEFAULT_LATE_DAY
    settle_seconds: int = DEFAULT_SETTLE_SECONDS
    env: str = "dev"

    @property
    def dir(self) -> Path:
        return Path(self.path)


class ArchiveResource(dg.ConfigurableResource):
    """Every delivery as received (NARAVARD_ARCHIVE_DIR), the system of record."""

    path: str

    @property
    def dir(self) -> Path:
        return Path(self.path)


class ServingResource(dg.ConfigurableResource):
    """The serving folder BI tools read (NARAVARD_SERVING_DIR) and the disclosure threshold
    (NARAVARD_SUPPRESSION_THRESHOLD) of what is published there and of the marts' contract."""

    path: str
    suppression_threshold: int

    @property
    def dir(self) -> Path:
        return Path(self.path)


class PseudonymKeyResource(dg.ConfigurableResource):
    """The key that pseudonymises personnummer (NARAVARD_PSEUDONYM_KEY; checked by Settings)."""

    key: str


class QualityResource(dg.ConfigurableResource):
    """The Data Docs folder (NARAVARD_DATADOCS_DIR, pruned to keep_validations pages per suite) and
    the share of a delivery's rows that may be set aside before the raw check fails with ERROR."""

    datadocs_dir: str
    max_set_aside_share: float = DEFAULT_MAX_SET_ASIDE_SHARE
    keep_validations: int = DEFAULT_KEEP_VALIDATIONS

    @property
    def docs(self) -> Path:
        return Path(self.datadocs_dir)


class ProgressResource(dg.ConfigurableResource):
    """Progress lines of long work (orchestration/progress.py): NARAVARD_PROGRESS, NARAVARD_PROGRESS_SECONDS."""

    off: bool = False
    seconds: float = 10.0

    def start(self, label: str, total: int | None = None, unit: str = "") -> Progress:
        return Progress(label, total=total, unit=unit, off=self.off, seconds=self.seconds)


class AlertingResource(dg.ConfigurableResource):
    """Where alerts go (AlertSettings: NARAVARD_ALERT_*, NARAVARD_SMTP_*, NARAVARD_UI_URL)."""

    webhook_url: str | None = None
    webhook_kind: str = "teams"
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_starttls: bool = False
    smtp_user: str | None = None
    smtp_password: str | None = None
    email_to: list[str] = []
    email_from: str = "naravard@localhost"
    alert_on_warn: bool = False
    ui_url: str = "http://127.0.0.1:3000"
    datadocs_index: str = ""

    def settings(self) -> AlertSettings:
        return AlertSettings(
            webhook_url=self.webhook_url, webhook_kind=self.webhook_kind, smtp_host=self.smtp_host,
            smtp_port=self.smtp_port, smtp_starttls=self.smtp_starttls, smtp_user=self.smtp_user,
            smtp_password=self.smtp_password, email_to=tuple(self.email_to), email_from=self.email_from,
            alert_on_warn=self.alert_on_warn, ui_url=self.ui_url, datadocs_index=Path(self.datadocs_index))

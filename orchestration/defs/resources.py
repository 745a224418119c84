"""The resources of every run, built from one Settings (orchestration/resources.py has the classes).

Secrets are handed to Dagster as dg.EnvVar when they came from the environment
(Settings.from_env read and checked them there): the UI's resource page then
shows the variable's name, never the key, the webhook's token or a password.
"""
from __future__ import annotations

import dagster as dg

from orchestration.dbt_cli import dbt_resource
from orchestration.resources import (
    AlertingResource,
    ArchiveResource,
    LandingResource,
    ProgressResource,
    PseudonymKeyResource,
    QualityResource,
    ServingResource,
    WarehouseResource,
)
from orchestration.settings import AlertSettings, Settings


def _secret(name: str, value: str | None, env_secrets: frozenset[str]):
    """The secret by its variable's name when it came from the environment, else as given."""
    if not value:
        return None
    return dg.EnvVar(name) if name in env_secrets else value


def alerting_resource(a: AlertSettings, env_secrets: frozenset[str] = frozenset()) -> AlertingResource:
    return AlertingResource(
        webhook_url=_secret("NARAVARD_ALERT_WEBHOOK_URL", a.webhook_url, env_secrets), webhook_kind=a.webhook_kind,
        smtp_host=a.smtp_host, smtp_port=a.smtp_port, smtp_starttls=a.smtp_starttls, smtp_user=a.smtp_user,
        smtp_password=_secret("NARAVARD_SMTP_PASSWORD", a.smtp_password, env_secrets), email_to=list(a.email_to),
        email_from=a.email_from, alert_on_warn=a.alert_on_warn, ui_url=a.ui_url,
        datadocs_index=str(a.datadocs_index))


def resources_from(settings: Settings) -> dict[str, dg.ConfigurableResource]:
    """Every resource the assets, checks and sensors ask for by name."""
    return {
        "warehouse": WarehouseResource(path=str(settings.warehouse), ingest_memory_limit=settings.ingest_memory_limit),
        "landing": LandingResource(path=str(settings.landing_dir), first_month=settings.first_month,
                                   late_day=settings.automation.late_day,
                                   settle_seconds=settings.automation.settle_seconds, env=settings.env),
        "archive": ArchiveResource(path=str(settings.archive_dir)),
        "serving": ServingResource(path=str(settings.serving_dir),
                                   suppression_threshold=settings.suppression_threshold),
        # The public demo key is no secret; a key from the environment goes by its name.
        "pseudonym_key": PseudonymKeyResource(
            key=settings.pseudonym_key if settings.using_demo_key
            else _secret("NARAVARD_PSEUDONYM_KEY", settings.pseudonym_key, settings.env_secrets)),
        "quality": QualityResource(datadocs_dir=str(settings.datadocs_dir),
                                   max_set_aside_share=settings.max_set_aside_share,
                                   keep_validations=settings.keep_validations),
        "progress": ProgressResource(off=settings.progress_off, seconds=settings.progress_seconds),
        # A Settings made by hand has no alerts: they are then only logged.
        "alerting": (alerting_resource(settings.alerts, settings.env_secrets) if settings.alerts
                     else AlertingResource(datadocs_index=str(settings.datadocs_dir / "index.html"))),
        "dbt": dbt_resource(settings),
    }

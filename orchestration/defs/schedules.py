"""The jobs and the schedule.

naravard_full     everything, in dependency order: ingest the months of the run's partition range,
                  build and test the models, publish (`naravard run`, the landing sensor's runs)
naravard_monthly  the monthly run: marts, checks and publishing, on a cron in Swedish time

Ingestion is the landing sensor's job (a run per delivery); the monthly run
rebuilds what depends on the calendar and on all sources together: every dbt
model and test, the data-quality checks, the late-delivery check, the serving
copy and the report. By default it runs at 06:00 the day after the delivery
deadline (NARAVARD_LATE_DAY + 1), so it publishes what arrived in time and its
late-delivery check names what did not. NARAVARD_MONTHLY_CRON overrides it.
"""
from __future__ import annotations

import dagster as dg

from orchestration.automation.landing_sensor import TARGET_JOB
from orchestration.defs.ingest import ingest_assets, landing_inventory
from orchestration.settings import TIMEZONE

MONTHLY_JOB = "naravard_monthly"

full_pipeline_job = dg.define_asset_job(
    TARGET_JOB,
    selection=dg.AssetSelection.all(),
    description="Ingest the landing folder, build all dbt models and tests, publish the serving copy.",
)

_ingestion = dg.AssetSelection.assets(*ingest_assets, landing_inventory)

monthly_job = dg.define_asset_job(
    MONTHLY_JOB,
    selection=dg.AssetSelection.all() - _ingestion,
    description="Build all dbt models and tests, run the data-quality and late-delivery checks, publish the "
    "serving copy and the report (no ingestion: the landing sensor loads deliveries as they arrive).",
)


def monthly_schedule(cron: str) -> dg.ScheduleDefinition:
    """The schedule on `cron` (Settings.automation.monthly_cron: NARAVARD_MONTHLY_CRON or the day after
    NARAVARD_LATE_DAY)."""
    return dg.ScheduleDefinition(
        name="monthly_publish",
        job=monthly_job,
        cron_schedule=cron,
        execution_timezone=TIMEZONE,
        default_status=dg.DefaultScheduleStatus.STOPPED,
        tags={"naravard/trigger": "schedule"},  # also put on its runs (no execution_fn)
        description="The monthly marts, checks and publishing run (default 06:00 Europe/Stockholm the day after "
        "the delivery deadline NARAVARD_LATE_DAY).",
    )


jobs = [full_pipeline_job, monthly_job]

"""The Dagster definitions of the naravard code location, built from one Settings."""
from __future__ import annotations

import dagster as dg

from orchestration.automation import automation_assets, automation_jobs, automation_sensors
from orchestration.automation.schedules import monthly_schedule
from orchestration.defs.resources import resources_from
from orchestration.ingest.assets import ingest_assets, landing_inventory
from orchestration.privacy_asset import privacy_scan
from orchestration.publish.asset import serving_copy
from orchestration.quality import quality_checks
from orchestration.report.asset import rapport
from orchestration.settings import Settings
from orchestration.transform import naravard_dbt_assets

# Everything, in dependency order: ingest the months of the run's partition
# range, build and test the models, publish.
full_pipeline_job = dg.define_asset_job(
    "naravard_full",
    selection=dg.AssetSelection.all(),
    description="Ingest the landing folder, build all dbt models and tests, publish the serving copy.",
)


def build_definitions(settings: Settings) -> dg.Definitions:
    return dg.Definitions(
        assets=[landing_inventory, *ingest_assets, naravard_dbt_assets, serving_copy, rapport, privacy_scan,
                *automation_assets],
        asset_checks=quality_checks,
        jobs=[full_pipeline_job, *automation_jobs],
        schedules=[monthly_schedule(settings.automation.monthly_cron)],
        sensors=automation_sensors,
        resources=resources_from(settings),
        # DuckDB has one writer; the multiprocess executor also costs 5-7 s per
        # step on two cores. Steps run one after another in-process.
        executor=dg.in_process_executor,
    )

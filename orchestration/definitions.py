"""The one Definitions object of the naravard code location."""
from __future__ import annotations

import dagster as dg

from orchestration.settings import Settings, quiet_telemetry

quiet_telemetry()
Settings.from_env().export()  # absolute paths for dbt and child processes

from orchestration.automation import (  # noqa: E402  (schedules, sensors, alerts: docs/operations.md)
    automation_assets,
    automation_jobs,
    automation_schedules,
    automation_sensors,
)
from orchestration.ingest.assets import ingest_assets, landing_inventory  # noqa: E402
from orchestration.privacy_asset import privacy_scan  # noqa: E402
from orchestration.publish import serving_copy  # noqa: E402
from orchestration.quality import quality_checks  # noqa: E402
from orchestration.report.asset import rapport  # noqa: E402
from orchestration.resources import WarehouseResource  # noqa: E402
from orchestration.transform import dbt_resource, naravard_dbt_assets  # noqa: E402

# Everything, in dependency order: ingest the months of the run's partition
# range, build and test the models, publish.
full_pipeline_job = dg.define_asset_job(
    "naravard_full",
    selection=dg.AssetSelection.all(),
    description="Ingest the landing folder, build all dbt models and tests, publish the serving copy.",
)

defs = dg.Definitions(
    assets=[landing_inventory, *ingest_assets, naravard_dbt_assets, serving_copy, rapport, privacy_scan,
            *automation_assets],
    asset_checks=quality_checks,
    jobs=[full_pipeline_job, *automation_jobs],
    schedules=automation_schedules,
    sensors=automation_sensors,
    resources={"warehouse": WarehouseResource(), "dbt": dbt_resource()},
    # DuckDB has one writer; the multiprocess executor also costs 5-7 s per
    # step on two cores (DESIGN.md). Steps run one after another in-process.
    executor=dg.in_process_executor,
)

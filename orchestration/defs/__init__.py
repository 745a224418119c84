"""The Dagster definitions of the naravard code location, one module per kind:

ingest.py     raw/<extract> (partitioned by month), raw/landing_inventory, raw/_late_deliveries
dbt.py        the dbt models and tests (@dbt_assets from the prepared manifest)
quality.py    the data-quality asset checks (GX suites, deliveries, the findings mart)
serving.py    serving/naravard, serving/rapport, serving/integritetskontroll
sensors.py    landing_files, alerts_failed_checks, alerts_failed_runs
schedules.py  the jobs naravard_full and naravard_monthly, the schedule monthly_publish
resources.py  the resources, built from one Settings

`build_definitions(settings)` merges them. orchestration/definitions.py calls it
for the code location (`dagster dev`, the daemon); the CLI calls it with its own
settings. The modules that do the work (ingest/, publish/, quality/, ...) never
import this package: the arrows point from here to them.
"""
from __future__ import annotations

import dagster as dg

from orchestration.defs import dbt, ingest, quality, schedules, sensors, serving
from orchestration.defs.resources import resources_from
from orchestration.settings import Settings


def build_definitions(settings: Settings) -> dg.Definitions:
    return dg.Definitions(
        assets=[ingest.landing_inventory, *ingest.ingest_assets, ingest.late_deliveries, dbt.naravard_dbt_assets,
                serving.serving_copy, serving.rapport, serving.privacy_scan],
        asset_checks=quality.quality_checks,
        jobs=schedules.jobs,
        schedules=[schedules.monthly_schedule(settings.automation.monthly_cron)],
        sensors=sensors.sensors,
        resources=resources_from(settings),
        # DuckDB has one writer; the multiprocess executor also costs 5-7 s per
        # step on two cores. Steps run one after another in-process.
        executor=dg.in_process_executor,
    )

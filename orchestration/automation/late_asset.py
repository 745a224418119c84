"""raw/_late_deliveries: the late-delivery rule as an asset, with the check that alerts on it.

The check `leveranser_i_tid` fails with ERROR severity when a file is late, so
the alert sensors (and `naravard run`) send an alert by default. It is not
blocking: the months that did arrive are still built and published, a late file
is a reason to call the sender, not to hold back everyone else's figures.

It depends on raw/landing_inventory only, not on the extract assets, so a
blocking failure of one extract's checks does not stop the late-delivery
finding of the same run.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import dagster as dg

from orchestration.automation import coverage, late
from orchestration.ingest import landing as landing_scan
from orchestration.ingest import loading
from orchestration.resources import LandingResource, WarehouseResource
from orchestration.settings import TIMEZONE

LATE_ASSET = dg.AssetKey(["raw", "_late_deliveries"])
CHECK_NAME = "leveranser_i_tid"


def today_in_sweden() -> dt.date:
    return dt.datetime.now(ZoneInfo(TIMEZONE)).date()


@dg.asset(
    key=LATE_ASSET,
    deps=[dg.AssetKey(["raw", "landing_inventory"])],
    group_name="raw",
    kinds={"python", "duckdb"},
    description="raw._late_deliveries: each expected monthly file (every extract, from the first delivered month) "
    "that has not arrived by day NARAVARD_LATE_DAY (15) of the following month. Replaced on every run.",
    check_specs=[dg.AssetCheckSpec(
        CHECK_NAME, asset=LATE_ASSET, blocking=False,
        description="ERROR when an expected monthly file is late (not blocking: what arrived is published). "
        "The late files are in raw._late_deliveries.")],
)
def late_deliveries(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                    landing: LandingResource) -> dg.MaterializeResult:
    auto = landing  # the calendar of deliveries: late_day, first_month
    today = today_in_sweden()
    files = landing_scan.scan(landing.dir)
    arrived = late.arrived_from_landing(files)
    # What the folder holds as deliveries (loaded or set aside); its own notes (DEFECTS.json) do not count.
    delivered = [f.path.relative_to(landing.dir).as_posix() for f in files if f.kind != landing_scan.IGNORED]
    cover, why = coverage.applicable_coverage(landing.dir, delivered, landing.env)
    with warehouse.connect() as con:
        loading.ensure_schema(con)
        arrived |= late.arrived_from_load_log(con)
        found = late.late_deliveries(arrived, today, auto.late_day, landing.first_month, coverage=cover)
        late.write_table(con, found, today)
    counts = {"late_files": len(found), "evaluated_on": today.isoformat(), "late_day": auto.late_day}
    meta = dict(counts, first_delivered_month=min((m for _, m in arrived), default="none"), horizon=why)
    if found:
        summary = late.summarise(found)
        # The alert's "partition": the late months, consecutive ones as ranges.
        counts["failed_partitions"] = late.month_ranges(f.reporting_month for f in found)
        meta["late"] = dg.MetadataValue.md(summary)
        description = (f"{len(found)} expected file(s) not delivered by day {auto.late_day} of the following month: "
                       f"{summary}")
        context.log.error(description)
    else:
        description = f"every expected file up to the last month due by {today.isoformat()} has arrived"
    check = dg.AssetCheckResult(check_name=CHECK_NAME, passed=not found, severity=dg.AssetCheckSeverity.ERROR,
                                description=description[:1500], metadata=counts)
    return dg.MaterializeResult(metadata=meta, check_results=[check])

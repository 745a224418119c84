"""Reporting months as Dagster partitions (one partition = one reporting month)."""
from __future__ import annotations

import os

import dagster as dg

MONTH_FMT = "%Y-%m"


def first_month() -> str:
    return os.environ.get("NARAVARD_FIRST_MONTH", "2023-01")


# end_offset=0: the newest partition is the last *complete* month. A file for
# the running month is early (the month is not over) and is set aside.
monthly_partitions = dg.MonthlyPartitionsDefinition(
    start_date=first_month(), fmt=MONTH_FMT, timezone="Europe/Stockholm", end_offset=0
)


def valid_months() -> list[str]:
    return monthly_partitions.get_partition_keys()

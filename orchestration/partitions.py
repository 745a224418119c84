"""Reporting months as Dagster partitions (one partition = one reporting month)."""
from __future__ import annotations

import warnings

import dagster as dg

from orchestration.settings import TIMEZONE, first_month_from_env

MONTH_FMT = "%Y-%m"

# Dagster needs the partitions when the assets are declared, at import: the one
# setting read then, through settings.py's reader (NARAVARD_FIRST_MONTH).
# end_offset=0: the newest partition is the last *complete* month. A file for
# the running month is early (the month is not over) and is set aside.
monthly_partitions = dg.MonthlyPartitionsDefinition(
    start_date=first_month_from_env(), fmt=MONTH_FMT, timezone=TIMEZONE, end_offset=0
)


# The raw assets load a month range in one step (BackfillPolicy.single_run). The
# parameter is still "beta" in Dagster 1.13 and warns once per asset on every
# import (seven lines in each run); we use it on purpose and the project pins
# Dagster, so exactly that warning is silenced, nothing else.
warnings.filterwarnings("ignore", message=r"Parameter `backfill_policy` of function `asset` is currently in beta",
                        category=dg.BetaWarning)


def valid_months() -> list[str]:
    return monthly_partitions.get_partition_keys()

"""Settings of the schedules, sensors and the late-delivery rule (docs/operations.md).

    NARAVARD_LATE_DAY               a month's file is late after this day of the following month (default 15)
    NARAVARD_MONTHLY_CRON           the monthly marts-and-publish run (default: 06:00 the day after
                                    NARAVARD_LATE_DAY, Europe/Stockholm)
    NARAVARD_LANDING_SETTLE_SECONDS a landing file must be this old before the sensor takes it (default 60)
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from orchestration.settings import ConfigurationError

TIMEZONE = "Europe/Stockholm"
DEFAULT_LATE_DAY = 15
DEFAULT_SETTLE_SECONDS = 60


def _int(name: str, default: int, lo: int, hi: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name}={raw!r}: expected a whole number") from None
    if not lo <= value <= hi:
        raise ConfigurationError(f"{name}={value}: expected {lo}..{hi}")
    return value


@dataclass(frozen=True)
class AutomationSettings:
    late_day: int
    monthly_cron: str
    settle_seconds: int

    @classmethod
    def from_env(cls) -> "AutomationSettings":
        # Day 27 at most: every month has the day after it, where the monthly run goes.
        late_day = _int("NARAVARD_LATE_DAY", DEFAULT_LATE_DAY, 1, 27)
        # The monthly run comes the morning after the delivery deadline: it publishes
        # everything that arrived in time, and its late-delivery check names what did not.
        default_cron = f"0 6 {late_day + 1} * *"
        return cls(
            late_day=late_day,
            monthly_cron=os.environ.get("NARAVARD_MONTHLY_CRON", "").strip() or default_cron,
            settle_seconds=_int("NARAVARD_LANDING_SETTLE_SECONDS", DEFAULT_SETTLE_SECONDS, 0, 86_400),
        )

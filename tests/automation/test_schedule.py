"""The monthly schedule: when it fires (Swedish time) and what its run builds."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import dagster as dg
import pytest
from dagster._utils.schedules import cron_string_iterator

from orchestration.settings import AutomationSettings
from orchestration.settings import ConfigurationError

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture(scope="module")
def defs():
    from orchestration.definitions import defs

    return defs


def test_default_is_06_00_swedish_time_the_day_after_the_deadline(defs, monkeypatch):
    schedule = defs.get_repository_def().get_schedule_def("monthly_publish")
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("0 6 16 * *", "Europe/Stockholm")
    start = dt.datetime(2025, 3, 1, tzinfo=STOCKHOLM).timestamp()
    fires = cron_string_iterator(start, schedule.cron_schedule, schedule.execution_timezone)
    march, april = next(fires), next(fires)
    # Winter time (CET, UTC+1) in March before the 30th, summer time (CEST, UTC+2) in April.
    assert march.astimezone(dt.timezone.utc) == dt.datetime(2025, 3, 16, 5, 0, tzinfo=dt.timezone.utc)
    assert april.astimezone(dt.timezone.utc) == dt.datetime(2025, 4, 16, 4, 0, tzinfo=dt.timezone.utc)

    monkeypatch.setenv("NARAVARD_LATE_DAY", "20")
    assert AutomationSettings.from_env().monthly_cron == "0 6 21 * *"
    monkeypatch.setenv("NARAVARD_MONTHLY_CRON", "30 5 10 * *")
    assert AutomationSettings.from_env().monthly_cron == "30 5 10 * *"
    monkeypatch.setenv("NARAVARD_LATE_DAY", "31")
    with pytest.raises(ConfigurationError, match="NARAVARD_LATE_DAY=31"):
        AutomationSettings.from_env()


def test_the_run_builds_marts_checks_and_publishing_without_ingestion(defs, naravard_env):
    schedule = defs.get_repository_def().get_schedule_def("monthly_publish")
    # Both as context managers: a schedule context left open keeps the instance's
    # defs-state storage installed after the instance is gone, and a later test's
    # Definitions load then fails on a dead weakref.
    with dg.DagsterInstance.get() as instance, dg.build_schedule_context(
            instance=instance, scheduled_execution_time=dt.datetime(2025, 3, 16, 6, 0, tzinfo=STOCKHOLM)) as context:
        [request] = schedule.evaluate_tick(context).run_requests
    assert request.tags["naravard/trigger"] == "schedule"
    assert schedule.job_name == "naravard_monthly"

    job = defs.resolve_job_def("naravard_monthly")
    keys = {k.to_user_string() for k in job.asset_layer.selected_asset_keys}
    assert {"marts/indikatorer", "marts/dq_findings", "serving/naravard", "serving/rapport",
            "raw/_late_deliveries", "reference/vardenheter"} <= keys
    assert not {k for k in keys if k.startswith("raw/") and k != "raw/_late_deliveries"}
    checks = {f"{c.asset_key.to_user_string()}:{c.name}" for c in job.asset_layer.asset_graph.asset_check_keys
              if c.asset_key.to_user_string() in keys}
    assert "raw/_late_deliveries:leveranser_i_tid" in checks


def test_sensors_and_schedule_default_states(defs):
    repo = defs.get_repository_def()
    # Alerting only reads and sends: on from the start. What launches runs is switched on deliberately.
    assert repo.get_sensor_def("alerts_failed_checks").default_status == dg.DefaultSensorStatus.RUNNING
    assert repo.get_sensor_def("alerts_failed_runs").default_status == dg.DefaultSensorStatus.RUNNING
    assert repo.get_sensor_def("landing_files").default_status == dg.DefaultSensorStatus.STOPPED
    assert repo.get_schedule_def("monthly_publish").default_status == dg.DefaultScheduleStatus.STOPPED

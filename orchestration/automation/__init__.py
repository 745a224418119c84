"""Schedules, sensors, the late-delivery rule and the single-writer guard (docs/operations.md).

    from orchestration.automation import automation_assets, automation_jobs, automation_sensors
    from orchestration.automation.schedules import monthly_schedule   # monthly_schedule(cron)

landing_sensor.py  `landing_files`: a run for new or changed landing files (cursor by content hash)
schedules.py       `naravard_monthly` job and the `monthly_publish` schedule (Europe/Stockholm)
late.py            the late-delivery rule (a pure function) and raw._late_deliveries
late_asset.py      raw/_late_deliveries with its check `leveranser_i_tid` (ERROR, not blocking)
alert_sensors.py   `alerts_failed_checks` and `alerts_failed_runs` (orchestration/alerts sends)
concurrency.py     one writer: what `naravard run` checks in the instance before it starts
(NARAVARD_LATE_DAY, NARAVARD_MONTHLY_CRON, NARAVARD_LANDING_SETTLE_SECONDS: AutomationSettings in
orchestration/settings.py, reaching the assets and sensors as the `landing` resource)
"""
from orchestration.automation.alert_sensors import failed_check_alerts, failed_run_alerts
from orchestration.automation.landing_sensor import landing_files_sensor
from orchestration.automation.late_asset import late_deliveries
from orchestration.automation.schedules import monthly_job

automation_assets = [late_deliveries]
automation_jobs = [monthly_job]
automation_sensors = [landing_files_sensor, failed_check_alerts, failed_run_alerts]

__all__ = ["automation_assets", "automation_jobs", "automation_sensors"]

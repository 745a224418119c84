"""What the schedules and sensors decide, and the single-writer guard (docs/operations.md).
The sensors, the schedule and the late-delivery asset are declared in orchestration/defs/.

landing_sensor.py  what changed in the landing folder (cursor by content hash) and the run it asks for
late.py            the late-delivery rule (a pure function) and raw._late_deliveries
coverage.py        the demo's COVERAGE.json: which months a landing folder is meant to cover
concurrency.py     one writer: what `naravard run` checks in the instance before it starts

NARAVARD_LATE_DAY, NARAVARD_MONTHLY_CRON and NARAVARD_LANDING_SETTLE_SECONDS are
AutomationSettings in orchestration/settings.py; they reach the assets and the
sensor as the `landing` resource, and the schedule as its cron.
"""

"""The sensors: new landing files, and the daemon's alerting on failed checks and failed runs.

landing_files         a run for new or changed landing files (cursor by content hash;
                      the plan is orchestration/automation/landing_sensor.py)

alerts_failed_checks  reads the check evaluations of runs that have finished
                      since its cursor and alerts on the failed ones. Needed
                      because a failed check does not fail its run unless it is
                      blocking (dagster#29896): a run-failure sensor alone would
                      never hear of a WARN or non-blocking ERROR check.
alerts_failed_runs    Dagster's run-failure sensor: one message per failed run.

Both watch every run of the instance (also `naravard run`'s in-process runs,
which belong to no code location) and send through orchestration.alerts.alert_run,
which sends each (run, check) once: the CLI's own alerting and these sensors
never repeat each other. Both are on by default: they only read and send.
"""

import datetime as dt
import json
import time

import dagster as dg

from orchestration.alerts import alert_run
from orchestration.automation.landing_sensor import TARGET_JOB, plan, read_cursor, run_request, write_cursor
from orchestration.masking import mask
from orchestration.resources import AlertingResource, LandingResource

# Runs are re-read this long after the cursor: a run whose last update was
# committed just as the previous tick read is not missed. Sending stays exactly
# once: alert_run remembers what it sent on the run.
OVERLAP_SECONDS = 120
RUNS_PER_TICK = 100
FINISHED = [dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED]


def _cursor(text: str | None) -> float | None:
    return json.loads(text)["after"] if text else None


@dg.sensor(
    name="alerts_failed_checks",
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Alerts (Teams/Slack webhook, e-mail) on failed asset checks of finished runs: ERROR always, WARN "
    "when NARAVARD_ALERT_ON_WARN=true. One message per check and run.",
)
def failed_check_alerts(context: dg.SensorEvaluationContext, alerting: AlertingResource) -> dg.SkipReason:
    after = _cursor(context.cursor)
    if after is None:
        # First tick: alert on runs that finish from now on, not on the whole history.
        context.update_cursor(json.dumps({"after": time.time()}))
        return dg.SkipReason("started: alerting on check evaluations of runs that finish from now on")
    settings = alerting.settings()
    records = context.instance.get_run_records(
        filters=dg.RunsFilter(statuses=FINISHED,
                              updated_after=dt.datetime.fromtimestamp(after - OVERLAP_SECONDS, tz=dt.timezone.utc)),
        order_by="update_timestamp", ascending=True, limit=RUNS_PER_TICK)
    sent = []
    for rec in records:
        sent += alert_run(context.instance, rec.dagster_run.run_id, settings, run_failure=False)
        after = max(after, rec.update_timestamp.timestamp())
    context.update_cursor(json.dumps({"after": after}))
    for alert, deliveries in sent:
        how = ", ".join(f"{d.channel} {'ok' if d.ok else 'FAILED: ' + d.detail}" for d in deliveries) or "logged only"
        context.log.info(f"alert for run {alert.run_id}: {alert.title} ({how})")
    return dg.SkipReason(f"{len(sent)} alert(s) sent for {len(records)} finished run(s)")


@dg.run_failure_sensor(
    name="alerts_failed_runs",
    monitor_all_code_locations=True,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Alerts (Teams/Slack webhook, e-mail) when a run fails, naming the failed steps.",
)
def failed_run_alerts(context: dg.RunFailureSensorContext, alerting: AlertingResource) -> None:
    for alert, deliveries in alert_run(context.instance, context.dagster_run.run_id, alerting.settings(),
                                       checks=False):
        how = ", ".join(f"{d.channel} {'ok' if d.ok else 'FAILED: ' + d.detail}" for d in deliveries) or "logged only"
        context.log.info(f"alert: {alert.title} ({how})")


@dg.sensor(
    name="landing_files",
    job_name=TARGET_JOB,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Watches NARAVARD_LANDING_DIR and starts one run for new or changed files (by content hash): "
    "the changed extracts over the changed months, then dbt, checks and publishing.",
)
def landing_files_sensor(context: dg.SensorEvaluationContext, landing: LandingResource) -> dg.SensorResult:
    if not landing.dir.is_dir():
        return dg.SensorResult(skip_reason=f"the landing folder {landing.dir} does not exist",
                               cursor=context.cursor)
    p = plan(landing.dir, read_cursor(context.cursor), time.time(), landing.settle_seconds)
    wait = f"; waiting for {len(p.settling)} file(s) to settle" if p.settling else ""
    if not p.changes:
        return dg.SensorResult(skip_reason="no new or changed file" + wait, cursor=write_cursor(p.cursor))
    context.log.info(f"{len(p.changes)} new or changed file(s) for {p.months[0]}..{p.months[-1]}: "
                     f"{', '.join(mask(c.path) for c in p.changes[:20])}{wait}")
    return dg.SensorResult(run_requests=[run_request(p, context.repository_def.asset_graph)],
                           cursor=write_cursor(p.cursor))


sensors = [landing_files_sensor, failed_check_alerts, failed_run_alerts]

"""One writer: the instance's run queue setting, and what a headless run checks before it starts."""
from __future__ import annotations

import uuid

import dagster as dg
import pytest

from orchestration.automation.concurrency import WarehouseInUse, claim_instance
from orchestration.instance import DAGSTER_YAML, ensure_dagster_home
from orchestration.settings import Settings


def test_dagster_yaml_limits_the_queue_to_one_run_and_is_kept_up_to_date(naravard_env):
    home = naravard_env / "dagster_home"
    cfg = home / "dagster.yaml"
    cfg.unlink()
    ensure_dagster_home(Settings.from_env())
    assert cfg.read_text() == DAGSTER_YAML
    with dg.DagsterInstance.get() as instance:
        assert instance.get_concurrency_config().run_queue_config.max_concurrent_runs == 1

    # Written by an earlier naravard (the mark, without the queue setting): brought up to date.
    cfg.write_text("# Written by naravard. Nothing here may call home.\ntelemetry:\n  enabled: false\n")
    ensure_dagster_home(Settings.from_env())
    assert cfg.read_text() == DAGSTER_YAML

    # The user's own file (no mark) is left alone.
    own = "telemetry:\n  enabled: false\nconcurrency:\n  runs:\n    max_concurrent_runs: 2\n"
    cfg.write_text(own)
    ensure_dagster_home(Settings.from_env())
    assert cfg.read_text() == own


def _started_run(instance, **tags) -> str:
    run = dg.DagsterRun(job_name="naravard_full", run_id=str(uuid.uuid4()), status=dg.DagsterRunStatus.STARTED,
                        tags=tags)
    instance.add_run(run)
    return run.run_id


def test_a_dead_headless_run_is_marked_failed_a_daemon_run_blocks(naravard_env):
    warehouse = Settings.from_env().warehouse
    with dg.DagsterInstance.get() as instance:
        dead = _started_run(instance, **{"naravard/trigger": "cli", "naravard/warehouse": str(warehouse)})
        other = _started_run(instance, **{"naravard/trigger": "backfill", "naravard/warehouse": "/elsewhere.duckdb"})
        assert claim_instance(instance, warehouse) == [dead]
        assert instance.get_run_by_id(dead).status == dg.DagsterRunStatus.FAILURE
        assert instance.get_run_by_id(other).status == dg.DagsterRunStatus.STARTED  # not our warehouse

        daemon = _started_run(instance, **{"naravard/trigger": "sensor"})
        with pytest.raises(WarehouseInUse, match=f"run {daemon} .* is started; it writes the warehouse"):
            claim_instance(instance, warehouse)

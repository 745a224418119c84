"""The headless commands end to end, through the real pipeline and a real Dagster instance:

- `naravard backfill --from 2024-01 --to 2024-02` loads exactly those months;
- `naravard run` on data with one blocking defect and one registration gap sends
  its alerts to a real webhook and a real mail server, once.

Small demo data (scale 0.03, two or three months, no injected gaps): each run
takes about a minute on two cores, most of it dbt.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.defs.sensors import failed_check_alerts
from orchestration.automation.coverage import COVERAGE_NAME
from orchestration.defs.ingest import today_in_sweden
from naravard.cli import main
from naravard.demo import write_demo_data
from orchestration.ingest.schemas import EXTRACTS
from tests.automation.conftest import fact, personnummer_like, teams_text

NARAVARD = str(Path(sys.executable).parent / "naravard")


def _naravard(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([NARAVARD, *args, *(["--log-level", "WARNING"] if args[0] in ("run", "backfill") else [])],
                          env=dict(os.environ), capture_output=True, text=True, timeout=900)


def _instance() -> dg.DagsterInstance:
    return dg.DagsterInstance.get()  # DAGSTER_HOME of naravard_env, the one the CLI used


def test_backfill_loads_exactly_the_months_asked_for(naravard_env, monkeypatch):
    monkeypatch.setenv("NARAVARD_DATADOCS_DIR", str(naravard_env / "datadocs"))
    write_demo_data(naravard_env / "landing", scale=0.03, months=3, end_month="2024-03", defects=False)

    # Ranges that are not reporting months are refused before anything runs.
    assert main(["backfill", "--from", "2024-02", "--to", "2024-01"]) == 2
    assert main(["backfill", "--from", "2024-01", "--to", "2099-12"]) == 2
    assert main(["backfill", "--from", "2023-05", "--to", "2023-06"]) == 2  # no file for those months

    proc = _naravard("backfill", "--from", "2024-01", "--to", "2024-02")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "running months 2024-01..2024-02" in proc.stdout

    with duckdb.connect(str(naravard_env / "warehouse" / "naravard.duckdb"), read_only=True) as con:
        for e in EXTRACTS:
            months = [r[0] for r in con.execute(
                f"SELECT DISTINCT _reporting_month FROM raw.{e.key} ORDER BY 1").fetchall()]
            assert months == ["2024-01", "2024-02"], e.key
        # 8 extracts (besok too) x 2 months delivered and logged; March lies in landing, untouched.
        assert con.execute("SELECT count(*), count(DISTINCT extract), min(reporting_month), max(reporting_month) "
                           "FROM raw._load_log").fetchone() == (16, 8, "2024-01", "2024-02")
        assert con.execute("SELECT count(*) FROM marts.indikatorer").fetchone()[0] > 0

    with _instance() as instance:
        [run] = instance.get_runs()
        assert run.is_success
        assert (run.tags["naravard/trigger"], run.tags["dagster/asset_partition_range_start"],
                run.tags["dagster/asset_partition_range_end"]) == ("backfill", "2024-01", "2024-02")


def _append_row(path: Path, values: dict[str, str], encoding: str) -> None:
    """A row in the file's own column order, encoding and line ending."""
    header = path.read_bytes().decode(encoding).splitlines()[0].lstrip("\ufeff").split(";")
    with open(path, "ab") as fh:
        fh.write((";".join(values.get(c.strip().lower(), "") for c in header) + "\r\n").encode(encoding))


def _late_files_today() -> int:
    """Eight extracts (the demo delivers besok from its first month, so it is expected too) for every
    month from 2024-03 to the last month due (the 15th rule)."""
    today = today_in_sweden()
    last = today.year * 12 + today.month - 1 - (1 if today.day > 15 else 2)
    return 8 * (last - (2024 * 12 + 2) + 1)


def test_naravard_run_alerts_once_per_failing_check_without_personal_data(alert_env, webhook, mailbox, monkeypatch):
    monkeypatch.setenv("NARAVARD_ALERT_ON_WARN", "true")
    land = alert_env / "landing"
    manifest = write_demo_data(land, scale=0.03, months=2, end_month="2024-02", defects=False)
    # Judged as real extracts are: against today, not the demo's horizon, so the months since are late.
    (land / COVERAGE_NAME).unlink()
    # The blocking defect: February's assessments delivered with ',' as delimiter (and a personnummer
    # in it): set aside whole, so the raw check `leverans` fails with ERROR and blocks the marts.
    (land / "vardgaranti" / "bedomning_2024-02.csv").write_text(
        "kontakt_id,hsa_id,personnummer,kontaktdatum\r\nK1,SE2321000222-E001001,19640823-3234,2024-02-01\r\n")
    # The gap: one telephone day in January with more calls answered than came in: 1 row of
    # 38 units x 31 days set aside (below the 5 % limit): `leverans` WARN.
    _append_row(land / "vardgaranti" / "telefoni_2024-01.csv",
                {"hsa_id": "SE2321000222-E001001", "datum": "2024-01-15", "inkommande_samtal": "3",
                 "besvarade_samma_dag": "9", "enhetsnamn": "Test"},
                manifest["encodings"]["vardgaranti/telefoni_2024-01.csv"])

    proc = _naravard("run")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out[-4000:]  # the blocking check held back publishing

    with _instance() as instance:
        [run] = instance.get_runs()
        run_url = f"http://dagster.region.example:3000/runs/{run.run_id}"
        subjects = sorted(str(m["Subject"]).strip() for m in mailbox.messages)
        assert subjects == sorted([
            "[naravard] ERROR: check leverans failed on raw/vardgaranti_bedomning",
            "[naravard] ERROR: check leveranser_i_tid failed on raw/_late_deliveries",
            "[naravard] WARN: check leverans failed on raw/vardgaranti_telefoni",
            f"[naravard] run of naravard_full failed ({run.run_id[:8]})",
        ]), out[-4000:]
        assert len(webhook.posts) == 4
        by_title = {teams_text(p).splitlines()[0]: p for p in webhook.posts}
        bedomning = by_title["[naravard] ERROR: check leverans failed on raw/vardgaranti_bedomning"]
        assert fact(bedomning, "Partition") == "2024-02"
        assert fact(bedomning, "Count") == "1 (files_set_aside_whole)"
        assert run_url in teams_text(bedomning)
        late = by_title["[naravard] ERROR: check leveranser_i_tid failed on raw/_late_deliveries"]
        assert fact(late, "Count") == f"{_late_files_today()} (late_files)"
        assert personnummer_like(webhook.raw, (run.run_id,)) == []
        assert personnummer_like(mailbox.texts(), (run.run_id,)) == []
        assert all(run_url in t for t in mailbox.texts())

        # The daemon's sensor, looking at every finished run, finds nothing left to send.
        from tests.conftest import resources_from_env

        with dg.build_sensor_context(instance=instance, cursor='{"after": 0}',
                                     resources={"alerting": resources_from_env()["alerting"]}) as context:
            failed_check_alerts.evaluate_tick(context)
        assert len(webhook.posts) == 4 and len(mailbox.messages) == 4
    assert out.count("naravard: alert: ") == 4

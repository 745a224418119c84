"""Crash safety (issue 9): `naravard run` killed with SIGKILL during ingestion and
during the dbt build. The re-run gives byte for byte the `marts.indikatorer` of
a run that was never interrupted, nothing is loaded twice, and a BI reader on
the serving copy, in its own process all along, never sees an error or half a
file.

The kill goes to the whole process group (naravard and its dbt child), as a
power cut, an OOM kill of the service's cgroup or `systemctl kill` would.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest

from naravard.demo import write_demo_data
from tests.conftest import pipeline_vars

PROJECT_ROOT = Path(__file__).resolve().parents[1]
NARAVARD = str(Path(sys.executable).parent / "naravard")
SCALE, MONTHS, LAST_MONTH, SEED = 0.01, 13, "2024-12", 21
INGEST_STEP = 'Started execution of step "raw__'
DBT_STEP = 'Started execution of step "naravard_dbt_assets"'
DBT_MODEL_DONE = "ASSET_MATERIALIZATION"  # dbt has written at least one model when this follows DBT_STEP


def _env(root: Path) -> dict:
    return {**os.environ, **pipeline_vars(root)}


def _run(root: Path, *extra: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([NARAVARD, "run", "--log-level", "WARNING", *extra], env=_env(root), cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, f"naravard run failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


def _run_and_kill(root: Path, after: tuple[str, ...], log: Path, *extra: str) -> str:
    """Start a run, SIGKILL its process group right after the markers have appeared
    in its log, in order. Returns the log up to the kill."""
    with open(log, "w") as out:
        proc = subprocess.Popen([NARAVARD, "run", "--log-level", "DEBUG", *extra], env=_env(root), cwd=PROJECT_ROOT,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.time() + 600
    try:
        while time.time() < deadline:
            text = log.read_text(errors="replace")
            pos = 0
            for marker in after:
                pos = text.find(marker, pos)
                if pos < 0:
                    break
            else:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)
                return text
            assert proc.poll() is None, f"the run ended before it could be killed:\n{text[-3000:]}"
            time.sleep(0.02)
        raise AssertionError("the markers never appeared")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)


def _indikatorer_bytes(root: Path) -> bytes:
    out = root / "indikatorer.csv"
    con = duckdb.connect(str(root / "warehouse" / "naravard.duckdb"), read_only=True)
    try:
        con.execute(f"COPY (SELECT * FROM marts.indikatorer ORDER BY ALL) TO '{out}' (HEADER)")
    finally:
        con.close()
    return out.read_bytes()


def _loads(root: Path) -> tuple[list, list]:
    con = duckdb.connect(str(root / "warehouse" / "naravard.duckdb"), read_only=True)
    try:
        per_file = con.execute(
            "SELECT extract, reporting_month, count(*) FROM raw._load_log "
            "WHERE status IN ('loaded', 'loaded_with_set_aside') GROUP BY ALL ORDER BY ALL").fetchall()
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'raw' "
            "AND table_name NOT LIKE '\\_%' ESCAPE '\\' ORDER BY 1").fetchall()]
        rows = [(t, *r) for t in tables for r in con.execute(
            f"SELECT _reporting_month, count(*), count(DISTINCT _load_id) FROM raw.{t} GROUP BY 1 ORDER BY 1"
        ).fetchall()]
    finally:
        con.close()
    return per_file, rows


def _fingerprint(db: Path) -> str:
    from tests.serving.reader import fingerprint

    con = duckdb.connect(str(db), read_only=True)
    try:
        return fingerprint(con)
    finally:
        con.close()


@dataclass
class Crashes:
    reference: Path
    crashed: Path
    killed_logs: dict[str, str] = field(default_factory=dict)
    published: dict[str, str] = field(default_factory=dict)  # publication id -> fingerprint
    after_dbt_kill: str = ""  # fingerprint of the serving copy right after the kill in the dbt build
    reads: list[dict] = field(default_factory=list)


@pytest.fixture(scope="module")
def crashes(tmp_path_factory) -> Crashes:
    reference, crashed = tmp_path_factory.mktemp("reference"), tmp_path_factory.mktemp("crashed")
    for root in (reference, crashed):
        write_demo_data(root / "landing", scale=SCALE, months=MONTHS, end_month=LAST_MONTH, seed=SEED)
    _run(reference)  # never interrupted

    c = Crashes(reference, crashed)
    serving_db = crashed / "serving" / "naravard.duckdb"
    log, stop = crashed / "reads.jsonl", crashed / "stop-reader"
    reader = subprocess.Popen([sys.executable, "-m", "tests.serving.reader", str(serving_db), str(log), str(stop)],
                              cwd=PROJECT_ROOT)

    def keep_published() -> None:
        from tests.serving.conftest import _publication_id

        copy = crashed / f"published-{len(c.published)}.duckdb"
        shutil.copyfile(serving_db, copy)  # the file is replaced by rename, never written in place
        c.published[_publication_id(copy)] = _fingerprint(copy)

    try:
        c.killed_logs["ingestion"] = _run_and_kill(crashed, (INGEST_STEP,), crashed / "kill1.log")
        _run(crashed)
        keep_published()
        # A run that re-ingests nothing (identical files) but rebuilds every model: killed inside dbt.
        # With nothing new delivered a plain run does nothing, so this one and the rerun after it
        # are --full-refresh: the rebuild is what is killed and then recovered from.
        c.killed_logs["dbt"] = _run_and_kill(crashed, (DBT_STEP, DBT_MODEL_DONE), crashed / "kill2.log",
                                             "--full-refresh")
        c.after_dbt_kill = _fingerprint(serving_db)
        _run(crashed, "--full-refresh")
        keep_published()
        time.sleep(0.5)
    finally:
        stop.touch()
        reader.wait(timeout=60)
    c.reads = [json.loads(line) for line in log.read_text().splitlines()]
    return c


def test_the_kills_landed_where_they_were_meant_to(crashes):
    ingest = crashes.killed_logs["ingestion"]
    assert INGEST_STEP in ingest and DBT_STEP not in ingest, "the first kill must come before the dbt build"
    dbt = crashes.killed_logs["dbt"]
    assert DBT_STEP in dbt and 'Started execution of step "serving__naravard"' not in dbt, \
        "the second kill must come inside the dbt build, before publishing"


def test_the_rerun_gives_byte_for_byte_the_uninterrupted_indikatorer(crashes):
    assert _indikatorer_bytes(crashes.crashed) == _indikatorer_bytes(crashes.reference)


def test_nothing_was_loaded_twice(crashes):
    per_file, rows = _loads(crashes.crashed)
    assert per_file and all(n == 1 for *_, n in per_file), "a file of a month was loaded more than once"
    assert all(loads == 1 for *_, loads in rows), "a month of a raw table holds rows of two loads"
    assert (per_file, rows) == _loads(crashes.reference)


def test_the_serving_copy_stayed_readable_and_whole(crashes):
    assert len(crashes.published) == 2
    errors = [r for r in crashes.reads if "error" in r]
    assert not errors, f"{len(errors)} reads failed, first: {errors[0]['error']}"
    answers = [r for r in crashes.reads if "publication_id" in r]
    assert len(answers) > 50
    for a in answers:
        assert a["publication_rows"] == 1 and a["consistent"], a
        assert crashes.published.get(a["publication_id"]) == a["fingerprint"], "an answer from no whole publication"
    # The kill in the dbt build left the copy the first re-run had published.
    first = next(iter(crashes.published.values()))
    assert crashes.after_dbt_kill == first

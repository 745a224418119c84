"""The scenario the serving tests look at: the headless pipeline run twice on small demo data,
the second time on changed data, with a reader process on the serving file all along.

Run 2 also carries a "canary": a health centre of another region (Funäsdalen,
Region Jämtland Härjedalen, registered but without demo data) with 3 listed
persons of whom 2 have a fast läkarkontakt, and 4 calls of which 3 were
answered the same day. Both denominators are below the threshold 5, so the
secrets 2 (K1) and 3 (T1) must not be readable anywhere that is published.

It also carries an "edge" unit, alone in its region (Njurunda vårdcentral, kommun 2281 Sundsvall,
Region Västernorrland), at exactly the threshold: 5 listed persons of whom 3 have a fast
läkarkontakt, 1.6 specialist FTE and 0.5 ST FTE, 5 calls of which 4 were answered the same day.
Every figure of it is published, and its values are worked out by hand in the tests.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from naravard.demo import write_demo_data
from tests.conftest import pipeline_vars

PROJECT_ROOT = Path(__file__).resolve().parents[2]
NARAVARD = str(Path(sys.executable).parent / "naravard")
THRESHOLD = 5
SCALE = 0.01
MONTHS = 13  # the ambulance indicators need a full 365-day window
LAST_MONTH = "2024-12"

CANARY_UNIT = "SE2321000214-E001002"   # Funäsdalen hälsocentral, kommun 2361 Härjedalen, region 23
CANARY_KOMMUN = "2361"
CANARY_REGION = "23"
CANARY_LISTED = 3
CANARY_WITH_GP = 2
CANARY_CALLS = [("2024-12-02", 2, 1), ("2024-12-03", 2, 2)]  # (day, incoming, answered the same day)

EDGE_UNIT = "SE2321000206-E001001"    # Njurunda vårdcentral, kommun 2281 Sundsvall, region 22
EDGE_KOMMUN = "2281"
EDGE_REGION = "22"
EDGE_LISTED = 5                        # exactly the threshold
EDGE_WITH_GP = 3
EDGE_PHYSICIANS = [("specialist_allmanmedicin", "1,0"), ("specialist_allmanmedicin", "0,6"),
                   ("st_allmanmedicin", "0,5")]   # 1.6 specialist FTE, 0.5 ST FTE (decimal commas)
EDGE_CALLS = [("2024-12-02", 3, 2), ("2024-12-03", 2, 2)]  # 5 calls, 4 answered the same day


def luhn(nine: str) -> str:
    total = 0
    for i, ch in enumerate(nine):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d // 10 + d % 10
    return str((10 - total % 10) % 10)


def personnummer(birth: str, serial: str) -> str:
    """12 digits with a valid check digit: birth YYYYMMDD, serial NNN."""
    return birth + serial + luhn(birth[2:] + serial)


def _append_rows(path: Path, encoding: str, values: list[dict]) -> None:
    """Append rows in the file's own column order and encoding (headers may be upper case)."""
    raw = path.read_bytes()
    text = raw.decode(encoding)
    header = text.lstrip("\ufeff").splitlines()[0].split(";")
    newline = "\r\n" if b"\r\n" in raw else "\n"
    lines = [";".join(str(v.get(h.strip().lower(), "")) for h in header) for v in values]
    path.write_bytes(raw + (newline.join(lines) + newline).encode(encoding))


def _add_unit(landing: Path, manifest: dict, unit: str, kommun: str, birth: str, listed: int, with_gp: int,
              calls: list[tuple], physicians: list[tuple] = ()) -> None:
    """Append one health centre's rows to the last month's files: `listed` persons (the first `with_gp` with a
    fast läkarkontakt), its telephone days and, if given, its physicians (kategori, tjanstgoringsgrad)."""
    region_hsa = unit.split("-")[0]
    rows = {
        "listning/listning": [
            {"personnummer": personnummer(birth, f"{100 + 2 * i}"), "hsa_id": unit, "listningsdatum": "2020-01-01",
             "kommunkod": kommun, "sarskilt_boende": "N", "fast_vardkontakt": "",
             "fast_lakarkontakt": f"{region_hsa}-L000001" if i < with_gp else ""} for i in range(listed)],
        "vardgaranti/telefoni": [{"hsa_id": unit, "datum": day, "inkommande_samtal": n, "besvarade_samma_dag": a}
                                 for day, n, a in calls],
        "listning/lakare": [{"lakare_hsa_id": f"{region_hsa}-L00010{i}", "hsa_id": unit, "kategori": kategori,
                             "tjanstgoringsgrad": grad} for i, (kategori, grad) in enumerate(physicians)],
    }
    for stem, values in rows.items():
        if values:
            rel = f"{stem}_{LAST_MONTH}.csv"
            _append_rows(landing / rel, manifest["encodings"].get(rel, "utf-8"), values)


def add_canary(landing: Path, manifest: dict) -> None:
    """The canary (below the threshold) and the edge unit (exactly at it)."""
    _add_unit(landing, manifest, CANARY_UNIT, CANARY_KOMMUN, "19700101", CANARY_LISTED, CANARY_WITH_GP, CANARY_CALLS)
    _add_unit(landing, manifest, EDGE_UNIT, EDGE_KOMMUN, "19710101", EDGE_LISTED, EDGE_WITH_GP, EDGE_CALLS,
              EDGE_PHYSICIANS)


@dataclass
class Scenario:
    root: Path
    serving: Path
    warehouse: Path
    v1_copy: Path            # the serving file as run 1 left it
    v1_id: str
    v2_id: str
    runs: list[subprocess.CompletedProcess]
    run2_window: tuple[float, float]
    reads: list[dict]        # the reader's answers, in order

    @property
    def serving_db(self) -> Path:
        return self.serving / "naravard.duckdb"


def _publication_id(db: Path) -> str:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT publication_id FROM meta.publication").fetchone()[0]
    finally:
        con.close()


@pytest.fixture(scope="session")
def two_runs(tmp_path_factory) -> Scenario:
    root = tmp_path_factory.mktemp("serving")
    landing, serving = root / "landing", root / "serving"
    env = {**os.environ, **pipeline_vars(root), "NARAVARD_SUPPRESSION_THRESHOLD": str(THRESHOLD)}
    (root / "dagster_home").mkdir()
    (root / "dagster_home" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    write_demo_data(landing, scale=SCALE, months=MONTHS, end_month=LAST_MONTH, seed=11)

    log, stop = root / "reads.jsonl", root / "stop-reader"
    reader = subprocess.Popen([sys.executable, "-m", "tests.serving.reader", str(serving / "naravard.duckdb"),
                               str(log), str(stop)], cwd=PROJECT_ROOT)
    runs = []
    try:
        def run() -> subprocess.CompletedProcess:
            proc = subprocess.run([NARAVARD, "run", "--log-level", "WARNING"], env=env, cwd=PROJECT_ROOT,
                                  capture_output=True, text=True, timeout=900)
            runs.append(proc)
            assert proc.returncode == 0, f"naravard run failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
            return proc

        run()
        v1_copy = root / "v1.duckdb"
        shutil.copyfile(serving / "naravard.duckdb", v1_copy)  # never written in place, so a whole file
        # Changed data: every month delivered again from another seed (corrections), plus the canary.
        manifest = write_demo_data(landing, scale=SCALE, months=MONTHS, end_month=LAST_MONTH, seed=12)
        add_canary(landing, manifest)
        started = time.time()
        run()
        ended = time.time()
        time.sleep(1.0)  # a few reads of the final version
    finally:
        stop.touch()
        reader.wait(timeout=60)
    reads = [json.loads(line) for line in log.read_text().splitlines()]
    return Scenario(root, serving, root / "warehouse" / "naravard.duckdb", v1_copy, _publication_id(v1_copy),
                    _publication_id(serving / "naravard.duckdb"), runs, (started, ended), reads)

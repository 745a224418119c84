"""The dbt project end to end: raw tables -> `dbt build` -> marts.indikatorer.

A small hand-made dataset is written straight into the raw schema (the tables
the ingestion creates, from orchestration.ingest.schemas), dbt builds it into a
temporary warehouse, and rows of marts.indikatorer are compared with values
worked out by hand below. The rules themselves (3-day rule, leap-year window,
tie rule, ...) are unit-tested in dbt's own yml (dbt_project/models/**/
_*__unit_tests.yml), which `dbt build` runs too.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from pathlib import Path

import duckdb
import pytest

from orchestration.ingest.loading import ensure_schema
from orchestration.ingest.schemas import BY_KEY, EXTRACTS, raw_columns
from orchestration.paths import DBT_PROJECT_DIR, PROJECT_ROOT

DBT = PROJECT_ROOT / ".venv" / "bin" / "dbt"

# Health centres of the shipped registry (seeds/reference/vardenheter.csv).
U1 = "SE2321000222-E001001"  # Norrlandskliniken hälsocentral, kommun 2480 Umeå, länsdel Umeå, region 24
U2 = "SE2321000222-E001003"  # Husläkarnas Hälsocentralen i Umeå, 2480
U3 = "SE2321000222-E001005"  # Bureå hälsocentral, 2482 Skellefteå, länsdel Skellefteå, region 24
U4 = "SE2321000206-E001004"  # Hälsocentralen Centrum Sundsvall, 2281, region 22 (no länsdel)
UX = "SE2321000222-E999999"  # not in the registry

# Inhabitants (kommuner.csv): Umeå länsdel = 7033 + 2348 + 5461 + 6740 + 9059 + 133091 = 163732;
# region 24 = 163732 + Skellefteå länsdel (76542 + 3924 + 2990) + Södra Lappland
# (12213 + 5621 + 2387 + 6263 + 2339 + 2718) = 278729; region 22 = 9109 + 17540 + 24654 + 99213
# + 17631 + 18523 + 55478 = 242148.
INV_2480, INV_2403, INV_2281 = 133091, 2348, 99213
INV_UMEA_LANSDEL, INV_REGION_24, INV_REGION_22 = 163732, 278729, 242148


def _person(label: str | None) -> dict:
    """Raw person columns: a readable stand-in for the HMAC pseudonym, or an unidentified person."""
    if label is None:
        return {"person_id": None, "person_id_class": "unidentified", "birth_year": None, "sex": None}
    return {"person_id": f"pid-{label}", "person_id_class": "personnummer", "birth_year": 1960, "sex": "K"}


def _insert(con, key: str, month: str, rows: list[dict]) -> None:
    """Insert rows as the ingestion would: one delivery (file) per extract and month."""
    extract = BY_KEY[key]
    cols = [c for c, _ in raw_columns(extract)]
    meta = {
        "_reporting_month": month,
        "_source_file": extract.file_name(month),
        "_file_sha256": "0" * 64,
        "_load_id": "test-load",
        "_loaded_at": dt.datetime(2025, 1, 15, 12, 0),
        "_extra": None,
    }
    values = []
    for line, row in enumerate(rows, start=2):  # line 1 is the header
        full = {**meta, "_source_line": line, **row}
        values.append([full.get(c) for c in cols])
    con.executemany(
        f"insert into raw.{key} ({', '.join(cols)}) values ({', '.join('?' for _ in cols)})", values
    )


def _telefoni() -> dict[str, list[dict]]:
    # T1 2024-01: U1 40/30 + 60/45 = 100/75 = 0.75; U2 20/10; U3 3/3 (denominator 3 < 5:
    # suppressed); U4 50/40 = 0.8; UX 10/5 stays at vardenhet level only.
    # kommun 2480 = U1 + U2 = 120/85; region 24 = 120 + 3 = 123 / 85 + 3 = 88 (UX does not roll up).
    d = dt.date
    return {"2024-01": [
        {"hsa_id": U1, "datum": d(2024, 1, 2), "inkommande_samtal": 40, "besvarade_samma_dag": 30},
        {"hsa_id": U1, "datum": d(2024, 1, 3), "inkommande_samtal": 60, "besvarade_samma_dag": 45},
        {"hsa_id": U2, "datum": d(2024, 1, 2), "inkommande_samtal": 20, "besvarade_samma_dag": 10},
        {"hsa_id": U3, "datum": d(2024, 1, 2), "inkommande_samtal": 3, "besvarade_samma_dag": 3},
        {"hsa_id": U4, "datum": d(2024, 1, 2), "inkommande_samtal": 50, "besvarade_samma_dag": 40},
        {"hsa_id": UX, "datum": d(2024, 1, 2), "inkommande_samtal": 10, "besvarade_samma_dag": 5},
    ]}


def _bedomning() -> dict[str, list[dict]]:
    # T2 2024-01 at U1. In the denominator: k1, k2, k3, k4, k7, k8 = 6 (k5 has no date, k6 is PvV).
    # Within kontaktdatum + 3 calendar days: k1 (01-30 -> 02-02), k3, k4, k7, k8 (exactly + 3) = 5;
    # k2 (01-30 -> 02-03) is 4 days. T2 = 5/6 at U1, kommun 2480, länsdel Umeå and region 24.
    d = dt.date
    rows = [
        ("k1", d(2024, 1, 30), d(2024, 2, 2), None),
        ("k2", d(2024, 1, 30), d(2024, 2, 3), None),
        ("k3", d(2024, 1, 10), d(2024, 1, 12), None),
        ("k4", d(2024, 1, 11), d(2024, 1, 11), "MoV"),
        ("k5", d(2024, 1, 12), None, None),
        ("k6", d(2024, 1, 13), d(2024, 1, 20), "PvV"),
        ("k7", d(2024, 1, 15), d(2024, 1, 16), None),
        ("k8", d(2024, 1, 16), d(2024, 1, 19), None),
    ]
    return {"2024-01": [
        {"kontakt_id": k, "hsa_id": U1, **_person(f"T{k}"), "kontaktdatum": kd, "bedomningsdatum": bd,
         "yrkesgrupp": "XS915", "avvikelse": av}
        for k, kd, bd, av in rows
    ]}


def _listning() -> dict[str, list[dict]]:
    # 2024-12 snapshot.
    # U1: L1..L9, one unidentified person, M5, M6 = 12 listed; fast läkarkontakt: L1..L5, M5 = 6
    #     (L6 has an empty registration, which is none) -> K1 6/12 = 0.5.
    # U2: L1 (also at U1) and L20 = 2, none with -> K1 0/2, suppressed.
    # U3: L11, M2, L13, L14, L15 = 5, with: L11 -> K1 1/5 = 0.2.
    # U4: S1..S6 = 6, with: S1..S3 -> 0.5.
    # kommun 2480: distinct U1 ∪ U2 = 12 + L20 = 13 (L1 once), with 6 -> 6/13. Region 24: 13 + 5 = 18,
    # with 7 -> 7/18. Region 22: 6, 3.
    # 2024-11 snapshot (no physician file that month): U1 L1..L5, with L1 -> K1 1/5 = 0.2, no K2, no K3.
    def row(hsa, label, flk):
        return {**_person(label), "hsa_id": hsa, "listningsdatum": dt.date(2020, 1, 1), "kommunkod": "2480",
                "fast_lakarkontakt": flk, "fast_vardkontakt": None, "sarskilt_boende": False}

    dec = [row(U1, f"L{i}", "SE2321000222-P0001" if i <= 5 else ("" if i == 6 else None)) for i in range(1, 10)]
    dec += [row(U1, None, None), row(U1, "M5", "SE2321000222-P0001"), row(U1, "M6", None)]
    dec += [row(U2, "L1", None), row(U2, "L20", None)]
    dec += [row(U3, "L11", "SE2321000222-P0002")] + [row(U3, lab, None) for lab in ("M2", "L13", "L14", "L15")]
    dec += [row(U4, f"S{i}", "SE2321000206-P0001" if i <= 3 else None) for i in range(1, 7)]
    nov = [row(U1, f"L{i}", "SE2321000222-P0001" if i == 1 else None) for i in range(1, 6)]
    return {"2024-11": nov, "2024-12": dec}


def _lakare() -> dict[str, list[dict]]:
    # 2024-12. U1: specialists 1.0 + 1.0 + 0.5 = 2.5, ST 1.0 (annan_specialist not counted).
    # U3: 6 specialists × 1.0 = 6.0. U4: specialist 0.75. U2: none.
    # K2 = listed / specialist FTE, protecting the listed persons (not the FTE): U1 12/2.5 = 4.8;
    # U3 5/6 (5 listed, exactly the threshold: published); U4 6/0.75 = 8; kommun 2480 13/2.5 = 5.2;
    # region 24: 18 / (2.5 + 6) = 18/8.5; region 22 6/0.75 = 8; U2 has 0 FTE -> no row.
    # K3 = (1100 × spec + 550 × ST) / listed: U1 (2750 + 550)/12 = 275; U3 6600/5 = 1320;
    # U4 825/6 = 137.5; kommun 2480 3300/13; region 24 (9350 + 550)/18 = 550.
    def row(i, hsa, kat, grad):
        return {"lakare_hsa_id": f"SE2321000222-P{i:05d}", "hsa_id": hsa, "kategori": kat, "tjanstgoringsgrad": grad}

    rows = [row(1, U1, "specialist_allmanmedicin", 1.0), row(2, U1, "specialist_allmanmedicin", 1.0),
            row(3, U1, "specialist_allmanmedicin", 0.5), row(4, U1, "st_allmanmedicin", 1.0),
            row(5, U1, "annan_specialist", 1.0)]
    rows += [row(10 + i, U3, "specialist_allmanmedicin", 1.0) for i in range(6)]
    rows += [row(20, U4, "specialist_allmanmedicin", 0.75)]
    return {"2024-12": rows}


def _uppdrag() -> dict[str, list[dict]]:
    # Deliveries every month 2024-01 .. 2024-12: only 2024-12 is published, the one window
    # (2024-01-02 .. 2024-12-31) whose every month was delivered; 2024-m for m < 12 touches
    # 2023-(m+1) .. 2023-12, never delivered (a DQ_AMBULANS_FONSTER_OFULLSTANDIGT finding each).
    # The months without a case of their own carry one filler assignment each in 2281 Sundsvall
    # (region 22), by nine different persons F2..F11 (not mångåkare).
    # M1: 01-02 (first day, in) 2480, 06-10 2480, 12-05 2482, 12-20 2480 -> 4, latest 2480.
    # M2: 01-01 (out) 2480, 06-01 2482, 12-01 2482, 12-10 10:00 A0099 2480 and A0100 2403 (tie:
    #     greatest id A0100) -> 4 in the window, attributed to 2403 Bjurholm.
    # M3: 3 in 2480 -> not a mångåkare. M5..M8: 4 each in 2480 (12-01..12-04) -> 2480.
    # Five unidentified patients, one each in 2480 -> never mångåkare, but in A2's denominator.
    # M4: 5 in 2281 Sundsvall -> region 22 has ambulance data.
    #
    # A2, assignments in the window by their kommunkod (mångåkare's / all):
    #   2480: M1 3 + M2 1 + M3 3 + M5..M8 16 + unidentified 5 = 28; by mångåkare 3 + 1 + 16 = 20 -> 20/28
    #   2482: M1 1 + M2 2 = 3 (suppressed); 2403: 1; länsdel Umeå 21/29; region 24 24/32 = 0.75;
    #   2281 and region 22: 5/(5 + 9 fillers) = 5/14.
    # A1 = 1000 × mångåkare / inhabitants: 2480 {M1, M5..M8} = 5; 2403 {M2} = 1; 2482 0 (a row, value 0);
    #   länsdel Umeå and region 24: 6; 2281 and region 22: 1. Region 23 has no ambulance data: no rows.
    # A3, listed with a fast läkarkontakt in the 2024-12 snapshot: M1 (= L1) and M5 yes, M2 (at U3), M6 no,
    #   M7, M8 not listed: 2480 2/5 = 0.4; länsdel Umeå and region 24 2/6; 2403 1 and 2281 1 suppressed.
    def row(uid, label, ts, kommun):
        return {"uppdrag_id": uid, **_person(label), "larmtid": ts, "prioritet": 2, "kommunkod": kommun,
                "utfall": "akutmottagning", "retts": "gul"}

    t = dt.datetime
    rows = [
        # M1 is L1 of the listing: the same pseudonym links the two sources.
        row("A0001", "L1", t(2024, 1, 2, 8, 0), "2480"), row("A0002", "L1", t(2024, 6, 10, 12, 0), "2480"),
        row("A0003", "L1", t(2024, 12, 5, 9, 0), "2482"), row("A0004", "L1", t(2024, 12, 20, 14, 0), "2480"),
        row("A0010", "M2", t(2024, 1, 1, 23, 0), "2480"), row("A0011", "M2", t(2024, 6, 1, 12, 0), "2482"),
        row("A0012", "M2", t(2024, 12, 1, 10, 0), "2482"), row("A0099", "M2", t(2024, 12, 10, 10, 0), "2480"),
        row("A0100", "M2", t(2024, 12, 10, 10, 0), "2403"),
        row("A0020", "M3", t(2024, 6, 5, 12, 0), "2480"), row("A0021", "M3", t(2024, 12, 6, 12, 0), "2480"),
        row("A0022", "M3", t(2024, 12, 7, 12, 0), "2480"),
    ]
    for n, label in enumerate(("M5", "M6", "M7", "M8")):
        rows += [row(f"A1{n}{day}", label, t(2024, 12, day, 8, 0), "2480") for day in range(1, 5)]
    rows += [row(f"A20{day}", None, t(2024, 12, 10 + day, 8, 0), "2480") for day in range(1, 6)]
    rows += [row(f"A30{day}", "M4", t(2024, 12, day, 8, 0), "2281") for day in range(1, 6)]
    rows += [row(f"A40{m:02d}", f"F{m}", t(2024, m, 15, 8, 0), "2281") for m in (2, 3, 4, 5, 7, 8, 9, 10, 11)]
    # M9: 4 assignments, none with a kommunkod: a mångåkare without a kommun. The 2024-12 window holds
    # two regions' ambulance data (24 and 22), so M9 cannot be placed even at region level: counted in no
    # A figure (A1-A3 above are unchanged), only in the finding, for region 'okänd'.
    rows += [row(f"A50{day}", "M9", t(2024, 12, 20 + day, 8, 0), None) for day in range(1, 5)]
    by_month: dict[str, list[dict]] = {}
    for r in rows:
        by_month.setdefault(r["larmtid"].strftime("%Y-%m"), []).append(r)
    return by_month


def _inbjudan() -> dict[str, list[dict]]:
    # 2024: U1 invites V1..V6, V1 again in May, and two unidentified persons -> 8 distinct.
    # U3 invites V7..V11 and V1 -> 6. U4 invites W1..W5 -> 5.
    # Region 24: U1's 8 ∪ U3's {V7..V11} (V1 already counted) = 13.
    def row(hsa, label, day):
        return {**_person(label), "hsa_id": hsa, "inbjudningsdatum": day, "malgrupp": "50"}

    feb, may = dt.date(2024, 2, 5), dt.date(2024, 5, 6)
    return {
        "2024-02": [row(U1, f"V{i}", feb) for i in range(1, 7)] + [row(U1, None, feb), row(U1, None, feb)]
        + [row(U3, f"V{i}", feb) for i in range(7, 12)] + [row(U4, f"W{i}", feb) for i in range(1, 6)],
        "2024-05": [row(U1, "V1", may), row(U3, "V1", may)],
    }


def _undersokning() -> dict[str, list[dict]]:
    # Examined in 2024: U1 V1 (twice), V2, V3, V4 and one unidentified -> 5; U3 V7, V8 -> 2; U4 W1..W5 -> 5.
    # V1 = examined / invited: U1 5/8 = 0.625; U3 2/6; U4 5/5 = 1; region 24 (5 + 2)/13 = 7/13.
    # V2, low activity (and of those FaR = J on the same examination):
    #   U1: V1 (first exam: J, J; second: N), V2 (J, N), V3 (J, empty), V4 (J, J), unidentified (J, J)
    #       -> 3/5 = 0.6; U3: V7 (J, J), V8 (N) -> 1/1 suppressed; U4: W1..W5 J, FaR W1, W2 -> 2/5 = 0.4;
    #   region 24: 4/6.
    def row(hsa, label, day, low, far):
        return {**_person(label), "hsa_id": hsa, "undersokningsdatum": day, "malgrupp": "50", "bmi": 25.0,
                "fysisk_aktivitet_lag": low, "halsosamtal": True, "far_forskriven": far}

    mar, jun = dt.date(2024, 3, 4), dt.date(2024, 6, 3)
    return {
        "2024-03": [row(U1, "V1", mar, True, True), row(U1, "V2", mar, True, False), row(U1, "V3", mar, True, None),
                    row(U1, "V4", mar, True, True), row(U1, None, mar, True, True),
                    row(U3, "V7", mar, True, True), row(U3, "V8", mar, False, None)]
        + [row(U4, f"W{i}", mar, True, i <= 2) for i in range(1, 6)],
        "2024-06": [row(U1, "V1", jun, False, None)],
    }


DATASET = {
    "vardgaranti_telefoni": _telefoni,
    "vardgaranti_bedomning": _bedomning,
    "listning_listning": _listning,
    "listning_lakare": _lakare,
    "ambulans_uppdrag": _uppdrag,
    "vhu_inbjudan": _inbjudan,
    "vhu_undersokning": _undersokning,
}


def make_warehouse(path: Path) -> None:
    con = duckdb.connect(str(path))
    ensure_schema(con)  # the seven raw tables and the load log the DQ models read, as the ingestion makes them
    for key, make in DATASET.items():
        for month, rows in make().items():
            _insert(con, key, month, rows)
    con.close()


def run_dbt(args: list[str], warehouse: Path, work: Path, check: bool = True) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "NARAVARD_WAREHOUSE": str(warehouse),
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    cmd = [str(DBT), *args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
           "--target-path", str(work / "target"), "--log-path", str(work / "logs")]
    result = subprocess.run(cmd, cwd=DBT_PROJECT_DIR, env=env, capture_output=True, text=True, timeout=600)
    if check:
        assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout[-6000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A warehouse with the hand-made raw data, built by `dbt build`."""
    work = tmp_path_factory.mktemp("dbt")
    warehouse = work / "naravard.duckdb"
    make_warehouse(warehouse)
    result = run_dbt(["build"], warehouse, work)
    return warehouse, work, result


@pytest.fixture(scope="module")
def indikatorer(built):
    warehouse, _, _ = built
    con = duckdb.connect(str(warehouse), read_only=True)
    rows = con.execute("select * from marts.indikatorer").fetchall()
    cols = [d[0] for d in con.description]
    con.close()
    return {(r[0], r[1], r[2], r[3]): dict(zip(cols, r)) for r in rows}


def test_dbt_build_is_green(built):
    _, work, result = built
    results = json.loads((work / "target" / "run_results.json").read_text())["results"]
    bad = [r["unique_id"] for r in results if r["status"] not in ("success", "pass")]
    assert not bad, bad
    kinds = {r["unique_id"].split(".")[0] for r in results}
    assert {"model", "seed", "test", "unit_test"} <= kinds
    assert "ERROR=0" in result.stdout and "WARN=0" in result.stdout


def test_indikatorer_columns_follow_the_contract(built):
    warehouse, _, _ = built
    con = duckdb.connect(str(warehouse), read_only=True)
    cols = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = 'marts' and table_name = 'indikatorer' order by ordinal_position"
    ).fetchall()
    con.close()
    assert cols == [
        ("indicator_id", "VARCHAR"), ("period", "VARCHAR"), ("level", "VARCHAR"), ("unit_id", "VARCHAR"),
        ("unit_name", "VARCHAR"), ("numerator", "DOUBLE"), ("denominator", "DOUBLE"), ("value", "DOUBLE"),
        ("target", "DOUBLE"), ("suppressed", "BOOLEAN"),
    ]


# (indicator, period, level, unit_id) -> (numerator, denominator, value); worked out in the dataset above.
EXPECTED = {
    # T1
    ("T1_TELEFON_SAMMA_DAG", "2024-01", "vardenhet", U1): (75, 100, 0.75),
    ("T1_TELEFON_SAMMA_DAG", "2024-01", "vardenhet", U2): (10, 20, 0.5),
    ("T1_TELEFON_SAMMA_DAG", "2024-01", "vardenhet", U4): (40, 50, 0.8),
    ("T1_TELEFON_SAMMA_DAG", "2024-01", "vardenhet", UX): (5, 10, 0.5),
    ("T1_TELEFON_SAMMA_DAG", "2024-01", "kommun", "2480"): (85, 120, 85 / 120),
    ("T1_TELEFON_SAMMA_DAG", "2024-01", "lansdel", "Umeå"): (85, 120, 85 / 120),
    ("T1_TELEFON_SAMMA_DAG", "2024-01", "region", "24"): (88, 123, 88 / 123),
    ("T1_TELEFON_SAMMA_DAG", "2024-01", "region", "22"): (40, 50, 0.8),
    # T2
    ("T2_BEDOMNING_3_DAGAR", "2024-01", "vardenhet", U1): (5, 6, 5 / 6),
    ("T2_BEDOMNING_3_DAGAR", "2024-01", "region", "24"): (5, 6, 5 / 6),
    # K1
    ("K1_FAST_LAKARKONTAKT", "2024-12", "vardenhet", U1): (6, 12, 0.5),
    ("K1_FAST_LAKARKONTAKT", "2024-12", "vardenhet", U3): (1, 5, 0.2),
    ("K1_FAST_LAKARKONTAKT", "2024-12", "kommun", "2480"): (6, 13, 6 / 13),
    ("K1_FAST_LAKARKONTAKT", "2024-12", "region", "24"): (7, 18, 7 / 18),
    ("K1_FAST_LAKARKONTAKT", "2024-12", "region", "22"): (3, 6, 0.5),
    ("K1_FAST_LAKARKONTAKT", "2024-11", "vardenhet", U1): (1, 5, 0.2),
    # K2
    ("K2_LISTADE_PER_SPECIALIST", "2024-12", "vardenhet", U3): (5, 6, 5 / 6),
    ("K2_LISTADE_PER_SPECIALIST", "2024-12", "kommun", "2482"): (5, 6, 5 / 6),
    ("K2_LISTADE_PER_SPECIALIST", "2024-12", "region", "24"): (18, 8.5, 18 / 8.5),
    ("K2_LISTADE_PER_SPECIALIST", "2024-12", "vardenhet", U1): (12, 2.5, 4.8),
    ("K2_LISTADE_PER_SPECIALIST", "2024-12", "vardenhet", U4): (6, 0.75, 8.0),
    ("K2_LISTADE_PER_SPECIALIST", "2024-12", "kommun", "2480"): (13, 2.5, 5.2),
    ("K2_LISTADE_PER_SPECIALIST", "2024-12", "region", "22"): (6, 0.75, 8.0),
    # K3
    ("K3_RIKTVARDE_TACKNING", "2024-12", "vardenhet", U1): (3300, 12, 275),
    ("K3_RIKTVARDE_TACKNING", "2024-12", "vardenhet", U3): (6600, 5, 1320),
    ("K3_RIKTVARDE_TACKNING", "2024-12", "vardenhet", U4): (825, 6, 137.5),
    ("K3_RIKTVARDE_TACKNING", "2024-12", "kommun", "2480"): (3300, 13, 3300 / 13),
    ("K3_RIKTVARDE_TACKNING", "2024-12", "region", "24"): (9900, 18, 550),
    # A1 (× 1000)
    ("A1_MANGAKARE_PER_1000", "2024-12", "kommun", "2480"): (5, INV_2480, 5000 / INV_2480),
    ("A1_MANGAKARE_PER_1000", "2024-12", "kommun", "2482"): (0, 76542, 0.0),
    ("A1_MANGAKARE_PER_1000", "2024-12", "lansdel", "Umeå"): (6, INV_UMEA_LANSDEL, 6000 / INV_UMEA_LANSDEL),
    ("A1_MANGAKARE_PER_1000", "2024-12", "region", "24"): (6, INV_REGION_24, 6000 / INV_REGION_24),
    # A2
    ("A2_MANGAKARE_ANDEL_UPPDRAG", "2024-12", "kommun", "2480"): (20, 28, 20 / 28),
    ("A2_MANGAKARE_ANDEL_UPPDRAG", "2024-12", "lansdel", "Umeå"): (21, 29, 21 / 29),
    ("A2_MANGAKARE_ANDEL_UPPDRAG", "2024-12", "region", "24"): (24, 32, 0.75),
    ("A2_MANGAKARE_ANDEL_UPPDRAG", "2024-12", "region", "22"): (5, 14, 5 / 14),
    ("A2_MANGAKARE_ANDEL_UPPDRAG", "2024-12", "kommun", "2281"): (5, 14, 5 / 14),
    # A3
    ("A3_MANGAKARE_MED_FAST_LAKARE", "2024-12", "kommun", "2480"): (2, 5, 0.4),
    ("A3_MANGAKARE_MED_FAST_LAKARE", "2024-12", "lansdel", "Umeå"): (2, 6, 2 / 6),
    ("A3_MANGAKARE_MED_FAST_LAKARE", "2024-12", "region", "24"): (2, 6, 2 / 6),
    # V1
    ("V1_VHU_DELTAGANDE", "2024", "vardenhet", U1): (5, 8, 0.625),
    ("V1_VHU_DELTAGANDE", "2024", "vardenhet", U3): (2, 6, 2 / 6),
    ("V1_VHU_DELTAGANDE", "2024", "kommun", "2480"): (5, 8, 0.625),
    ("V1_VHU_DELTAGANDE", "2024", "region", "24"): (7, 13, 7 / 13),
    ("V1_VHU_DELTAGANDE", "2024", "region", "22"): (5, 5, 1.0),
    # V2
    ("V2_VHU_FAR_VID_LAG_AKTIVITET", "2024", "vardenhet", U1): (3, 5, 0.6),
    ("V2_VHU_FAR_VID_LAG_AKTIVITET", "2024", "vardenhet", U4): (2, 5, 0.4),
    ("V2_VHU_FAR_VID_LAG_AKTIVITET", "2024", "region", "24"): (4, 6, 4 / 6),
}

# Rows that exist but are suppressed (the count the indicator protects, seeds/contract/rojandekontroll.csv,
# is 1-4): numerator and value NULL; the denominator shown, or None where it is hidden too (A3).
SUPPRESSED = {
    ("T1_TELEFON_SAMMA_DAG", "2024-01", "vardenhet", U3): 3,
    ("T1_TELEFON_SAMMA_DAG", "2024-01", "lansdel", "Skellefteå"): 3,
    ("K1_FAST_LAKARKONTAKT", "2024-12", "vardenhet", U2): 2,
    ("K3_RIKTVARDE_TACKNING", "2024-12", "vardenhet", U2): 2,
    ("A2_MANGAKARE_ANDEL_UPPDRAG", "2024-12", "kommun", "2482"): 3,
    ("A2_MANGAKARE_ANDEL_UPPDRAG", "2024-12", "kommun", "2403"): 1,
    # A1 protects its numerator, the mångåkare: 1 in 2403, 2281 and region 22; inhabitants shown.
    ("A1_MANGAKARE_PER_1000", "2024-12", "kommun", "2403"): INV_2403,
    ("A1_MANGAKARE_PER_1000", "2024-12", "kommun", "2281"): INV_2281,
    ("A1_MANGAKARE_PER_1000", "2024-12", "region", "22"): INV_REGION_22,
    # A3's denominator is that same count: hidden with the row.
    ("A3_MANGAKARE_MED_FAST_LAKARE", "2024-12", "kommun", "2403"): None,
    ("A3_MANGAKARE_MED_FAST_LAKARE", "2024-12", "kommun", "2281"): None,
    ("A3_MANGAKARE_MED_FAST_LAKARE", "2024-12", "region", "22"): None,
    ("V2_VHU_FAR_VID_LAG_AKTIVITET", "2024", "vardenhet", U3): 1,
}

# Rows that must not exist.
ABSENT = [
    ("T2_BEDOMNING_3_DAGAR", "2024-01", "vardenhet", U2),  # telephone data but 0 assessed contacts
    ("K2_LISTADE_PER_SPECIALIST", "2024-12", "vardenhet", U2),  # 0 specialist FTE
    ("K2_LISTADE_PER_SPECIALIST", "2024-11", "vardenhet", U1),  # no physician file for 2024-11
    ("K3_RIKTVARDE_TACKNING", "2024-11", "vardenhet", U1),
    ("T1_TELEFON_SAMMA_DAG", "2024-01", "lansdel", ""),  # region 22 has no länsdelar
    ("A3_MANGAKARE_MED_FAST_LAKARE", "2024-12", "kommun", "2482"),  # no mångåkare attributed there
    ("A1_MANGAKARE_PER_1000", "2024-12", "vardenhet", U1),  # ambulance indicators have no unit level
]


@pytest.mark.parametrize("key", list(EXPECTED), ids=lambda k: "/".join(k))
def test_indicator_value(indikatorer, key):
    numerator, denominator, value = EXPECTED[key]
    row = indikatorer.get(key)
    assert row is not None, f"no row {key}"
    assert row["suppressed"] is False
    assert row["numerator"] == pytest.approx(numerator)
    assert row["denominator"] == pytest.approx(denominator)
    assert row["value"] == pytest.approx(value, rel=1e-12)


@pytest.mark.parametrize("key", list(SUPPRESSED), ids=lambda k: "/".join(k))
def test_suppressed_rows_publish_only_the_denominator(indikatorer, key):
    row = indikatorer[key]
    assert row["suppressed"] is True
    if SUPPRESSED[key] is None:
        assert row["denominator"] is None
    else:
        assert row["denominator"] == pytest.approx(SUPPRESSED[key])
    assert row["numerator"] is None and row["value"] is None


@pytest.mark.parametrize("key", ABSENT, ids=lambda k: "/".join(k))
def test_absent_rows(indikatorer, key):
    assert key not in indikatorer


def test_units_names_targets_and_periods(indikatorer):
    # An HSA-id missing from the registry stays at vardenhet level with a telling name.
    assert indikatorer[("T1_TELEFON_SAMMA_DAG", "2024-01", "vardenhet", UX)]["unit_name"] == f"{UX} (okänd enhet)"
    assert indikatorer[("T1_TELEFON_SAMMA_DAG", "2024-01", "vardenhet", U1)]["unit_name"] == \
        "Norrlandskliniken hälsocentral"
    assert indikatorer[("T1_TELEFON_SAMMA_DAG", "2024-01", "region", "24")]["unit_name"] == "Region Västerbotten"
    assert indikatorer[("T1_TELEFON_SAMMA_DAG", "2024-01", "kommun", "2480")]["unit_name"] == "Umeå"
    assert indikatorer[("T1_TELEFON_SAMMA_DAG", "2024-01", "lansdel", "Umeå")]["unit_name"] == "Umeå"
    targets = {k[0]: r["target"] for k, r in indikatorer.items()}
    assert targets == {
        "T1_TELEFON_SAMMA_DAG": 1.0, "T2_BEDOMNING_3_DAGAR": 1.0, "K1_FAST_LAKARKONTAKT": 0.55,
        "K2_LISTADE_PER_SPECIALIST": 1100.0, "K3_RIKTVARDE_TACKNING": 1.0, "A1_MANGAKARE_PER_1000": None,
        "A2_MANGAKARE_ANDEL_UPPDRAG": None, "A3_MANGAKARE_MED_FAST_LAKARE": 0.55, "V1_VHU_DELTAGANDE": None,
        "V2_VHU_FAR_VID_LAG_AKTIVITET": None,
        # Contract 1.2: the listing's fast_vardkontakt (none registered here: K8 = 0 of the listed).
        "K8_FAST_VARDKONTAKT": None,
    }
    # Ambulance months: only 2024-12 has a window all of whose months were delivered.
    a_periods = {k[1] for k in indikatorer if k[0].startswith("A")}
    assert a_periods == {"2024-12"}
    # Regions with ambulance data (24, 22) get A rows for every kommun; region 23 has none.
    a1_kommuner = {k[3] for k in indikatorer if k[0] == "A1_MANGAKARE_PER_1000" and k[2] == "kommun"}
    assert len(a1_kommuner) == 15 + 7 and not any(k.startswith("23") for k in a1_kommuner)
    # Every unit row of a level is counted once: the HSA-id missing from the registry rolls up nowhere.
    t1_vardenheter = {k[3] for k in indikatorer if k[0] == "T1_TELEFON_SAMMA_DAG" and k[2] == "vardenhet"}
    assert t1_vardenheter == {U1, U2, U3, U4, UX}


def test_domain_marts_carry_the_numbers(built):
    warehouse, _, _ = built
    con = duckdb.connect(str(warehouse), read_only=True)
    k = con.execute(
        "select antal_listade, fte_specialist_allmanmedicin, fte_st_allmanmedicin from marts.kontinuitet_manad "
        "where period = '2024-11' and level = 'vardenhet' and unit_id = ?", [U1]
    ).fetchone()
    # 2024-11 has a listing but no physician file: FTE unknown (NULL), not 0.
    assert k == (5, None, None)
    m = con.execute(
        "select fonster_start, fonster_slut, invanare, antal_mangakare, uppdrag_i_fonster, uppdrag_av_mangakare "
        "from marts.mangakare_manad where period = '2024-12' and level = 'kommun' and unit_id = '2480'"
    ).fetchone()
    assert m == (dt.date(2024, 1, 2), dt.date(2024, 12, 31), INV_2480, 5, 28, 20)
    # No person-level data in the marts.
    person_cols = con.execute(
        "select table_name, column_name from information_schema.columns where table_schema = 'marts' "
        "and (column_name ilike '%person_id%' or column_name ilike '%personnummer%' or column_name ilike '%item_key%')"
    ).fetchall()
    assert person_cols == []
    # The data-quality findings of this dataset (rules: docs/data_quality.md), worked out by hand:
    # - ambulance 2024-12, region 24: the five unidentified patients of 28 assignments (M1 2, M2 3,
    #   M3 2, M5..M8 16, unidentified 5);
    # - VHU 2024 at U1: V3's examination with low activity has no FaR, 1 of U1's 5 with low activity;
    # - vårdgaranti 2024-01: UX is not in the registry (1 of the 14 telefoni + bedomning rows); U2, U3,
    #   U4 and UX have telephone rows with calls but no assessment rows (only U1 delivered contacts).
    # None else: k5 is 1 of U1's 8 contacts (below 20 %), the listed units are below 10 persons, no SÄBO,
    # and the load log is empty (no file findings).
    # - M9, the mångåkare without any kommunkod, unplaceable (two regions in the window): 1 of the 1
    #   mångåkare of region 'okänd';
    # - VHU 2024 is published year-to-date: inbjudan came for 2024-02 and 2024-05, undersökning for 2024-03
    #   and 2024-06, so every month of the year lacks at least one of them: 12 of 12, in regions 24 (U1, U3)
    #   and 22 (U4);
    # - ambulance 2024-01 .. 2024-11: withheld, the window of 2024-m misses 2023-(m+1) .. 2023-12, that is
    #   12 - m of its 12 months; region 24 for 2024-01 and 2024-06 (pick-ups in 2480/2482), 22 for the
    #   filler months (2281).
    window_findings = [("DQ_AMBULANS_FONSTER_OFULLSTANDIGT", "ambulans", f"2024-{m:02d}", "region",
                        "24" if m in (1, 6) else "22", "WARN", float(12 - m), pytest.approx((12 - m) / 12))
                       for m in range(1, 12)]
    findings = con.execute(
        "select check_id, source, period, level, unit_id, severity, affected, share from marts.dq_findings "
        "order by check_id, unit_id, period").fetchall()
    assert findings == [
        ("DQ_AMBULANS_EJ_IDENTIFIERAD", "ambulans", "2024-12", "region", "24", "WARN", 5.0, pytest.approx(5 / 28)),
        *sorted(window_findings, key=lambda f: (f[4], f[2])),
        ("DQ_FAR_SAKNAS", "vhu", "2024", "vardenhet", U1, "WARN", 1.0, pytest.approx(1 / 5)),
        ("DQ_HSA_ID_OKAND", "vardgaranti", "2024-01", "vardenhet", UX, "WARN", 1.0, pytest.approx(1 / 14)),
        *sorted(("DQ_LEVERANS_SAKNAS", "vardgaranti", "2024-01", "vardenhet", u, "WARN", 1.0, None)
                for u in (U2, U3, U4, UX)),
        ("DQ_MANGAKARE_UTAN_KOMMUN", "ambulans", "2024-12", "region", "okänd", "WARN", 1.0, 1.0),
        ("DQ_VHU_AR_OFULLSTANDIGT", "vhu", "2024", "region", "22", "WARN", 12.0, 1.0),
        ("DQ_VHU_AR_OFULLSTANDIGT", "vhu", "2024", "region", "24", "WARN", 12.0, 1.0),
    ]
    # V1/V2 2024 are year-to-date, and the finding names what is missing of each file.
    message = con.execute("select message from marts.dq_findings where check_id = "
                          "'DQ_VHU_AR_OFULLSTANDIGT' and unit_id = '24'").fetchone()[0]
    assert ("inbjudan 2024-01, 2024-03, 2024-04, 2024-06, 2024-07, 2024-08, 2024-09, 2024-10, 2024-11, 2024-12; "
            "undersökning 2024-01, 2024-02, 2024-04, 2024-05, 2024-07, 2024-08, 2024-09, 2024-10, 2024-11, "
            "2024-12") in message and "år-till-datum" in message
    # The window finding names the missing months: 2024-03's window touches 2023-04 .. 2024-03.
    message = con.execute("select message from marts.dq_findings where check_id = "
                          "'DQ_AMBULANS_FONSTER_OFULLSTANDIGT' and period = '2024-03'").fetchone()[0]
    assert "(2023-04, 2023-05, 2023-06, 2023-07, 2023-08, 2023-09, 2023-10, 2023-11, 2023-12)" in message
    con.close()


def test_dbt_parse(tmp_path):
    warehouse = tmp_path / "unused.duckdb"  # parse does not connect, but the profile needs the variable
    run_dbt(["parse"], warehouse, tmp_path)
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    # Every raw table is a source (the relation it reads), named by its source system (issue 13):
    # the extract's source folder, and `ingestion` for the loader's own tables.
    bookkeeping = ("_load_log", "_set_aside_rows", "_landing_files")
    relations = {n["schema"] + "." + n["identifier"]: n["source_name"] for n in manifest["sources"].values()}
    assert set(relations) == {f"raw.{e.key}" for e in EXTRACTS} | {f"raw.{t}" for t in bookkeeping}
    assert {e.key: relations[f"raw.{e.key}"] for e in EXTRACTS} == {e.key: e.source for e in EXTRACTS}
    assert {relations[f"raw.{t}"] for t in bookkeeping} == {"ingestion"}
    models = {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    assert models["indikatorer"]["config"]["contract"]["enforced"] is True
    assert models["indikatorer"]["config"]["schema"] == "marts"


def test_dbt_docs_generate_offline(built):
    warehouse, work, _ = built
    run_dbt(["docs", "generate", "--static"], warehouse, work)
    target = work / "target"
    assert (target / "catalog.json").exists() and (target / "static_index.html").exists()
    catalog = json.loads((target / "catalog.json").read_text())
    assert "model.naravard.indikatorer" in catalog["nodes"]

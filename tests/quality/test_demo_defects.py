"""Every defect the demo generator injects is found by the check meant for it.

One real `naravard run` over six months of demo data with defects (scale 0.03),
then marts.dq_findings is compared with the generator's manifest (DEFECTS.json)
and, where the manifest gives no count, with counts taken straight from the
landing CSV files, never from the pipeline's own tables.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from naravard.demo import write_demo_data
from tests.quality.conftest import (
    check_result,
    findings,
    load_manifest,
    pointed_at,
    read_landing_csv,
    run_naravard,
)

MONTHS = 6
BEDOMNING_THRESHOLD = 0.20  # dbt var dq_bedomning_saknas_andel (default)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("dq_demo")
    with pointed_at(root):
        write_demo_data(root / "landing", scale=0.03, months=MONTHS, defects=True)
        run = run_naravard()
        yield {"root": root, "landing": root / "landing", "manifest": load_manifest(root / "landing"), "run": run,
               "findings": findings(root / "warehouse" / "naravard.duckdb")}


def _rows(df, check_id):
    return df[df.check_id == check_id]


def _months(manifest) -> list[str]:
    return sorted({f["month"] for f in manifest["files"].values()})


def test_run_publishes_with_warn_findings_and_exits_0(demo):
    run = demo["run"]
    assert run.rc == 0, run.err
    assert (demo["root"] / "serving" / "naravard.duckdb").exists()
    assert "WARN" in run.out and "registreringsluckor" in run.out
    # The gaps are WARN, nothing is a broken contract.
    assert set(demo["findings"].severity) == {"WARN"}
    gaps = check_result(run, "marts/dq_findings", "registreringsluckor")
    assert not gaps.passed and gaps.severity.value == "WARN" and gaps.blocking is False
    assert gaps.metadata["warn_findings"].value == len(demo["findings"])
    # Every raw contract and the indicator mart's contract hold.
    for key in ("vardgaranti_telefoni", "vardgaranti_bedomning", "listning_listning", "listning_lakare",
                "ambulans_uppdrag", "vhu_inbjudan", "vhu_undersokning", "besok_besok"):
        for name in ("leverans", "gx_kontrakt"):
            ev = check_result(run, f"raw/{key}", name)
            assert ev.passed, (key, name, ev.description)
            assert ev.blocking is True
    assert check_result(run, "marts/indikatorer", "gx_kontrakt").passed
    # The demo is green: its data ends in 2024-12, long before today, yet nothing is late
    # (COVERAGE.json), so no ERROR and no alert; its left-out file is the WARN gap DQ_FIL_SAKNAS.
    late = check_result(run, "raw/_late_deliveries", "leveranser_i_tid")
    assert late.passed, late.description
    # (Words like ERROR may stand in names, e.g. a dbt test's; an ERROR or an alert is a line.)
    said = [line for line in (run.out + run.err).splitlines()
            if line.startswith(("naravard: ERROR", "naravard: alert:", "ERROR ")) or " - ERROR - " in line]
    assert said == []


def test_units_that_never_register_a_fast_lakarkontakt(demo):
    m, df = demo["manifest"], _rows(demo["findings"], "DQ_FAST_LAKARKONTAKT_SAKNAS")
    never = set(m["units_never_fast_lakarkontakt"])
    assert never and set(df.unit_id) == never  # those units, and no other
    for month in _months(m):
        listing = read_landing_csv(demo["landing"], f"listning/listning_{month}.csv", m)
        for unit in never:
            at_unit = listing[listing.hsa_id == unit]
            outside_sabo = int((at_unit.sarskilt_boende != "J").sum())
            row = df[(df.unit_id == unit) & (df.period == month)]
            assert len(row) == 1, (unit, month)
            assert row.iloc[0].affected == outside_sabo and row.iloc[0].share == 1.0
            assert row.iloc[0].source == "listning" and row.iloc[0].level == "vardenhet"
            assert "Ingen av de" in row.iloc[0].message


def test_sabo_residents_are_reported_every_month(demo):
    m, df = demo["manifest"], _rows(demo["findings"], "DQ_SABO_FAST_LAKARKONTAKT")
    expected = {(u, month): n for u, per in m["sabo_residents_per_unit_month"].items() for month, n in per.items()}
    assert {(r.unit_id, r.period): r.affected for r in df.itertuples()} == expected
    per_month = df.groupby("period").affected.sum().to_dict()
    assert per_month == {k: v for k, v in m["sabo_residents_per_month"].items() if v}
    assert set(per_month) == set(_months(m))  # every month, as the structural gap it is


def test_contacts_without_assessment_date(demo):
    m, df = demo["manifest"], _rows(demo["findings"], "DQ_BEDOMNINGSDATUM_SAKNAS")
    missing = m["missing_assessment_per_unit_month"]
    expected = {}
    for month in _months(m):
        contacts = Counter(read_landing_csv(demo["landing"], f"vardgaranti/bedomning_{month}.csv", m).hsa_id)
        for unit, per in missing.items():
            n = per.get(month, 0)
            if n and n / contacts[unit] >= BEDOMNING_THRESHOLD:
                expected[(unit, month)] = (n, n / contacts[unit])
    found = {(r.unit_id, r.period): (r.affected, r.share) for r in df.itertuples()}
    assert found.keys() == expected.keys()
    for k, (n, share) in expected.items():
        assert found[k][0] == n and found[k][1] == pytest.approx(share)
    # The two units that hardly register are the ones the check keeps pointing at.
    for unit in m["missing_assessment"]["high_units"]:
        assert sum(u == unit for u, _ in found) >= MONTHS - 1, unit


def test_unit_that_delivered_telephone_data_but_no_assessments(demo):
    md, df = demo["manifest"]["missing_delivery"], _rows(demo["findings"], "DQ_LEVERANS_SAKNAS")
    assert [(r.unit_id, r.period, r.source) for r in df.itertuples()] == [(md["unit"], md["month"], "vardgaranti")]
    assert "telefonidata" in df.iloc[0].message


def test_expected_monthly_file_that_never_arrived(demo):
    m, df = demo["manifest"], _rows(demo["findings"], "DQ_FIL_SAKNAS")
    expected = []
    for rel in m["missing_files"]:
        folder, name = rel.split("/")
        expected.append((folder, re.search(r"\d{4}-\d{2}", name).group(), "fil", name))
    assert m["missing_files"]  # the generator drops one file
    assert sorted((r.source, r.period, r.level, r.unit_id) for r in df.itertuples()) == sorted(expected)


def test_ambulance_assignments_without_a_person(demo):
    m, df = demo["manifest"], _rows(demo["findings"], "DQ_AMBULANS_EJ_IDENTIFIERAD")
    per_month = m["unidentified_ambulance"]["per_month"]
    expected = {month: d["total"] for month, d in per_month.items() if d["total"]}
    assert {r.period: r.affected for r in df.itertuples()} == expected
    assert set(df.unit_id) == {m["params"]["regionkod"]} and set(df.level) == {"region"}
    volumes = m["volumes"]["ambulance_per_month"]
    for r in df.itertuples():
        assert r.share == pytest.approx(r.affected / volumes[r.period])


def test_far_not_registered_at_low_activity(demo):
    m, df = demo["manifest"], _rows(demo["findings"], "DQ_FAR_SAKNAS")
    expected = {(u, y): n for u, per in m["far_blank"]["per_unit_year"].items() for y, n in per.items()}
    assert expected
    assert {(r.unit_id, r.period): r.affected for r in df.itertuples()} == expected


def _empty_files(m) -> dict[tuple[str, str], str]:
    """(file name, month) -> source of the demo files with a header and no rows (VHU has no examinations in July)."""
    return {(rel.split("/")[1], f["month"]): rel.split("/")[0] for rel, f in m["files"].items() if f["rows"] == 0}


def _dst_counts(demo) -> dict[tuple[str, str], tuple[int, float]]:
    """Counted straight from the landing files: alarm times 02:00-02:59 on the last Sunday of March
    (31 March 2024) or of October (27 October 2024), the days the clocks change in Sweden."""
    m, out = demo["manifest"], {}
    for month in _months(m):
        larmtid = read_landing_csv(demo["landing"], f"ambulans/uppdrag_{month}.csv", m).larmtid
        n = sum(t.startswith(("2024-03-31 02:", "2024-10-27 02:", "20240331 02:", "20241027 02:")) for t in larmtid)
        if n:
            out[(f"uppdrag_{month}.csv", month)] = (n, n / len(larmtid))
    return out


def test_the_unit_without_practitioner_ids_is_found_every_month(demo):
    """DQ_BESOK_PERSONAL_SAKNAS: the manifest's unit, every month, all its läkare visits (counted in the
    landing CSVs); no other unit (every other läkare visit names its practitioner)."""
    m, landing = demo["manifest"], demo["landing"]
    unit = m["besok"]["unit_without_personal_hsa_id"]
    expected = {}
    for month in _months(m):
        rel = f"besok/besok_{month}.csv"
        df = read_landing_csv(landing, rel, m)
        lak = df[df["yrkesgrupp"] == "XS915"]
        assert (lak.loc[lak["hsa_id"] != unit, "personal_hsa_id"] != "").all()
        expected[month] = int((lak["hsa_id"] == unit).sum())
    df = _rows(demo["findings"], "DQ_BESOK_PERSONAL_SAKNAS")
    assert set(df["unit_id"]) == {unit}
    assert {r.period: (r.affected, r.share) for r in df.itertuples()} == {
        month: (n, 1.0) for month, n in expected.items() if n}


def test_hired_doctors_are_found_where_the_generator_put_them(demo):
    """DQ_BESOK_LAKARE_EJ_I_LAKARFIL names the two units that depend on hired doctors, in every month
    with a lakare file (the month whose file was left out has no finding)."""
    m = demo["manifest"]
    df = _rows(demo["findings"], "DQ_BESOK_LAKARE_EJ_I_LAKARFIL")
    missing = {f.split("_")[-1][:7] for f in m["missing_files"]}
    for unit in m["besok"]["units_with_many_hired_doctors"]:
        shares = dict(df.loc[df["unit_id"] == unit, ["period", "share"]].itertuples(index=False))
        assert set(shares) == set(_months(m)) - missing
        assert all(0.1 < share < 0.9 for share in shares.values()), shares


def test_no_other_findings_in_the_demo_data(demo):
    # No unknown codes, no set-aside files or rows: the generator injects none. Two findings follow from
    # realism, where the data has them: a month without rows (DQ_MANAD_TOM) and alarm times at a
    # daylight-saving change (DQ_TID_SOMMARTID); their counts are checked below.
    expected = {"DQ_FAST_LAKARKONTAKT_SAKNAS", "DQ_SABO_FAST_LAKARKONTAKT", "DQ_BEDOMNINGSDATUM_SAKNAS",
                "DQ_LEVERANS_SAKNAS", "DQ_FIL_SAKNAS", "DQ_AMBULANS_EJ_IDENTIFIERAD", "DQ_FAR_SAKNAS",
                # six months of data: no ambulance month has a whole window, and the year is not complete
                "DQ_AMBULANS_FONSTER_OFULLSTANDIGT", "DQ_VHU_AR_OFULLSTANDIGT",
                # the visits (contract 1.2): a unit without practitioner ids, hired doctors, visitors
                "DQ_BESOK_PERSONAL_SAKNAS", "DQ_BESOK_LAKARE_EJ_I_LAKARFIL", "DQ_BESOK_EJ_LISTAD"}
    expected |= {"DQ_MANAD_TOM"} if _empty_files(demo["manifest"]) else set()
    expected |= {"DQ_TID_SOMMARTID"} if _dst_counts(demo) else set()
    assert set(demo["findings"].check_id) == expected


def test_a_month_without_rows_is_named(demo):
    df = _rows(demo["findings"], "DQ_MANAD_TOM")
    assert {(r.unit_id, r.period): r.source for r in df.itertuples()} == _empty_files(demo["manifest"])


def test_alarm_times_at_the_daylight_saving_changes(demo):
    df = _rows(demo["findings"], "DQ_TID_SOMMARTID")
    expected = _dst_counts(demo)
    found = {(r.unit_id, r.period): (r.affected, r.share) for r in df.itertuples()}
    assert found.keys() == expected.keys()
    for k, (n, share) in expected.items():
        assert found[k][0] == n and found[k][1] == pytest.approx(share)


def test_data_docs_index_lists_the_suites_in_chromium(demo):
    from tests.browser import dump_dom

    index = demo["root"] / "datadocs" / "index.html"
    html = dump_dom(index.as_uri(), wait_ms=1000)
    table = html[html.index('id="sviter"'):]
    for suite in ("raw.vardgaranti_telefoni", "raw.vardgaranti_bedomning", "raw.listning_listning",
                  "raw.listning_lakare", "raw.ambulans_uppdrag", "raw.vhu_inbjudan", "raw.vhu_undersokning",
                  "raw.besok_besok", "marts.indikatorer"):
        assert suite in table, suite
    assert table.count(">OK<") == 9
    # The links lead to GX's pages, which render offline.
    link = re.search(r'href="(gx/validations/raw/listning_listning/[^"]+)"', html).group(1)
    page = dump_dom((index.parent / link).as_uri(), wait_ms=1000)
    assert "Expectation Validation Result" in page and "raw.listning_listning" in page


def test_check_metadata_links_the_data_docs_page(demo):
    ev = check_result(demo["run"], "raw/listning_listning", "gx_kontrakt")
    page = Path(ev.metadata["data_docs_path"].value)
    assert page.exists() and page.is_relative_to(demo["root"] / "datadocs")
    assert ev.metadata["data_docs"].value == page.as_uri()
    handed = ev.metadata["columns_handed_to_gx"].value.split(", ")
    assert "person_id" not in handed and "personnummer" not in handed and "har_person_id" in handed


def test_no_personal_data_in_findings_check_metadata_or_data_docs(demo):
    root, m = demo["root"], demo["manifest"]
    con = duckdb.connect(str(root / "warehouse" / "naravard.duckdb"), read_only=True)
    pseudonyms = {r[0] for r in con.execute(
        "SELECT person_id FROM raw.listning_listning WHERE person_id IS NOT NULL "
        "UNION SELECT person_id FROM raw.ambulans_uppdrag WHERE person_id IS NOT NULL").fetchall()}
    con.close()
    listing = read_landing_csv(demo["landing"], f"listning/listning_{_months(m)[-1]}.csv", m)
    ambulans = read_landing_csv(demo["landing"], f"ambulans/uppdrag_{_months(m)[-1]}.csv", m)
    pnrs = {p.replace("-", "") for p in [*listing.personnummer, *ambulans.personnummer] if len(p) >= 12}
    assert len(pseudonyms) > 1000 and len(pnrs) > 1000

    def leaks(text: str) -> list[str]:
        hexes = set(re.findall(r"[0-9a-f]{64}", text))
        digits = {t.replace("-", "") for t in re.findall(r"\d{8}-?\d{4}", text)}
        return sorted(hexes & pseudonyms) + sorted(digits & pnrs)

    texts = {"dq_findings": demo["findings"].to_csv()}
    texts["check metadata"] = "\n".join(f"{c.description} {c.metadata}" for c in demo["run"].checks)
    texts["cli output"] = demo["run"].out + demo["run"].err
    for f in (root / "datadocs").rglob("*"):
        if f.is_file() and f.suffix in (".html", ".json"):
            texts[str(f)] = f.read_text(encoding="utf-8", errors="replace")
    for where, text in texts.items():
        assert not leaks(text), where

"""The late-delivery rule with fixed dates; expected values worked out with a calendar.

The rule: every extract is expected every month from the first delivered month;
month M is due on day 15 (NARAVARD_LATE_DAY) of month M+1 and late from the 16th.
"""
from __future__ import annotations

import datetime as dt

import dagster as dg
import duckdb

from orchestration.automation import late
from orchestration.automation.coverage import COVERAGE_NAME, Coverage, applicable_coverage
from orchestration.defs.ingest import CHECK_NAME, LATE_ASSET, late_deliveries, today_in_sweden
from orchestration.ingest import landing, loading
from naravard.demo import write_demo_data
from orchestration.ingest.schemas import EXTRACTS

# The seven extract types of contract 1.1, expected from the first month anything was delivered;
# besok (1.2) is expected from its own first delivery (test_a_later_extract_...).
KEYS = [e.key for e in EXTRACTS if not e.expected_from_own_first]
ALL_JAN = {(k, "2024-01") for k in KEYS}
# February: everything but the medical assessments.
FEB_WITHOUT_BEDOMNING = {(k, "2024-02") for k in KEYS if k != "vardgaranti_bedomning"}


def _late(arrived, today, late_day=15, first_month="2023-01"):
    return late.late_deliveries(arrived, today, late_day, first_month)


def test_due_date_is_the_late_day_of_the_following_month():
    assert late.due_date("2024-02", 15) == dt.date(2024, 3, 15)
    assert late.due_date("2023-12", 15) == dt.date(2024, 1, 15)  # across the year
    assert late.due_date("2024-01", 30) == dt.date(2024, 2, 29)  # a short month: its last day (leap year)


def test_a_file_due_today_is_not_late_tomorrow_it_is():
    arrived = ALL_JAN | FEB_WITHOUT_BEDOMNING
    assert _late(arrived, dt.date(2024, 3, 15)) == []  # bedomning 2024-02 is due today
    [one] = _late(arrived, dt.date(2024, 3, 16))
    assert (one.extract, one.reporting_month, one.file_name, one.expected_path) == (
        "vardgaranti_bedomning", "2024-02", "bedomning_2024-02.csv", "vardgaranti/bedomning_2024-02.csv")
    assert (one.due_date, one.days_late) == (dt.date(2024, 3, 15), 1)


def test_a_month_later_the_missing_file_and_the_whole_next_month_are_late():
    found = _late(ALL_JAN | FEB_WITHOUT_BEDOMNING, dt.date(2024, 4, 16))
    # bedomning 2024-02 (15 March -> 16 April = 16 days of March + 16 of April = 32 days late)
    # and all seven files of 2024-03 (due 15 April: 1 day late).
    assert len(found) == 1 + 7
    assert [(f.reporting_month, f.extract, f.days_late) for f in found][:2] == [
        ("2024-02", "vardgaranti_bedomning", 32), ("2024-03", "ambulans_uppdrag", 1)]
    assert {f.extract for f in found if f.reporting_month == "2024-03"} == set(KEYS)
    assert late.summarise(found).startswith("vardgaranti/bedomning: 2024-02..2024-03; ")


def test_a_later_extract_is_expected_from_its_own_first_delivery_only():
    # besok (contract 1.2) never delivered: the seven 1.1 extracts of January and February
    # arrived, and nothing is late on 16 March (February was due on 15 March).
    arrived = ALL_JAN | {(k, "2024-02") for k in KEYS}
    assert _late(arrived, dt.date(2024, 3, 16)) == []
    # Its first delivery is for February: from then on it is expected like the others. On 16 April
    # March is late for all eight (due 15 April), January's besok file is not (before its first).
    found = _late(arrived | {("besok_besok", "2024-02")}, dt.date(2024, 4, 16))
    assert [(f.reporting_month, f.extract) for f in found] == [("2024-03", k) for k in sorted(KEYS + ["besok_besok"])]


def test_the_late_day_is_a_setting():
    # Late day 20: on 16 April, March is not due yet (20 April) and February's file is 27 days
    # late (20 March -> 16 April: 11 days of March + 16 of April).
    [one] = _late(ALL_JAN | FEB_WITHOUT_BEDOMNING, dt.date(2024, 4, 16), late_day=20)
    assert (one.reporting_month, one.extract, one.days_late) == ("2024-02", "vardgaranti_bedomning", 27)


def test_expected_from_the_first_delivered_month_not_before_it():
    # Only December 2023 was delivered, all of it; on 16 Feb 2024 January's seven files are late
    # (due 15 Feb). Nothing before December is expected, however early NARAVARD_FIRST_MONTH is.
    found = _late({(k, "2023-12") for k in KEYS}, dt.date(2024, 2, 16), first_month="2020-01")
    assert [(f.reporting_month, f.days_late) for f in found] == [("2024-01", 1)] * 7


def test_deliveries_before_the_first_month_do_not_count():
    # A stray file for 2022-11 (before NARAVARD_FIRST_MONTH 2023-01) does not make 2022-12 expected.
    arrived = {("listning_listning", "2022-11")} | {(k, "2023-01") for k in KEYS}
    assert _late(arrived, dt.date(2023, 2, 16)) == []


def test_nothing_delivered_means_nothing_expected():
    assert _late(set(), dt.date(2026, 11, 23)) == []


def test_month_ranges_and_summary():
    assert late.month_ranges(["2024-03", "2024-01", "2024-02", "2024-06", "2023-12"]) == "2023-12..2024-03, 2024-06"


def _write(folder, name):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("header\n")


def test_arrived_is_what_lies_in_landing_or_was_ever_logged(pipeline, tmp_path):
    land = pipeline.root / "landing"
    _write(land / "vardgaranti", "telefoni_2024-01.csv")
    _write(land / "vardgaranti", "anteckningar.txt")           # not a delivery
    _write(land / "listning", "listning_2024-13.csv")          # no such month
    assert late.arrived_from_landing(landing.scan(land)) == {("vardgaranti_telefoni", "2024-01")}

    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    loading.ensure_schema(con)
    # A delivery loaded and since removed from landing, and one set aside whole: both arrived.
    for i, (extract, month, status) in enumerate([("listning_lakare", "2024-01", "loaded"),
                                                  ("vhu_inbjudan", "2024-02", "file_set_aside"),
                                                  ("", None, "file_set_aside")]):
        con.execute("INSERT INTO raw._load_log (load_id, extract, reporting_month, status) VALUES (?, ?, ?, ?)",
                    [str(i), extract, month, status])
    assert late.arrived_from_load_log(con) == {("listning_lakare", "2024-01"), ("vhu_inbjudan", "2024-02")}

    found = _late(ALL_JAN | FEB_WITHOUT_BEDOMNING, dt.date(2024, 3, 16))
    late.write_table(con, found, dt.date(2024, 3, 16))
    late.write_table(con, found, dt.date(2024, 3, 16))  # a state, replaced: not appended
    assert con.execute("SELECT extract, source, file_name, reporting_month, due_date, days_late, evaluated_on "
                       "FROM raw._late_deliveries").fetchall() == [
        ("vardgaranti_bedomning", "vardgaranti", "bedomning_2024-02.csv", "2024-02", dt.date(2024, 3, 15), 1,
         dt.date(2024, 3, 16))]


def _months_between(first: str, last: str) -> int:
    (y0, m0), (y1, m1) = (map(int, first.split("-")), map(int, last.split("-")))
    return (y1 * 12 + m1) - (y0 * 12 + m0) + 1


def test_the_asset_writes_the_table_and_its_check_fails_with_error_not_blocking(pipeline):
    # All eight extracts for 2024-01 only (besok too, so it is expected from then on): every
    # later month up to the last one due is late.
    land = pipeline.root / "landing"
    for e in EXTRACTS:
        _write(land / e.folder, e.file_name("2024-01"))
    today = today_in_sweden()
    # The last month due: the previous month after the 15th, else the one before.
    last_due_index = today.year * 12 + today.month - 1 - (1 if today.day > 15 else 2)
    last_due = f"{last_due_index // 12:04d}-{last_due_index % 12 + 1:02d}"
    expected = len(EXTRACTS) * (_months_between("2024-02", last_due))

    result = dg.materialize([late_deliveries], instance=pipeline.instance, resources=pipeline.resources)
    assert result.success  # a late file is a finding, not a failed run
    [check] = result.get_asset_check_evaluations()
    assert (check.asset_key, check.check_name, check.passed) == (LATE_ASSET, CHECK_NAME, False)
    assert check.severity == dg.AssetCheckSeverity.ERROR and not check.blocking
    assert check.metadata["late_files"].value == expected
    assert check.metadata["failed_partitions"].value == f"2024-02..{last_due}"
    # The newest late month was due on the 15th of the month after it.
    due_index = last_due_index + 1
    newest_due = dt.date(due_index // 12, due_index % 12 + 1, 15)
    with duckdb.connect(str(pipeline.root / "warehouse" / "naravard.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*), min(reporting_month), max(reporting_month), min(days_late) "
                           "FROM raw._late_deliveries").fetchone() == (
            expected, "2024-02", last_due, (today - newest_due).days)


def _last_due(today: dt.date) -> str:
    """The last month whose deadline (the 15th of the month after) is before today."""
    index = today.year * 12 + today.month - 1 - (1 if today.day > 15 else 2)
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def test_a_coverage_bounds_the_months_and_excuses_the_files_it_left_out():
    today = dt.date(2024, 6, 20)  # May was due on 15 June: February..May are expected
    arrived = ALL_JAN | FEB_WITHOUT_BEDOMNING
    # Without a coverage: February's bedomning, and March, April and May whole: 1 + 3 x 7.
    assert len(_late(arrived, today)) == 22
    # Covering January..February: only the February bedomning is late ...
    cover = Coverage("2024-01", "2024-02", frozenset(), frozenset())
    [one] = late.late_deliveries(arrived, today, 15, "2023-01", coverage=cover)
    assert (one.extract, one.reporting_month) == ("vardgaranti_bedomning", "2024-02")
    # ... and not even that when the coverage says it was left out.
    cover = Coverage("2024-01", "2024-02", frozenset({"vardgaranti/bedomning_2024-02.csv"}), frozenset())
    assert late.late_deliveries(arrived, today, 15, "2023-01", coverage=cover) == []


def test_a_coverage_is_ignored_in_prod_and_when_landing_holds_files_it_does_not_list(tmp_path):
    (tmp_path / COVERAGE_NAME).write_text(
        '{"first_month": "2024-01", "last_month": "2024-02", "files": ["vhu/inbjudan_2024-01.csv"]}')
    assert applicable_coverage(tmp_path, ["vhu/inbjudan_2024-01.csv"], "dev")[0].last_month == "2024-02"
    assert applicable_coverage(tmp_path, ["vhu/inbjudan_2024-01.csv"], "prod")[0] is None
    # A real extract copied in beside the demo's files: judged as real data, against today.
    cover, why = applicable_coverage(tmp_path, ["vhu/inbjudan_2024-01.csv", "vhu/inbjudan_2024-03.csv"], "dev")
    assert cover is None and "does not list" in why
    assert applicable_coverage(tmp_path / "elsewhere", [], "dev")[0] is None


def test_demo_data_is_on_time_within_its_horizon_and_late_in_prod(pipeline):
    # Two demo months with defects: the generator leaves out listning/lakare of the first month.
    manifest = write_demo_data(pipeline.root / "landing", scale=0.01, months=2, end_month="2024-02")
    assert manifest["missing_files"] == ["listning/lakare_2024-01.csv"]

    def evaluate(p):
        result = dg.materialize([late_deliveries], instance=p.instance, resources=p.resources)
        [check] = result.get_asset_check_evaluations()
        return check

    check = evaluate(pipeline)
    assert check.passed and check.metadata["late_files"].value == 0
    # The same folder judged as real data (prod ignores COVERAGE.json): the left-out file and
    # every month from 2024-03 up to the last one due are late.
    check = evaluate(pipeline.with_settings(env="prod"))
    assert not check.passed
    # (the demo delivers all eight extracts, besok too, so all eight are expected)
    assert check.metadata["late_files"].value == 1 + len(EXTRACTS) * _months_between("2024-03",
                                                                                   _last_due(today_in_sweden()))

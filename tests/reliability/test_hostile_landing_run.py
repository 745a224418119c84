"""One real `naravard run` over a small demo landing that a hostile sender has been at (issue 16).

Two months of demo data (2024-02, 2024-03), then by hand:
- vhu/undersokning_2024-03.csv renamed Undersokning_2024-03.csv (letter case);
- files named after a patient: vhu/6407023040.csv, listning/196407023040.csv and
  6407023040.csv in the landing root (640702-3040 is a valid personnummer);
- vardgaranti/gamla/telefoni_2024-02.csv, a copy in a subfolder (ignored);
- vhu/inbjudan_2024-02.csv replaced by its header alone (the month emptied);
- one ambulance assignment at 2024-03-31 02:30 added to ambulans/uppdrag_2024-03.csv,
  a local time that does not exist.
Expected, by hand: the upper-case file is loaded; the number appears nowhere the
pipeline writes (warehouse, serving copy, Parquet, CSV, report, Data Docs,
archive, Dagster's storage and logs, the console); the findings name the
ignored copy, the emptied month and the odd local time.
"""
from __future__ import annotations

import shutil

import duckdb
import pytest

from naravard.demo import write_demo_data
from tests.quality.conftest import findings, load_manifest, pointed_at, run_naravard

DIGITS = "6407023040"


def _add_assignment_at(landing, rel: str, encoding: str, larmtid: str) -> None:
    """A copy of the file's first assignment with a new id and alarm time, appended in the file's own format."""
    path = landing / rel
    text = path.read_bytes().decode(encoding)
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.rstrip("\r\n").split(newline)
    header = [h.strip().strip('"').lstrip("\ufeff").lower() for h in lines[0].split(";")]
    row = lines[1].split(";")
    row[header.index("uppdrag_id")] = "DST-1"
    row[header.index("larmtid")] = larmtid
    path.write_bytes((text.rstrip("\r\n") + newline + ";".join(row) + newline).encode(encoding))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    with pointed_at(root):
        land = root / "landing"
        write_demo_data(land, scale=0.02, months=2, end_month="2024-03", defects=False)
        enc = load_manifest(land)["encodings"]
        (land / "vhu" / "undersokning_2024-03.csv").rename(land / "vhu" / "Undersokning_2024-03.csv")
        inbjudan = land / "vhu" / "inbjudan_2024-02.csv"
        shutil.copy(inbjudan, land / "vhu" / f"{DIGITS}.csv")
        shutil.copy(inbjudan, land / "listning" / f"19{DIGITS}.csv")
        shutil.copy(inbjudan, land / f"{DIGITS}.csv")
        (land / "vardgaranti" / "gamla").mkdir()
        shutil.copy(land / "vardgaranti" / "telefoni_2024-02.csv", land / "vardgaranti" / "gamla" / "telefoni_2024-02.csv")
        data = inbjudan.read_bytes()
        inbjudan.write_bytes(data[: data.index(b"\n") + 1])  # the header line alone, as delivered
        _add_assignment_at(land, "ambulans/uppdrag_2024-03.csv", enc["ambulans/uppdrag_2024-03.csv"],
                           "2024-03-31 02:30")
        run = run_naravard()
        yield {"root": root, "run": run, "findings": findings(root / "warehouse" / "naravard.duckdb")}


def test_the_run_publishes(hostile):
    assert (hostile["root"] / "serving" / "naravard.duckdb").exists(), hostile["run"].err[-3000:]


def test_the_upper_case_file_is_loaded(hostile):
    con = duckdb.connect(str(hostile["root"] / "warehouse" / "naravard.duckdb"), read_only=True)
    got = con.execute("SELECT DISTINCT _source_file FROM raw.vhu_undersokning WHERE _reporting_month = '2024-03'"
                      ).fetchall()
    con.close()
    assert got == [("Undersokning_2024-03.csv",)]
    f = hostile["findings"]
    assert not ((f.check_id == "DQ_FIL_SAKNAS") & (f.source == "vhu")).any()


def test_the_findings_name_what_the_sender_should_hear_about(hostile):
    f = hostile["findings"].set_index(["check_id", "unit_id"])
    assert f.loc[("DQ_FIL_IGNORERAD", "vardgaranti/gamla/telefoni_2024-02.csv"), "severity"] == "WARN"
    assert f.loc[("DQ_MANAD_TOM", "inbjudan_2024-02.csv"), "period"] == "2024-02"
    # One assignment of the file at a time that does not exist (the demo puts none in 02:00-02:59 that night:
    # were there more, affected would say so and this would fail).
    assert f.loc[("DQ_TID_SOMMARTID", "uppdrag_2024-03.csv"), "affected"] == 1
    assert sorted(f.loc[("DQ_FIL_AVSATT", "<personnummer>.csv"), "source"]) == ["listning", "vhu"]
    run = hostile["run"]
    assert "inbjudan_2024-02.csv: a header and no rows, so raw.vhu_inbjudan is now empty for 2024-02" \
        in run.out + run.err


def _varchar_hits(db, needle: str) -> list[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        cols = con.execute("SELECT table_schema, table_name, column_name FROM information_schema.columns "
                           "WHERE data_type = 'VARCHAR' AND table_catalog = current_database()").fetchall()
        return [f"{s}.{t}.{c}" for s, t, c in cols
                if con.execute(f'SELECT count(*) FROM "{s}"."{t}" WHERE "{c}" LIKE ?', [f"%{needle}%"]).fetchone()[0]]
    finally:
        con.close()


def test_the_number_in_the_names_appears_nowhere_the_pipeline_writes(hostile):
    root, run = hostile["root"], hostile["run"]
    assert DIGITS not in run.out + run.err
    checked = 0
    for path in root.rglob("*"):
        rel = path.relative_to(root)
        if rel.parts[0] == "landing":
            continue  # the sender's own files
        assert DIGITS not in str(rel), rel
        if not path.is_file():
            continue
        checked += 1
        if path.suffix == ".duckdb":
            assert _varchar_hits(path, DIGITS) == [], path
        elif path.suffix == ".parquet":
            con = duckdb.connect()
            text = con.execute(f"SELECT string_agg(CAST(t AS VARCHAR), ' ') FROM read_parquet('{path}') t").fetchone()[0]
            con.close()
            assert DIGITS not in (text or ""), path
        else:
            assert DIGITS.encode() not in path.read_bytes(), path
    assert checked > 20

"""The privacy scan that ends every run: it passes on what the pipeline writes,
and it fails the run when a delivered personnummer stands anywhere it looks."""
from __future__ import annotations

import duckdb
import dagster as dg
import pytest

from orchestration.defs.ingest import ingest_assets
from orchestration.defs.serving import privacy_scan, run_months
from tests.helpers import write_file

# Two valid personnummer (Luhn checked by hand) and a samordningsnummer (day + 60).
LISTNING = """personnummer;hsa_id;listningsdatum;kommunkod;fast_lakarkontakt;fast_vardkontakt;sarskilt_boende
19640823-3234;SE2321000222-E001001;2019-05-01;2480;SE2321000222-P00001;;N
196408833231;SE2321000222-E001001;2019-05-01;2480;;;J"""
RANGE = {"dagster/asset_partition_range_start": "2024-01", "dagster/asset_partition_range_end": "2024-01"}


def _run(pipeline, selection):
    return dg.materialize([*ingest_assets, privacy_scan], instance=pipeline.instance, raise_on_error=False, tags=RANGE,
                          resources=pipeline.resources, selection=selection)


@pytest.fixture
def loaded(pipeline):
    write_file(pipeline.root / "landing" / "listning", "listning_2024-01.csv", LISTNING)
    result = _run(pipeline, dg.AssetSelection.assets(["raw", "listning_listning"], privacy_scan))
    yield pipeline, result


def _failure(result) -> str:
    [failure] = [e for e in result.all_events if e.is_step_failure]
    return failure.step_failure_data.user_failure_data.description


def test_a_clean_run_passes(loaded):
    _, result = loaded
    assert result.success
    [mat] = [m for m in result.asset_materializations_for_node("serving__integritetskontroll")]
    assert mat.metadata["places_with_a_find"].value == 0
    assert mat.metadata["months"].value == "2024-01"


@pytest.mark.parametrize("where", ["report", "warehouse"])
def test_a_planted_number_fails_the_run_and_the_message_names_the_place_not_the_number(loaded, where):
    pipeline, _ = loaded
    root = pipeline.root
    if where == "report":
        (root / "serving" / "rapport").mkdir(parents=True)
        (root / "serving" / "rapport" / "index.html").write_text("<p>Patient 640823-3234 saknar läkare</p>")
        expected_place = str(root / "serving" / "rapport" / "index.html")
    else:
        con = duckdb.connect(str(root / "warehouse" / "naravard.duckdb"))
        con.execute("CREATE SCHEMA marts; CREATE TABLE marts.x (note VARCHAR)")
        con.execute("INSERT INTO marts.x VALUES ('kontakt 196408833231 ringde')")
        con.close()
        expected_place = "naravard.duckdb:marts.x.note: 1 clear personnummer"
    result = _run(pipeline, dg.AssetSelection.assets(privacy_scan))
    assert not result.success
    message = _failure(result)
    assert expected_place in message
    assert "640823" not in message and "3234" not in message.replace(expected_place, "")


def test_the_scan_looks_at_the_run_months_and_only_those_raw_rows(pipeline):
    landing = pipeline.settings.landing_dir
    assert run_months(RANGE | {"dagster/asset_partition_range_end": "2024-03"}, landing) == \
        {"2024-01", "2024-02", "2024-03"}
    assert run_months({"dagster/partition": "2023-11"}, landing) == {"2023-11"}
    # No range (the monthly schedule): the newest month delivered.
    write_file(pipeline.root / "landing" / "listning", "listning_2024-01.csv", LISTNING)
    write_file(pipeline.root / "landing" / "listning", "listning_2024-02.csv", LISTNING)
    assert run_months({}, landing) == {"2024-02"}


def test_the_scanner_matches_every_written_form_but_not_inside_a_hash(tmp_path):
    from orchestration import privacy

    # 6407023040 by hand: Luhn over 6 4 0 7 0 2 3 0 4 0 with weights 2 1 2 1 ...:
    # 12->3, 4, 0, 7, 0, 2, 6, 0, 8, 0 = 30, a multiple of 10; date 1964-07-02. Valid.
    # 6407023041: the same sum + 1 = 31, wrong check digit. The four of the next line are
    # the two valid numbers of LISTNING above, written in three forms, and the samordningsnummer.
    assert privacy.scan_text("fil 6407023040.csv") == 1          # 10 digits, no separator
    assert privacy.scan_text("6407023041") == 0                  # wrong check digit
    assert privacy.scan_text("a 196408233234 b 19640823-3234 c 640823-3234 d x196408833231") == 4
    # An organisation number in an HSA-id has month 21: no date, no find.
    assert privacy.scan_text("SE2321000222-E001001") == 0
    # Decimals are no token: a point before, a point after, a decimal comma.
    assert privacy.scan_text("4.6407023040 .6407023040 6407023040.5 0,6407023040") == 0
    # A longer run of digits holding the number is another number.
    assert privacy.scan_text("16407023040 64070230401 6407023040-1") == 0
    # Month 13 with a right check digit: 6 4 1 3 0 2 3 0 4 -> 3+4+2+3+0+2+6+0+8 = 28, check 2: no date.
    assert privacy.scan_text("641302-3042") == 0
    # A pseudonym (64 hex digits) that happens to hold the 12 digits is no leak; glued to a word it is.
    pseudonym = "ab" + "196408233234" + "c" * 50
    assert privacy.scan_text(pseudonym) == 0
    # Glued on, the word is no pure hash any more: searched whole, both runs count.
    assert privacy.scan_text(f"{pseudonym}-196408233234") == 2
    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE SCHEMA marts; CREATE TABLE marts.m (item_key VARCHAR, note VARCHAR)")
    con.execute("INSERT INTO marts.m VALUES (?, 'ok'), ('x', 'ring 6407023040')", [pseudonym])
    con.close()
    assert [str(x) for x in privacy.scan_duckdb(db)] == ["w.duckdb:marts.m.note: 1 clear personnummer"]


def test_the_scan_never_reads_the_landing_folder(loaded, monkeypatch):
    """Searching by shape: the landing files are not opened (a national month took most of the scan's time)."""
    from pathlib import Path

    pipeline, _ = loaded
    root = pipeline.root
    opened = []
    real_open = Path.open
    monkeypatch.setattr(Path, "open", lambda self, *a, **k: (opened.append(self), real_open(self, *a, **k))[1])
    real_read = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: (opened.append(self), real_read(self))[1])
    assert _run(pipeline, dg.AssetSelection.assets(privacy_scan)).success
    assert not [p for p in opened if (root / "landing") in p.parents]


def _warehouse_with_indikatorer(path, unit_name: str) -> None:
    """The smallest warehouse the serving copy publishes: one marts.indikatorer row above the threshold."""
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA IF NOT EXISTS marts")
    con.execute("CREATE OR REPLACE TABLE marts.indikatorer AS SELECT 'K1_FAST_LAKARKONTAKT' AS indicator_id, "
                "'2024-01' AS period, 'vardenhet' AS level, 'SE2321000222-E001001' AS unit_id, ? AS unit_name, "
                "6 AS numerator, 10 AS denominator, 0.6 AS value, 0.55 AS target, false AS suppressed", [unit_name])
    con.close()


def _serving_state(serving):
    return {p.relative_to(serving).as_posix(): p.read_bytes() for p in sorted(serving.rglob("*")) if p.is_file()}


def test_a_number_in_the_staged_copy_publishes_nothing_and_the_old_copy_stays(pipeline):
    from orchestration.defs.serving import serving_copy

    warehouse, serving = pipeline.root / "warehouse" / "naravard.duckdb", pipeline.root / "serving"
    warehouse.parent.mkdir(parents=True, exist_ok=True)

    def publish_once():
        return dg.materialize([serving_copy], instance=pipeline.instance, raise_on_error=False,
                              resources=pipeline.resources)

    _warehouse_with_indikatorer(warehouse, "Ersboda hälsocentral")
    assert publish_once().success
    before = _serving_state(serving)
    assert "naravard.duckdb" in before and "indikatorer.csv" in before

    # 6407023040 is valid (worked in the test above): in a unit name it reaches every output.
    _warehouse_with_indikatorer(warehouse, "Patient 6407023040")
    result = publish_once()
    assert not result.success
    message = _failure(result)
    assert "Nothing was published" in message and "indikatorer.csv" in message
    assert "6407023040" not in message
    assert _serving_state(serving) == before  # same files, same bytes, no temporaries left

    # The same with a wrong check digit is no personnummer: published.
    _warehouse_with_indikatorer(warehouse, "Patient 6407023041")
    assert publish_once().success
    assert "Patient 6407023041" in (serving / "indikatorer.csv").read_text(encoding="utf-8-sig")


def test_a_number_in_the_data_docs_holds_back_the_publication(pipeline):
    from orchestration.defs.serving import serving_copy

    warehouse = pipeline.root / "warehouse" / "naravard.duckdb"
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    _warehouse_with_indikatorer(warehouse, "Ersboda hälsocentral")
    page = pipeline.root / "datadocs" / "gx" / "validations" / "x.html"
    page.parent.mkdir(parents=True)
    page.write_text("<td>640702-3040</td>")
    result = dg.materialize([serving_copy], instance=pipeline.instance, raise_on_error=False,
                            resources=pipeline.resources)
    assert not result.success
    assert str(page) in _failure(result)
    assert not (pipeline.root / "serving" / "naravard.duckdb").exists()

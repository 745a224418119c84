"""The privacy scan that ends every run: it passes on what the pipeline writes,
and it fails the run when a delivered personnummer stands anywhere it looks."""
from __future__ import annotations

import duckdb
import dagster as dg
import pytest

from orchestration.ingest.assets import ingest_assets
from orchestration.privacy_asset import privacy_scan, run_months
from orchestration.resources import WarehouseResource
from orchestration.settings import Settings
from tests.helpers import write_file

# Two valid personnummer (Luhn checked by hand) and a samordningsnummer (day + 60).
LISTNING = """personnummer;hsa_id;listningsdatum;kommunkod;fast_lakarkontakt;fast_vardkontakt;sarskilt_boende
19640823-3234;SE2321000222-E001001;2019-05-01;2480;SE2321000222-P00001;;N
196408833231;SE2321000222-E001001;2019-05-01;2480;;;J"""
RANGE = {"dagster/asset_partition_range_start": "2024-01", "dagster/asset_partition_range_end": "2024-01"}


def _run(instance, selection):
    return dg.materialize([*ingest_assets, privacy_scan], instance=instance, raise_on_error=False, tags=RANGE,
                          resources={"warehouse": WarehouseResource()}, selection=selection)


@pytest.fixture
def loaded(naravard_env):
    write_file(naravard_env / "landing" / "listning", "listning_2024-01.csv", LISTNING)
    with dg.DagsterInstance.get() as instance:
        result = _run(instance, dg.AssetSelection.assets(["raw", "listning_listning"], privacy_scan))
        yield naravard_env, instance, result


def _failure(result) -> str:
    [failure] = [e for e in result.all_events if e.is_step_failure]
    return failure.step_failure_data.user_failure_data.description


def test_a_clean_run_passes_and_searched_every_form_of_the_delivered_numbers(loaded):
    _, _, result = loaded
    assert result.success
    [mat] = [m for m in result.asset_materializations_for_node("serving__integritetskontroll")]
    # the two numbers of the file (one with a hyphen, one without)
    assert mat.metadata["personnummer_searched"].value == 2
    assert mat.metadata["months"].value == "2024-01"


@pytest.mark.parametrize("where", ["report", "warehouse"])
def test_a_planted_number_fails_the_run_and_the_message_names_the_place_not_the_number(loaded, where):
    root, instance, _ = loaded
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
    result = _run(instance, dg.AssetSelection.assets(privacy_scan))
    assert not result.success
    message = _failure(result)
    assert expected_place in message
    assert "640823" not in message and "3234" not in message.replace(expected_place, "")


def test_the_scan_looks_at_the_run_months_and_only_those_raw_rows(naravard_env):
    settings = Settings.from_env()
    assert run_months(RANGE | {"dagster/asset_partition_range_end": "2024-03"}, settings) == \
        {"2024-01", "2024-02", "2024-03"}
    assert run_months({"dagster/partition": "2023-11"}, settings) == {"2023-11"}
    # No range (the monthly schedule): the newest month delivered.
    write_file(naravard_env / "landing" / "listning", "listning_2024-01.csv", LISTNING)
    write_file(naravard_env / "landing" / "listning", "listning_2024-02.csv", LISTNING)
    assert run_months({}, settings) == {"2024-02"}


def test_the_scanner_matches_every_written_form_but_not_inside_a_hash(tmp_path):
    from orchestration import privacy

    write_file(tmp_path / "landing" / "listning", "listning_2024-01.csv",
               "personnummer;hsa_id;kommentar\n"
               "19640823-3234;SE2321000222-E001001;\n"
               # a longer run of digits holding the same 12 digits is an id, not a delivered number
               ";SE2321000222-E196408833231999;")
    needles = privacy.needles_from_landing(tmp_path / "landing")
    assert len(needles) == 1
    text = "a 196408233234 b 19640823-3234 c 640823-3234 d x196408833231"
    assert privacy.scan_text(text, needles) == 3
    # A pseudonym (64 hex digits) that happens to hold the 12 digits is no leak; glued to a word it is.
    pseudonym = "ab" + "196408233234" + "c" * 50
    assert privacy.scan_text(pseudonym, needles) == 0
    # Glued on, the word is no pure hash any more: searched whole, both runs count.
    assert privacy.scan_text(f"{pseudonym}-196408233234", needles) == 2
    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE SCHEMA intermediate; CREATE TABLE intermediate.m (item_key VARCHAR, note VARCHAR)")
    con.execute("INSERT INTO intermediate.m VALUES (?, 'ok'), ('x', 'ring 640823-3234')", [pseudonym])
    con.close()
    assert [str(x) for x in privacy.scan_duckdb(db, needles)] == ["w.duckdb:intermediate.m.note: 1 clear personnummer"]
    needles.close()

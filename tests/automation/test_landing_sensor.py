"""The landing sensor: new, changed and unchanged files, judged by content hash."""
from __future__ import annotations

import hashlib
import json
import os
import time

import dagster as dg
import pytest

from orchestration.automation.landing_sensor import (
    plan,
    read_cursor,
)
from orchestration.defs.sensors import landing_files_sensor

TELEFONI_JAN = "inkommande_samtal;besvarade_samma_dag;hsa_id;datum\n10;8;SE2321000222-E001001;2024-01-02\n"


@pytest.fixture(scope="module")
def repository_def():
    from orchestration.definitions import defs

    return defs.get_repository_def()


@pytest.fixture
def land(tmp_path):
    (tmp_path / "landing").mkdir()
    return tmp_path / "landing"


def _put(land, rel, text, mtime=None):
    path = land / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def _tick(repository_def, cursor, landing_dir):
    from orchestration.defs.resources import resources_from
    from orchestration.settings import AutomationSettings
    from tests.conftest import settings_for

    # The test's landing folder, a file taken as soon as it is written (no settle time).
    settings = settings_for(landing_dir.parent, landing_dir=landing_dir,
                            automation=AutomationSettings(settle_seconds=0))
    landing = resources_from(settings)["landing"]
    return landing_files_sensor(dg.build_sensor_context(cursor=cursor, repository_def=repository_def,
                                                        resources={"landing": landing}))


def _keys(request):
    return {k.to_user_string() for k in request.asset_selection}


def test_new_files_give_one_run_over_their_months_for_their_extracts_and_all_after_ingestion(land,
                                                                                             repository_def):
    _put(land, "vardgaranti/telefoni_2024-01.csv", TELEFONI_JAN)
    _put(land, "vardgaranti/telefoni_2024-02.csv", "a;b\n")
    _put(land, "listning/lakare_2024-01.csv", "c;d\n")
    _put(land, "vardgaranti/anteckningar.txt", "not a delivery")
    _put(land, "ambulans/uppdrag_2099-01.csv", "a month that is not complete")

    result = _tick(repository_def, None, land)
    [req] = result.run_requests
    assert req.tags["dagster/asset_partition_range_start"] == "2024-01"
    assert req.tags["dagster/asset_partition_range_end"] == "2024-02"
    assert req.tags["naravard/trigger"] == "sensor"
    keys = _keys(req)
    # The two changed extracts, the inventory, and everything after ingestion down to publishing,
    # also dbt models that do not depend on them (a partial dbt build fails on a fresh warehouse) ...
    assert {"raw/vardgaranti_telefoni", "raw/listning_lakare", "raw/landing_inventory", "raw/_late_deliveries",
            "staging/stg_vardgaranti__telefonidagar", "reference/kommuner", "marts/vhu_ar", "marts/indikatorer",
            "marts/dq_findings", "serving/naravard", "serving/rapport"} <= keys
    # ... but not the extracts that did not change.
    assert not {"raw/ambulans_uppdrag", "raw/vardgaranti_bedomning", "raw/listning_listning"} & keys
    # Only loadable files are remembered: the running month's file is taken once the month is complete.
    assert set(read_cursor(result.cursor)) == {"vardgaranti/telefoni_2024-01.csv", "vardgaranti/telefoni_2024-02.csv",
                                               "listning/lakare_2024-01.csv"}
    sha, size, _ = json.loads(result.cursor)["vardgaranti/telefoni_2024-01.csv"]
    assert (sha, size) == (hashlib.sha256(TELEFONI_JAN.encode()).hexdigest(), len(TELEFONI_JAN))

    # Nothing changed: no run.
    again = _tick(repository_def, result.cursor, land)
    assert not again.run_requests and "no new or changed file" in again.skip_reason.skip_message


def test_same_bytes_copied_again_is_not_a_change_new_bytes_are(land, repository_def):
    jan = _put(land, "vardgaranti/telefoni_2024-01.csv", TELEFONI_JAN)
    _put(land, "vardgaranti/telefoni_2024-02.csv", "a;b\n")
    first = _tick(repository_def, None, land)
    [first_req] = first.run_requests

    # A sender copies January again, byte for byte: new mtime, same content.
    os.utime(jan, (time.time() - 100, time.time() - 100))
    touched = _tick(repository_def, first.cursor, land)
    assert not touched.run_requests
    assert read_cursor(touched.cursor)["vardgaranti/telefoni_2024-01.csv"].mtime_ns == jan.stat().st_mtime_ns

    # A correction of February: one run for February and telefoni only.
    _put(land, "vardgaranti/telefoni_2024-02.csv", "a;b\n1;2\n")
    corrected = _tick(repository_def, touched.cursor, land)
    [req] = corrected.run_requests
    assert (req.tags["dagster/asset_partition_range_start"], req.tags["dagster/asset_partition_range_end"]) == (
        "2024-02", "2024-02")
    assert req.tags["naravard/files"] == "vardgaranti/telefoni_2024-02.csv"
    assert "raw/vardgaranti_telefoni" in _keys(req) and "raw/listning_lakare" not in _keys(req)

    # The sender takes the correction back (the original bytes again): that is a change too,
    # with its own run key, so Dagster does not skip it as a repeat of the first delivery.
    _put(land, "vardgaranti/telefoni_2024-02.csv", "a;b\n")
    reverted = _tick(repository_def, corrected.cursor, land)
    [rev] = reverted.run_requests
    assert len({first_req.run_key, req.run_key, rev.run_key}) == 3


def test_a_visit_file_runs_the_besok_extract_and_the_continuity_models_after_it(land, repository_def):
    # The fifth extract (issue 18) is a source folder of its own: besok/besok_YYYY-MM.csv.
    _put(land, "besok/besok_2024-03.csv", "besok_id;hsa_id;besoksdatum\nB1;SE2321000222-E001001;2024-03-04\n")
    _put(land, "besok/Besok_2024-04.csv", "besok_id;hsa_id;besoksdatum\n")  # any letter case
    result = _tick(repository_def, None, land)
    [req] = result.run_requests
    assert (req.tags["dagster/asset_partition_range_start"], req.tags["dagster/asset_partition_range_end"]) == (
        "2024-03", "2024-04")
    keys = _keys(req)
    assert {"raw/besok_besok", "staging/stg_besok__besok", "marts/indikatorer", "marts/dq_findings"} <= keys
    assert not {"raw/listning_listning", "raw/vardgaranti_bedomning"} & keys
    assert set(read_cursor(result.cursor)) == {"besok/besok_2024-03.csv", "besok/Besok_2024-04.csv"}


def test_same_change_gives_the_same_run_key(land, repository_def):
    # The daemon may evaluate a tick again (a crash before the cursor was saved): the run key
    # makes Dagster launch the run once.
    _put(land, "vhu/inbjudan_2024-03.csv", "x\n")
    assert _tick(repository_def, None, land).run_requests[0].run_key == _tick(repository_def, None, land).run_requests[0].run_key


def test_a_file_still_being_written_waits(land):
    now = time.time()
    _put(land, "vhu/inbjudan_2024-03.csv", "x\n", mtime=now - 5)
    waiting = plan(land, {}, now, settle_seconds=60)
    assert waiting.changes == [] and waiting.settling == ["vhu/inbjudan_2024-03.csv"] and waiting.cursor == {}
    settled = plan(land, waiting.cursor, now + 60, settle_seconds=60)
    assert [c.path for c in settled.changes] == ["vhu/inbjudan_2024-03.csv"]


def test_no_landing_folder_is_a_skip_not_an_error(tmp_path, repository_def):
    result = _tick(repository_def, None, tmp_path / "saknas")
    assert not result.run_requests and "does not exist" in result.skip_reason.skip_message

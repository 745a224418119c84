"""When is a `naravard run` a no-op (orchestration/uptodate)? On a real warehouse file
whose load log was written by the loader, and a real serving DuckDB file.

The whole run is checked on the demo data in tests/test_pipeline_demo.py; here
each reason to run is tried on its own against a state that is up to date."""
from __future__ import annotations

import duckdb
import pytest

from orchestration import uptodate
from orchestration.ingest import loading
from orchestration.ingest.schemas import LISTNING
from orchestration.publish import SERVING_DB
from orchestration.settings import Settings
from tests.conftest import TEST_KEY
from tests.helpers import write_file
from tests.ingest.test_loading import LISTNING_V1, LISTNING_V2


def _deliver(root, name: str, text: str):
    return write_file(root / "landing" / LISTNING.folder, name, text)


def _serving(root, publication_id: str) -> None:
    (root / "serving").mkdir(exist_ok=True)
    con = duckdb.connect(str(root / "serving" / SERVING_DB))
    con.execute("CREATE SCHEMA meta; CREATE TABLE meta.publication (publication_id VARCHAR)")
    con.execute("INSERT INTO meta.publication VALUES (?)", [publication_id])
    con.close()


@pytest.fixture
def published(naravard_env):
    """Two months delivered, loaded and published by run r1: the state a finished run leaves."""
    root = naravard_env
    (root / "warehouse").mkdir()
    for month in ("2024-01", "2024-02"):
        path = _deliver(root, f"listning_{month}.csv", LISTNING_V1)
        with duckdb.connect(str(root / "warehouse" / "naravard.duckdb")) as con:
            loading.ensure_schema(con)
            loading.load_file(con, LISTNING, path, month, TEST_KEY, root / "archive")
    _serving(root, "p1")
    with duckdb.connect(str(root / "warehouse" / "naravard.duckdb")) as con:
        uptodate.record(con, "r1", "p1", uptodate.fingerprint(Settings.from_env()))
    return root


def _idle():
    return uptodate.nothing_to_do(Settings.from_env(), uptodate.fingerprint(Settings.from_env()))


def test_nothing_new_is_said_in_one_line(published):
    said = _idle()
    assert said is not None and "\n" not in said
    assert "nothing new delivered since run r1" in said and "p1" in said


def test_the_same_file_delivered_again_is_still_nothing(published):
    _deliver(published, "listning_2024-02.csv", LISTNING_V1)  # rewritten, same bytes
    assert _idle() is not None


def test_a_new_month_is_work(published):
    _deliver(published, "listning_2024-03.csv", LISTNING_V1)
    assert _idle() is None


def test_a_corrected_month_is_work(published):
    _deliver(published, "listning_2024-01.csv", LISTNING_V2)
    assert _idle() is None


def test_a_misnamed_file_is_work_once_and_then_logged(published):
    bad = write_file(published / "landing" / LISTNING.folder, "listning_januari.csv", LISTNING_V1)
    assert _idle() is None
    with duckdb.connect(str(published / "warehouse" / "naravard.duckdb")) as con:
        loading.record_file_set_aside(con, bad, LISTNING.source, None, None, "no month", published / "archive")
        # ...which moved the load log past the publication: still work until a run publishes.
    assert _idle() is None
    with duckdb.connect(str(published / "warehouse" / "naravard.duckdb")) as con:
        uptodate.record(con, "r2", "p1", uptodate.fingerprint(Settings.from_env()))
    assert "run r2" in _idle()


def test_a_load_that_was_never_published_is_work(published):
    # A daemon run that loaded March and then failed: the landing folder no longer has
    # March, but the warehouse has data the serving copy does not.
    path = _deliver(published, "listning_2024-03.csv", LISTNING_V1)
    with duckdb.connect(str(published / "warehouse" / "naravard.duckdb")) as con:
        loading.load_file(con, LISTNING, path, "2024-03", TEST_KEY, published / "archive")
    path.unlink()
    assert _idle() is None


def test_other_settings_are_work(published, monkeypatch):
    monkeypatch.setenv("NARAVARD_SUPPRESSION_THRESHOLD", "10")
    assert _idle() is None


def test_a_key_change_alone_is_not(published, monkeypatch):
    # The key acts on the next delivery only; it is not part of the fingerprint.
    monkeypatch.setenv("NARAVARD_PSEUDONYM_KEY", "another-test-key-0123456789abcdef0123456789")
    assert _idle() is not None


def test_a_replaced_or_missing_serving_copy_is_work(published):
    (published / "serving" / SERVING_DB).unlink()
    assert _idle() is None
    _serving(published, "p-someone-else")
    assert _idle() is None


def test_no_record_is_work(naravard_env):
    _deliver(naravard_env, "listning_2024-01.csv", LISTNING_V1)
    assert _idle() is None  # no warehouse yet


def test_notes_in_the_landing_root_are_nothing(published):
    # The demo writes DEFECTS.json there; a region keeps a README. Neither is a delivery.
    (published / "landing" / "README.txt").write_text("levereras av regionens källsystem\n")
    assert _idle() is not None

"""The parallel suite's units (tests/conftest.py): a file that uses a shared session fixture
must be in that fixture's unit, or the fixture (pipeline runs) would run again on another worker."""
from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import SHARED, SLOW_FIRST, UNIT_OF_FILE, unit_of

ROOT = Path(__file__).resolve().parents[1]


def test_every_file_that_uses_a_shared_fixture_is_in_its_unit():
    for name, files in SHARED.items():
        using = {p.relative_to(ROOT).as_posix() for p in (ROOT / "tests").rglob("test_*.py")
                 if p.name != Path(__file__).name and re.search(rf"\b{name}\b", p.read_text(encoding="utf-8"))}
        assert using == set(files), name


def test_units_are_files_or_shared_groups_and_the_slow_list_names_real_ones():
    assert unit_of("tests/serving/test_atomic_publish.py::test_x[a@b]") == "shared:two_runs"
    assert unit_of("tests/ingest/test_reading.py::test_y") == "tests/ingest/test_reading.py"
    for unit in SLOW_FIRST:
        assert unit in UNIT_OF_FILE.values() or (ROOT / unit).is_file(), unit

"""Shared fixtures. Every test that touches paths gets its own folders through
`naravard_env`, so nothing writes into the project's data/ folder."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

TEST_KEY = "test-key-0123456789abcdef0123456789abcdef"


def pipeline_vars(root: Path) -> dict[str, str]:
    """Every NARAVARD_* path (Data Docs too: the checks write them) and DAGSTER_HOME
    inside root, and the test key: one pipeline of its own, for a fixture or a subprocess."""
    return {
        "NARAVARD_LANDING_DIR": str(root / "landing"),
        "NARAVARD_WAREHOUSE": str(root / "warehouse" / "naravard.duckdb"),
        "NARAVARD_SERVING_DIR": str(root / "serving"),
        "NARAVARD_ARCHIVE_DIR": str(root / "archive"),
        "NARAVARD_DATADOCS_DIR": str(root / "datadocs"),
        "DAGSTER_HOME": str(root / "dagster_home"),
        "NARAVARD_PSEUDONYM_KEY": TEST_KEY,
    }


def resources_from_env() -> dict:
    """The resources a process started in the test's environment builds: for the tests
    whose subject is that environment (the alert channels a daemon is configured with)."""
    from orchestration.defs.resources import resources_from
    from orchestration.settings import Settings

    return resources_from(Settings.from_env())


def settings_for(root: Path, **changes):
    """The settings of one pipeline inside root (the folders of pipeline_vars, the test
    key), made as a value: nothing is read from or written to the environment."""
    import dataclasses

    from orchestration.settings import Settings

    settings = Settings(landing_dir=root / "landing", warehouse=root / "warehouse" / "naravard.duckdb",
                        serving_dir=root / "serving", archive_dir=root / "archive",
                        datadocs_dir=root / "datadocs", dagster_home=root / "dagster_home",
                        pseudonym_key=TEST_KEY, env="dev")
    return dataclasses.replace(settings, **changes)


@dataclass
class Pipeline:
    """One pipeline of a test, for dg.materialize of a few assets in this process: its
    folders below root, its settings, the resources built from them
    (orchestration/defs/resources.py) and a Dagster instance of its own."""
    root: Path
    settings: object
    resources: dict
    instance: object

    def with_settings(self, **changes) -> "Pipeline":
        """The same folders and instance with some settings changed (the resources anew)."""
        from orchestration.defs.resources import resources_from

        settings = settings_for(self.root, **changes)
        return Pipeline(self.root, settings, resources_from(settings), self.instance)


@pytest.fixture
def pipeline(tmp_path: Path):
    """A pipeline in tmp_path built from a Settings value: resources with temporary
    paths, no environment variable set (naravard_env is for the tests that start the
    `naravard` command, whose interface the environment is)."""
    import dagster as dg

    from orchestration.defs.resources import resources_from

    settings = settings_for(tmp_path)
    settings.landing_dir.mkdir()
    settings.dagster_home.mkdir()
    with dg.instance_for_test(temp_dir=str(settings.dagster_home)) as instance:
        yield Pipeline(tmp_path, settings, resources_from(settings), instance)


@pytest.fixture(scope="session")
def region_demo(tmp_path_factory) -> tuple[Path, dict]:
    """The bundled demo at its defaults (scale 1, 2023-01..2024-12, defects in): what `make
    run` writes, and the slowest data to generate, so written once for every test that reads
    it (the calibration tests, the full pipeline run). Read only: nothing may change it."""
    from naravard.demo import write_demo_data

    out = tmp_path_factory.mktemp("region_demo")
    return out, write_demo_data(out)


@pytest.fixture
def naravard_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the pipeline into tmp_path (pipeline_vars)."""
    for name, value in pipeline_vars(tmp_path).items():
        monkeypatch.setenv(name, value)
    (tmp_path / "landing").mkdir()
    (tmp_path / "dagster_home").mkdir()
    (tmp_path / "dagster_home" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    return tmp_path


# --- Running in parallel (make test: pytest-xdist, `-n auto --dist loadgroup`) ---------------
#
# Fixtures of module or session scope run once per worker process. So every test
# file is one unit of work, sent whole to one worker (its module fixtures, such as
# a pipeline run, run once), and the files that share a session fixture are one
# unit too (SHARED): the fixture then runs once in the whole suite.
#
# Units are handed out in collection order, so the long ones go first (SLOW_FIRST,
# measured with --durations; most expensive first): two workers then finish
# together instead of one waiting on a pipeline run that started last.
#
# xdist's own loadgroup reads xdist_group marks by renaming the test ids, which
# pytest 9.2 ignores (its ids are no longer an attribute xdist can set), so the
# units are named here by file and given to xdist through its scheduler hook.
SHARED = {
    "region_demo": ("tests/test_pipeline_demo.py", "tests/test_demo_data.py"),
    "two_runs": ("tests/serving/test_atomic_publish.py", "tests/serving/test_no_person_level.py",
                 "tests/serving/test_report_browser.py", "tests/serving/test_suppression_published.py",
                 "tests/serving/test_bi_snippets.py"),
}
UNIT_OF_FILE = {f: f"shared:{name}" for name, files in SHARED.items() for f in files}
SLOW_FIRST = (
    "shared:region_demo",                      # the demo at scale 1 and `naravard run` on it
    "tests/reliability/test_system_of_record.py",  # six runs: original, correction, lost, rebuild, rekey
    "tests/test_crash_safety.py",              # four runs, two of them killed
    "tests/test_incremental.py",               # four runs: a year, a new month, a correction, all at once
    "shared:two_runs",                         # two runs with a reader on the serving copy
    "tests/quality/test_demo_defects.py",      # one run (about 4 min on a loaded machine)
    "tests/quality/test_clean_and_broken.py",  # two runs
    "tests/bench/test_bench.py",               # the stages and bare DuckDB
    "tests/automation/test_cli.py",            # a backfill and a run
    "tests/quality/test_contract_breaks.py",
    "tests/reliability/test_broken_inputs.py",  # a 100 MB file among 45 broken ones
    "tests/test_dbt_models.py",
)


def unit_of(nodeid: str) -> str:
    file = nodeid.split("::")[0]
    return UNIT_OF_FILE.get(file, file)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(SLOW_FIRST)}
    # A stable sort: within a unit, and among the units not listed, the file order stays.
    items.sort(key=lambda item: rank.get(unit_of(item.nodeid), len(rank)))


def pytest_xdist_make_scheduler(config: pytest.Config, log):
    if config.getoption("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class UnitScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return unit_of(nodeid)

    return UnitScheduling(config, log)

"""CONTRACTS.md section 1: the variables, and the demo key refused in production."""
from __future__ import annotations

import pytest

from orchestration import cli
from orchestration import settings as settings_module
from orchestration.settings import DEMO_PSEUDONYM_KEY, ConfigurationError, Settings


def test_paths_follow_the_environment(naravard_env):
    s = Settings.from_env()
    assert s.landing_dir == naravard_env / "landing"
    assert s.warehouse == naravard_env / "warehouse" / "naravard.duckdb"
    assert s.serving_dir == naravard_env / "serving"
    assert s.dagster_home == naravard_env / "dagster_home"
    assert not s.using_demo_key


@pytest.mark.parametrize("key", [None, DEMO_PSEUDONYM_KEY])
def test_prod_refuses_the_demo_key(naravard_env, monkeypatch, capsys, key):
    monkeypatch.setenv("NARAVARD_ENV", "prod")
    if key is None:
        monkeypatch.delenv("NARAVARD_PSEUDONYM_KEY")
    else:
        monkeypatch.setenv("NARAVARD_PSEUDONYM_KEY", key)
    with pytest.raises(ConfigurationError, match="NARAVARD_PSEUDONYM_KEY"):
        Settings.from_env()
    assert cli.main(["run"]) == 2
    assert "NARAVARD_PSEUDONYM_KEY" in capsys.readouterr().err


def test_dev_warns_loudly_with_the_demo_key_once_per_process(naravard_env, monkeypatch, caplog):
    monkeypatch.delenv("NARAVARD_PSEUDONYM_KEY")
    monkeypatch.setattr(settings_module, "_demo_key_warned", False)  # another test may have warned already
    for _ in range(3):  # a run reads the settings once per asset
        assert Settings.from_env().using_demo_key
    assert caplog.text.count("PUBLIC DEMO pseudonym key") == 1


def test_run_on_an_empty_landing_folder_says_what_to_do(naravard_env, capsys):
    assert cli.main(["run"]) == 2
    err = capsys.readouterr().err
    assert "empty" in err and "NARAVARD_LANDING_DIR" in err

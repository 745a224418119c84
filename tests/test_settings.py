"""CONTRACTS.md section 1: the variables, and the demo key refused in production."""
from __future__ import annotations

import pytest

from naravard import cli
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


@pytest.mark.parametrize("env", ["production", "PRODUKTION", "staging", "test"])
def test_an_environment_the_docs_do_not_list_is_an_error(naravard_env, monkeypatch, capsys, env):
    # The docs list dev (the default) and prod; `production` used to pass as "not prod" with a warning.
    monkeypatch.setenv("NARAVARD_ENV", env)
    with pytest.raises(ConfigurationError, match="NARAVARD_ENV"):
        Settings.from_env()
    assert cli.main(["run"]) == 2
    assert f"NARAVARD_ENV='{env}' is not one of dev, prod" in capsys.readouterr().err


@pytest.mark.parametrize("key, accepted", [
    ("abc", False),
    ("x" * 31, False),                # 31 bytes
    ("å" * 15 + "x", False),           # 15 x 2 + 1 = 31 bytes of UTF-8 (16 characters)
    ("å" * 16, True),                 # 32 bytes
    ("0123456789abcdef" * 2, True),   # 32 bytes
])
def test_prod_refuses_a_key_shorter_than_32_bytes(naravard_env, monkeypatch, key, accepted):
    monkeypatch.setenv("NARAVARD_ENV", "prod")
    monkeypatch.setenv("NARAVARD_PSEUDONYM_KEY", key)
    if accepted:
        assert Settings.from_env().pseudonym_key == key
    else:
        with pytest.raises(ConfigurationError, match="shorter than 32 bytes"):
            Settings.from_env()


def test_dev_accepts_a_short_key(naravard_env, monkeypatch):
    monkeypatch.setenv("NARAVARD_ENV", "dev")
    monkeypatch.setenv("NARAVARD_PSEUDONYM_KEY", "abc")
    assert Settings.from_env().pseudonym_key == "abc"

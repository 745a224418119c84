"""Shared fixtures. Every test that touches paths gets its own folders through
`naravard_env`, so nothing writes into the project's data/ folder."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

TEST_KEY = "test-key-0123456789abcdef0123456789abcdef"


@pytest.fixture
def naravard_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every NARAVARD_* path (and DAGSTER_HOME) into tmp_path (Data Docs too: the checks write them)."""
    monkeypatch.setenv("NARAVARD_LANDING_DIR", str(tmp_path / "landing"))
    monkeypatch.setenv("NARAVARD_WAREHOUSE", str(tmp_path / "warehouse" / "naravard.duckdb"))
    monkeypatch.setenv("NARAVARD_SERVING_DIR", str(tmp_path / "serving"))
    monkeypatch.setenv("NARAVARD_ARCHIVE_DIR", str(tmp_path / "archive"))
    monkeypatch.setenv("NARAVARD_DATADOCS_DIR", str(tmp_path / "datadocs"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    monkeypatch.setenv("NARAVARD_PSEUDONYM_KEY", TEST_KEY)
    (tmp_path / "landing").mkdir()
    (tmp_path / "dagster_home").mkdir()
    (tmp_path / "dagster_home" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    return tmp_path

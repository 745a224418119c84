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


@pytest.fixture
def naravard_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the pipeline into tmp_path (pipeline_vars)."""
    for name, value in pipeline_vars(tmp_path).items():
        monkeypatch.setenv(name, value)
    (tmp_path / "landing").mkdir()
    (tmp_path / "dagster_home").mkdir()
    (tmp_path / "dagster_home" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    return tmp_path

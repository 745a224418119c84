"""The variables of CONTRACTS.md section 1 (and a few of our own), read in one place.

Everything that reads configuration goes through `Settings.from_env()`, so a
scheduler, the CLI and the tests see the same defaults.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from orchestration.paths import DEFAULT_DATA_DIR, PROJECT_ROOT

log = logging.getLogger(__name__)

# The demo key is public (it is in this file). It is fine for demo data and
# refused in production, where a leaked key would let anyone re-identify
# pseudonyms by hashing candidate personnummer.
DEMO_PSEUDONYM_KEY = "naravard-demo-key-not-for-production"
# The values of NARAVARD_ENV (README, docs/security.md). Anything else is a typo
# that must not quietly mean "not production" (NARAVARD_ENV=production).
ENVIRONMENTS = ("dev", "prod")
# In prod the key must be at least this many bytes (UTF-8): HMAC-SHA256's own strength.
MIN_PROD_KEY_BYTES = 32

# Every asset reads the settings, so a run calls from_env dozens of times: the
# demo-key warning is said once per process (a `naravard run` is one process),
# or it drowns everything else on the console.
_demo_key_warned = False


class ConfigurationError(RuntimeError):
    pass


def _path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default.resolve()


@dataclass(frozen=True)
class Settings:
    landing_dir: Path
    warehouse: Path
    serving_dir: Path
    archive_dir: Path
    datadocs_dir: Path
    dagster_home: Path
    pseudonym_key: str
    env: str
    first_month: str
    suppression_threshold: int

    @property
    def using_demo_key(self) -> bool:
        return self.pseudonym_key == DEMO_PSEUDONYM_KEY

    @classmethod
    def from_env(cls) -> "Settings":
        data = _path("NARAVARD_DATA_DIR", DEFAULT_DATA_DIR)
        env = (os.environ.get("NARAVARD_ENV") or "dev").strip().lower()
        if env not in ENVIRONMENTS:
            raise ConfigurationError(
                f"NARAVARD_ENV={os.environ['NARAVARD_ENV']!r} is not one of {', '.join(ENVIRONMENTS)} "
                "(README, docs/security.md); set NARAVARD_ENV=prod for production.")
        key = os.environ.get("NARAVARD_PSEUDONYM_KEY") or DEMO_PSEUDONYM_KEY
        settings = cls(
            landing_dir=_path("NARAVARD_LANDING_DIR", data / "landing"),
            warehouse=_path("NARAVARD_WAREHOUSE", data / "warehouse" / "naravard.duckdb"),
            serving_dir=_path("NARAVARD_SERVING_DIR", data / "serving"),
            archive_dir=_path("NARAVARD_ARCHIVE_DIR", data / "archive"),
            datadocs_dir=_path("NARAVARD_DATADOCS_DIR", data / "datadocs"),
            dagster_home=_path("DAGSTER_HOME", PROJECT_ROOT / "dagster_home"),
            pseudonym_key=key,
            env=env,
            first_month=os.environ.get("NARAVARD_FIRST_MONTH", "2023-01"),
            suppression_threshold=int(os.environ.get("NARAVARD_SUPPRESSION_THRESHOLD", "5")),
        )
        settings.check_key()
        return settings

    def check_key(self) -> None:
        global _demo_key_warned
        too_short = len(self.pseudonym_key.encode("utf-8")) < MIN_PROD_KEY_BYTES
        if self.env == "prod" and not self.using_demo_key and too_short:
            raise ConfigurationError(
                f"NARAVARD_ENV=prod but NARAVARD_PSEUDONYM_KEY is shorter than {MIN_PROD_KEY_BYTES} bytes. "
                "Set a secret key of at least 32 random bytes; see docs/security.md.")
        if not self.using_demo_key:
            return
        if self.env == "prod":
            raise ConfigurationError(
                "NARAVARD_ENV=prod but NARAVARD_PSEUDONYM_KEY is not set (or is the public demo key). "
                "Set a secret key of at least 32 random bytes; see docs/security.md."
            )
        if _demo_key_warned:
            return
        _demo_key_warned = True
        log.warning(
            "!!! Using the PUBLIC DEMO pseudonym key. Pseudonyms made with it can be reversed by anyone. "
            "Set NARAVARD_PSEUDONYM_KEY before loading real personal data. !!!"
        )

    def export(self) -> None:
        """Put the resolved paths in the environment, for dbt and child processes."""
        os.environ["NARAVARD_LANDING_DIR"] = str(self.landing_dir)
        os.environ["NARAVARD_WAREHOUSE"] = str(self.warehouse)
        os.environ["NARAVARD_SERVING_DIR"] = str(self.serving_dir)
        os.environ["NARAVARD_ARCHIVE_DIR"] = str(self.archive_dir)
        os.environ["NARAVARD_DATADOCS_DIR"] = str(self.datadocs_dir)
        os.environ["DAGSTER_HOME"] = str(self.dagster_home)


def quiet_telemetry() -> None:
    """Nothing here may wait on the network: switch off every tool's telemetry."""
    os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

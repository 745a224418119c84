"""Settings of the data-quality checks that run in Python (the dbt thresholds are dbt vars).

Read from the environment like every other setting (orchestration/settings.py);
documented in docs/data_quality.md.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from orchestration.settings import Settings

# More than this share of a delivery's rows set aside means something
# systematic broke (a changed date format, shifted columns): the month would
# reach the marts with a hole in it, so the raw check fails with ERROR.
DEFAULT_MAX_SET_ASIDE_SHARE = 0.05
# Validation pages kept in the Data Docs per suite (older ones are pruned).
DEFAULT_KEEP_VALIDATIONS = 10


@dataclass(frozen=True)
class QualitySettings:
    datadocs_dir: Path
    max_set_aside_share: float
    keep_validations: int

    @classmethod
    def from_env(cls) -> "QualitySettings":
        return cls(
            datadocs_dir=Settings.from_env().datadocs_dir,
            max_set_aside_share=float(os.environ.get("NARAVARD_DQ_MAX_SET_ASIDE_SHARE",
                                                     DEFAULT_MAX_SET_ASIDE_SHARE)),
            keep_validations=int(os.environ.get("NARAVARD_DATADOCS_KEEP", DEFAULT_KEEP_VALIDATIONS)),
        )

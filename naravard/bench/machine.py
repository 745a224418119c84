"""The machine a benchmark ran on: cores, memory, CPU model, load, versions."""
from __future__ import annotations

import os
import platform
from importlib import metadata


def _cpu_model() -> str:
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _mem_total_gb() -> float:
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 ** 2, 1)
    except OSError:
        pass
    return float("nan")


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "-"


def load_average() -> str:
    try:
        return " ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:
        return "-"


def describe() -> dict:
    return {
        "nproc": os.cpu_count(),
        "mem_total_gb": _mem_total_gb(),
        "cpu_model": _cpu_model(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "versions": {d: _version(d) for d in ("dagster", "dagster-dbt", "dbt-core", "dbt-duckdb", "duckdb",
                                               "great_expectations", "pandas", "pyarrow")},
        "load_average_start": load_average(),
    }

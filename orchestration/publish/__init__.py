"""Publish the marts for BI tools (CONTRACTS.md section 6).

    <serving>/naravard.duckdb         marts only, plus meta.publication (serving_db.py)
    <serving>/parquet/<mart>.parquet  one file per mart (exports.py)
    <serving>/indikatorer.csv         Vården i siffror's shape (exports.py)
    <serving>/rapport/index.html      the report (orchestration/report, its own asset)

The Dagster asset that publishes is serving/naravard in orchestration/defs/serving.py.

BI tools cannot open the warehouse while a run writes it, even read-only
(duckdb#17158), so they read this separate copy. What may leave the warehouse
is decided in one place, disclosure.py; every file is staged under a temporary
name and renamed into place only when all of them are written (atomic.py).
"""
from __future__ import annotations

from orchestration.publish.folder import publish
from orchestration.publish.serving_db import SERVING_DB, Publication

__all__ = ["publish", "Publication", "SERVING_DB"]

"""(c) The serving copy and the Parquet files hold aggregates only: no person-level table or column,
no raw, staging or intermediate schema."""
from __future__ import annotations

import duckdb
import pyarrow.parquet as pq

EXPECTED_MARTS = {"indikatorer", "tillganglighet_manad", "kontinuitet_manad", "kontinuitet_besok_manad",
                  "mangakare_manad", "vhu_ar", "dq_findings"}
PERSON_WORDS = ("person", "pnr", "pseudonym")


def test_serving_db_has_the_marts_and_the_publication_record_only(two_runs):
    con = duckdb.connect(str(two_runs.serving_db), read_only=True)
    try:
        tables = set(con.execute("SELECT table_schema, table_name FROM information_schema.tables").fetchall())
        columns = [r[0] for r in con.execute("SELECT column_name FROM information_schema.columns").fetchall()]
    finally:
        con.close()
    assert {s for s, _ in tables} == {"marts", "meta"}
    assert {t for s, t in tables if s == "marts"} == EXPECTED_MARTS
    assert not [c for c in columns if any(w in c.lower() for w in PERSON_WORDS)]


def test_the_warehouse_does_hold_person_level_tables_so_the_check_above_means_something(two_runs):
    con = duckdb.connect(str(two_runs.warehouse), read_only=True)
    try:
        schemas = {r[0] for r in con.execute("SELECT DISTINCT table_schema FROM information_schema.tables").fetchall()}
        person_cols = con.execute("SELECT count(*) FROM information_schema.columns "
                                  "WHERE column_name IN ('person_id', 'person_key')").fetchone()[0]
    finally:
        con.close()
    assert {"raw", "staging", "intermediate"} <= schemas
    assert person_cols > 0


def test_parquet_files_are_the_marts_without_person_columns(two_runs):
    files = sorted((two_runs.serving / "parquet").glob("*.parquet"))
    assert {f.stem for f in files} == EXPECTED_MARTS
    for f in files:
        names = pq.read_schema(f).names
        assert not [c for c in names if any(w in c.lower() for w in PERSON_WORDS)], f.name


def test_parquet_files_belong_to_the_publication_of_the_database(two_runs):
    for f in (two_runs.serving / "parquet").glob("*.parquet"):
        meta = pq.read_metadata(f).metadata
        assert meta[b"naravard_publication_id"].decode() == two_runs.v2_id, f.name


def test_no_temporary_files_are_left_behind(two_runs):
    leftovers = [p for p in two_runs.serving.rglob(".*") if p.is_file()]
    assert not leftovers

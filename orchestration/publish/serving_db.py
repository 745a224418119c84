"""The serving DuckDB file: the published marts and a record of the publication, nothing else.

Built in a new file attached to the warehouse connection (so the data never
passes through Python), then closed and handed back to be renamed into place.

    marts.<mart>            what disclosure.py lets out of each mart
    meta.publication        one row: publication_id, run_id, published_at, suppression_threshold
    meta.published_tables   one row per mart: table_name, row_count

A reader can check that what it reads is one whole publication: the row counts
of marts.* equal meta.published_tables, and the publication_id is also in
the key-value metadata of every Parquet file of the same publication.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

SERVING_DB = "naravard.duckdb"
ALIAS = "serving_new"
# Written in the storage format of DuckDB 1.0, which every DuckDB client since
# 1.0 (ODBC, JDBC for Metabase, duckdb-engine for Superset) can open; the
# default of DuckDB 2.0 would shut out the BI tools' older drivers.
STORAGE_VERSION = "v1.0.0"
# Words a column name must not contain in the serving copy: no table that
# identifies a person, not even by pseudonym, leaves the warehouse.
PERSON_LEVEL_WORDS = ("person", "pnr", "pseudonym")

TABLE_COMMENTS = {
    "indikatorer": "Nära vård-indikatorer, långt format (CONTRACTS.md avsnitt 3). Prickad rad (suppressed): "
                   "nämnaren under tröskeln, value och numerator saknas.",
    "tillganglighet_manad": "Vårdgarantin per månad och enhet: underlaget till T1 och T2 (prickat, se docs/bi.md).",
    "kontinuitet_manad": "Listning och läkare per månad och enhet: underlaget till K1-K3 (prickat, se docs/bi.md).",
    "kontinuitet_besok_manad": "Läkarbesök per månad och enhet: underlaget till K4-K7, kontinuitet mätt i besöken "
                               "(prickat, se docs/bi.md).",
    "mangakare_manad": "Mångåkare per månad och enhet: underlaget till A1-A3 (prickat, se docs/bi.md).",
    "vhu_ar": "Västerbottens hälsoundersökningar per år och enhet: underlaget till V1-V2 (prickat, se docs/bi.md).",
    "dq_findings": "Registreringsbrister och kontraktsbrott (CONTRACTS.md avsnitt 5). Små antal prickade.",
}


@dataclass
class Publication:
    publication_id: str
    run_id: str
    published_at: datetime
    suppression_threshold: float
    row_counts: dict[str, int] = field(default_factory=dict)


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _sql_path(p: Path) -> str:
    return _lit(str(p))


class PersonLevelColumn(RuntimeError):
    pass


@contextlib.contextmanager
def build(con, tmp: Path, selects: dict[str, str], publication: Publication):
    """Create the serving database in tmp from selects {mart: SELECT}; yields its alias while attached.

    On leaving, the file is checkpointed and detached: a complete single file
    with no write-ahead log beside it, ready to be renamed.
    """
    con.execute(f"ATTACH {_sql_path(tmp)} AS {ALIAS} (STORAGE_VERSION '{STORAGE_VERSION}')")
    try:
        con.execute(f"CREATE SCHEMA {ALIAS}.marts")
        con.execute(f"CREATE SCHEMA {ALIAS}.meta")
        for name, select in selects.items():
            con.execute(f'CREATE TABLE {ALIAS}.marts."{name}" AS {select}')
            publication.row_counts[name] = con.execute(f'SELECT count(*) FROM {ALIAS}.marts."{name}"').fetchone()[0]
            if name in TABLE_COMMENTS:
                con.execute(f'COMMENT ON TABLE {ALIAS}.marts."{name}" IS {_lit(TABLE_COMMENTS[name])}')
        _refuse_person_level_columns(con)
        _write_meta(con, publication)
        yield ALIAS
        con.execute(f"CHECKPOINT {ALIAS}")
    finally:
        con.execute(f"DETACH {ALIAS}")
    wal = tmp.with_name(tmp.name + ".wal")
    if wal.exists():  # the rename would leave committed data behind in the log
        raise RuntimeError(f"{wal} still exists after checkpoint and detach; not publishing a partial file")


def _refuse_person_level_columns(con) -> None:
    like = " OR ".join(f"column_name ILIKE '%{w}%'" for w in PERSON_LEVEL_WORDS)
    found = con.execute(f"SELECT table_schema || '.' || table_name || '.' || column_name FROM "
                        f"information_schema.columns WHERE table_catalog = '{ALIAS}' AND ({like})").fetchall()
    if found:
        raise PersonLevelColumn(f"person-level columns must not be published: {[f[0] for f in found]}")


def _write_meta(con, publication: Publication) -> None:
    con.execute(f"CREATE TABLE {ALIAS}.meta.publication (publication_id VARCHAR, run_id VARCHAR, "
                "published_at TIMESTAMP WITH TIME ZONE, suppression_threshold DOUBLE)")
    con.execute(f"INSERT INTO {ALIAS}.meta.publication VALUES (?, ?, ?, ?)",
                [publication.publication_id, publication.run_id, publication.published_at,
                 publication.suppression_threshold])
    con.execute(f"CREATE TABLE {ALIAS}.meta.published_tables (table_name VARCHAR, row_count BIGINT)")
    con.executemany(f"INSERT INTO {ALIAS}.meta.published_tables VALUES (?, ?)",
                    sorted(publication.row_counts.items()))
    con.execute(f"COMMENT ON TABLE {ALIAS}.meta.publication IS 'Vilken publicering filen är: id, körning, tid, "
                "tröskel för prickning.'")

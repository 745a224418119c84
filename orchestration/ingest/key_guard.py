"""The warehouse remembers which key pseudonymised it, so a run with another key stops before it loads.

A pseudonym links a person across months only under one key. A month loaded
with another key would silently hold new people (persons of 2024-03 also seen
in 2024-01: 5 547 before, 0 after). So the warehouse records the fingerprint
of its key (identity.key_fingerprint: a keyed hash of a fixed label, never the
key) in raw._pseudonym_key, and every load compares it first. The way out of a
changed key is `naravard rekey`: history re-pseudonymised from the archive
into a new warehouse (docs/security.md).
"""
from __future__ import annotations

import datetime as dt

import duckdb

from orchestration.ingest import identity

TABLE = "raw._pseudonym_key"
DDL = f"CREATE TABLE IF NOT EXISTS {TABLE} (fingerprint VARCHAR NOT NULL, recorded_at TIMESTAMP NOT NULL)"


class KeyChanged(RuntimeError):
    """The key in NARAVARD_PSEUDONYM_KEY is not the one the warehouse was pseudonymised with."""


def recorded(con: duckdb.DuckDBPyConnection) -> str | None:
    exists = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'raw' "
                         "AND table_name = '_pseudonym_key' AND table_catalog = current_database()").fetchone()[0]
    if not exists:
        return None
    row = con.execute(f"SELECT fingerprint FROM {TABLE} ORDER BY recorded_at DESC LIMIT 1").fetchone()
    return row[0] if row else None


def check(con: duckdb.DuckDBPyConnection, key: str, warehouse: object = "the warehouse") -> None:
    """Raise KeyChanged when the warehouse records another key than `key`."""
    known = recorded(con)
    if known is not None and known != identity.key_fingerprint(key):
        raise KeyChanged(
            f"NARAVARD_PSEUDONYM_KEY is not the key {warehouse} was pseudonymised with; nothing was loaded. "
            "Pseudonyms made with another key would not link to the people already there. Set the key the "
            "warehouse was built with, or, to change the key, run `naravard rekey` (re-pseudonymises every "
            "month from the archive into a new warehouse; docs/security.md).")


def ensure(con: duckdb.DuckDBPyConnection, key: str, warehouse: object = "the warehouse") -> None:
    """check(), then record the key's fingerprint if the warehouse has none yet (a new warehouse,
    or one built before fingerprints were kept: its key is taken to be this one)."""
    check(con, key, warehouse)
    if recorded(con) is None:
        con.execute("CREATE SCHEMA IF NOT EXISTS raw")
        con.execute(DDL)
        con.execute(f"INSERT INTO {TABLE} VALUES (?, ?)", [identity.key_fingerprint(key), dt.datetime.now()])

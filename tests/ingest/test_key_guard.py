"""The warehouse records a fingerprint of its key, and a load with another key stops before it loads."""
from __future__ import annotations

import hashlib
import hmac

import duckdb
import pytest

from orchestration.ingest import identity, key_guard

KEY_A = "a" * 32
KEY_B = "b" * 32


def test_the_fingerprint_is_a_keyed_hash_of_a_fixed_label_never_the_key():
    # Worked out with the standard library: HMAC-SHA256(key, label), hex.
    expected = hmac.new(KEY_A.encode(), b"naravard pseudonym key fingerprint v1", hashlib.sha256).hexdigest()
    assert identity.key_fingerprint(KEY_A) == expected
    assert identity.key_fingerprint(KEY_B) != expected
    assert KEY_A not in expected


def test_a_new_warehouse_records_the_key_and_another_key_is_refused(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    assert key_guard.recorded(con) is None
    key_guard.ensure(con, KEY_A, "w.duckdb")
    key_guard.ensure(con, KEY_A, "w.duckdb")  # the same key again: fine, and recorded once
    rows = con.execute("SELECT fingerprint FROM raw._pseudonym_key").fetchall()
    assert rows == [(identity.key_fingerprint(KEY_A),)]
    with pytest.raises(key_guard.KeyChanged, match="naravard rekey") as e:
        key_guard.ensure(con, KEY_B, "w.duckdb")
    assert "w.duckdb" in str(e.value) and KEY_B not in str(e.value)
    assert con.execute("SELECT count(*) FROM raw._pseudonym_key").fetchone()[0] == 1
    con.close()


def test_an_ingest_step_with_another_key_fails_without_retries(naravard_env, monkeypatch):
    # The daemon's runs have no `naravard run` in front of them: the ingest steps check the key themselves.
    import dagster as dg

    from orchestration.defs.ingest import same_key
    from orchestration.settings import Settings

    monkeypatch.setenv("NARAVARD_PSEUDONYM_KEY", KEY_A)
    con = duckdb.connect(str(naravard_env / "w.duckdb"))
    same_key(con, Settings.from_env().pseudonym_key, Settings.from_env().warehouse)
    monkeypatch.setenv("NARAVARD_PSEUDONYM_KEY", KEY_B)
    with pytest.raises(dg.Failure, match="naravard rekey") as e:
        same_key(con, Settings.from_env().pseudonym_key, Settings.from_env().warehouse)
    assert e.value.allow_retries is False
    con.close()

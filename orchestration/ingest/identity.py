"""Personnummer: normalise, validate, pseudonymise. The only module that sees them.

A personnummer is 12 digits, optionally with '-' (or '+', used for people over
100) before the last four. The last digit is a Luhn check over the 10-digit
form. Samordningsnummer add 60 to the day and are valid identities. Anything
else (blank, reservnummer, typo, bad check digit) is an unidentified person:
kept and counted, never linked, and never stored.

The pseudonym is HMAC-SHA256(key, 12-digit number) in hex. It is computed in
DuckDB SQL because Python's hmac in a loop is five times slower on a national
file (docs/benchmarks.md, "Loading one listing file"); `pseudonym_python` is the reference the tests compare with.
Validation, classes and the pseudonym are SQL expressions (`*_sql`), run by
the loader over the staged file: no Python loop over rows, no frame of a file.
"""
from __future__ import annotations

import hashlib
import hmac

import duckdb
import pandas as pd

from orchestration.ingest.sqltext import lit, strip_sql

# Something that looks like a personnummer anywhere in free text: the one pattern
# and the one masking function, for values, messages, file names and findings.
from orchestration.masking import MASK, PNR_LIKE  # noqa: F401 (PNR_LIKE: callers use identity's)
from orchestration.masking import mask as mask_personnummer  # noqa: F401 (the one masking function)

PERSONNUMMER = "personnummer"
SAMORDNINGSNUMMER = "samordningsnummer"
UNIDENTIFIED = "unidentified"

# The same pattern for DuckDB (RE2: no look-arounds). "Not preceded by a
# letter or digit" and "not followed by a digit" become groups that are put
# back; as a match consumes the character after it, a number right after
# another is only found by a second pass, so `mask_sql` replaces twice.
_SQL_PNR = r"(^|[^0-9A-Za-z])(\d{6}|\d{8})[-+ ]?\d{4}($|[^0-9])"


def mask_sql(expr: str) -> str:
    """SQL: `expr` with everything that looks like a personnummer masked (as `mask_personnummer`)."""
    once = f"regexp_replace({expr}, {lit(_SQL_PNR)}, {lit(chr(92) + '1' + MASK + chr(92) + '3')}, 'g')"
    twice = f"regexp_replace({once}, {lit(_SQL_PNR)}, {lit(chr(92) + '1' + MASK + chr(92) + '3')}, 'g')"
    # Finding is cheaper than replacing: only the values that hold one are rewritten.
    return f"CASE WHEN {contains_sql(expr)} THEN {twice} ELSE {expr} END"


def contains_sql(expr: str) -> str:
    """SQL: true where `expr` holds something that looks like a personnummer."""
    return f"regexp_matches({expr}, {lit(_SQL_PNR)})"


def normalise_sql(expr: str) -> str:
    """SQL: the 12-digit string of a (trimmed) personnummer value, NULL where it cannot be one."""
    return (f"CASE WHEN regexp_full_match({expr}, '\\d{{8}}[-+]?\\d{{4}}') "
            f"THEN regexp_replace({expr}, '[-+]', '', 'g') END")


def _digit(pn: str, i: int) -> str:
    return f"(ascii(substr({pn}, {i}, 1)) - 48)"


def valid_sql(pn: str) -> str:
    """SQL: true where the 12-digit `pn` is a real date (day + 60 for a
    samordningsnummer) with a right check digit: Luhn over the 10-digit form
    YYMMDDNNNC, weights 2121212121, a product above 9 counting its digit sum."""
    day = f"({_digit(pn, 7)} * 10 + {_digit(pn, 8)})"
    real_day = f"(CASE WHEN {day} > 60 THEN {day} - 60 ELSE {day} END)"
    date_ok = (f"try_strptime(substr({pn}, 1, 6) || lpad(CAST({real_day} AS VARCHAR), 2, '0'), '%Y%m%d') "
               "IS NOT NULL")
    terms = []
    for k in range(10):
        w = 2 if k % 2 == 0 else 1
        p = f"{_digit(pn, 3 + k)} * {w}"
        terms.append(f"(CASE WHEN {p} > 9 THEN {p} - 9 ELSE {p} END)" if w == 2 else p)
    luhn = f"({' + '.join(terms)}) % 10 = 0"
    return f"coalesce({pn} IS NOT NULL AND {date_ok} AND {luhn}, false)"


def person_sql(pn: str, valid: str) -> list[tuple[str, str]]:
    """(raw column, SQL) of what a personnummer column becomes: the pseudonym
    (HMAC-SHA256 hex, key bound as $ipad/$opad, see `hmac_params`), the class,
    birth year and sex (second-to-last digit odd: M)."""
    day = f"({_digit(pn, 7)} * 10 + {_digit(pn, 8)})"
    return [
        ("person_id", f"CASE WHEN {valid} THEN sha256($opad::BLOB || unhex(sha256($ipad::BLOB || encode({pn})))) END"),
        ("person_id_class", f"CASE WHEN NOT {valid} THEN '{UNIDENTIFIED}' WHEN {day} > 60 "
                            f"THEN '{SAMORDNINGSNUMMER}' ELSE '{PERSONNUMMER}' END"),
        ("birth_year", f"CASE WHEN {valid} THEN CAST(substr({pn}, 1, 4) AS SMALLINT) END"),
        ("sex", f"CASE WHEN {valid} THEN CASE WHEN {_digit(pn, 11)} % 2 = 1 THEN 'M' ELSE 'K' END END"),
    ]


def hmac_params(key: str) -> dict[str, bytes]:
    """HMAC-SHA256 as two SHA-256 (RFC 2104): the key padded to the block of 64
    bytes (hashed first when longer), XORed with 0x36 and 0x5C."""
    k = key.encode("utf-8")
    if len(k) > 64:
        k = hashlib.sha256(k).digest()
    k = k.ljust(64, b"\0")
    return {"ipad": bytes(b ^ 0x36 for b in k), "opad": bytes(b ^ 0x5C for b in k)}


def identify(values: pd.Series, key: str) -> pd.DataFrame:
    """person_id, person_id_class, birth_year, sex for a personnummer column,
    by the SQL the loader runs (for tests and one-off look-ups)."""
    frame = pd.DataFrame({"v": values.astype("string").to_numpy(), "i": range(len(values))})
    cols = ", ".join(f"{sql} AS {name}" for name, sql in person_sql("pn", "ok"))
    con = duckdb.connect()
    try:
        con.register("v_in", frame)
        out = con.execute(
            f"WITH n AS (SELECT i, {normalise_sql(strip_sql('v'))} AS pn FROM v_in), "
            f"c AS (SELECT *, {valid_sql('pn')} AS ok FROM n) SELECT {cols} FROM c ORDER BY i",
            hmac_params(key)).df()
    finally:
        con.close()
    out.index = values.index
    return out


def classify(values: pd.Series) -> pd.DataFrame:
    """person_id_class, birth_year, sex (no pseudonym) for a personnummer column."""
    return identify(values, "")[["person_id_class", "birth_year", "sex"]]


def pseudonym_python(pnr12: str, key: str) -> str:
    """Reference implementation, for tests and one-off look-ups."""
    return hmac.new(key.encode("utf-8"), pnr12.encode("ascii"), hashlib.sha256).hexdigest()


# What the warehouse records of its key (orchestration/ingest/key_guard.py): a
# keyed hash of this fixed label, never the key. It tells keys apart and gives
# nothing to hash candidate personnummer with.
FINGERPRINT_LABEL = b"naravard pseudonym key fingerprint v1"


def key_fingerprint(key: str) -> str:
    return hmac.new(key.encode("utf-8"), FINGERPRINT_LABEL, hashlib.sha256).hexdigest()


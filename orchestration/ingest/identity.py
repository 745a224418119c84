"""Personnummer: normalise, validate, pseudonymise. The only module that sees them.

A personnummer is 12 digits, optionally with '-' (or '+', used for people over
100) before the last four. The last digit is a Luhn check over the 10-digit
form. Samordningsnummer add 60 to the day and are valid identities. Anything
else (blank, reservnummer, typo, bad check digit) is an unidentified person:
kept and counted, never linked, and never stored.

The pseudonym is HMAC-SHA256(key, 12-digit number) in hex. It is computed in
DuckDB SQL because Python's hmac in a loop is five times slower on a national
file (DESIGN.md); `pseudonym_python` is the reference the tests compare with.
All steps are vectorised: no Python loop over rows.
"""
from __future__ import annotations

import hashlib
import hmac

import duckdb
import numpy as np
import pandas as pd

# Something that looks like a personnummer anywhere in free text: the one pattern
# and the one masking function, for values, messages, file names and findings.
from orchestration.masking import MASK, PNR_LIKE
from orchestration.masking import mask as mask_personnummer  # noqa: F401 (the one masking function)

PERSONNUMMER = "personnummer"
SAMORDNINGSNUMMER = "samordningsnummer"
UNIDENTIFIED = "unidentified"

# A cheap first pass (pyarrow's RE2, no look-around) finds the few values
# that may hold a personnummer; only those go through the exact pattern.
# PNR_LIKE's look-arounds are spelled as "start or a non-alphanumeric" and
# "end or a non-digit", so an HSA-id (SE2321000222-...: ten digits after a
# letter) is not a candidate: with a bare \d{6}\d{4} every HSA-id was, and
# the exact pattern ran in Python over every row of a national file.
_MAYBE_PNR = r"(?:^|[^0-9A-Za-z])(?:\d{6}|\d{8})[-+ ]?\d{4}(?:$|[^0-9])"
_PNR_LIKE_NOGROUP = PNR_LIKE.pattern.replace("(\\d{6}|\\d{8})", "(?:\\d{6}|\\d{8})")


def mask_series(values: pd.Series) -> pd.Series:
    s = values.astype("string")
    maybe = s.str.contains(_MAYBE_PNR, regex=True).fillna(False).to_numpy()
    if not maybe.any():
        return s
    out = s.copy()
    out[maybe] = s[maybe].str.replace(PNR_LIKE.pattern, MASK, regex=True)
    return out


def contains_personnummer(values: pd.Series) -> np.ndarray:
    """True where a value holds something that looks like a personnummer (the
    pattern `mask_series` masks). The cheap RE2 pass first, as there."""
    s = values.astype("string")
    out = s.str.contains(_MAYBE_PNR, regex=True).fillna(False).to_numpy(dtype=bool)
    if out.any():
        idx = np.flatnonzero(out)
        out[idx] = s.iloc[idx].str.contains(_PNR_LIKE_NOGROUP, regex=True).fillna(False).to_numpy(dtype=bool)
    return out


def normalise(values: pd.Series) -> pd.Series:
    """12-digit string, or <NA> where the value cannot be a personnummer."""
    s = values.astype("string").str.strip()
    m = s.str.fullmatch(r"\d{8}[-+]?\d{4}")
    return s.str.replace(r"[-+]", "", regex=True).where(m.fillna(False))


def _luhn_ok(digits10: np.ndarray) -> np.ndarray:
    """digits10: (n, 10) ints. Luhn over the 10-digit form YYMMDDNNNC."""
    weights = np.array([2, 1, 2, 1, 2, 1, 2, 1, 2, 1])
    products = digits10 * weights
    products = products - 9 * (products > 9)
    return products.sum(axis=1) % 10 == 0


def classify(values: pd.Series) -> pd.DataFrame:
    """Columns: pnr12 (<NA> unless valid), person_id_class, birth_year, sex."""
    pnr = normalise(values)
    n = len(pnr)
    cls = np.full(n, UNIDENTIFIED, dtype=object)
    birth_year = pd.array([pd.NA] * n, dtype="Int16")
    sex = np.full(n, None, dtype=object)
    candidate = pnr.notna().to_numpy()
    idx = np.flatnonzero(candidate)
    valid_pnr = pd.Series(pd.NA, index=values.index, dtype="string")
    if len(idx):
        cand = pnr.iloc[idx].to_numpy(dtype=str)
        digits = np.frombuffer("".join(cand).encode("ascii"), dtype=np.uint8).reshape(-1, 12) - 48
        digits = digits.astype(np.int64)
        year = digits[:, 0] * 1000 + digits[:, 1] * 100 + digits[:, 2] * 10 + digits[:, 3]
        month = digits[:, 4] * 10 + digits[:, 5]
        day = digits[:, 6] * 10 + digits[:, 7]
        samordning = day > 60
        real_day = np.where(samordning, day - 60, day)
        # A real calendar date (29 February only in leap years).
        dates = pd.to_datetime(
            pd.DataFrame({"year": year, "month": np.clip(month, 1, 12), "day": np.clip(real_day, 1, 31)}),
            errors="coerce",
        )
        date_ok = (month >= 1) & (month <= 12) & (real_day >= 1) & (real_day <= 31) & dates.notna().to_numpy()
        ok = date_ok & _luhn_ok(digits[:, 2:])
        ok_idx = idx[ok]
        cls[ok_idx] = np.where(samordning[ok], SAMORDNINGSNUMMER, PERSONNUMMER)
        birth_year[ok_idx] = year[ok].astype(np.int16)
        sex[ok_idx] = np.where(digits[ok, 10] % 2 == 1, "M", "K")
        valid_pnr.iloc[ok_idx] = cand[ok]
    return pd.DataFrame(
        {"pnr12": valid_pnr, "person_id_class": cls, "birth_year": birth_year, "sex": sex},
        index=values.index,
    )


def _pads(key: str) -> tuple[bytes, bytes]:
    k = key.encode("utf-8")
    if len(k) > 64:
        k = hashlib.sha256(k).digest()
    k = k.ljust(64, b"\0")
    return bytes(b ^ 0x36 for b in k), bytes(b ^ 0x5C for b in k)


def pseudonymise(pnr12: pd.Series, key: str) -> pd.Series:
    """HMAC-SHA256 hex of each valid 12-digit number; <NA> stays <NA>."""
    ipad, opad = _pads(key)
    frame = pd.DataFrame({"pnr": pnr12.astype("string").reset_index(drop=True)})
    con = duckdb.connect()
    try:
        con.register("pnr_in", frame)
        out = con.execute(
            "SELECT CASE WHEN pnr IS NULL THEN NULL ELSE "
            "sha256($opad::BLOB || unhex(sha256($ipad::BLOB || encode(pnr)))) END AS person_id "
            "FROM pnr_in",
            {"ipad": ipad, "opad": opad},
        ).df()
    finally:
        con.close()
    # DuckDB returns the rows of a plain projection in input order.
    return pd.Series(out["person_id"].to_numpy(), index=pnr12.index, dtype="string")


def pseudonym_python(pnr12: str, key: str) -> str:
    """Reference implementation, for tests and one-off look-ups."""
    return hmac.new(key.encode("utf-8"), pnr12.encode("ascii"), hashlib.sha256).hexdigest()


# What the warehouse records of its key (orchestration/ingest/key_guard.py): a
# keyed hash of this fixed label, never the key. It tells keys apart and gives
# nothing to hash candidate personnummer with.
FINGERPRINT_LABEL = b"naravard pseudonym key fingerprint v1"


def key_fingerprint(key: str) -> str:
    return hmac.new(key.encode("utf-8"), FINGERPRINT_LABEL, hashlib.sha256).hexdigest()


def identify(values: pd.Series, key: str) -> pd.DataFrame:
    """person_id, person_id_class, birth_year, sex for a personnummer column."""
    c = classify(values)
    c["person_id"] = pseudonymise(c["pnr12"], key)
    return c[["person_id", "person_id_class", "birth_year", "sex"]]

"""Synthetic but valid personnummer, and the invalid forms source systems hold.

A personnummer is stored as two integers: `ymd` = YYYYMMDD (day + 60 for a
samordningsnummer) and `tail` = NNNC, where the third N is odd for men and
even for women and C is the Luhn check digit over the 10-digit form
YYMMDDNNN. Every person in a generated population has a unique number.
"""
from __future__ import annotations

import numpy as np

from . import dates
from .csvbytes import padded

HYPHEN = np.array([b"", b"-"])
# 500 serials per birth date and sex: NNN = 10·a + b, b odd for men.
_SLOTS = 500


def _digit_sum(x: np.ndarray) -> np.ndarray:
    return x // 10 + x % 10


# Luhn contributions of a two-digit group (weights 2, 1) and of NNN (2, 1, 2).
_PAIR = _digit_sum(2 * (np.arange(100) // 10)) + np.arange(100) % 10
_TRIPLE = _digit_sum(2 * (np.arange(1000) // 100)) + np.arange(1000) // 10 % 10 + _digit_sum(2 * (np.arange(1000) % 10))


def luhn_digit(yymmddnnn: np.ndarray) -> np.ndarray:
    """Check digit C for 9-digit numbers YYMMDDNNN (weights 2,1,2,… from the left)."""
    v = np.asarray(yymmddnnn, dtype=np.int64)
    total = (_PAIR[v // 10_000_000] + _PAIR[v // 100_000 % 100] + _PAIR[v // 1000 % 100]
             + _TRIPLE[v % 1000])
    return (10 - total % 10) % 10


def assign(birth_day: np.ndarray, male: np.ndarray, samordning: np.ndarray,
           salt: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unique (ymd, tail) for every person; returns (birth_day, ymd, tail).

    Within one birth date and sex the persons get distinct serials. If more
    than 500 share a date and sex (possible only at national scale on a busy
    date) the surplus is born a day earlier, until every one fits.
    """
    birth_day = np.asarray(birth_day, dtype=np.int32).copy()
    male = np.asarray(male, dtype=np.int32)
    samordning = np.asarray(samordning, dtype=np.int32)
    n = len(birth_day)
    while True:
        ymd = dates.ymd_of(birth_day) + 60 * samordning
        key = ymd * 2 + male  # < 2**31
        order = np.argsort(key, kind="stable")
        sk = key[order]
        first = np.r_[True, sk[1:] != sk[:-1]]
        pos = np.arange(n, dtype=np.int32)
        start = np.maximum.accumulate(np.where(first, pos, 0))
        rank = np.empty(n, dtype=np.int32)
        rank[order] = pos - start
        del order, sk, first, pos, start
        over = rank >= _SLOTS
        if not over.any():
            break
        birth_day[over] -= 1
    # A permutation of the 500 slots per key, so serials look scattered.
    slot = (rank * 173 + (key.astype(np.int64) * 7919 + salt) % _SLOTS) % _SLOTS
    nnn = (slot // 5) * 10 + 2 * (slot % 5) + male
    check = luhn_digit((ymd.astype(np.int64) % 1_000_000) * 1000 + nnn)
    return birth_day, ymd.astype(np.int32), (nnn * 10 + check).astype(np.int16)


def pieces(ymd: np.ndarray, tail: np.ndarray, hyphen: np.ndarray) -> list[np.ndarray]:
    """Text pieces 'YYYY' 'MMDD' ['-'] 'NNNC' for csvbytes.assemble."""
    d4 = padded(4)
    ymd = np.asarray(ymd, dtype=np.int64)
    return [d4[ymd // 10000], d4[ymd % 10000], HYPHEN[hyphen.astype(np.int8)], d4[np.asarray(tail, dtype=np.int64)]]


def text(ymd: np.ndarray, tail: np.ndarray, hyphen: np.ndarray) -> np.ndarray:
    """The same as one byte-string array (for the smaller tables)."""
    out = np.array([b""] * len(ymd), dtype="S13")
    for p in pieces(ymd, tail, hyphen):
        out = np.strings.add(out, p)
    return out


# ---- Unidentified forms (ambulance) --------------------------------------

UNIDENTIFIED_KINDS = ("blank", "reservnummer", "bad_check_digit")


def bad_check_digit(ymd: np.ndarray, tail: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The person's number with a wrong check digit (a typo): never valid."""
    tail = np.asarray(tail, dtype=np.int64)
    wrong = (tail % 10 + rng.integers(1, 10, len(tail))) % 10
    return (tail - tail % 10 + wrong).astype(np.int16)


def reservnummer(ymd: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Region-style reserve numbers, never a valid personnummer.

    Two styles: the birth date with a letter ('19640823-R123') and a '99'
    prefix over the short date and a serial with a wrong check digit
    ('996408231235', no real date in year 99xx either).
    """
    n = len(ymd)
    ymd = np.asarray(ymd, dtype=np.int64)
    d4 = padded(4)
    d3 = padded(3)
    letter = np.array([b"R", b"X", b"T"])[rng.integers(0, 3, n)]
    style_r = np.strings.add(np.strings.add(np.strings.add(d4[ymd // 10000], d4[ymd % 10000]), b"-"),
                             np.strings.add(letter, d3[rng.integers(0, 1000, n)]))
    nnn = rng.integers(0, 1000, n)
    check = (luhn_digit((ymd % 1_000_000) * 1000 + nnn) + rng.integers(1, 10, n)) % 10
    yymmdd = ymd % 1_000_000
    style_99 = np.strings.add(np.strings.add(b"99", np.strings.add(padded(2)[yymmdd // 10000], d4[yymmdd % 10000])),
                              d4[nnn * 10 + check])
    return np.where(rng.random(n) < 0.5, style_r, style_99)

"""Personnummer: validity, classes, pseudonyms. Check digits worked out by hand."""
from __future__ import annotations

import pandas as pd

from orchestration.ingest import identity


def test_luhn_and_classes():
    # 6408233234: weights 2121212121 -> 12,4,0,8,4,3,6,2,6,4 -> digits summed 3+4+0+8+4+3+6+2+6+4 = 40 -> valid
    # 6408833231: 12,4,0,8,16,3,6,2,6,1 -> 3+4+0+8+7+3+6+2+6+1 = 40 -> valid, day 83 = samordningsnummer
    # 6408233235: same as the first but the check digit is 5 -> 41 -> invalid
    values = pd.Series(["19640823-3234", "196408833231", "19640823-3235", "", None, "19640823-R123",
                        "99123412345", "20230229-1234"])
    c = identity.classify(values)
    assert c["person_id_class"].tolist() == [
        "personnummer", "samordningsnummer", "unidentified", "unidentified", "unidentified", "unidentified",
        "unidentified", "unidentified",
    ]
    assert c["birth_year"].tolist()[:2] == [1964, 1964]
    # second-to-last digit 3 is odd: male
    assert c["sex"].tolist()[:2] == ["M", "M"]


def test_hyphen_and_plain_forms_give_one_pseudonym_per_key():
    values = pd.Series(["19640823-3234", "196408233234", " 196408233234 "])
    a = identity.identify(values, "key-a")["person_id"].tolist()
    b = identity.identify(values, "key-b")["person_id"].tolist()
    assert a[0] == a[1] == a[2]
    assert b[0] == b[1] == b[2]
    assert a[0] != b[0]
    assert len(a[0]) == 64 and "196408233234" not in a[0]


def test_sql_hmac_equals_python_hmac():
    values = pd.Series(["196408233234", "196408833231", "191212121212"])
    for key in ["short", "k" * 64, "a much longer key than the sixty-four byte block of sha256, so it is hashed first"]:
        got = identity.identify(values, key)["person_id"].tolist()
        want = [identity.pseudonym_python(v, key) for v in values]
        assert got == want


def test_unidentified_get_no_pseudonym():
    ids = identity.identify(pd.Series(["", "19640823-3235"]), "k")
    assert ids["person_id"].isna().all()
    assert ids["sex"].isna().all()


def test_masking_hides_both_forms():
    assert identity.mask_personnummer("x 19640823-3234 y 196408233234 z 640823-3234") == (
        "x <personnummer> y <personnummer> z <personnummer>")
    assert identity.mask_personnummer("SE2321000222-E001001 and 2024-01-01") == "SE2321000222-E001001 and 2024-01-01"

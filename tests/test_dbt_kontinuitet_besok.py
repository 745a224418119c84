"""Continuity of care from the visits (issue 18, K4-K8): raw tables -> `dbt build` -> marts, by hand.

A small dataset of visits and listings is written straight into raw (as the
ingestion would), dbt builds it, and the wide mart kontinuitet_besok_manad,
marts.indikatorer and marts.dq_findings are compared with values worked out by
hand below. The rules themselves are also unit-tested in dbt
(models/intermediate/kontinuitet_besok/_kontinuitet_besok__unit_tests.yml).

Units (seeds/reference/vardenheter.csv): U1 and U2 in kommun 2480 Umeå, U3 in
2482 Skellefteå; all three in region 24. Physicians P1..P5; N1 a nurse.

Visit deliveries: every month 2023-12 .. 2024-12, and 2025-02 (2025-01 is
missing). Listing snapshots: 2024-11, 2024-12, 2025-02. Physician file: 2024-12.
So the 12-month windows (the month and the eleven before):
- 2024-11 = 2023-12 .. 2024-11, all delivered: published, by the 2024-11 listing;
- 2024-12 = 2024-01 .. 2024-12, all delivered: published, by the 2024-12 listing;
  the visits of 2023-12 lie outside it (the window's edge);
- 2023-12 .. 2024-10: their windows reach back before 2023-12: withheld (and no
  listing in those months anyway);
- 2025-02 = 2024-03 .. 2025-02 misses 2025-01 (a gap month): withheld, though the
  month itself (K6, K8) is published.

Physician visits (XS915 with a personal_hsa_id), per person, month: physician:
- A (U1): 2024-02 P1, 2024-04 P1, 2024-06 P2, 2024-12 P1 (+ a nurse visit 2024-12, not a physician's),
    2025-02 P1 (outside both windows)
    2024-12 window: P1 3, P2 1 -> n 4, UPC 3/4, COC (9 + 1 - 4) / (4 * 3) = 6/12 = 0.5
    2024-11 window: P1 2, P2 1 -> n 3, UPC 2/3, COC (4 + 1 - 3) / (3 * 2) = 1/3
- B (U1): 2024-03 P1, 2024-09 P1 -> exactly 2 in both windows: UPC 1, COC (4 - 2) / 2 = 1
- C (U1): 2023-12 P1, 2024-06 P1
    2024-11 window: 2 visits -> UPC 1, COC 1; 2024-12 window: 1 visit (2023-12 is outside) -> left out
- D (U1): 2024-01 P1, 2024-02 P1, 2024-11 P2, 2024-12 P2
    2024-12 window: P1 2, P2 2, a tie -> UPC 2/4 = 0.5 (the count once, not 4/4); COC (4 + 4 - 4) / 12 = 1/3
    2024-11 window: P1 2, P2 1 -> n 3, UPC 2/3, COC 1/3
- E (U1): 2024-05 and 2024-06 XS915 without personal_hsa_id, 2024-07 P3 -> 1 physician visit: left out
- F: 2024-05 P4, 2024-10 P4 (held at U1) -> n 2, UPC 1, COC 1; listed at U2 in 2024-11 and at U3 in
    2024-12: attributed by the window's month's listing, U2 for 2024-11 and U3 for 2024-12
- G (U3; SÄBO in the 2024-12 listing, not in 2024-11): hembesök 2024-02, 2024-05, 2024-08 P5, 2024-12 P4
    2024-12 window: P5 3, P4 1 -> UPC 0.75, COC 0.5, in K7; 2024-11 window: P5 3 -> UPC 1, COC 1, not in K7
- X: not listed, a nurse visit at U1 every delivered month; and one unidentified patient, 2024-12 at U1.

K4/K5 sums (wide mart):
  2024-12  U1: A, B, D -> 3 persons, Σ UPC 0.75 + 1 + 0.5 = 2.25, Σ COC 0.5 + 1 + 1/3 = 11/6
           U3: F, G -> 2, Σ UPC 1 + 0.75 = 1.75, Σ COC 1 + 0.5 = 1.5; SÄBO: G -> 1, Σ UPC 0.75
           kommun 2480 = U1; 2482 = U3; region 24: 5 persons, Σ UPC 4.0 (K4 0.8), Σ COC 11/6 + 1.5 = 10/3 (K5 2/3)
  2024-11  U1: A, B, C, D -> 4, Σ UPC 2/3 + 1 + 1 + 2/3 = 10/3, Σ COC 1/3 + 1 + 1 + 1/3 = 8/3
           U2: F -> 1, 1, 1; U3: G -> 1, 1, 1 (not SÄBO that month: K7 has 0 persons, no row)
           region 24: 6 persons, Σ UPC 10/3 + 2 = 16/3, Σ COC 8/3 + 2 = 14/3
K6 (the month's physician visits by persons with a fast läkarkontakt in that month's listing):
  2024-11: A's named GP P1, D's P2. A has no visit in 2024-11; D's 2024-11 visit is with P2 -> 1 of 1.
  2024-12: D's named GP is now P1 (A's still P1). A's 2024-12 visit with P1 counts, D's 2024-12 visit with
           P2 no longer does -> 1 of 2 = 0.5 at U1.
  2025-02: A (P1) sees P1 -> 1 of 1.
K8 (listed persons with a fast vårdkontakt): 2024-12 U1 A of A..E -> 1/5; U3 G of F, G -> 1/2;
  2024-11 U1 1/5, U2 0/1, U3 1/1 (G).
"""
from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from orchestration.ingest.loading import ensure_schema
from tests.test_dbt_models import _insert, _person, run_dbt

U1 = "SE2321000222-E001001"  # kommun 2480
U2 = "SE2321000222-E001003"  # kommun 2480
U3 = "SE2321000222-E001005"  # kommun 2482
P = {i: f"SE2321000222-P000{i}" for i in range(1, 6)}
N1 = "SE2321000222-S0001"

VISIT_MONTHS = ["2023-12"] + [f"2024-{m:02d}" for m in range(1, 13)] + ["2025-02"]


def _visits() -> dict[str, list[dict]]:
    rows: list[tuple] = []  # (person, unit, date, yrkesgrupp, practitioner, kontakttyp)
    d = dt.date
    rows += [("A", U1, d(2024, 2, 5), "XS915", P[1], "mottagning"), ("A", U1, d(2024, 4, 5), "XS915", P[1], "mottagning"),
             ("A", U1, d(2024, 6, 5), "XS915", P[2], "mottagning"), ("A", U1, d(2024, 12, 5), "XS915", P[1], "digitalt"),
             ("A", U1, d(2024, 12, 6), "XS919", N1, "mottagning"), ("A", U1, d(2025, 2, 5), "XS915", P[1], "mottagning")]
    rows += [("B", U1, d(2024, 3, 5), "XS915", P[1], "mottagning"), ("B", U1, d(2024, 9, 5), "XS915", P[1], "telefon")]
    rows += [("C", U1, d(2023, 12, 5), "XS915", P[1], "mottagning"), ("C", U1, d(2024, 6, 6), "XS915", P[1], "mottagning")]
    rows += [("D", U1, d(2024, 1, 5), "XS915", P[1], "mottagning"), ("D", U1, d(2024, 2, 6), "XS915", P[1], "mottagning"),
             ("D", U1, d(2024, 11, 5), "XS915", P[2], "mottagning"), ("D", U1, d(2024, 12, 9), "XS915", P[2], "mottagning")]
    rows += [("E", U1, d(2024, 5, 5), "XS915", None, "mottagning"), ("E", U1, d(2024, 6, 7), "XS915", None, "mottagning"),
             ("E", U1, d(2024, 7, 5), "XS915", P[3], "mottagning")]
    rows += [("F", U1, d(2024, 5, 6), "XS915", P[4], "mottagning"), ("F", U1, d(2024, 10, 5), "XS915", P[4], "mottagning")]
    rows += [("G", U3, d(2024, m, 10), "XS915", P[5], "hembesok") for m in (2, 5, 8)]
    rows += [("G", U3, d(2024, 12, 10), "XS915", P[4], "hembesok")]
    rows += [(None, U1, d(2024, 12, 11), "XS919", N1, "mottagning")]  # an unidentified patient
    for month in VISIT_MONTHS:
        rows.append(("X", U1, dt.date.fromisoformat(f"{month}-20"), "XS919", N1, "telefon"))
    by_month: dict[str, list[dict]] = {}
    for n, (person, unit, day, yrke, personal, typ) in enumerate(rows):
        by_month.setdefault(day.strftime("%Y-%m"), []).append({
            "besok_id": f"B{n:03d}", **_person(person), "hsa_id": unit, "besoksdatum": day, "yrkesgrupp": yrke,
            "personal_hsa_id": personal, "kontakttyp": typ})
    assert sorted(by_month) == VISIT_MONTHS
    return by_month


def _listning() -> dict[str, list[dict]]:
    def row(label, unit, flk=None, fvk=None, sabo=False):
        return {**_person(label), "hsa_id": unit, "listningsdatum": dt.date(2020, 1, 1), "kommunkod": "2480",
                "fast_lakarkontakt": flk, "fast_vardkontakt": fvk, "sarskilt_boende": sabo}

    nov = [row("A", U1, P[1], N1), row("B", U1), row("C", U1), row("D", U1, P[2]), row("E", U1),
           row("F", U2), row("G", U3, None, N1, False)]
    dec = [row("A", U1, P[1], N1), row("B", U1), row("C", U1), row("D", U1, P[1]), row("E", U1),
           row("F", U3), row("G", U3, None, N1, True)]
    feb = [row("A", U1, P[1])]
    return {"2024-11": nov, "2024-12": dec, "2025-02": feb}


def _lakare() -> dict[str, list[dict]]:
    # U1's file names P1 and P2; U3's names P5 only, so G's 2024-12 visit with P4 at U3 is by a
    # physician not in the unit's file (and F's P4 visits at U1 lie in months without a file).
    rows = [{"lakare_hsa_id": P[1], "hsa_id": U1, "kategori": "specialist_allmanmedicin", "tjanstgoringsgrad": 1.0},
            {"lakare_hsa_id": P[2], "hsa_id": U1, "kategori": "st_allmanmedicin", "tjanstgoringsgrad": 1.0},
            {"lakare_hsa_id": P[5], "hsa_id": U3, "kategori": "specialist_allmanmedicin", "tjanstgoringsgrad": 0.5}]
    return {"2024-12": rows}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    work = tmp_path_factory.mktemp("dbt_besok")
    path = work / "naravard.duckdb"
    con = duckdb.connect(str(path))
    ensure_schema(con)
    for key, make in (("besok_besok", _visits), ("listning_listning", _listning), ("listning_lakare", _lakare)):
        for month, rows in make().items():
            _insert(con, key, month, rows)
    con.close()
    run_dbt(["build"], path, work)
    con = duckdb.connect(str(path), read_only=True)
    yield con
    con.close()


WIDE = ("antal_minst_tva_lakarbesok", "upc_summa", "coc_summa", "antal_minst_tva_lakarbesok_sabo",
        "upc_summa_sabo", "lakarbesok_listade_med_fast_lakare", "lakarbesok_hos_fast_lakare")

# (period, level, unit) -> the wide mart's columns, in WIDE's order; worked out in the docstring.
# The window columns are NULL for a month whose window is withheld; K6's 0 where nobody with a named GP
# had a physician visit.
EXPECTED_WIDE = {
    ("2024-12", "vardenhet", U1): (3, 2.25, 11 / 6, 0, 0, 2, 1),
    ("2024-12", "vardenhet", U3): (2, 1.75, 1.5, 1, 0.75, 0, 0),
    ("2024-12", "kommun", "2480"): (3, 2.25, 11 / 6, 0, 0, 2, 1),
    ("2024-12", "kommun", "2482"): (2, 1.75, 1.5, 1, 0.75, 0, 0),
    ("2024-12", "region", "24"): (5, 4.0, 10 / 3, 1, 0.75, 2, 1),
    ("2024-11", "vardenhet", U1): (4, 10 / 3, 8 / 3, 0, 0, 1, 1),
    ("2024-11", "vardenhet", U2): (1, 1, 1, 0, 0, 0, 0),
    ("2024-11", "vardenhet", U3): (1, 1, 1, 0, 0, 0, 0),
    ("2024-11", "region", "24"): (6, 16 / 3, 14 / 3, 0, 0, 1, 1),
    ("2025-02", "vardenhet", U1): (None, None, None, None, None, 1, 1),
}


@pytest.mark.parametrize("key", list(EXPECTED_WIDE), ids=lambda k: "/".join(k))
def test_wide_mart(warehouse, key):
    row = warehouse.execute(f"select {', '.join(WIDE)} from marts.kontinuitet_besok_manad "
                            "where period = ? and level = ? and unit_id = ?", list(key)).fetchone()
    assert row is not None, key
    for name, got, want in zip(WIDE, row, EXPECTED_WIDE[key]):
        if want is None:
            assert got is None, name
        else:
            # Σ UPC and Σ COC are rounded to 6 decimals in the roll-up (as the FTE are).
            assert got == pytest.approx(want, abs=1e-6), name


def _indikator(con, indicator, period, level, unit):
    return con.execute("select numerator, denominator, value, suppressed from marts.indikatorer "
                       "where indicator_id = ? and period = ? and level = ? and unit_id = ?",
                       [indicator, period, level, unit]).fetchone()


def test_k4_k5_of_the_region_and_the_window_that_is_published(warehouse):
    # Region 24, 2024-12: 5 persons (published: 5 is not below the threshold 5).
    num, den, value, suppressed = _indikator(warehouse, "K4_KONTINUITET_UPC", "2024-12", "region", "24")
    assert (den, suppressed) == (5, False) and value == pytest.approx(4.0 / 5, abs=1e-6)
    num, den, value, suppressed = _indikator(warehouse, "K5_KONTINUITET_COC", "2024-12", "region", "24")
    assert (den, suppressed) == (5, False) and value == pytest.approx((10 / 3) / 5, abs=1e-6)
    # 2024-11: 6 persons, K4 16/3 / 6 = 0.888..., K5 14/3 / 6 = 0.777...
    assert _indikator(warehouse, "K4_KONTINUITET_UPC", "2024-11", "region", "24")[2] == pytest.approx(16 / 18, abs=1e-6)
    assert _indikator(warehouse, "K5_KONTINUITET_COC", "2024-11", "region", "24")[2] == pytest.approx(14 / 18, abs=1e-6)
    # A unit with 3 persons: suppressed, the denominator shown.
    assert _indikator(warehouse, "K4_KONTINUITET_UPC", "2024-12", "vardenhet", U1) == (None, 3, None, True)
    periods = {r[0] for r in warehouse.execute(
        "select distinct period from marts.indikatorer where indicator_id like 'K4%' or indicator_id like 'K5%' "
        "or indicator_id like 'K7%'").fetchall()}
    # The window edge and the gap: 2023-12 .. 2024-10 reach back before the first delivery; 2025-02 misses 2025-01.
    assert periods == {"2024-11", "2024-12"}


def test_the_window_coverage_names_the_gap(warehouse):
    rows = dict(warehouse.execute("select period, saknade_manader from intermediate.int_besok_fonster_tackning_counted "
                                  "where period in ('2024-11', '2024-12', '2025-02', '2024-10')").fetchall())
    assert rows == {"2024-10": "2023-11", "2024-11": None, "2024-12": None, "2025-02": "2025-01"}


def test_k6_follows_the_named_gp_of_each_month(warehouse):
    # 2024-11: D's visit with P2, D's named GP that month -> 1/1 (suppressed: 1 visit < 5).
    assert _indikator(warehouse, "K6_BESOK_HOS_FAST_LAKARE", "2024-11", "vardenhet", U1) == (None, 1, None, True)
    # The wide mart holds the counts: 2024-12 A's P1 visit yes, D's P2 visit no (named GP now P1) -> 1 of 2.
    assert warehouse.execute("select lakarbesok_hos_fast_lakare, lakarbesok_listade_med_fast_lakare "
                             "from marts.kontinuitet_besok_manad where period = '2024-12' and unit_id = ?",
                             [U1]).fetchone() == (1, 2)


def test_k7_counts_sabo_by_the_months_listing(warehouse):
    # G is in SÄBO in the 2024-12 listing only: a K7 row for 2024-12 (1 person, suppressed), none for 2024-11
    # (0 SÄBO residents with two visits: no row).
    assert _indikator(warehouse, "K7_KONTINUITET_UPC_SABO", "2024-12", "vardenhet", U3) == (None, 1, None, True)
    assert _indikator(warehouse, "K7_KONTINUITET_UPC_SABO", "2024-11", "vardenhet", U3) is None


def test_k8_listed_with_a_fast_vardkontakt(warehouse):
    assert _indikator(warehouse, "K8_FAST_VARDKONTAKT", "2024-12", "vardenhet", U1) == (1, 5, 0.2, False)
    assert _indikator(warehouse, "K8_FAST_VARDKONTAKT", "2024-12", "vardenhet", U3) == (None, 2, None, True)
    # U2 2024-11: F only, 0 of 1; the 1 listed person is below the threshold: suppressed.
    assert _indikator(warehouse, "K8_FAST_VARDKONTAKT", "2024-11", "vardenhet", U2) == (None, 1, None, True)
    # U3 2024-11: G, 1 of 1 (suppressed too); region 24 2024-12: A and G of 7 listed.
    assert _indikator(warehouse, "K8_FAST_VARDKONTAKT", "2024-12", "region", "24")[:3] == (2, 7, 2 / 7)


def test_visit_findings(warehouse):
    # DQ_BESOK_PERSONAL_SAKNAS at U1: 2024-05 XS915 visits E (no id) and F (P4) -> 1 of 2; 2024-06 E (no id),
    #   A (P2), C (P1) -> 1 of 3.
    # DQ_BESOK_LAKARE_EJ_I_LAKARFIL, only 2024-12 has a physician file: at U1 A's P1 and D's P2 are in U1's
    #   file; at U3 G's P4 is not (U3 names P5) -> 1 of 1.
    # DQ_BESOK_EJ_LISTAD, only months with a listing: 2024-11 at U1 visits D (listed) and X -> 1 of 2;
    #   2024-12 at U1 A ×2, D, the unidentified patient and X -> 2 of 5 (U3's G is listed);
    #   2025-02 at U1 A (listed) and X -> 1 of 2.
    rows = warehouse.execute("select check_id, period, unit_id, affected, share from marts.dq_findings "
                             "where source = 'besok' order by check_id, period, unit_id").fetchall()
    besok_checks = [r for r in rows if r[0].startswith("DQ_BESOK")]
    assert besok_checks == [
        ("DQ_BESOK_EJ_LISTAD", "2024-11", U1, 1.0, pytest.approx(1 / 2)),
        ("DQ_BESOK_EJ_LISTAD", "2024-12", U1, 2.0, pytest.approx(2 / 5)),
        ("DQ_BESOK_EJ_LISTAD", "2025-02", U1, 1.0, pytest.approx(1 / 2)),
        ("DQ_BESOK_LAKARE_EJ_I_LAKARFIL", "2024-12", U3, 1.0, 1.0),
        ("DQ_BESOK_PERSONAL_SAKNAS", "2024-05", U1, 1.0, pytest.approx(1 / 2)),
        ("DQ_BESOK_PERSONAL_SAKNAS", "2024-06", U1, 1.0, pytest.approx(1 / 3)),
    ]

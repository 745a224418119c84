"""(d) Suppression holds in every published form: the serving DuckDB, the Parquet files, the CSV
and the report. The warehouse (which keeps everything) is the truth the published forms are
compared with; the canary (conftest.py) is a case whose secrets we know by hand."""
from __future__ import annotations

import csv

import duckdb
import pandas as pd
import pytest

from tests.serving import pages
from tests.serving.conftest import (CANARY_CALLS, CANARY_KOMMUN, CANARY_LISTED, CANARY_REGION, CANARY_UNIT,
                                    CANARY_WITH_GP, EDGE_CALLS, EDGE_KOMMUN, EDGE_LISTED, EDGE_REGION, EDGE_UNIT,
                                    LAST_MONTH, THRESHOLD)

KEY = ["period", "level", "unit_id"]
DOMAIN_MARTS = ["tillganglighet_manad", "kontinuitet_manad", "kontinuitet_besok_manad", "mangakare_manad", "vhu_ar"]
# Staff FTE and SCB's inhabitants are not counts of patients (dbt_project/README.md); every other
# number in the wide marts counts persons, contacts, calls or assignments.
NOT_PATIENT_COUNTS = {"fte_specialist_allmanmedicin", "fte_st_allmanmedicin", "invanare",
                      # sums of a per-person index (UPC, COC): hidden with their indicator, not counts
                      "upc_summa", "coc_summa", "upc_summa_sabo"}
# The numerators of CONTRACTS.md section 3, by the wide marts' column names. (K3's numerator is made
# of FTE: 1100 x specialist FTE + 550 x ST FTE.)
NUMERATOR = {
    "T1_TELEFON_SAMMA_DAG": ("tillganglighet_manad", ["samtal_besvarade_samma_dag"]),
    "T2_BEDOMNING_3_DAGAR": ("tillganglighet_manad", ["kontakter_bedomda_inom_3_dagar"]),
    "K1_FAST_LAKARKONTAKT": ("kontinuitet_manad", ["listade_med_fast_lakarkontakt"]),
    "K2_LISTADE_PER_SPECIALIST": ("kontinuitet_manad", ["antal_listade"]),
    "K3_RIKTVARDE_TACKNING": ("kontinuitet_manad", ["fte_specialist_allmanmedicin", "fte_st_allmanmedicin"]),
    "A1_MANGAKARE_PER_1000": ("mangakare_manad", ["antal_mangakare"]),
    "A2_MANGAKARE_ANDEL_UPPDRAG": ("mangakare_manad", ["uppdrag_av_mangakare"]),
    "A3_MANGAKARE_MED_FAST_LAKARE": ("mangakare_manad", ["mangakare_med_fast_lakarkontakt"]),
    "V1_VHU_DELTAGANDE": ("vhu_ar", ["antal_undersokta"]),
    "V2_VHU_FAR_VID_LAG_AKTIVITET": ("vhu_ar", ["antal_lag_aktivitet_med_far"]),
    "K4_KONTINUITET_UPC": ("kontinuitet_besok_manad", ["upc_summa"]),
    "K5_KONTINUITET_COC": ("kontinuitet_besok_manad", ["coc_summa"]),
    "K6_BESOK_HOS_FAST_LAKARE": ("kontinuitet_besok_manad", ["lakarbesok_hos_fast_lakare"]),
    "K7_KONTINUITET_UPC_SABO": ("kontinuitet_besok_manad", ["upc_summa_sabo"]),
    "K8_FAST_VARDKONTAKT": ("kontinuitet_manad", ["listade_med_fast_vardkontakt"]),
}


def _read(db, sql: str) -> pd.DataFrame:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).df()
    finally:
        con.close()


@pytest.fixture(scope="module")
def truth(two_runs) -> dict[str, pd.DataFrame]:
    return {t: _read(two_runs.warehouse, f"SELECT * FROM marts.{t}") for t in ["indikatorer", *DOMAIN_MARTS]}


@pytest.fixture(scope="module", params=["duckdb", "parquet"])
def published(request, two_runs) -> dict[str, pd.DataFrame]:
    """The published marts, read from the serving database or from the Parquet files."""
    tables = ["indikatorer", *DOMAIN_MARTS, "dq_findings"]
    if request.param == "duckdb":
        return {t: _read(two_runs.serving_db, f"SELECT * FROM marts.{t}") for t in tables}
    return {t: pd.read_parquet(two_runs.serving / "parquet" / f"{t}.parquet") for t in tables}


@pytest.fixture(scope="module")
def report_pages(two_runs) -> list[str]:
    """The report's pages with health-centre tables and charts. The scenario's units lie in three
    regions (the demo's, the canary's and the edge unit's), so the report is a page per region
    beside the national overview."""
    folder = two_runs.serving / "rapport"
    regions = sorted(folder.glob("region-*.html"))
    assert len(regions) == 3
    return [p.read_text(encoding="utf-8") for p in regions]


@pytest.fixture(scope="module")
def report_html(report_pages) -> str:
    """The canary's region page (Härjedalen lies in Region Jämtland Härjedalen)."""
    [page] = [h for h in report_pages if "Funäsdalen hälsocentral" in h]
    return page


# --- the canary: secrets known by hand --------------------------------------------------------

def test_the_canary_reached_the_warehouse_so_there_is_a_secret_to_keep(truth):
    k = truth["kontinuitet_manad"].set_index(KEY)
    t = truth["tillganglighet_manad"].set_index(KEY)
    for level, unit in (("vardenhet", CANARY_UNIT), ("kommun", CANARY_KOMMUN), ("region", CANARY_REGION)):
        assert k.loc[(LAST_MONTH, level, unit), "antal_listade"] == CANARY_LISTED
        assert k.loc[(LAST_MONTH, level, unit), "listade_med_fast_lakarkontakt"] == CANARY_WITH_GP
        assert t.loc[(LAST_MONTH, level, unit), "samtal_inkommande"] == sum(c[1] for c in CANARY_CALLS)
        assert t.loc[(LAST_MONTH, level, unit), "samtal_besvarade_samma_dag"] == sum(c[2] for c in CANARY_CALLS)


@pytest.mark.parametrize("level,unit", [("vardenhet", CANARY_UNIT), ("kommun", CANARY_KOMMUN),
                                        ("region", CANARY_REGION)])
def test_the_canary_is_suppressed_in_the_published_marts(published, level, unit):
    ind = published["indikatorer"].set_index(["indicator_id", *KEY])
    for iid, denominator in (("K1_FAST_LAKARKONTAKT", CANARY_LISTED),
                             ("T1_TELEFON_SAMMA_DAG", sum(c[1] for c in CANARY_CALLS))):
        row = ind.loc[(iid, LAST_MONTH, level, unit)]
        assert bool(row["suppressed"]) and row["denominator"] == denominator
        assert pd.isna(row["value"]) and pd.isna(row["numerator"])
    k = published["kontinuitet_manad"].set_index(KEY).loc[(LAST_MONTH, level, unit)]
    t = published["tillganglighet_manad"].set_index(KEY).loc[(LAST_MONTH, level, unit)]
    assert pd.isna(k["antal_listade"]) and pd.isna(k["listade_med_fast_lakarkontakt"])
    assert pd.isna(t["samtal_inkommande"]) and pd.isna(t["samtal_besvarade_samma_dag"])


def test_the_canary_is_suppressed_in_the_csv(two_runs):
    with open(two_runs.serving / "indikatorer.csv", encoding="utf-8-sig", newline="") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter=";")
                if r["unit_id"] in (CANARY_UNIT, CANARY_KOMMUN, CANARY_REGION) and r["period"] == LAST_MONTH
                and r["indicator_id"] in ("K1_FAST_LAKARKONTAKT", "T1_TELEFON_SAMMA_DAG")]
    assert len(rows) == 6
    assert all(r["suppressed"] == "true" and r["value"] == "" and r["numerator"] == "" for r in rows)


def test_the_canary_is_shown_as_suppressed_in_the_report(report_html):
    k1_rows = pages.table_rows(report_html)["K1_FAST_LAKARKONTAKT"]
    canary = [r for r in k1_rows if r and r[0] == "Funäsdalen hälsocentral"]
    assert len(canary) == 1
    assert canary[0][1] == "prickad" and f"färre än {THRESHOLD}" in canary[0]
    figs = pages.figures(report_html)
    heat = figs["kommuner-K1_FAST_LAKARKONTAKT"][0]
    i, j = heat["y"].index("Härjedalen"), heat["x"].index(LAST_MONTH)
    assert heat["z"][i][j] is None and "prickad" in heat["customdata"][i][j]
    trend = {t["name"]: t for t in figs["trend-T1_TELEFON_SAMMA_DAG"]}
    region = trend["Region Jämtland Härjedalen"]
    assert region["y"][region["x"].index(LAST_MONTH)] is None


# --- every row: the rule over the whole publication ------------------------------------------

# The count each indicator protects (CONTRACTS.md section 3.1), by the wide marts' column names: written
# out from the contract here, not read from the seed the code uses.
PROTECTED = {
    "T1_TELEFON_SAMMA_DAG": ("tillganglighet_manad", "samtal_inkommande"),
    "T2_BEDOMNING_3_DAGAR": ("tillganglighet_manad", "kontakter_bedomda"),
    "K1_FAST_LAKARKONTAKT": ("kontinuitet_manad", "antal_listade"),
    "K2_LISTADE_PER_SPECIALIST": ("kontinuitet_manad", "antal_listade"),
    "K3_RIKTVARDE_TACKNING": ("kontinuitet_manad", "antal_listade"),
    "A1_MANGAKARE_PER_1000": ("mangakare_manad", "antal_mangakare"),
    "A2_MANGAKARE_ANDEL_UPPDRAG": ("mangakare_manad", "uppdrag_i_fonster"),
    "A3_MANGAKARE_MED_FAST_LAKARE": ("mangakare_manad", "antal_mangakare"),
    "V1_VHU_DELTAGANDE": ("vhu_ar", "antal_inbjudna"),
    "V2_VHU_FAR_VID_LAG_AKTIVITET": ("vhu_ar", "antal_lag_aktivitet"),
    "K4_KONTINUITET_UPC": ("kontinuitet_besok_manad", "antal_minst_tva_lakarbesok"),
    "K5_KONTINUITET_COC": ("kontinuitet_besok_manad", "antal_minst_tva_lakarbesok"),
    "K6_BESOK_HOS_FAST_LAKARE": ("kontinuitet_besok_manad", "lakarbesok_listade_med_fast_lakare"),
    "K7_KONTINUITET_UPC_SABO": ("kontinuitet_besok_manad", "antal_minst_tva_lakarbesok_sabo"),
    "K8_FAST_VARDKONTAKT": ("kontinuitet_manad", "antal_listade"),
}


def _protected_counts(ind: pd.DataFrame, truth: dict[str, pd.DataFrame]) -> pd.Series:
    """The protected count of every indikatorer row, from the warehouse's wide marts (which keep all)."""
    parts = []
    for iid, (mart, col) in PROTECTED.items():
        rows = ind[ind["indicator_id"] == iid].reset_index().merge(truth[mart][KEY + [col]], on=KEY, how="left")
        parts.append(rows.set_index("index")[col])
    return pd.concat(parts).reindex(ind.index)


@pytest.mark.parametrize("level,unit", [("vardenhet", EDGE_UNIT), ("kommun", EDGE_KOMMUN),
                                        ("region", EDGE_REGION)])
def test_the_edge_unit_at_the_threshold_is_published_with_hand_worked_values(published, level, unit):
    """The edge unit is alone in its kommun and region, so all three levels carry its figures:
    T1 4/5 = 0.8 (5 calls); K1 3/5 = 0.6 (5 listed); K2 5 listed / 1.6 FTE = 3.125, published because it
    counts the 5 listed persons, not the 1.6 FTE; K3 (1100 x 1.6 + 550 x 0.5) / 5 = (1760 + 275) / 5 = 407."""
    ind = published["indikatorer"].set_index(["indicator_id", *KEY])
    expected = {"T1_TELEFON_SAMMA_DAG": (4, 5, 0.8), "K1_FAST_LAKARKONTAKT": (3, 5, 0.6),
                "K2_LISTADE_PER_SPECIALIST": (5, 1.6, 3.125), "K3_RIKTVARDE_TACKNING": (2035, 5, 407.0)}
    for iid, (numerator, denominator, value) in expected.items():
        row = ind.loc[(iid, LAST_MONTH, level, unit)]
        assert not bool(row["suppressed"]), iid
        assert row["numerator"] == pytest.approx(numerator), iid
        assert row["denominator"] == pytest.approx(denominator), iid
        assert row["value"] == pytest.approx(value), iid
    assert EDGE_LISTED == THRESHOLD and sum(c[1] for c in EDGE_CALLS) == THRESHOLD  # the edge it is named for


def test_k2_and_k3_are_published_for_every_health_centre_with_enough_listed_persons(truth):
    """CONTRACTS.md 3.1: K2 and K3 protect the unit's listed persons, not its specialist FTE. So every
    health centre with at least THRESHOLD listed persons (and a physician file) has K3 published, and K2
    published wherever it has any specialist FTE (0 FTE: no K2 row, a zero denominator)."""
    k = truth["kontinuitet_manad"]
    units = k[(k["level"] == "vardenhet") & (k["antal_listade"] >= THRESHOLD)
              & k["fte_specialist_allmanmedicin"].notna()]
    ind = truth["indikatorer"].set_index(["indicator_id", *KEY])
    with_fte = units[units["fte_specialist_allmanmedicin"] > 0]
    assert len(with_fte) > 100 and (with_fte["fte_specialist_allmanmedicin"] < THRESHOLD).mean() > 0.5, \
        "the demo data should have many units with fewer than 5 specialist FTE, or this test shows nothing"
    for _, u in units.iterrows():
        key = (u["period"], u["level"], u["unit_id"])
        assert not bool(ind.loc[("K3_RIKTVARDE_TACKNING", *key), "suppressed"]), key
        if u["fte_specialist_allmanmedicin"] > 0:
            row = ind.loc[("K2_LISTADE_PER_SPECIALIST", *key)]
            assert not bool(row["suppressed"]) and row["numerator"] == u["antal_listade"], key
        else:
            assert ("K2_LISTADE_PER_SPECIALIST", *key) not in ind.index


def test_suppressed_indicator_rows_show_neither_value_nor_numerator(published, truth):
    ind = published["indikatorer"]
    count = _protected_counts(ind, truth)
    small = (count > 0) & (count < THRESHOLD)
    assert small.sum() > 20, "the demo data should give suppressed rows"
    assert (ind["suppressed"] == small).all()
    assert ind.loc[small, "value"].isna().all() and ind.loc[small, "numerator"].isna().all()
    # The denominator stays, so a reader sees why, except A3's: it is A1's hidden count of mångåkare.
    a3 = ind["indicator_id"] == "A3_MANGAKARE_MED_FAST_LAKARE"
    assert ind.loc[small & ~a3, "denominator"].notna().all() and ind.loc[small & a3, "denominator"].isna().all()
    assert len(ind) == len(truth["indikatorer"])


def test_no_small_count_is_published_in_the_wide_marts(published, truth):
    checked = 0
    for mart in DOMAIN_MARTS:
        counts = [c for c in truth[mart].columns
                  if c not in KEY and c not in NOT_PATIENT_COUNTS and pd.api.types.is_float_dtype(truth[mart][c])]
        small_in_truth = ((truth[mart][counts] > 0) & (truth[mart][counts] < THRESHOLD)).to_numpy().sum()
        checked += small_in_truth
        small = (published[mart][counts] > 0) & (published[mart][counts] < THRESHOLD)
        assert not small.to_numpy().any(), f"{mart} publishes counts below {THRESHOLD}"
    assert checked > 0, "the warehouse should hold small counts, or this test shows nothing"


def test_wide_marts_do_not_give_back_a_suppressed_numerator(published, truth):
    ind = published["indikatorer"]
    suppressed = ind[ind["suppressed"]]
    assert suppressed["indicator_id"].nunique() >= 4
    for iid, (mart, cols) in NUMERATOR.items():
        rows = suppressed[suppressed["indicator_id"] == iid][KEY].merge(published[mart], on=KEY)
        if iid == "K2_LISTADE_PER_SPECIALIST":
            # K2's numerator (listed persons) is the denominator K1 publishes for the same unit: the
            # contract shows it there, so the wide mart may show it too, and only as that number.
            k1 = ind[ind["indicator_id"] == "K1_FAST_LAKARKONTAKT"][KEY + ["denominator"]]
            shown = rows.dropna(subset=["antal_listade"]).merge(k1, on=KEY, how="left")
            assert (shown["antal_listade"] == shown["denominator"]).all()
            continue
        if iid == "K3_RIKTVARDE_TACKNING":
            # one unknown term is enough: the ST FTE must be hidden
            assert rows["fte_st_allmanmedicin"].isna().all(), iid
            continue
        assert rows[cols].isna().all().all(), f"{iid}: {mart} shows the numerator of suppressed rows"


def test_what_is_published_in_the_wide_marts_is_the_truth(published, truth):
    """Nothing is altered, only hidden: a published cell equals the warehouse's."""
    for mart in DOMAIN_MARTS:
        pub = published[mart].set_index(KEY).sort_index()
        ref = truth[mart].set_index(KEY).sort_index()
        assert pub.index.equals(ref.index)
        for c in pub.columns:
            shown = pub[c].notna()
            if pd.api.types.is_float_dtype(ref[c]):
                assert (pub.loc[shown, c] == ref.loc[shown, c]).all(), f"{mart}.{c}"
            else:  # the window dates: compared as text, whatever type the reader gives them
                assert (pub.loc[shown, c].astype(str).str[:10] == ref.loc[shown, c].astype(str).str[:10]).all()


# Findings that count deliveries, files or missing months, not people (docs/bi.md, rule 4): shown as they are.
DELIVERY_CHECKS = {"DQ_LEVERANS_SAKNAS", "DQ_FIL_SAKNAS", "DQ_FIL_AVSATT", "DQ_AMBULANS_FONSTER_OFULLSTANDIGT",
                   "DQ_VHU_AR_OFULLSTANDIGT"}


def test_no_small_affected_count_in_published_findings(published):
    dq = published["dq_findings"]
    unit_level = (dq["level"] != "fil") & ~dq["check_id"].isin(DELIVERY_CHECKS)
    small = unit_level & (dq["affected"] > 0) & (dq["affected"] < THRESHOLD)
    assert not small.any()
    hidden = unit_level & dq["affected"].isna()
    assert dq.loc[hidden, "message"].str.startswith(f"Färre än {THRESHOLD} berörda").all()


def test_coverage_findings_name_their_missing_months_when_published(published):
    """13 demo months 2023-12 .. 2024-12. The window of month m touches the month of D - 364 .. m:
    2024-11's is 2023-12 .. 2024-11 and 2024-12's 2024-01 .. 2024-12, both delivered; 2023-12's touches
    2023-01 .. 2023-12, of which 2023-01 .. 2023-11 (eleven) never came; 2024-10's 2023-11 .. 2024-10
    misses 2023-11 only. The published messages still name the months (these findings count months, not
    people). VHU 2023 has December only: eleven months missing; 2024 is whole."""
    dq = published["dq_findings"]
    window = dq[dq["check_id"] == "DQ_AMBULANS_FONSTER_OFULLSTANDIGT"].set_index("period")
    assert sorted(window.index) == ["2023-12"] + [f"2024-{m:02d}" for m in range(1, 11)]
    months_2023 = ", ".join(f"2023-{m:02d}" for m in range(1, 12))
    assert window.loc["2023-12", "affected"] == 11 and f"({months_2023})" in window.loc["2023-12", "message"]
    assert window.loc["2024-10", "affected"] == 1 and "(2023-11)" in window.loc["2024-10", "message"]
    vhu = dq[dq["check_id"] == "DQ_VHU_AR_OFULLSTANDIGT"].set_index("period")
    assert list(vhu.index) == ["2023"] and vhu.loc["2023", "affected"] == 11
    assert "år-till-datum" in vhu.loc["2023", "message"]


def test_csv_matches_the_published_indicators(two_runs, published):
    with open(two_runs.serving / "indikatorer.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    ind = published["indikatorer"].set_index(["indicator_id", *KEY])
    assert len(rows) == len(ind)
    for r in rows:
        ref = ind.loc[(r["indicator_id"], r["period"], r["level"], r["unit_id"])]
        for c in ("numerator", "denominator", "value", "target"):
            assert "." not in r[c], f"decimal point in {c}: {r[c]}"
            if pd.isna(ref[c]):
                assert r[c] == ""
            else:
                assert abs(float(r[c].replace(",", ".")) - ref[c]) <= 1e-9 * max(1.0, abs(ref[c]))
        assert r["suppressed"] == str(bool(ref["suppressed"])).lower()


def test_report_charts_plot_no_suppressed_point(report_pages, published):
    ind = published["indikatorer"]
    hidden = set(zip(ind.loc[ind["suppressed"], "indicator_id"], ind.loc[ind["suppressed"], "unit_name"],
                     ind.loc[ind["suppressed"], "period"]))
    assert hidden
    plotted = 0
    for div_id, traces in ((d, tr) for page in report_pages for d, tr in pages.figures(page).items()):
        iid = div_id.split("-", 1)[1]
        for tr in traces:
            if tr["type"] == "heatmap":
                points = [(name, x, z) for name, zs in zip(tr["y"], tr["z"]) for x, z in zip(tr["x"], zs)]
            elif tr["name"] != "Mål":
                points = [(tr["name"].removesuffix(" (länsdel)"), x, y) for x, y in zip(tr["x"], tr["y"])]
            else:
                continue
            for name, period, v in points:
                if v is not None:
                    plotted += 1
                    assert (iid, name, period) not in hidden, f"{div_id} plots suppressed {name} {period}"
    assert plotted > 100


def test_report_tables_mark_every_suppressed_health_centre(report_pages, published):
    ind = published["indikatorer"]
    sections = [pages.table_rows(page) for page in report_pages]
    checked = 0
    for iid, g in ind[ind["level"] == "vardenhet"].groupby("indicator_id"):
        latest = g[g["period"] == g["period"].max()].set_index("unit_name")
        for row in (r for rows_by_section in sections for r in rows_by_section.get(iid, [])):
            if row and row[0] in latest.index:
                suppressed = bool(latest.loc[row[0], "suppressed"])
                assert (row[1] == "prickad") == suppressed, f"{iid} {row}"
                checked += suppressed
    assert checked > 0

"""The national demo has the nation's shape: 21 regions, 290 kommuner, about 1 100 health centres.

The reference seeds hold the three real regions as shipped and 18 generated, illustrative ones
(naravard/demo/nation.py); `--scale national` spreads the listed persons over all of them.
"""
from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from orchestration import paths
from naravard.demo import write_demo_data
from naravard.demo.nation import MARK, REAL_REGIONS, seed_texts


def _rows(path: Path, encoding: str = "utf-8") -> list[dict[str, str]]:
    with open(path, encoding=encoding, newline="") as f:
        return [{k.lower(): v for k, v in r.items()} for r in csv.DictReader(f, delimiter=";")]


def _listing(out: Path, manifest: dict, month: str) -> pd.DataFrame:
    """The delivered listing file as text, in its own encoding (the demo varies it), header in lower case."""
    rel = f"listning/listning_{month}.csv"
    return pd.DataFrame(_rows(out / rel, manifest["encodings"][rel]))[["hsa_id", "kommunkod"]]


def test_the_committed_seeds_are_the_generators_output():
    kommuner, units = seed_texts()
    assert paths.KOMMUNER_CSV.read_text(encoding="utf-8") == kommuner
    assert paths.VARDENHETER_CSV.read_text(encoding="utf-8") == units


def test_reference_has_the_nations_shape_and_the_real_regions_as_they_were():
    kommuner, units = _rows(paths.KOMMUNER_CSV), _rows(paths.VARDENHETER_CSV)
    assert len({k["regionkod"] for k in kommuner}) == 21
    assert len(kommuner) == 290 and len({k["kommunkod"] for k in kommuner}) == 290
    assert len(units) == 1100 and len({u["hsa_id"] for u in units}) == 1100
    assert sum(int(k["invanare_2023"]) for k in kommuner) == 10_500_000
    # The real regions' inhabitants, summed by hand from the shipped rows (tests/test_dbt_models.py
    # gives 24 and 22; 23: 5400 + 6298 + 14966 + 11600 + 11727 + 7061 + 10090 + 63779 = 130921),
    # and their kommuner and units counted in the shipped files (15 + 7 + 8; 38 + 33 + 26).
    inhabitants = Counter()
    for k in kommuner:
        inhabitants[k["regionkod"]] += int(k["invanare_2023"])
    assert (inhabitants["24"], inhabitants["22"], inhabitants["23"]) == (278729, 242148, 130921)
    assert Counter(k["regionkod"] for k in kommuner if k["regionkod"] in REAL_REGIONS) == {"24": 15, "22": 7, "23": 8}
    assert Counter(u["regionkod"] for u in units if u["regionkod"] in REAL_REGIONS) == {"24": 38, "22": 33, "23": 26}
    assert not any(MARK in k["kommun"] or MARK in k["region"] for k in kommuner if k["regionkod"] in REAL_REGIONS)
    # Everything generated says so, and uses no county code of a real region (01-25).
    generated_k = [k for k in kommuner if k["regionkod"] not in REAL_REGIONS]
    generated_u = [u for u in units if u["regionkod"] not in REAL_REGIONS]
    assert all(MARK in k["kommun"] and MARK in k["region"] and int(k["regionkod"]) > 25 for k in generated_k)
    assert all(MARK in u["enhetsnamn"] for u in generated_u)
    # kommunkod = regionkod + two digits; every kommun has a health centre in the registry.
    assert all(len(k["kommunkod"]) == 4 and k["kommunkod"].startswith(k["regionkod"]) for k in kommuner)
    assert {k["kommunkod"] for k in kommuner} == {u["kommunkod"] for u in units}


@pytest.fixture(scope="module")
def national_small(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("demo_nation")
    return out, write_demo_data(out, scale="national:0.002", months=1, end_month="2024-12")


def test_national_demo_spreads_the_listed_over_the_nation(national_small):
    out, manifest = national_small
    # 0.002 of the 10.5 million listed.
    assert manifest["params"]["listed_target"] == 21_000
    con = duckdb.connect()
    con.register("listing_df", _listing(out, manifest, "2024-12"))
    listing = "listing_df"
    registry = f"read_csv('{paths.VARDENHETER_CSV}', delim=';', header=true, all_varchar=true)"
    kommuner = f"read_csv('{paths.KOMMUNER_CSV}', delim=';', header=true, all_varchar=true)"
    units, kommun_n, regions, unknown = con.execute(f"""
        SELECT count(DISTINCT l.hsa_id), count(DISTINCT r.kommunkod), count(DISTINCT r.regionkod),
               count(*) FILTER (WHERE r.hsa_id IS NULL)
        FROM {listing} l LEFT JOIN {registry} r ON r.hsa_id = upper(trim(l.hsa_id))""").fetchone()
    assert (units, kommun_n, regions, unknown) == (1100, 290, 21, 0)
    # Residents list in their own region: the region of the health centre is the region of the
    # kommun they live in (folkbokföring), wherever that kommun is given.
    other_region = con.execute(f"""
        SELECT count(*) FROM {listing} l JOIN {registry} r ON r.hsa_id = upper(trim(l.hsa_id))
        JOIN {kommuner} k ON k.kommunkod = trim(l.kommunkod) WHERE k.regionkod <> r.regionkod""").fetchone()[0]
    assert other_region == 0
    # Every region's listed persons roughly follow its inhabitants (21 000 listed over 10.5 M: 1 per 500).
    per_region = dict(con.execute(f"""
        SELECT k.regionkod, count(*) FROM {listing} l JOIN {kommuner} k ON k.kommunkod = trim(l.kommunkod)
        GROUP BY 1""").fetchall())
    inhabitants = Counter()
    for k in _rows(paths.KOMMUNER_CSV):
        inhabitants[k["regionkod"]] += int(k["invanare_2023"])
    assert set(per_region) == set(inhabitants)
    for code, n in per_region.items():
        assert abs(n - inhabitants[code] / 500) <= 0.1 * inhabitants[code] / 500 + 30, (code, n)


def test_region_scale_stays_vasterbotten(tmp_path):
    manifest = write_demo_data(tmp_path, scale=0.01, months=1, end_month="2024-12")
    assert manifest["params"]["regionkod"] == "24"
    units = set(_listing(tmp_path, manifest, "2024-12")["hsa_id"].str.strip().str.upper())
    ve = {u["hsa_id"] for u in _rows(paths.VARDENHETER_CSV) if u["regionkod"] == "24"}
    assert units == ve

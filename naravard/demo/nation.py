"""The illustrative rest of Sweden for the national demo: 18 generated regions beside the three real ones.

    python -m naravard.demo.nation        rewrites the generated rows of the reference seeds

The national demo (`naravard demo-data --scale national`) spreads 10.5 million listed
persons over the nation's shape: 21 regions, 290 kommuner, about 1 100 health centres
(docs/DESIGN figures: SKR counts 1 150 health centres in 2015, just under 1 200 in 2021).
The reference seeds hold three real regions (22, 23, 24) as shipped. The other 18 are
generated here, deterministically, and appended to the same seed files so that the
pipeline's registry knows every unit the national demo delivers:

- codes 31..48: not the code of any county, so no generated row can be mistaken for a
  real one; kommunkod = regionkod + two digits, as real ones are built;
- names say "(illustrativ)"; populations are drawn (a few large regions, many small;
  one large kommun per region) so that the nation has 10.5 million inhabitants;
- about one health centre per 9 800 inhabitants, at least one per kommun, physician
  bands and ownership in the shipped registry's proportions.

No real kommunkod, name or population of these 18 regions is claimed (none is sourced in
this repository). The generated rows are committed in dbt_project/seeds/reference/; a test
checks they equal this module's output, so this module is their one source.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from orchestration import paths

NATION_INHABITANTS = 10_500_000
N_KOMMUNER = 290
N_UNITS = 1_100
REAL_REGIONS = ("22", "23", "24")
GENERATED_CODES = tuple(f"{c}" for c in range(31, 49))  # 18 regions
MARK = "(illustrativ)"
SEED = 290_21
BANDS = ("1", "2-4", "5-7", "8+")
BAND_P = (0.12, 0.50, 0.23, 0.15)
KOMMUN_HEADER = ["kommunkod", "kommun", "regionkod", "region", "lansdel", "invanare_2023"]
UNIT_HEADER = ["hsa_id", "enhetsnamn", "regionkod", "kommunkod", "driftform", "enhetstyp", "lakare_intervall"]


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))


def _split(total: int, weights: np.ndarray, minimum: int) -> np.ndarray:
    """Integer parts summing to total, each at least minimum, proportional to weights otherwise."""
    n = len(weights)
    rest = total - minimum * n
    raw = rest * weights / weights.sum()
    parts = np.floor(raw).astype(np.int64)
    parts[np.argsort(-(raw - parts), kind="stable")[:rest - parts.sum()]] += 1
    return parts + minimum


def generated_rows(real_kommuner: list[dict], real_units: list[dict]) -> tuple[list[dict], list[dict]]:
    """(kommuner rows, vardenheter rows) of the 18 illustrative regions."""
    rng = np.random.default_rng(SEED)
    real_inhabitants = sum(int(k["invanare_2023"]) for k in real_kommuner)
    n_regions = len(GENERATED_CODES)
    # Region sizes: lognormal, so a few regions hold millions and the smallest tens of thousands.
    region_pop = _split(NATION_INHABITANTS - real_inhabitants, np.sort(rng.lognormal(0, 0.95, n_regions))[::-1],
                        50_000)
    # Kommuner per region grow with the region, less than proportionally; at least one.
    kommuner_n = _split(N_KOMMUNER - len(real_kommuner), region_pop.astype(float) ** 0.7, 1)
    kommuner, units = [], []
    kommun_pop = []
    for code, pop, nk in zip(GENERATED_CODES, region_pop, kommuner_n):
        # One large kommun (the county seat), the others smaller and uneven; at least 2 000 inhabitants.
        w = 1.0 / np.arange(1, nk + 1) ** 1.1 * rng.lognormal(0, 0.35, nk)
        w[0] = max(w[0], w.max() * 1.5)
        pops = _split(int(pop), w, 2_000)
        region = f"Region {code} {MARK}"
        for i, p in enumerate(pops):
            kod = f"{code}{i + 1:02d}"
            kommuner.append({"kommunkod": kod, "kommun": f"Kommun {kod} {MARK}", "regionkod": code,
                             "region": region, "lansdel": "", "invanare_2023": str(int(p))})
            kommun_pop.append(int(p))
    # Health centres: about one per 9 800 inhabitants over the nation, at least one per kommun.
    n_units = _split(N_UNITS - len(real_units), np.asarray(kommun_pop, dtype=float), 1)
    for k, n in zip(kommuner, n_units):
        for j in range(int(n)):
            units.append({
                "hsa_id": f"SE00000000{k['regionkod']}-E{k['kommunkod']}{j + 1:02d}",
                "enhetsnamn": f"Vårdcentral {k['kommunkod']}-{j + 1} {MARK}",
                "regionkod": k["regionkod"], "kommunkod": k["kommunkod"],
                "driftform": "privat" if rng.random() < 0.35 else "regional",
                "enhetstyp": "vårdcentral",
                "lakare_intervall": BANDS[int(rng.choice(len(BANDS), p=BAND_P))],
            })
    return kommuner, units


def _csv(header: list[str], rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=header, delimiter=";", lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def seed_texts() -> tuple[str, str]:
    """The two seed files as they should be: the real regions' rows as they are, then the generated ones."""
    kommuner = [r for r in _read(paths.KOMMUNER_CSV) if r["regionkod"] in REAL_REGIONS]
    units = [r for r in _read(paths.VARDENHETER_CSV) if r["regionkod"] in REAL_REGIONS]
    gen_k, gen_u = generated_rows(kommuner, units)
    return _csv(KOMMUN_HEADER, kommuner + gen_k), _csv(UNIT_HEADER, units + gen_u)


def main() -> int:
    k, u = seed_texts()
    paths.KOMMUNER_CSV.write_text(k, encoding="utf-8")
    paths.VARDENHETER_CSV.write_text(u, encoding="utf-8")
    print(f"wrote {paths.KOMMUNER_CSV} and {paths.VARDENHETER_CSV}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

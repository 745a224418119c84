"""The demo's area from the reference data: Region Västerbotten's kommuner and health centres, or
(load_nation) every region's, for the national demo.

Read from the project's own seed files (orchestration.paths), so the demo
data uses exactly the HSA-ids and kommunkoder the pipeline's registry knows.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from orchestration import paths

REGIONKOD = "24"
NATION = "SE"  # the manifest's regionkod of national demo data

# Physicians per unit in the registry's bands; the upper end of '8+' is ours.
LAKARE_BANDS = {"1": (1, 1), "2-4": (2, 4), "5-7": (5, 7), "8+": (8, 14)}


@dataclass(frozen=True)
class Region:
    regionkod: str
    kommunkod: np.ndarray  # (K,) str
    kommun_name: np.ndarray  # (K,) str
    inhabitants: np.ndarray  # (K,) int, invanare_2023
    hsa_id: np.ndarray  # (U,) str, registry order
    unit_name: np.ndarray  # (U,) str
    unit_kommun: np.ndarray  # (U,) int index into kommunkod
    unit_band: np.ndarray  # (U,) str, lakare_intervall
    unit_type: np.ndarray  # (U,) str, enhetstyp
    # (K,) int: which region of the demo a kommun lies in (all 0 for one region). Residents who do not
    # list in their own kommun list elsewhere in their own region.
    kommun_area: np.ndarray | None = None

    @property
    def area_of_kommun(self) -> np.ndarray:
        return np.zeros(self.n_kommuner, dtype=np.int16) if self.kommun_area is None else self.kommun_area

    @property
    def n_units(self) -> int:
        return len(self.hsa_id)

    @property
    def n_kommuner(self) -> int:
        return len(self.kommunkod)

    @property
    def org_prefix(self) -> str:
        """'SE2321000222': the region's part of its units' HSA-ids."""
        return str(self.hsa_id[0]).split("-")[0]


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))


def load_region(regionkod: str = REGIONKOD) -> Region:
    """One region of the reference seeds."""
    return _load(regionkod, lambda r: r["regionkod"] == regionkod)


def load_nation() -> Region:
    """Every region of the reference seeds (the three real ones and the illustrative rest, nation.py)
    as one demo area: 21 regions, 290 kommuner, about 1 100 health centres."""
    return _load(NATION, lambda r: True)


def _load(regionkod: str, keep) -> Region:
    kommuner = [r for r in _read(paths.KOMMUNER_CSV) if keep(r)]
    units = [r for r in _read(paths.VARDENHETER_CSV) if keep(r)]
    codes = [k["kommunkod"] for k in kommuner]
    kidx = {c: i for i, c in enumerate(codes)}
    missing = sorted(set(codes) - {u["kommunkod"] for u in units})
    if missing:
        raise ValueError(f"kommuner without a health centre in the registry: {missing}")
    return Region(
        regionkod=regionkod,
        kommunkod=np.array(codes),
        kommun_name=np.array([k["kommun"] for k in kommuner]),
        inhabitants=np.array([int(k["invanare_2023"]) for k in kommuner], dtype=np.int64),
        hsa_id=np.array([u["hsa_id"] for u in units]),
        unit_name=np.array([u["enhetsnamn"] for u in units]),
        unit_kommun=np.array([kidx[u["kommunkod"]] for u in units], dtype=np.int16),
        unit_band=np.array([u["lakare_intervall"] for u in units]),
        unit_type=np.array([u["enhetstyp"] for u in units]),
        kommun_area=np.unique([k["regionkod"] for k in kommuner], return_inverse=True)[1].astype(np.int16),
    )

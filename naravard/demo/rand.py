"""Independent, named random streams.

Every component draws from its own stream, keyed by the seed and a name (and
the month where it generates month by month). So the output does not depend
on the order the components run in or on the chunk size of the writer, and
switching the defects off changes only what the defects touch.
"""
from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, *keys: object) -> np.random.Generator:
    words = [seed & 0xFFFFFFFF, (seed >> 32) & 0xFFFFFFFF]
    words += [zlib.crc32(str(k).encode("utf-8")) for k in keys]
    return np.random.default_rng(np.random.SeedSequence(words))


def expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def logit(p: float) -> float:
    return float(np.log(p / (1.0 - p)))


def solve_shift(logits: np.ndarray, weights: np.ndarray, target: float) -> float:
    """The shift c with  Σ w·expit(logits + c) / Σ w = target  (bisection).

    Used to calibrate a share to the region's reported figure while units,
    months and days keep their own variation around it.
    """
    lo, hi = -10.0, 10.0
    total = float(weights.sum())
    if total <= 0:
        return 0.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if float((weights * expit(logits + mid)).sum()) / total < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2

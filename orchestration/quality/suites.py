"""Load the GX suite modules from the project's expectations/ folder.

expectations/ is not a Python package of the installed distribution (only
orchestration/ is), so its modules are loaded by path. They import GX only
inside their build functions, so loading them here is cheap.
"""
from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from orchestration.paths import EXPECTATIONS_DIR


def _load(name: str) -> ModuleType:
    qualified = f"naravard_expectations.{name}"
    if qualified in sys.modules:
        return sys.modules[qualified]
    spec = importlib.util.spec_from_file_location(qualified, EXPECTATIONS_DIR / f"{name}.py")
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {EXPECTATIONS_DIR / name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[qualified] = module
    spec.loader.exec_module(module)
    return module


def raw_extracts() -> ModuleType:
    """expectations/raw_extracts.py: one suite per raw extract, derived from schemas.py."""
    return _load("raw_extracts")


def marts_indikatorer() -> ModuleType:
    """expectations/marts_indikatorer.py: the suite of marts.indikatorer."""
    return _load("marts_indikatorer")

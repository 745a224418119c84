"""The import graph of orchestration/ and naravard/ has no cycle (issue 13: one house, arrows one way).

orchestration/ is the code location; naravard/ holds the command and the tools
beside it (the demo generator, the benchmark), which use the code location and
are never used by it.

Every import counts, also one inside a function (a lazy import is still an arrow:
it only moves the moment it is taken). An import names the most specific module
that exists: `from orchestration.ingest import landing` is an arrow to
orchestration.ingest.landing, `from orchestration.ingest.schemas import EXTRACTS`
one to orchestration.ingest.schemas. Read with the standard library's ast, so
nothing is imported to draw it.
"""
from __future__ import annotations

import ast
from pathlib import Path

from orchestration.paths import PROJECT_ROOT

CODE_LOCATION = "orchestration"
TOOLS = "naravard"


def module_files() -> dict[str, Path]:
    out = {}
    for p in sorted(p for package in (CODE_LOCATION, TOOLS) for p in (PROJECT_ROOT / package).rglob("*.py")):
        parts = list(p.relative_to(PROJECT_ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = p
    return out


def _target(name: str, modules: set[str]) -> str | None:
    """The most specific existing module of a dotted name (a.b.c -> a.b.c, else a.b, ...)."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def imports_of(module: str, path: Path, modules: set[str]) -> set[str]:
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            names = [f"{stem}.{a.name}" for a in node.names]
        else:
            continue
        for name in names:
            target = _target(name, modules)
            if target is not None and target != module:
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    files = module_files()
    return {m: imports_of(m, p, set(files)) for m, p in files.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_cycle_finder_finds_a_cycle_and_only_a_cycle():
    # a -> b -> c -> a is one cycle; d -> a hangs off it and is not part of it.
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_sees_the_arrows_it_should():
    # Known arrows, one of each kind of import statement.
    graph = import_graph()
    assert "orchestration.ingest.landing" in graph["orchestration.defs.ingest"]    # from package import module
    assert "orchestration.settings" in graph["orchestration.partitions"]           # from module import name
    assert "orchestration.ingest.schemas" in graph["orchestration.ingest.loading"]  # from module import name


def test_orchestration_has_no_import_cycle():
    found = cycles(import_graph())
    assert found == [], "import cycles: " + "; ".join(" <-> ".join(c) for c in found)


def test_the_code_location_never_imports_the_tools():
    # The command, the demo generator and the benchmark sit beside the code
    # location: they import it, it never imports them (not even lazily).
    graph = import_graph()
    assert any(m.startswith(TOOLS + ".") for m in graph), "the graph must hold the tools' modules"
    assert any(t.startswith(CODE_LOCATION + ".") for t in graph["naravard.cli"])
    offenders = sorted(f"{m} -> {t}" for m, targets in graph.items() if m.startswith(CODE_LOCATION)
                       for t in targets if t == TOOLS or t.startswith(TOOLS + "."))
    assert offenders == []


def test_only_the_entry_points_import_the_defs_package():
    # defs/ declares the Dagster objects; the modules that do the work never import it
    # (an arrow from a logic module to defs/ would point up the flow). The entry points
    # build the definitions; the benchmark runs stages of them.
    graph = import_graph()
    allowed = {"orchestration.definitions", "naravard.cli", "naravard.bench.stage"}
    offenders = sorted(m for m, targets in graph.items() if not m.startswith("orchestration.defs") and m not in allowed
                       and any(t == "orchestration.defs" or t.startswith("orchestration.defs.") for t in targets))
    assert offenders == []

"""House rules that are cheap to check mechanically (STYLE.md §3.1 and §4)."""

import ast
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).parent.parent
PKG = ROOT / "ppl"
SOURCES = sorted(PKG.rglob("*.py"))


def _imports(path: pathlib.Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _rel(path):
    return path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("path", SOURCES + sorted((ROOT / "tests").rglob("*.py")), ids=_rel)
def test_pymc_is_never_imported(path):
    assert not any(n == "pymc" or n.startswith("pymc.") for n in _imports(path))


@pytest.mark.parametrize("path", sorted((PKG / "step_methods").rglob("*.py")), ids=_rel)
def test_step_methods_never_import_the_model(path):
    bad = {n for n in _imports(path) if n.startswith(("ppl.model", "ppl.distributions", "ppl.compiled"))}
    assert not bad, f"{_rel(path)} imports {bad}: samplers see only flat arrays"


@pytest.mark.parametrize("path", SOURCES, ids=_rel)
def test_arviz_only_in_conversion(path):
    if _rel(path) == "ppl/sampling/to_arviz.py":
        return
    assert not any(n == "arviz" or n.startswith("arviz.") for n in _imports(path))


@pytest.mark.parametrize("path", SOURCES, ids=_rel)
def test_modules_are_short(path):
    n = len(path.read_text().splitlines())
    assert n <= 500, f"{_rel(path)} has {n} lines (limit 500): split it"


_GLOBAL_RNG = re.compile(r"\bnp\.random\.(?!default_rng|Generator|SeedSequence|BitGenerator|PCG64)\w+\(")


@pytest.mark.parametrize("path", SOURCES, ids=_rel)
def test_no_global_numpy_random(path):
    hits = [line for line in path.read_text().splitlines() if _GLOBAL_RNG.search(line)]
    assert not hits, f"{_rel(path)} uses the global NumPy RNG: {hits}"


_ISINSTANCE_RV = re.compile(r"isinstance\([^)]*\.op\s*,\s*\w+RV\)")


@pytest.mark.parametrize("path", SOURCES, ids=_rel)
def test_dispatch_not_isinstance_chains(path):
    hits = [line for line in path.read_text().splitlines() if _ISINSTANCE_RV.search(line)]
    assert not hits, f"{_rel(path)}: dispatch on the op type instead of {hits}"


@pytest.mark.parametrize("path", SOURCES, ids=_rel)
def test_no_print(path):
    tree = ast.parse(path.read_text())
    calls = [
        n.lineno
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "print"
    ]
    assert not calls, f"{_rel(path)} calls print at lines {calls}; use logging or warnings"

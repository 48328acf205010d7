"""House rules for ppl.step_methods: layering, explicit randomness, sizes, docs that match code."""

import ast
import doctest
import importlib
import inspect
import re
from pathlib import Path
from typing import NamedTuple

import pytest

import ppl.step_methods

PACKAGE_DIR = Path(ppl.step_methods.__file__).parent
TEST_DIR = Path(__file__).parent
# The framework-independent layer; model-level wrappers built on it are checked elsewhere.
ARRAY_LAYER = [
    "ppl.step_methods.step",
    "ppl.step_methods.driver",
    "ppl.step_methods.metropolis",
    "ppl.step_methods.slice",
    "ppl.step_methods.discrete",
    "ppl.step_methods.compound",
    "ppl.step_methods.hmc.integrators",
    "ppl.step_methods.hmc.metrics",
    "ppl.step_methods.hmc.welford",
    "ppl.step_methods.hmc.adaptation",
    "ppl.step_methods.hmc.warmup",
    "ppl.step_methods.hmc.base",
    "ppl.step_methods.hmc.hmc",
    "ppl.step_methods.hmc.nuts",
]
ROOT = PACKAGE_DIR.parent.parent
SOURCE_FILES = [ROOT / (name.replace(".", "/") + ".py") for name in ARRAY_LAYER]
ALLOWED_PPL_IMPORTS = ("ppl.exceptions", "ppl.step_methods")
ALLOWED_NP_RANDOM = {"Generator", "default_rng", "SeedSequence", "BitGenerator", "PCG64"}


def imported_modules(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module


def test_array_layer_is_complete():
    assert all(path.exists() for path in SOURCE_FILES)


@pytest.mark.parametrize("path", SOURCE_FILES, ids=lambda p: str(p.relative_to(PACKAGE_DIR)))
def test_layering_imports(path):
    """The array layer imports nothing from ppl but exceptions and itself."""
    for name in imported_modules(ast.parse(path.read_text())):
        if name.split(".")[0] == "ppl":
            assert name.startswith(ALLOWED_PPL_IMPORTS), f"{path.name} imports {name}"
        assert name.split(".")[0] not in {"pymc", "arviz", "pytensor"}, f"{path.name}: {name}"


@pytest.mark.parametrize(
    "path", SOURCE_FILES + sorted(TEST_DIR.rglob("*.py")), ids=lambda p: p.name
)
def test_no_global_numpy_random(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "random"
            and isinstance(node.value.value, ast.Name)
            and node.value.value.id in {"np", "numpy"}
        ):
            where = f"{path.name}:{node.lineno}"
            assert node.attr in ALLOWED_NP_RANDOM, f"{where} np.random.{node.attr}"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id != "print", f"{path.name}:{node.lineno} print()"


def documented_attributes(doc):
    """Names listed in the numpydoc 'Attributes' section of a docstring."""
    match = re.search(r"Attributes\n\s*-+\n(.*?)(?:\n\s*\n\s*[A-Z][a-z]+\n\s*-+\n|\Z)", doc, re.S)
    if match is None:
        return []
    lines = match.group(1).splitlines()
    indent = min(len(line) - len(line.lstrip()) for line in lines if line.strip())
    names = []
    for line in lines:
        if line.strip() and len(line) - len(line.lstrip()) == indent:
            names.extend(name.strip() for name in line.split(":")[0].split(","))
    return names


def public_named_tuples():
    found = {}
    for name in ARRAY_LAYER:
        module = importlib.import_module(name)
        for obj in vars(module).values():
            if (
                inspect.isclass(obj)
                and issubclass(obj, tuple)
                and hasattr(obj, "_fields")
                and obj.__module__ == name
                and not obj.__name__.startswith("_")
            ):
                found[f"{name}.{obj.__name__}"] = obj
    return found


@pytest.mark.parametrize("named_tuple", sorted(public_named_tuples().items()), ids=lambda x: x[0])
def test_named_tuple_docs_match_fields(named_tuple):
    _, cls = named_tuple
    assert documented_attributes(inspect.getdoc(cls)) == list(cls._fields)


def test_named_tuples_were_found():
    assert {"IntegratorState", "HMCState", "NUTSInfo", "DualAveragingState"} <= {
        key.rsplit(".", 1)[1] for key in public_named_tuples()
    }
    assert all(issubclass(cls, tuple) for cls in public_named_tuples().values())
    assert NamedTuple  # the documented-fields rule applies to typing.NamedTuple classes


@pytest.mark.parametrize("name", ARRAY_LAYER)
def test_doctests(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_public_objects_have_examples():
    missing = []
    for name in ARRAY_LAYER:
        module = importlib.import_module(name)
        for attr in getattr(module, "__all__", []):
            obj = getattr(module, attr)
            if (inspect.isclass(obj) or inspect.isfunction(obj)) and "Examples" not in (
                obj.__doc__ or ""
            ):
                missing.append(f"{name}.{attr}")
    assert missing == []

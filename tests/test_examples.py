"""Every example script runs end to end with tiny sizes and writes the figures it declares."""

import argparse
import importlib.util
import pathlib
import sys

import pytest

EXAMPLES = sorted((pathlib.Path(__file__).parent.parent / "examples").glob("*.py"))

TINY = {"draws": 50, "seed": 1, "tune": 50, "chains": 1}


def load(path: pathlib.Path):
    spec = importlib.util.spec_from_file_location(f"example_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# 50 draws of one chain are too few for the end-of-run convergence checks.
@pytest.mark.filterwarnings("ignore::ppl.sampling.to_arviz.SamplingWarning")
@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs(path, monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(sys, "argv", [str(path)])
    module = load(path)
    assert module.__doc__.startswith("Example: ")

    result = module.main(argparse.Namespace(**TINY, output_dir=tmp_path / "figures"))

    assert result is not None
    assert capsys.readouterr().out
    # An example that writes figures lists them in FIGURES; examples without figures write none.
    figures = getattr(module, "FIGURES", ())
    for name in figures:
        figure = tmp_path / "figures" / name
        assert figure.is_file(), f"{path.name} did not write {name}"
        assert figure.stat().st_size > 0, f"{path.name} wrote an empty {name}"
    written = {p.name for p in tmp_path.rglob("*.png")}
    assert written == set(figures), f"{path.name} wrote {sorted(written)}, declares {sorted(figures)}"

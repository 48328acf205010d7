"""Every example script runs end to end with tiny sizes."""

import importlib.util
import pathlib
import sys

import pytest

EXAMPLES = sorted((pathlib.Path(__file__).parent.parent / "examples").glob("*.py"))

TINY = {"draws": 50, "seed": 1, "tune": 50, "chains": 1}


@pytest.mark.filterwarnings("ignore::ppl.sampling.to_arviz.SamplingWarning")
@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs(path, monkeypatch, capsys):
    spec = importlib.util.spec_from_file_location(f"example_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setattr(sys, "argv", [str(path)])
    spec.loader.exec_module(module)
    import argparse

    assert module.__doc__.startswith("Example: ")
    result = module.main(argparse.Namespace(**TINY))
    assert result is not None
    assert capsys.readouterr().out

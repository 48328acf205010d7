"""Every example script runs end to end in quick mode, writes valid figures, and gets the answer
its README promises.

Quick mode is the script's ``main`` with small sizes: ``TINY`` by default, or the example's
entry in ``QUICK`` where more draws are needed for its result to be checked (they cost little:
on these models compiling dominates). Each ``check_<example>`` asserts only what holds robustly
at those settings with the fixed seed, not a tuned number.
"""

import argparse
import ast
import importlib.util
import pathlib
import sys

import arviz as az
import matplotlib.image
import numpy as np
import pytest

# Every script in examples/ but the helpers they share (a name starting with "_", like _common.py).
EXAMPLES = sorted(p for p in (pathlib.Path(__file__).parent.parent / "examples").glob("*.py")
                  if not p.name.startswith("_"))

TINY = {"draws": 50, "seed": 1, "tune": 50, "chains": 1}
QUICK = {
    "eight_schools": {"draws": 500, "tune": 500, "chains": 2},
    "radon": {"draws": 100, "tune": 100, "chains": 2},
    "coal_mining": {"draws": 500, "tune": 500, "chains": 2},
    "logistic_loo": {"draws": 100, "tune": 100, "chains": 2},
    "mixture": {"draws": 100, "tune": 100, "chains": 2},
    "advi_vs_nuts": {"draws": 100, "tune": 100, "chains": 2},
}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def load(path: pathlib.Path):
    spec = importlib.util.spec_from_file_location(f"example_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def check_png(path: pathlib.Path) -> None:
    """A readable PNG of a sensible size (not blank, not a huge file)."""
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE), f"{path.name} is not a PNG file"
    assert 5_000 < len(data) < 1_000_000, f"{path.name} has {len(data)} bytes"
    image = matplotlib.image.imread(path)
    height, width = image.shape[:2]
    assert 200 <= height <= 2000 and 300 <= width <= 2000, f"{path.name} is {width}x{height}"
    assert np.ptp(image[..., :3]) > 0.5, f"{path.name} is blank"


# --- what each example's result must show ---------------------------------------------------


def check_eight_schools(fits, out):
    centred, noncentred = fits["centred"], fits["non-centred"]
    # Over 16 seeds the ESS ratio was at least 4.5 (compiled NUTS) and 6.3 (Python NUTS) here.
    divergences = {k: int(v.sample_stats["diverging"].sum()) for k, v in fits.items()}
    assert divergences["non-centred"] <= divergences["centred"], divergences
    ess = {k: float(az.ess(v, var_names=["tau"])["tau"]) for k, v in fits.items()}
    assert ess["non-centred"] > 3 * ess["centred"], ess
    assert centred.posterior["theta"].shape == noncentred.posterior["theta"].shape == (2, 500, 8)
    assert "divergences" in out and "ESS bulk tau" in out


def check_radon(idata, out):
    b = idata.posterior["b"].values
    assert b.mean() < 0 and np.quantile(b, 0.97) < 0  # true value -0.65, sd about 0.12
    assert idata.posterior["a"].dims == ("chain", "draw", "county")
    assert idata.posterior_predictive["log_radon"].shape == (2, 100, 286)
    assert set(idata.constant_data.data_vars) == {"floor", "county_idx"}
    assert out.count("Predicted radon of a new house") == 1


def check_coal_mining(idata, out):
    post = idata.posterior
    years, counts = np.unique(post["switchpoint"].values, return_counts=True)
    assert 1885 <= years[np.argmax(counts)] <= 1895
    assert float(post["early_rate"].mean()) > 2 * float(post["late_rate"].mean())
    imputed = post["disasters_unobserved"].values
    assert imputed.shape[-1] == 2 and imputed.dtype.kind == "i" and imputed.min() >= 0
    # The full series in the posterior carries the imputed draws in the missing years.
    np.testing.assert_array_equal(post["disasters"].sel(year=[1890, 1934]).values, imputed)
    step_method = post.attrs["step_method"]
    assert "NUTS" in step_method and "Metropolis" in step_method


def check_logistic_loo(result, out):
    for idata in result["fits"].values():
        assert "log_likelihood" in idata.groups()
        assert idata.log_likelihood["y"].shape == (2, 100, 250)
    comparison = result["compare"]
    assert list(comparison.index) == ["x1 + x2", "x1 only"]
    assert comparison.loc["x1 only", "elpd_diff"] > 2 * comparison.loc["x1 only", "dse"]


def check_mixture(idata, out):
    mu = idata.posterior["mu"].values
    assert np.all(np.diff(mu, axis=-1) > 0)  # the ordered transform
    np.testing.assert_allclose(mu.mean(axis=(0, 1)), [-2.5, 0.5, 3.5], atol=0.5)
    np.testing.assert_allclose(idata.posterior["w"].values.sum(axis=-1), 1.0)


def check_advi_vs_nuts(result, out):
    beta = {k: v.posterior["beta"].values.reshape(-1, 2) for k, v in result["fits"].items()}
    nuts, mean_field, full_rank = (beta[k] for k in (
        "NUTS", "ADVI (mean-field)", "ADVI (full-rank)"))
    for approx in (mean_field, full_rank):
        assert np.all(np.abs(approx.mean(0) - nuts.mean(0)) < 0.5 * nuts.std(0))
    # Mean-field cannot represent the -0.95 correlation and shrinks the marginal sds.
    assert np.all(mean_field.std(0) < 0.5 * nuts.std(0))
    assert np.all((full_rank.std(0) > 0.6 * nuts.std(0)) & (full_rank.std(0) < 1.5 * nuts.std(0)))
    assert np.corrcoef(full_rank.T)[0, 1] < -0.8
    for approx in result["approximations"].values():
        assert len(approx.hist) > 1000 and np.all(np.isfinite(approx.hist))


# 50 draws of one chain are too few for the end-of-run convergence checks.
@pytest.mark.filterwarnings("ignore::ppl.sampling.to_arviz.SamplingWarning")
@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs(path, monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(sys, "argv", [str(path)])
    module = load(path)
    assert module.__doc__.startswith("Example: ")

    settings = {**TINY, **QUICK.get(path.stem, {})}
    result = module.main(argparse.Namespace(**settings, output_dir=tmp_path / "figures"))

    assert result is not None
    out = capsys.readouterr().out
    assert out
    # An example that writes figures lists them in FIGURES; examples without figures write none.
    figures = getattr(module, "FIGURES", ())
    for name in figures:
        figure = tmp_path / "figures" / name
        assert figure.is_file(), f"{path.name} did not write {name}"
        check_png(figure)
    written = {p.name for p in tmp_path.rglob("*.png")}
    assert written == set(figures), f"{path.name} wrote {sorted(written)}, declares {sorted(figures)}"
    check = globals().get(f"check_{path.stem}")
    if check is not None:
        check(result, out)


def declared_figures(path: pathlib.Path) -> tuple:
    """The example's FIGURES, read from its source (importing it would import JAX, torch, ...)."""
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and [t.id for t in node.targets] == ["FIGURES"]:
            return ast.literal_eval(node.value)
    return ()


def test_readme_lists_every_example_and_embeds_its_figures():
    readme = (EXAMPLES[0].parent / "README.md").read_text()
    for path in EXAMPLES:
        assert f"`{path.name}`" in readme, f"{path.name} is not in examples/README.md"
        for name in declared_figures(path):
            assert f"(figures/{name})" in readme, f"{name} is not embedded in examples/README.md"

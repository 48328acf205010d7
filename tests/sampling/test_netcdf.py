"""InferenceData from ppl.sample survives a netCDF round trip, with the run recorded in its attrs."""

import datetime
import warnings

import arviz as az
import numpy as np
import pytensor
import pytest
import xarray as xr

import ppl
from ppl.sampling.to_arviz import netcdf_attrs

SCHOOLS = ["a", "b", "c", "d", "e", "f", "g", "h"]
Y = np.array([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0])
SIGMA = np.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0])
SAMPLE = dict(draws=100, tune=100, chains=2, cores=1, progressbar=False,
              compute_convergence_checks=False)
SMALL = dict(SAMPLE, draws=50, tune=50)
RUN_ATTRS = {
    "created_at", "inference_library", "inference_library_version", "arviz_version",
    "pytensor_version", "sampling_time", "tuning_steps", "random_seed", "draws", "tune",
    "chains", "step_method", "target_accept", "nuts_sampler",
}


def eight_schools():
    with ppl.Model(coords={"school": SCHOOLS}) as m:
        sigma = ppl.Data("sigma", SIGMA, dims="school")
        ppl.Data("year", np.arange(8), dims="school")  # constant data (not observed)
        mu = ppl.Normal("mu", 0, 5)
        tau = ppl.HalfNormal("tau", 5)
        z = ppl.Normal("z", 0, 1, dims="school")
        theta = ppl.Deterministic("theta", mu + tau * z, dims="school")
        ppl.Normal("obs", theta, sigma, observed=Y, dims="school")
    return m


@pytest.fixture(scope="module")
def schools_idata():
    with eight_schools():
        return ppl.sample(**SAMPLE, random_seed=11, discard_tuned_samples=False,
                          idata_kwargs={"log_likelihood": True})


@pytest.fixture(scope="module")
def compound_idata():
    with ppl.Model(coords={"obs": range(6)}) as m:
        p = ppl.Beta("p", 2, 2)
        switch = ppl.Bernoulli("switch", p)
        mu = ppl.Normal("mu", 3 * switch, 1)
        ppl.Normal("y", mu, 1, observed=np.linspace(2, 4, 6), dims="obs")
    return ppl.sample(**SMALL, random_seed=5, model=m), m


def _round_trip(idata, tmp_path) -> az.InferenceData:
    path = tmp_path / "idata.nc"
    idata.to_netcdf(str(path))
    return az.from_netcdf(str(path))


def _assert_identical(idata, loaded):
    assert sorted(loaded.groups()) == sorted(idata.groups())
    for group in idata.groups():
        original, back = idata[group], loaded[group]
        xr.testing.assert_identical(back, original)  # values, dims, coords, dtypes and attrs
    assert loaded.attrs == idata.attrs


def test_every_group_round_trips_identically(schools_idata, tmp_path):
    assert set(schools_idata.groups()) == {
        "posterior", "sample_stats", "log_likelihood", "observed_data", "constant_data",
        "warmup_posterior", "warmup_sample_stats", "warmup_log_likelihood",
    }
    _assert_identical(schools_idata, _round_trip(schools_idata, tmp_path))


def test_dims_coords_and_dtypes_after_loading(schools_idata, tmp_path):
    loaded = _round_trip(schools_idata, tmp_path)
    post = loaded.posterior
    assert post["theta"].dims == ("chain", "draw", "school")
    assert post["mu"].dims == ("chain", "draw")
    assert list(post["school"].values) == SCHOOLS
    assert post.sizes == {"chain": 2, "draw": 100, "school": 8}
    assert loaded.warmup_posterior.sizes["draw"] == 100
    assert loaded.log_likelihood["obs"].dims == ("chain", "draw", "school")
    np.testing.assert_array_equal(loaded.observed_data["obs"], Y)
    np.testing.assert_array_equal(loaded.constant_data["year"], np.arange(8))
    np.testing.assert_array_equal(loaded.constant_data["sigma"], SIGMA)
    assert loaded.constant_data["year"].dtype == np.int64
    stats = loaded.sample_stats
    expected_dtypes = {
        "lp": np.float64, "acceptance_rate": np.float64, "step_size": np.float64,
        "tree_depth": np.int64, "n_steps": np.int64, "diverging": np.bool_,
        "energy": np.float64, "reached_max_treedepth": np.bool_,
    }
    for name, dtype in expected_dtypes.items():
        assert stats[name].dtype == dtype, name
        assert stats[name].dims == ("chain", "draw")


def test_attrs_record_the_run(schools_idata, tmp_path):
    loaded = _round_trip(schools_idata, tmp_path)
    for group in loaded.groups():
        attrs = loaded[group].attrs
        assert RUN_ATTRS <= set(attrs), (group, RUN_ATTRS - set(attrs))
        assert attrs == schools_idata.posterior.attrs  # one set of attrs for the whole run
    attrs = loaded.posterior.attrs
    assert attrs["inference_library"] == "ppl"
    assert attrs["inference_library_version"] == ppl.__version__
    assert attrs["arviz_version"] == az.__version__
    assert attrs["pytensor_version"] == pytensor.__version__
    assert datetime.datetime.fromisoformat(attrs["created_at"]).tzinfo is not None
    assert attrs["random_seed"] == 11
    assert (attrs["draws"], attrs["tune"], attrs["tuning_steps"], attrs["chains"]) == (100, 100, 100, 2)
    assert attrs["step_method"] == "NUTS"
    assert attrs["target_accept"] == 0.8
    assert attrs["nuts_sampler"] in ("pymc", "python", "numba")  # the NUTS implementation run
    assert attrs["sampling_time"] > 0
    assert loaded.attrs["step_method"] == "NUTS"


def test_arviz_summary_and_loo_work_on_the_loaded_data(schools_idata, tmp_path):
    loaded = _round_trip(schools_idata, tmp_path)
    summary = az.summary(loaded, var_names=["mu", "tau", "theta"])
    assert len(summary) == 10 and np.isfinite(summary["mean"]).all()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # Pareto k warnings on 200 draws
        loo_loaded, loo_original = az.loo(loaded), az.loo(schools_idata)
    assert loo_loaded.elpd_loo == pytest.approx(loo_original.elpd_loo, rel=1e-12)


def test_compound_step_run_with_a_discrete_variable_round_trips(compound_idata, tmp_path):
    idata, _ = compound_idata
    loaded = _round_trip(idata, tmp_path)
    _assert_identical(idata, loaded)
    assert loaded.posterior["switch"].dtype == np.int64
    assert set(np.unique(loaded.posterior["switch"])) <= {0, 1}
    assert loaded.posterior.attrs["step_method"] == "CompoundStep(NUTS, BinaryGibbsMetropolis)"
    assert loaded.posterior.attrs["target_accept"] == 0.8
    assert loaded.posterior.attrs["nuts_sampler"] in ("pymc", "python")  # no compiled kernel
    assert "accept" in loaded.sample_stats  # the Metropolis-type step's statistic
    az.summary(loaded, var_names=["p", "mu"])


def test_posterior_predictive_group_round_trips(compound_idata, tmp_path):
    idata, model = compound_idata
    extended = ppl.sample_posterior_predictive(
        idata.copy(), model=model, random_seed=1, progressbar=False, extend_inferencedata=True
    )
    loaded = _round_trip(extended, tmp_path)
    xr.testing.assert_identical(loaded.posterior_predictive, extended.posterior_predictive)
    assert loaded.posterior_predictive.attrs["inference_library"] == "ppl"


def test_drawn_seed_is_recorded_and_reproduces_the_draws():
    with eight_schools() as m:
        kwargs = dict(SAMPLE, draws=20, tune=20, chains=1)
        first = ppl.sample(**kwargs, random_seed=None)
        seed = first.posterior.attrs["random_seed"]
        assert isinstance(seed, str) and int(seed) > 2**63  # 128 bits of entropy: a string
        again = ppl.sample(**kwargs, random_seed=int(seed), model=m)
    xr.testing.assert_equal(again.posterior, first.posterior)


def test_target_accept_and_seed_follow_the_arguments():
    with eight_schools():
        idata = ppl.sample(**dict(SAMPLE, draws=10, tune=10, chains=1), random_seed=[3, 4],
                           target_accept=0.9)
    assert idata.posterior.attrs["target_accept"] == 0.9
    assert idata.posterior.attrs["random_seed"] == "[3, 4]"


def test_netcdf_attrs_converts_what_netcdf_cannot_hold():
    attrs = netcdf_attrs({
        "flag": True, "missing": None, "n": np.int32(3), "x": np.float32(0.25),
        "huge": 2**80, "settings": {"a": 1}, "names": ["a", "b"], "ints": [1, 2], "empty": [],
    })
    assert attrs == {
        "flag": 1, "n": 3, "x": 0.25, "huge": str(2**80), "settings": '{"a": 1}',
        "names": '["a", "b"]', "ints": [1, 2], "empty": "[]",
    }
    assert type(attrs["n"]) is int and type(attrs["x"]) is float
    # Every converted value is storable.
    xr.Dataset(attrs=attrs).to_netcdf(engine="h5netcdf")

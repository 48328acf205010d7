"""Chains on executors: a real Dask cluster (same draws as cores=1) and chains lost to dying workers.

The Dask tests start a ``LocalCluster`` of worker processes on loopback; they are skipped when
``distributed`` is not installed (``pip install ppl[dask]``).
"""

import concurrent.futures
import os
import warnings

import arviz as az
import numpy as np
import pytest

import ppl
from ppl.sampling.to_arviz import SamplingWarning

DRAWS, TUNE = 40, 40
#: The log-density evaluations a doomed worker makes before it dies: mid warm-up.
DIE_AFTER = 60


def normal_model():
    with ppl.Model(coords={"g": ["a", "b"]}) as model:
        z = ppl.Normal("z", 0.0, 5.0, dims="g")
        ppl.Normal("x", z, 1.0, observed=np.array([2.0, -1.0]), dims="g")
    return model


def _worker_name():
    """The Dask worker's name in a task, else None (the parent process, a pool's process)."""
    try:
        from distributed import get_worker

        return get_worker().name
    except (ImportError, ValueError):
        return None


def _dying_loglike(doomed):
    """A Gaussian log-likelihood that kills its process after ``DIE_AFTER`` calls when
    ``doomed()`` says so (checked in the process that runs the chain)."""
    calls = [0]

    def loglike(m):
        calls[0] += 1
        if calls[0] > DIE_AFTER and doomed():
            os._exit(1)  # like a worker killed by the OOM killer: no exception, no clean-up
        return -0.5 * float(np.sum((m - 1.0) ** 2))

    def grad(m):
        return -(m - 1.0)

    return loglike, grad


def dying_model(doomed):
    op = ppl.blackbox(*_dying_loglike(doomed), name="dying_loglike")
    with ppl.Model() as model:
        m = ppl.Normal("m", 0.0, 3.0, shape=2)
        ppl.Potential("loglike", op(m))
    return model


def _sample(model, **kwargs):
    kwargs = {"draws": DRAWS, "tune": TUNE, "chains": 2, "cores": 1, "random_seed": 20261206,
              "progressbar": False, "compute_convergence_checks": False, **kwargs}
    return ppl.sample(model=model, **kwargs)


def _lost_chain_warnings(record) -> list[str]:
    return [str(w.message) for w in record if issubclass(w.category, SamplingWarning)]


@pytest.fixture(scope="module")
def dask_client():
    """Three single-thread worker processes; a task on a dying worker is not retried."""
    pytest.importorskip("distributed")
    import dask
    from distributed import Client, LocalCluster

    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        # Loopback only; the scheduler's HTTP server on a free port (with None it takes 8787
        # and warns when another cluster, e.g. of a parallel test, holds that port).
        cluster = LocalCluster(
            n_workers=3, threads_per_worker=1, processes=True, host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
        )
    client = Client(cluster)
    yield client
    client.close()
    cluster.close()


# The default sampler (the compiled kernel where the model allows it) and the Python NUTS.
@pytest.mark.parametrize("options", [{}, {"nuts_sampler": "python"}], ids=["default", "python"])
def test_dask_executor_gives_the_draws_of_cores_1(dask_client, options):
    local = _sample(normal_model(), random_seed=3, **options)
    remote = _sample(normal_model(), random_seed=3, executor=dask_client.get_executor(), **options)
    np.testing.assert_array_equal(local.posterior["z"], remote.posterior["z"])
    np.testing.assert_array_equal(local.sample_stats["step_size"], remote.sample_stats["step_size"])
    assert "lost_chains" not in remote.sample_stats.attrs


def test_dask_worker_dying_mid_run_loses_only_its_chain(dask_client):
    doomed = min(w["name"] for w in dask_client.scheduler_info()["workers"].values())
    model = dying_model(lambda: _worker_name() == doomed)
    local = _sample(model, chains=3)  # nothing dies outside the doomed worker
    with pytest.warns(SamplingWarning) as record:
        remote = _sample(model, chains=3, executor=dask_client.get_executor())
    lost = remote.sample_stats.attrs["lost_chains"]
    assert len(lost) == 1, lost  # one chain per single-thread worker
    (message,) = _lost_chain_warnings(record)
    assert f"Chain {lost[0]} failed" in message and "KilledWorker" in message, message
    assert "KilledWorker" in remote.sample_stats.attrs["lost_chains_errors"]
    # The surviving chains, renumbered in order, are complete and are the chains of cores=1.
    survivors = [c for c in range(3) if c not in lost]
    assert remote.posterior["m"].shape == (2, DRAWS, 2)
    np.testing.assert_array_equal(remote.posterior["m"], local.posterior["m"].isel(chain=survivors))


def test_every_chain_lost_raises_sampling_error_naming_the_cause():
    # A fork pool's process dies: the pool breaks, and every chain running in it is lost.
    parent = os.getpid()
    model = dying_model(lambda: os.getpid() != parent)
    with pytest.raises(ppl.SamplingError, match=r"No chain.*chain 0: BrokenProcessPool.*process died"):
        _sample(model, cores=2, mp_ctx="fork")


class _OneChainLostExecutor(concurrent.futures.Executor):
    """Runs each call at once, except chain ``lost``: its future raises like a dead Dask worker."""

    class KilledWorker(Exception):  # the name is what ppl recognises; dask is optional
        pass

    def __init__(self, lost: int):
        self.lost = lost
        self.blas_threads = []

    def submit(self, fn, payload, chain, *args):
        self.blas_threads.append(args[-1])  # _worker(payload, chain, queue, threads)
        future = concurrent.futures.Future()
        if chain == self.lost:
            future.set_exception(self.KilledWorker("worker tcp://127.0.0.1:1 died"))
        else:
            future.set_result(fn(payload, chain, *args))
        return future


def test_lost_chain_is_left_out_renumbered_and_recorded(tmp_path):
    local = _sample(normal_model(), chains=3)
    with pytest.warns(SamplingWarning, match=r"Chain 1 failed.*KilledWorker: worker tcp://127\.0\.0\.1:1 died"):
        idata = _sample(normal_model(), chains=3, executor=_OneChainLostExecutor(lost=1))
    np.testing.assert_array_equal(idata.posterior["chain"], [0, 1])
    np.testing.assert_array_equal(idata.posterior["z"], local.posterior["z"].isel(chain=[0, 2]))
    assert idata.sample_stats.attrs["lost_chains"] == [1]
    assert idata.sample_stats.attrs["lost_chains_errors"].startswith("chain 1: KilledWorker")
    path = tmp_path / "idata.nc"
    idata.to_netcdf(str(path))  # the attributes are netCDF-safe
    back = az.from_netcdf(str(path))
    assert list(np.atleast_1d(back.sample_stats.attrs["lost_chains"])) == [1]


def test_no_warning_when_no_chain_is_lost():
    executor = _OneChainLostExecutor(lost=-1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        idata = _sample(normal_model(), executor=executor)
    assert idata.posterior["z"].shape == (2, DRAWS, 2)
    assert "lost_chains" not in idata.sample_stats.attrs


@pytest.mark.parametrize(("blas_cores", "expected"), [("auto", 1), (4, 2), (None, None)])
def test_blas_threads_per_chain_on_an_executor(blas_cores, expected):
    # Every chain on an executor may run at once: "auto" gives each one thread, an int is
    # shared between the chains, None leaves the workers' settings.
    executor = _OneChainLostExecutor(lost=-1)
    _sample(normal_model(), draws=5, tune=5, cores=4, blas_cores=blas_cores, executor=executor)
    assert executor.blas_threads == [expected, expected]


def test_progress_on_an_executor_reports_finished_and_lost_chains(capsys):
    with pytest.warns(SamplingWarning, match="Chain 1 failed"):
        _sample(normal_model(), draws=10, tune=10, progressbar=True,
                executor=_OneChainLostExecutor(lost=1))
    text = capsys.readouterr()
    lines = (text.out + text.err).splitlines()
    assert any("chain 0" in line and "20/20" in line and "draw" in line for line in lines), lines
    assert any("chain 1" in line and "lost" in line for line in lines), lines

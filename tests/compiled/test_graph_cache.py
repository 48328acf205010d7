"""The disk cache of rewritten graphs: exact keys, hits equal to fresh compilations, fallbacks."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
from pytensor.compile.builders import OpFromGraph
from pytensor.compile.mode import get_mode

import ppl
from ppl.compiled import graph_cache
from ppl.compiled.graph_cache import compile_function, graph_key

MODE = get_mode(None)  # PyTensor's default: Numba


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty cache folder of this test's own."""
    monkeypatch.delenv(graph_cache.ENV_VAR, raising=False)
    monkeypatch.setattr(graph_cache, "cache_dir", lambda: tmp_path)
    return tmp_path


def _graph(data=(1.0, 2.0, 3.0), axis=0, shape=(None, 3)):
    x = pt.tensor("x", dtype="float64", shape=shape)
    c = pt.constant(np.asarray(data))
    y = pt.log1p(pt.exp(x * c)).sum(axis=axis)
    return [x], [y.sum(), pytensor.grad(y.sum(), x)]


def _key(inputs, outputs, mode=MODE):
    key = graph_key(inputs, outputs, mode)
    assert key is not None
    return key[0]


def test_key_is_structural():
    # Built twice (new variables, new names): one key.
    assert _key(*_graph()) == _key(*_graph())
    base = _key(*_graph())
    assert _key(*_graph(data=(1.0, 2.0, 3.5))) != base  # a constant's value
    assert _key(*_graph(axis=1)) != base  # an op's parameter
    assert _key(*_graph(shape=(4, 3))) != base  # an input's static shape
    assert _key(*_graph(), mode=get_mode("FAST_RUN")) != base  # the compile mode (C linker)


def test_key_ignores_shared_values_but_not_their_types():
    def graph(value):
        s = pytensor.shared(np.asarray(value), name="s")
        x = pt.dvector("x")
        return [x], [(x * s).sum()]

    assert _key(*graph([1.0, 2.0])) == _key(*graph([5.0, 6.0, 7.0]))  # values are read at run time
    assert _key(*graph([1.0, 2.0])) != _key(*graph([[1.0, 2.0]]))  # a matrix, not a vector


def test_key_is_the_same_in_another_process():
    script = textwrap.dedent(
        """
        import numpy as np, pytensor, pytensor.tensor as pt
        from pytensor.compile.mode import get_mode
        from ppl.compiled.graph_cache import graph_key
        x = pt.tensor("x", dtype="float64", shape=(None, 3))
        y = pt.log1p(pt.exp(x * pt.constant(np.asarray((1.0, 2.0, 3.0))))).sum(axis=0)
        print(graph_key([x], [y.sum(), pytensor.grad(y.sum(), x)], get_mode(None))[0])
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == _key(*_graph())


def test_graphs_without_an_exact_key_are_not_cached(cache):
    x = pt.dvector("x")
    inner = pt.dvector("inner")
    ofg = OpFromGraph([inner], [inner**2])  # no __props__: no exact key
    assert graph_key([x], [ofg(x).sum()], MODE) is None
    f = compile_function([x], [ofg(x).sum()], MODE)
    assert f([1.0, 2.0])[0] == 5.0
    assert not list(cache.iterdir())
    assert graph_key([x], [x.sum()], "NUMBA") is None  # a mode name, not a Mode


def test_hit_skips_the_rewrites_and_equals_a_fresh_compilation(cache):
    inputs, outputs = _graph()
    fresh = pytensor.function(inputs, outputs, mode=MODE)
    first = compile_function(inputs, outputs, MODE)
    assert len(list(cache.glob("*.pkl"))) == 1
    inputs2, outputs2 = _graph()  # the same model, built again
    hit = compile_function(inputs2, outputs2, MODE)
    assert isinstance(hit.maker.mode.optimizer, graph_cache._UseRewrittenGraph)
    x = np.random.default_rng(1).normal(size=(5, 3))
    x_before = x.copy()
    for f in (first, hit, hit):  # twice: in-place ops must not spoil a second call
        for got, want in zip(f(x), fresh(x), strict=True):
            np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(x, x_before)  # the input is not overwritten
    assert [type(n.op) for n in hit.maker.fgraph.toposort()] == [
        type(n.op) for n in first.maker.fgraph.toposort()
    ]


def test_hit_reads_the_live_shared_variables(cache):
    def build():
        s = pytensor.shared(np.array([1.0, 2.0]), name="s")
        x = pt.dvector("x")
        return s, compile_function([x], [(pt.exp(x) * s).sum()], MODE)

    build()
    s, hit = build()
    assert isinstance(hit.maker.mode.optimizer, graph_cache._UseRewrittenGraph)
    np.testing.assert_allclose(hit([0.0, 0.0])[0], 3.0)
    s.set_value(np.array([1.0, 2.0, 3.0]))  # new data, a new length
    np.testing.assert_allclose(hit([0.0, 0.0, 0.0])[0], 6.0)


def test_a_broken_file_is_deleted_and_compiled_afresh(cache):
    compile_function(*_graph(), MODE)
    (path,) = cache.glob("*.pkl")
    path.write_bytes(b"not a pickle")
    inputs, outputs = _graph()
    f = compile_function(inputs, outputs, MODE)
    assert not isinstance(f.maker.mode.optimizer, graph_cache._UseRewrittenGraph)
    assert f(np.zeros((1, 3)))[0] == pytest.approx(3 * np.log(2.0))
    assert path.read_bytes() != b"not a pickle"  # stored again


@pytest.mark.parametrize("value", ["0", "off"])
def test_environment_variable_turns_it_off(cache, monkeypatch, value):
    monkeypatch.setenv(graph_cache.ENV_VAR, value)
    compile_function(*_graph(), MODE)
    assert not list(cache.iterdir())


def test_least_recently_used_files_are_evicted(cache, monkeypatch):
    monkeypatch.setattr(graph_cache, "MAX_FILES", 2)
    for i, data in enumerate([(1.0, 2.0, 3.0), (4.0, 5.0, 6.0), (7.0, 8.0, 9.0)]):
        compile_function(*_graph(data=data), MODE)
        newest = max(cache.glob("*.pkl"), key=os.path.getmtime)
        os.utime(newest, (1000.0 + i, 1000.0 + i))  # distinct times, oldest first
    assert len(list(cache.glob("*.pkl"))) == 2
    assert graph_key(*_graph(data=(1.0, 2.0, 3.0)), MODE)[0] + ".pkl" not in {
        p.name for p in cache.glob("*.pkl")
    }


def test_model_compiled_again_from_the_cache(cache):
    y = np.array([0.3, -1.2, 2.2, 0.7])

    def model():
        with ppl.Model() as m:
            data = ppl.Data("data", y)
            mu = ppl.Normal("mu", 0.0, 2.0)
            sigma = ppl.HalfNormal("sigma", 1.5)
            ppl.Normal("obs", mu, sigma, observed=data)
        return m

    m1, m2 = model(), model()
    f1 = m1.logp_dlogp_function()
    f2 = m2.logp_dlogp_function()
    assert isinstance(f2._pytensor_function.maker.mode.optimizer, graph_cache._UseRewrittenGraph)
    point = np.array([0.4, -0.3])
    for got, want in zip(f2(point), f1(point), strict=True):
        np.testing.assert_array_equal(got, want)
    with m2:
        ppl.set_data({"data": y[:2]})
    f2 = m2.logp_dlogp_function()
    logp, _ = f2(point)
    sigma = np.exp(-0.3)
    expected = (
        -0.5 * (0.4 / 2.0) ** 2 - np.log(2.0 * np.sqrt(2 * np.pi))  # mu ~ Normal(0, 2)
        + np.log(2.0 / (1.5 * np.sqrt(2 * np.pi))) - 0.5 * (sigma / 1.5) ** 2 - 0.3  # + Jacobian
        + np.sum(-0.5 * ((y[:2] - 0.4) / sigma) ** 2 - np.log(sigma * np.sqrt(2 * np.pi)))
    )
    np.testing.assert_allclose(logp, expected, rtol=1e-12)


def test_a_single_output_not_in_a_list(cache):
    x = pt.dvector("x")
    compile_function([x], pt.exp(x).sum(), MODE)
    y = pt.dvector("y")
    f = compile_function([y], pt.exp(y).sum(), MODE)
    assert isinstance(f.maker.mode.optimizer, graph_cache._UseRewrittenGraph)
    assert f([0.0, 0.0]) == 2.0  # a number, as pytensor.function returns for one output


def test_graphs_with_large_constants_are_not_cached(cache, monkeypatch):
    monkeypatch.setattr(graph_cache, "MAX_CONSTANT_BYTES", 4000)
    assert graph_key(*_graph(data=np.ones(400), shape=(None, 400)), MODE) is not None  # 3.2 kB
    assert graph_key(*_graph(data=np.ones(600), shape=(None, 600)), MODE) is None  # 4.8 kB


def test_eviction_also_bounds_the_bytes(cache, monkeypatch):
    compile_function(*_graph(), MODE)
    (path,) = cache.glob("*.pkl")
    monkeypatch.setattr(graph_cache, "MAX_BYTES", path.stat().st_size - 1)
    compile_function(*_graph(data=(4.0, 5.0, 6.0)), MODE)
    assert not list(cache.glob("*.pkl"))  # even the newest does not fit


def test_a_hit_uses_the_graphs_own_constants(cache):
    from pytensor.graph.basic import Constant
    from pytensor.graph.traversal import ancestors

    def build():
        data = pt.constant(np.arange(12.0).reshape(4, 3))
        b = pt.dvector("b")
        return data, compile_function([b], [pt.softplus(data @ b).sum()], MODE)

    build()
    data, hit = build()
    assert isinstance(hit.maker.mode.optimizer, graph_cache._UseRewrittenGraph)
    used = [v for v in ancestors(hit.maker.fgraph.outputs) if isinstance(v, Constant)]
    assert any(v is data for v in used)  # not a copy from the file
    np.testing.assert_allclose(hit(np.ones(3)), np.log1p(np.exp(np.arange(12.0).reshape(4, 3).sum(1))).sum())


def test_arrays_that_are_more_than_their_bytes_are_not_keyed():
    assert graph_cache._value_key(np.arange(3.0)) == graph_cache._value_key(np.arange(3.0))
    assert graph_cache._value_key(np.arange(3.0)) != graph_cache._value_key(np.arange(3))
    with pytest.raises(graph_cache._Uncacheable):
        graph_cache._value_key(np.ma.masked_array([1.0, 2.0], mask=[False, True]))
    with pytest.raises(graph_cache._Uncacheable):
        graph_cache._value_key(np.array([object()]))
    with pytest.raises(graph_cache._Uncacheable):
        graph_cache._value_key(lambda x: x)  # two lambdas share a name

    def script_function():
        pass

    script_function.__module__ = "__main__"  # as if defined in a script or notebook
    script_function.__qualname__ = "script_function"
    with pytest.raises(graph_cache._Uncacheable):
        graph_cache._value_key(script_function)  # another script may define another one


def test_a_cache_that_cannot_be_written_still_compiles(cache, monkeypatch):
    compile_function(*_graph(), MODE)
    (path,) = cache.glob("*.pkl")

    def refuse(*args, **kwargs):
        raise PermissionError("read-only")

    monkeypatch.setattr(os, "utime", refuse)
    monkeypatch.setattr(os, "replace", refuse)
    hit = compile_function(*_graph(), MODE)  # recording the use fails: still a hit
    assert isinstance(hit.maker.mode.optimizer, graph_cache._UseRewrittenGraph)
    compile_function(*_graph(data=(4.0, 5.0, 6.0)), MODE)  # a miss that cannot be stored
    assert [p.name for p in cache.iterdir()] == [path.name]  # no temporary file left behind
    path.write_bytes(b"broken")
    monkeypatch.setattr(type(path), "unlink", refuse)
    f = compile_function(*_graph(), MODE)  # cannot delete it nor store: compiles as usual
    assert f(np.zeros((1, 3)))[0] == pytest.approx(3 * np.log(2.0))
    assert path.read_bytes() == b"broken"

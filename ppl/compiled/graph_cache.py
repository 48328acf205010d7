"""A disk cache of rewritten PyTensor graphs, so that a model compiled before skips the rewrites.

Compiling a model's log-density and gradient is mostly PyTensor's graph rewriting (0.2-0.6 s for
a typical model; the Numba or C code itself is cached on disk by PyTensor). The rewritten graph
depends only on the graph that goes in, on PyTensor, on the rewrites registered and on the compile
mode, so :func:`compile_function` keys it on all of them and keeps it on disk beside PyTensor's
own cache (``pytensor.config.compiledir``). A later compilation of the same graph -- the same
model and data, in this process or another -- takes the rewritten graph from there.

What makes up the key:

- the graph, node by node in topological order: each op's type and parameters (``__props__``),
  how the nodes connect, the inputs' types, every constant's value (a hash of its bytes) and the
  shared variables' types (their values are read when the function runs, so new data hits);
- PyTensor's version, the source of ppl (which registers rewrites of its own), the names of all
  registered rewrites, the compile mode (linker and rewrite query) and the configuration flags
  that steer rewriting.

The file holds the rewritten graph without the roots it shares with the graph that went in
(inputs, shared variables, constants such as the data): a hit links it to the new graph's own,
so the data is neither stored twice nor held twice in memory.

A graph that cannot be keyed exactly (an op without ``__props__``, e.g. ``Scan``, or a
parameter this module does not know how to key) or not pickled is compiled as usual. A cache file
that cannot be read is deleted and the graph compiled as usual. ``PPL_GRAPH_CACHE=0`` (or
``false``, ``no``, ``off``) turns the cache off. At most :data:`MAX_FILES` graphs and
:data:`MAX_BYTES` bytes are kept, the least recently used are deleted first; graphs with more than
:data:`MAX_CONSTANT_BYTES` of constants (data given as NumPy arrays) are not cached.
"""

import functools
import hashlib
import io
import os
import pickle
import tempfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pytensor
from pytensor.compile.mode import Mode, optdb
from pytensor.compile.sharedvalue import SharedVariable
from pytensor.graph.basic import Constant, Variable
from pytensor.graph.destroyhandler import DestroyHandler
from pytensor.graph.op import Op
from pytensor.graph.rewriting.basic import GraphRewriter
from pytensor.graph.rewriting.db import RewriteDatabase, RewriteDatabaseQuery
from pytensor.graph.traversal import io_toposort
from pytensor.graph.type import Type

__all__ = ["compile_function", "graph_key", "cache_dir", "MAX_FILES"]

ENV_VAR = "PPL_GRAPH_CACHE"
_OFF = {"0", "false", "no", "off"}
#: Most rewritten graphs kept on disk, and most bytes (least recently used deleted first).
MAX_FILES = 256
MAX_BYTES = 2**30
#: Graphs whose constants are larger are not cached (hashing and storing them costs too much).
MAX_CONSTANT_BYTES = 64 * 2**20
_SIMPLE = (str, int, float, bool, type(None), complex)
#: Configuration flags that change what the rewrites do.
_CONFIG_FLAGS = ("floatX", "cast_policy", "optimizer_excluding", "optimizer_including",
                 "optimizer_requiring", "compute_test_value", "optdb__max_use_ratio")


class _Uncacheable(Exception):
    """Raised while keying a graph that cannot be keyed exactly."""


def cache_dir() -> Path:
    """Where the rewritten graphs are kept: a folder in PyTensor's compile directory."""
    return Path(pytensor.config.compiledir) / "ppl_rewritten_graphs"


def _enabled() -> bool:
    return os.environ.get(ENV_VAR, "1").strip().lower() not in _OFF


# --- keys -----------------------------------------------------------------------------------


def _qualname(obj) -> str:
    name = f"{obj.__module__}.{obj.__qualname__}"
    if "<locals>" in name or "<lambda>" in name or obj.__module__ == "__main__":
        raise _Uncacheable(name)  # two such objects (e.g. of two scripts) can share a name
    return name


def _array_key(a: np.ndarray) -> str:
    if type(a) is not np.ndarray or a.dtype.hasobject:
        raise _Uncacheable(f"{type(a).__name__} of {a.dtype}")  # e.g. a masked array's mask
    a = np.ascontiguousarray(a)
    digest = hashlib.sha256(a.view(np.uint8).reshape(-1)).hexdigest() if a.size else ""
    return f"array({a.dtype.str},{a.shape},{digest})"


def _value_key(v) -> str:
    """An exact, process-independent description of an op's or type's parameter."""
    if isinstance(v, _SIMPLE):
        return f"{type(v).__name__}:{v!r}"
    if isinstance(v, tuple | list):
        return f"{type(v).__name__}(" + ",".join(_value_key(i) for i in v) + ")"
    if isinstance(v, frozenset | set):
        return "set(" + ",".join(sorted(_value_key(i) for i in v)) + ")"
    if isinstance(v, Mapping):  # dict, PyTensor's frozendict
        return "dict(" + ",".join(sorted(f"{_value_key(k)}:{_value_key(i)}" for k, i in v.items())) + ")"
    if isinstance(v, np.dtype):
        return f"dtype({v.str})"
    if isinstance(v, np.ndarray):
        return _array_key(v)
    if isinstance(v, np.generic):
        return f"{v.dtype.str}:{v!r}"
    if isinstance(v, slice):
        return f"slice({_value_key(v.start)},{_value_key(v.stop)},{_value_key(v.step)})"
    if isinstance(v, Op | Type):
        return _props_key(v)
    if isinstance(v, type) or callable(v) and hasattr(v, "__qualname__"):
        return _qualname(v)  # classes and module-level functions, e.g. output_types_preference
    if hasattr(v, "__dict__") and not isinstance(v, Variable):
        return f"{_qualname(type(v))}{_value_key(_public(v))}"  # e.g. transfer_type(0)
    raise _Uncacheable(type(v).__name__)


def _public(obj) -> dict:
    """An object's attributes without the private ones (caches, e.g. a memoised hash)."""
    return {k: v for k, v in vars(obj).items() if not k.startswith("_")}


def _props_key(obj) -> str:
    """An op or a type: its class and its parameters (``__props__``; for scalar ops, which
    compare by their attributes, all of them)."""
    props = getattr(type(obj), "__props__", None)
    if props is not None:
        params = {p: getattr(obj, p) for p in props}
    elif isinstance(obj, pytensor.scalar.ScalarOp):
        params = _public(obj)
    else:
        raise _Uncacheable(type(obj).__name__)  # e.g. Scan, OpFromGraph: no exact key
    return f"{_qualname(type(obj))}{_value_key(params)}"


def _graph_description(inputs, outputs) -> tuple[list[str], dict[str, list[Variable]]]:
    """The graph as lines of text (one per root, node and output), and its roots by kind
    (``"input"``, ``"shared"``, ``"constant"``) in the order the description numbers them."""
    where: dict[Variable, str] = {}
    lines, shared, constants, constant_bytes = [], [], [], [0]
    for i, var in enumerate(inputs):
        where[var] = f"i{i}"
        lines.append(f"input {i} {_props_key(var.type)}")

    def locate(var):
        if var in where:
            return where[var]
        if isinstance(var, Constant):
            constant_bytes[0] += getattr(var.data, "nbytes", 0)
            if constant_bytes[0] > MAX_CONSTANT_BYTES:
                raise _Uncacheable("constants too large")
            where[var] = f"c{len(constants)}"
            lines.append(f"constant {len(constants)} {_props_key(var.type)} {_value_key(var.data)}")
            constants.append(var)
        elif isinstance(var, SharedVariable):
            if getattr(var, "default_update", None) is not None:
                raise _Uncacheable("a shared variable with a default update (not in the key)")
            where[var] = f"s{len(shared)}"
            lines.append(f"shared {len(shared)} {_props_key(var.type)}")
            shared.append(var)
        else:
            raise _Uncacheable("a root variable that is not an input")  # PyTensor says which
        return where[var]

    for n, node in enumerate(io_toposort(inputs, outputs)):
        args = ",".join(locate(v) for v in node.inputs)
        lines.append(f"node {n} {_props_key(node.op)} ({args}) -> "
                     + ",".join(_props_key(o.type) for o in node.outputs))
        for k, out in enumerate(node.outputs):
            where[out] = f"n{n}.{k}"
    lines.append("outputs " + ",".join(locate(o) for o in outputs))
    return lines, {"input": list(inputs), "shared": shared, "constant": constants}


@functools.cache
def _ppl_source_digest() -> str:
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parents[1]
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _registered_rewrites() -> str:
    names, seen, stack = [], set(), [optdb]
    while stack:
        db = stack.pop()
        for name, rewrites in sorted(db.__db__.items()):
            if not rewrites:
                continue  # an empty entry of the defaultdict, left by a query of that tag
            names.append(name)
            for r in rewrites:
                if isinstance(r, RewriteDatabase) and id(r) not in seen:
                    seen.add(id(r))
                    stack.append(r)
    return hashlib.sha256("\n".join(names).encode()).hexdigest()


def _mode_key(mode) -> str:
    query = getattr(mode, "provided_optimizer", None)
    if not isinstance(mode, Mode) or not isinstance(query, RewriteDatabaseQuery):
        raise _Uncacheable("a compile mode without a rewrite query")
    if query.extra_rewrites or query.subquery:
        raise _Uncacheable("a rewrite query with extra rewrites")
    parts = [_qualname(type(mode.linker)), sorted(query.include), sorted(query.require),
             sorted(query.exclude), query.position_cutoff]
    return repr(parts)


def graph_key(inputs, outputs, mode) -> tuple[str, dict[str, list[Variable]]] | None:
    """The cache key of compiling ``outputs`` from ``inputs`` in ``mode``, and the graph's roots
    (inputs, shared variables, constants) in the key's order; None if the graph cannot be keyed
    exactly."""
    try:
        lines, roots = _graph_description(list(inputs), list(outputs))
        context = [pytensor.__version__, np.__version__, _ppl_source_digest(),
                   _registered_rewrites(), _mode_key(mode)]
        context += [f"{flag}={getattr(pytensor.config, flag, None)!r}" for flag in _CONFIG_FLAGS]
    except _Uncacheable:
        return None
    return hashlib.sha256("\n".join(context + lines).encode()).hexdigest(), roots


# --- store and load --------------------------------------------------------------------------


class _UseRewrittenGraph(GraphRewriter):
    """The "rewriter" of a cache hit: swaps the function's outputs for the rewritten ones."""

    def __init__(self, outputs):
        self.outputs = outputs

    def add_requirements(self, fgraph):
        if not any(isinstance(f, DestroyHandler) for f in fgraph._features):
            fgraph.attach_feature(DestroyHandler())  # the rewritten graph has in-place ops

    def apply(self, fgraph):
        fgraph.replace_all_validate(list(zip(fgraph.outputs, self.outputs, strict=True)),
                                    reason="ppl_graph_cache")


class _Pickler(pickle.Pickler):
    """Pickles the rewritten graph with its roots -- the inputs, shared variables and constants
    of the graph that went in, which the rewritten one still uses -- as references to their
    place in the key, so that a hit uses the live ones (the current data, no second copy)."""

    def __init__(self, file, roots):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.slots = {id(v): (kind, k) for kind, vs in roots.items() for k, v in enumerate(vs)}

    def persistent_id(self, obj):
        return self.slots.get(id(obj)) if isinstance(obj, Variable) else None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, roots):
        super().__init__(file)
        self.roots = roots

    def persistent_load(self, pid):
        kind, k = pid
        return self.roots[kind][k]


def _store(path: Path, function, roots) -> None:
    fgraph = function.maker.fgraph
    live = {id(v) for vs in roots.values() for v in vs}
    if not all(id(v) in live for v in fgraph.inputs):
        return  # an input the key does not know (not expected): not cached
    buffer = io.BytesIO()
    try:
        _Pickler(buffer, roots).dump(fgraph.outputs)
    except Exception:  # noqa: BLE001 - an op that does not pickle: not cached
        return
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as tmp:
            tmp.write(buffer.getbuffer())
        os.replace(tmp.name, path)  # atomic: concurrent processes never read half a file
    except OSError:  # a read-only or full disk: not cached
        if tmp is not None:
            _forget(Path(tmp.name))
        return
    _evict(path.parent)


def _evict(folder: Path) -> None:
    try:
        stats = sorted(((p.stat(), p) for p in folder.glob("*.pkl")), key=lambda s: -s[0].st_mtime)
        kept_bytes = 0
        for n, (stat, path) in enumerate(stats):  # newest first
            kept_bytes += stat.st_size
            if n >= MAX_FILES or kept_bytes > MAX_BYTES:
                path.unlink(missing_ok=True)
    except OSError:
        pass  # e.g. another process deleted a file first


def _load_outputs(path: Path, roots):
    """The rewritten outputs stored at ``path``, on this graph's own roots; None if there is no
    usable file (an unusable one is deleted)."""
    try:
        with open(path, "rb") as fh:
            outputs = _Unpickler(fh, roots).load()
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - truncated, from another version...: compile afresh
        _forget(path)
        return None
    try:
        os.utime(path)  # recently used: evicted last
    except OSError:
        pass  # a read-only cache still serves
    return outputs


def _forget(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass  # e.g. a read-only cache folder


def compile_function(inputs, outputs, mode, **kwargs):
    """``pytensor.function(inputs, outputs, mode=mode, **kwargs)``, with the graph rewrites
    taken from (or stored in) the disk cache when the graph can be keyed exactly.

    Examples
    --------
    >>> import pytensor.tensor as pt
    >>> from pytensor.compile.mode import get_mode
    >>> x = pt.dvector("x")
    >>> f = compile_function([x], [pt.exp(x).sum()], get_mode("FAST_COMPILE"))
    >>> float(f([0.0, 0.0])[0])
    2.0
    """
    cacheable = _enabled() and set(kwargs) <= {"on_unused_input", "name"}  # no givens, updates
    output_list = [outputs] if isinstance(outputs, Variable) else outputs  # one output, no list
    key = graph_key(inputs, output_list, mode) if cacheable else None
    if key is None:
        return pytensor.function(inputs, outputs, mode=mode, **kwargs)
    digest, roots = key
    path = cache_dir() / f"{digest}.pkl"
    rewritten = _load_outputs(path, roots)
    if rewritten is not None:
        try:
            swap = Mode(linker=mode.linker, optimizer=_UseRewrittenGraph(rewritten))
            return pytensor.function(inputs, outputs, mode=swap, **kwargs)
        except Exception:  # noqa: BLE001 - the stored graph does not fit after all
            _forget(path)
    function = pytensor.function(inputs, outputs, mode=mode, **kwargs)
    _store(path, function, roots)
    return function

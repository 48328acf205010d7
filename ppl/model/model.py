"""Model: the container of random variables, their values, transforms, data and dims."""

import difflib
from collections.abc import Sequence

import numpy as np
import pytensor
import pytensor.tensor as pt
from pytensor.graph.basic import Variable

from ppl.compiled.graph_cache import compile_function
from ppl.compiled.modes import resolve_mode
from ppl.compiled.point_fn import PointFunc
from ppl.compiled.value_grad import ValueGradFunction
from ppl.distributions.distribution import UNSET
from ppl.exceptions import ModelError, ShapeError
from ppl.logprob.joint import logp_terms, replace_rvs, value_replacements
from ppl.model import context, debug
from ppl.model.compile_cache import CompileCache, cached_logp_dlogp_function
from ppl.model.coords import CoordStore
from ppl.model.data import as_observed
from ppl.model.initial_point import check_start_vals, make_initial_point_fn
from ppl.model.missing import has_missing, register_with_missing
from ppl.model.registration import ModelRegistry, choose_transform, dist_name, prepare_observed
from ppl.model.shapes import evaluate_shape

__all__ = ["Model"]


class Model:
    """A probabilistic model: use as ``with ppl.Model() as m:`` and define variables inside.

    Parameters
    ----------
    name
        Optional name; variables of a model nested in another get the prefix ``name::``.
    coords
        Mapping from dim name to coordinate values (or None for a length-only dim added later).
    check_bounds
        Kept for PyMC compatibility; parameter checks are always compiled in.

    Examples
    --------
    >>> import ppl
    >>> with ppl.Model(coords={"school": ["a", "b"]}) as m:
    ...     mu = ppl.Normal("mu", 0, 5)
    ...     theta = ppl.Normal("theta", mu, 1, dims="school")
    >>> [rv.name for rv in m.free_RVs]
    ['mu', 'theta']
    """

    def __init__(self, name: str = "", coords=None, check_bounds: bool = True):
        parent = context.current()
        self.parent = parent
        self.root = parent.root if parent is not None else self
        self.name = name
        parent_prefix = parent.prefix if parent is not None else ""
        self.prefix = f"{parent_prefix}{name}::" if name else parent_prefix
        self.check_bounds = check_bounds
        if self.root is self:
            self._registry = ModelRegistry()
            self._coord_store = CoordStore()
            self._data_vars: list = []  # ppl.Data containers (shared variables)
            self._compiled_cache = CompileCache()  # reused across sample() calls (set_data)
        if coords:
            self.add_coords(coords)

    # -- context --------------------------------------------------------------------------------
    def __enter__(self):
        context.push(self)
        return self

    def __exit__(self, *exc):
        context.pop(self)

    @classmethod
    def get_context(cls, error_if_none: bool = True):
        """The innermost active model (None, or ModelError, if there is none)."""
        return context.modelcontext() if error_if_none else context.current()

    def name_for(self, name: str) -> str:
        """The full name of a variable called ``name`` in this (possibly nested) model."""
        return f"{self.prefix}{name}"

    # -- storage views --------------------------------------------------------------------------
    @property
    def _reg(self) -> ModelRegistry:
        return self.root._registry

    def _own(self, variables: list) -> list:
        if self.root is self or not self.prefix:
            return list(variables)
        return [v for v in variables if v.name.startswith(self.prefix)]

    @property
    def free_RVs(self) -> list:
        return self._own(self._reg.free_RVs)

    @property
    def observed_RVs(self) -> list:
        return self._own(self._reg.observed_RVs)

    @property
    def basic_RVs(self) -> list:
        return self.free_RVs + self.observed_RVs

    @property
    def deterministics(self) -> list:
        return self._own(self._reg.deterministics)

    @property
    def potentials(self) -> list:
        return self._own(self._reg.potentials)

    @property
    def named_vars(self) -> dict:
        return {k: v for k, v in self._reg.named_vars.items() if k.startswith(self.prefix)}

    @property
    def rvs_to_values(self) -> dict:
        return self._reg.rvs_to_values

    @property
    def values_to_rvs(self) -> dict:
        return {v: rv for rv, v in self._reg.rvs_to_values.items()}

    @property
    def rvs_to_transforms(self) -> dict:
        return self._reg.rvs_to_transforms

    @property
    def rvs_to_initial_values(self) -> dict:
        return self._reg.rvs_to_initial_values

    @property
    def named_vars_to_dims(self) -> dict:
        return self._reg.named_vars_to_dims

    @property
    def value_vars(self) -> list:
        return [self.rvs_to_values[rv] for rv in self.free_RVs]

    @property
    def continuous_value_vars(self) -> list:
        return [v for v in self.value_vars if v.dtype.startswith("float")]

    @property
    def discrete_value_vars(self) -> list:
        return [v for v in self.value_vars if not v.dtype.startswith("float")]

    @property
    def unobserved_value_vars(self) -> list:
        return self.value_vars + self.deterministics

    @property
    def data_vars(self) -> list:
        """The data containers (``ppl.Data``) of the model, in order of definition."""
        return self._own(self.root._data_vars)

    @property
    def coords(self) -> dict:
        return self.root._coord_store.coords

    @property
    def dim_lengths(self) -> dict:
        return self.root._coord_store.dim_lengths

    def __getitem__(self, key: str):
        named = self._reg.named_vars
        # This model's own (prefixed) name first: in a nested model "x" means "inner::x" even
        # when the outer model also has an "x".
        for candidate in (self.name_for(key), key):
            if candidate in named:
                return named[candidate]
        close = difflib.get_close_matches(key, list(named), n=3)
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise KeyError(f"Model has no variable {key!r}.{hint}")

    def __contains__(self, key: str) -> bool:
        return key in self._reg.named_vars or self.name_for(key) in self._reg.named_vars

    # -- coords ---------------------------------------------------------------------------------
    def add_coord(self, name: str, values=None, *, length=None, mutable: bool = False) -> None:
        """Add a named dimension with coordinate ``values`` (or just a ``length``)."""
        self.root._coord_store.add_coord(name, values, length=length, mutable=mutable)

    def add_coords(self, coords: dict) -> None:
        """Add several coordinates: ``{dim: values}``."""
        for name, values in coords.items():
            self.add_coord(name, values)

    def shape_from_dims(self, dims, label: str = "") -> tuple:
        """Lengths of the named dims (ints or shared scalars)."""
        return self.root._coord_store.shape_from_dims(tuple(dims), label or "Model")

    # -- registration ---------------------------------------------------------------------------
    def prepare_observed(self, data, name: str) -> Variable:
        """Observed data as a tensor, validated (finite, numeric)."""
        return as_observed(data, name)

    def _check_new_name(self, name: str) -> None:
        if name in self._reg.named_vars:
            raise ModelError(
                f"Variable name {name!r} already exists in the model. Names must be unique."
            )

    def _check_dims(self, var: Variable, dims, label: str) -> None:
        if dims is None:
            return
        shape = evaluate_shape(var)
        if len(dims) != len(shape):
            raise ShapeError(
                f"{label}: has shape {shape} ({len(shape)} dims), but dims={dims!r} names "
                f"{len(dims)}."
            )
        store = self.root._coord_store
        for i, d in enumerate(dims):
            if d not in store.dim_lengths:
                store.shape_from_dims((d,), label)
            if store.current_length(d) != shape[i]:
                raise ShapeError(
                    f"{label}: has shape {shape}, but dims {dims!r} have lengths "
                    f"{tuple(store.current_length(x) for x in dims)} (dim {d!r} is "
                    f"{store.current_length(d)}, axis {i} is {shape[i]})."
                )

    def register_rv(
        self,
        rv_var: Variable,
        name: str,
        *,
        observed=None,
        total_size=None,
        dims=None,
        transform=UNSET,
        default_transform=UNSET,
        initval=None,
    ) -> Variable:
        """Register a random variable (from ``Dist.dist(...)``) under ``name``; return it.

        Observed data with missing values registers ``<name>_observed``, ``<name>_unobserved``
        and returns the Deterministic ``<name>`` (see ``ppl/model/missing.py``).
        """
        if observed is not None:
            observed = as_observed(observed, self.name_for(name))
            if has_missing(observed):
                if total_size is not None:
                    raise ModelError(f"{name!r}: total_size with missing data is not supported.")
                return register_with_missing(
                    self, rv_var, name, observed.data, dims=dims, transform=transform,
                    default_transform=default_transform, initval=initval,
                )
        name = self.name_for(name)
        label = f"{dist_name(rv_var)} {name!r}"
        self._check_new_name(name)
        rv_var.name = name
        reg = self._reg
        if observed is not None:
            observed = prepare_observed(rv_var, observed, label)
            self._check_dims(rv_var, dims, label)
            reg.add_observed(rv_var, observed)
        else:
            self._check_dims(rv_var, dims, label)
            chosen = choose_transform(rv_var, transform, default_transform)
            reg.add_free(rv_var, chosen)
            if initval is not None:
                reg.rvs_to_initial_values[rv_var] = initval
        reg.set_total_size(rv_var, total_size, label)
        reg.named_vars[name] = rv_var
        if dims is not None:
            reg.named_vars_to_dims[name] = tuple(dims)
        return rv_var

    def add_named_variable(self, var: Variable, dims=None) -> Variable:
        """Register a deterministic/potential-like variable by its (already full) name."""
        if var.name is None:
            raise ModelError("add_named_variable: the variable needs a name.")
        self._check_new_name(var.name)
        self._check_dims(var, dims, f"{var.name!r}")
        self._reg.named_vars[var.name] = var
        if dims is not None:
            self._reg.named_vars_to_dims[var.name] = tuple(dims)
        return var

    def set_initval(self, rv_var: Variable, initval) -> None:
        """Set the initial value (constrained space) of a free variable."""
        self._reg.rvs_to_initial_values[rv_var] = initval

    # -- graphs ---------------------------------------------------------------------------------
    def _resolve(self, vars) -> list:
        if vars is None:
            return self.basic_RVs + self.potentials
        if isinstance(vars, (str, Variable)):
            vars = [vars]
        out = []
        for v in vars:
            v = self[v] if isinstance(v, str) else v
            out.append(self.values_to_rvs.get(v, v))
        return out

    def replace_rvs_by_values(self, graphs: Sequence[Variable]) -> list:
        """Express ``graphs`` in terms of value variables (the model's one replacement)."""
        reg = self._reg
        order = reg.free_RVs + reg.observed_RVs
        reg_order = reg.topological(order)
        return replace_rvs(
            graphs, value_replacements(reg_order, reg.rvs_to_values, reg.rvs_to_transforms), reg_order
        )

    def logp(self, vars=None, *, jacobian: bool = True, sum: bool = True):
        """Log-density graph of the model (or of ``vars``) in terms of value variables.

        Parameters
        ----------
        vars
            Variables (or names) whose terms to include; default all, plus potentials.
        jacobian
            Include the log-Jacobians of the transforms.
        sum
            Return one scalar; otherwise a list with one elementwise term per variable.
        """
        reg = self._reg
        targets = self._resolve(vars)
        rvs = [v for v in targets if v in reg.rvs_to_values]
        potentials = [v for v in targets if v not in reg.rvs_to_values]
        for v in potentials:
            if v not in reg.potentials:
                raise ModelError(
                    f"Model.logp: {getattr(v, 'name', v)!r} is not a random variable or a "
                    "potential of this model (deterministics have no log-density)."
                )
        order = reg.topological(reg.free_RVs + reg.observed_RVs)
        terms, extra = logp_terms(
            rvs,
            reg.rvs_to_values,
            reg.rvs_to_transforms,
            order=order,
            extra_graphs=potentials,
            jacobian=jacobian,
        )
        terms = reg.scale_to_total_sizes(terms, rvs) + extra
        if not sum:
            return terms
        if not terms:
            return pt.constant(0.0, dtype="float64")
        total = pt.sum([pt.sum(t) for t in terms])
        total.name = "__logp"
        return total

    @property
    def varlogp(self):
        """Log-density of the free variables (with Jacobians)."""
        return self.logp(self.free_RVs)

    @property
    def observedlogp(self):
        """Log-likelihood of the observed variables."""
        return self.logp(self.observed_RVs)

    @property
    def potentiallogp(self):
        """Sum of the potentials."""
        return self.logp(self.potentials)

    def dlogp(self, vars=None, jacobian: bool = True):
        """Gradient of the log-density with respect to ``vars`` (default: continuous values)."""
        wrt = self._grad_vars(vars)
        grads = pytensor.grad(self.logp(jacobian=jacobian), wrt)
        return pt.concatenate([g.ravel() for g in grads]) if grads else pt.zeros(0)

    def d2logp(self, vars=None, jacobian: bool = True):
        """Hessian of the log-density with respect to the flattened ``vars``."""
        wrt = self._grad_vars(vars)
        g = self.dlogp(wrt, jacobian=jacobian)
        rows = pytensor.gradient.jacobian(g, wrt, vectorize=True)
        rows = rows if isinstance(rows, list) else [rows]
        return pt.concatenate([r.reshape((g.shape[0], -1)) for r in rows], axis=1)

    def _grad_vars(self, vars, allow_discrete: bool = False) -> list:
        if vars is None:
            return self.value_vars if allow_discrete else self.continuous_value_vars
        vars = [vars] if isinstance(vars, (str, Variable)) else vars
        out = []
        for v in vars:
            v = self[v] if isinstance(v, str) else v
            v = self.rvs_to_values.get(v, v)
            if not allow_discrete and not v.dtype.startswith("float"):
                raise ModelError(f"Cannot differentiate with respect to discrete variable {v.name!r}.")
            out.append(v)
        return out

    # -- compiled functions ---------------------------------------------------------------------
    def compile_fn(self, outs, *, inputs=None, mode=None, point_fn: bool = True):
        """Compile ``outs`` (graphs of value variables) into a function of a point dict."""
        inputs = self.value_vars if inputs is None else inputs
        fn = compile_function(inputs, outs, resolve_mode(mode), on_unused_input="ignore")
        return PointFunc(fn, [v.name for v in inputs]) if point_fn else fn

    def compile_logp(self, vars=None, jacobian: bool = True, sum: bool = True, **kwargs):
        """Compiled log-density: ``f(point) -> float`` (or a list of arrays if ``sum=False``)."""
        return self.compile_fn(self.logp(vars, jacobian=jacobian, sum=sum), **kwargs)

    def compile_dlogp(self, vars=None, jacobian: bool = True, **kwargs):
        """Compiled gradient: ``f(point) -> flat array`` over the continuous value variables."""
        return self.compile_fn(self.dlogp(vars, jacobian=jacobian), **kwargs)

    def compile_d2logp(self, vars=None, jacobian: bool = True, **kwargs):
        """Compiled Hessian: ``f(point) -> 2-D array``."""
        return self.compile_fn(self.d2logp(vars, jacobian=jacobian), **kwargs)

    def logp_dlogp_function(
        self,
        grad_vars=None,
        *,
        ravel_inputs: bool = True,
        initial_point=None,
        mode=None,
        jacobian: bool = True,
        compute_grads: bool = True,
        **kwargs,
    ) -> ValueGradFunction:
        """A :class:`ValueGradFunction` over the flat vector of ``grad_vars``.

        The remaining value variables are held fixed; set them with ``set_extra_values``.
        With ``compute_grads=False`` the function returns the log-density only, and
        ``grad_vars`` may include discrete variables (for gradient-free samplers).
        """
        grad_vars = self._grad_vars(grad_vars, allow_discrete=not compute_grads)
        point = self.initial_point() if initial_point is None else initial_point
        extra = {v: point[v.name] for v in self.value_vars if v not in grad_vars}

        def build():
            return ValueGradFunction(
                [self.logp(jacobian=jacobian)],
                grad_vars,
                extra,
                initial_point=point,
                compute_grads=compute_grads,
                ravel_inputs=ravel_inputs,
                mode=mode,
                **kwargs,
            )

        # Cached on the model: refitting after ppl.set_data reuses the compiled function.
        return cached_logp_dlogp_function(
            self, grad_vars, point, build=build, mode=mode, jacobian=jacobian,
            compute_grads=compute_grads, ravel_inputs=ravel_inputs, extra_kwargs=kwargs,
        )

    def initial_point(self, random_seed=None) -> dict[str, np.ndarray]:
        """Start point in the unconstrained space: support points or the user's ``initval``."""
        return make_initial_point_fn(self)()

    def point_logps(self, point=None, round_vals: int = 2) -> dict[str, float]:
        """Log-density of each variable (summed) at ``point`` (default: the initial point)."""
        return debug.point_logps(self, point, round_vals)

    def debug(self, point=None, fn: str = "logp", verbose: bool = False) -> None:
        """Print what is not finite at ``point``; see :func:`ppl.model.debug.debug_model`."""
        debug.debug_model(self, point, fn, verbose)

    def check_start_vals(self, start: dict) -> None:
        """Raise SamplingError, listing each variable's logp, if ``start`` is not a valid start."""
        check_start_vals(self, start)

    def to_graphviz(self, *, var_names=None, formatting: str = "plain", save=None, figsize=None,
                    dpi: int = 300, node_formatters=None, include_dim_lengths: bool = True):
        """The model as a ``graphviz.Digraph``; see :func:`ppl.model_to_graphviz`."""
        from ppl.model_graph import model_to_graphviz  # a layer above the model

        return model_to_graphviz(
            self, var_names=var_names, formatting=formatting, save=save, figsize=figsize,
            dpi=dpi, node_formatters=node_formatters, include_dim_lengths=include_dim_lengths,
        )

    def __repr__(self) -> str:
        lines = [f"Model({self.name!r})" if self.name else "Model()"]
        for rv in self.basic_RVs:
            kind = "observed" if rv in self.observed_RVs else "free"
            lines.append(f"  {rv.name} ~ {dist_name(rv)} ({kind})")
        for d in self.deterministics:
            lines.append(f"  {d.name} = Deterministic")
        for p in self.potentials:
            lines.append(f"  {p.name} = Potential")
        return "\n".join(lines)


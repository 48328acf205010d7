r"""Vectorisable float64 ``exp``, ``log``, ``log1p``, ``expm1``, ``softplus`` and ``sigmoid``.

Numba lowers ``math.exp``, ``np.log``… to calls into libm (this llvmlite has no SVML), and LLVM
does not vectorise a loop around an opaque call: every elementwise loop over them, PyTensor's
``Elemwise`` included, runs one element at a time. These functions vectorise. Each is written
once, below, as Python over :class:`_Value`, whose operators and helpers (``_where`` a select,
``bits``/``from_bits`` bit casts, ``_fmuladd``) emit LLVM instructions: no branches, no libm, no
fast-math flags. From it we build a scalar ``double (double)`` function and ``<2/4/8 x double>``
variants, and tell LLVM (``vector-function-abi-variant``) that these vectorise the scalar one.
The Numba functions here call the scalar function and are inlined by LLVM (not by Numba, which
would give our code the caller's fast-math flags, such as PyTensor's ``reassoc``), so a loop
vectorises wherever the call lands, even under PyTensor's layers of wrappers (cache wrappers,
``Composite``, the ``Elemwise`` core), which LLVM stops inlining once they are large.

Method: ``exp``: :math:`x = k \ln 2 + r`, :math:`|r| \le \ln(2)/2` (:math:`k` rounded by adding
:math:`1.5 \cdot 2^{52}`, :math:`\ln 2` in two parts so :math:`k \ln 2_{hi}` is exact),
:math:`e^r = 1 + r + r^2 P(r)`, :math:`2^k` built from bits in two factors. ``log``: :math:`x =
2^k m`, :math:`m \in [\sqrt{1/2}, \sqrt 2)`, :math:`f = m - 1`, :math:`s = f/(2+f)`,
:math:`\log(1+f) = 2\,\mathrm{atanh}(s) = f - f^2/2 + s(f^2/2 + s^2 Q(s^2))`. ``log1p``: the
same for :math:`u = 1 + x`, with :math:`f = x` if :math:`k = 0`, else the correction
:math:`(x - (u - 1))/u`. ``expm1``: :math:`2^k (e^r - 1) + (2^k - 1)`. ``softplus`` :math:`=
\max(x, 0) + \mathrm{log1p}(e^{-|x|})`; ``sigmoid`` :math:`= 1/(1 + e^{-x})`, or
:math:`e^x/(1 + e^x)` for :math:`x < 0`. :math:`P`, :math:`Q` are Chebyshev fits; rounding
errors of intermediate sums are carried to the end (Fast2Sum, TwoSum). Against NumPy, over the
whole domain with subnormals, the error is within 1 ulp (``exp``, ``log``) or 2 ulp (the rest);
±inf, NaN, ±0, overflow, underflow, ``log(0)``, ``log1p(-1)``… give NumPy's values.

:func:`install` makes these PyTensor's Numba implementations of the float64 scalar ops ``Exp``,
``Log``, ``Log1p``, ``Expm1``, ``Softplus``, ``Sigmoid``; :func:`uninstall` undoes it. With the
environment variable ``PPL_VECTOR_MATH=0`` (or ``false``, ``no``, ``off``), :func:`install` does
nothing. Cache keys name this module and its source's digest: PyTensor's disk cache never mixes.

Examples
--------
>>> import numpy as np
>>> from ppl.compiled import vecmath
>>> vecmath.exp(1.0) == float(np.exp(1.0)), vecmath.log1p(-1.0), vecmath.softplus(-800.0)
(True, -inf, 0.0)
"""

import functools
import hashlib
import pathlib

import llvmlite.binding as llvm
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

from ppl.compiled.numba_override import NumbaOverride

__all__ = ["exp", "expm1", "log", "log1p", "sigmoid", "softplus"]
__all__ += ["install", "is_installed", "uninstall"]

_VERSION = 2  # bump when the generated code changes in a way the source digest would not show
_DIGEST = hashlib.sha256(pathlib.Path(__file__).read_bytes()).hexdigest()[:12]
_LANES = (2, 4, 8)

_INF, _NAN = float("inf"), float("nan")
_LN2_HI = 0.6931471805598903  # ln 2 to 42 bits: k * _LN2_HI is exact for |k| < 2048
_LN2_LO = 5.497923018708371e-14  # ln 2 - _LN2_HI
_LOG2E = 1.4426950408889634
_ROUND = 6755399441055744.0  # 1.5 * 2**52: (t + _ROUND) - _ROUND rounds t to an integer
_ROUND_BITS = 0x4338000000000000  # bits of _ROUND: bits(t + _ROUND) - _ROUND_BITS is that integer
_SQRT_HALF_BITS = 0x3FE6A09E667F3BCD  # bits of sqrt(1/2)
_TWO54, _TWO_M54 = 18014398509481984.0, 5.551115123125783e-17
_MIN_NORMAL = 2.2250738585072014e-308


def _floats(text: str) -> tuple[float, ...]:
    return tuple(float(c) for c in text.split())


# e^r - 1 - r = r^2 P(r), |r| <= ln(2)/2: Chebyshev fit (mpmath), absolute error 1.4e-18.
_P = _floats(
    """0.5 0.1666666666666667 0.04166666666666667 0.008333333333326141
    0.0013888888888883752 0.00019841269874800683 2.4801587325533502e-05 2.75572554255029e-06
    2.7557273661174726e-07 2.5105206475334834e-08 2.091467944897855e-09"""
)
# 2 atanh(s) - 2 s = s z Q(z), z = s^2 <= (3 - 2 sqrt 2)^2: Chebyshev fit, error 2.1e-18.
_Q = _floats(
    """0.6666666666666666 0.4000000000000088 0.2857142857080361
    0.22222222391714744 0.18181795640044723 0.15386239707611124 0.13268773010203216
    0.13086627491197242"""
)


def _operator(float_op: str, int_op: str, swap: bool = False):
    def method(self, other):
        a, b = (self.lift(other), self.value) if swap else (self.value, self.lift(other))
        return self.like(getattr(self.builder, float_op if self.kind == "f" else int_op)(a, b))

    return method


def _comparison(op: str):
    def method(self, other):
        a, b = self.value, self.lift(other)
        if self.kind == "i":
            return self.like(self.builder.icmp_signed(op, a, b), "b")
        compare = self.builder.fcmp_unordered if op == "!=" else self.builder.fcmp_ordered
        return self.like(compare(op, a, b), "b")  # as in Python, only != holds for NaN

    return method


class _Value:
    """An LLVM float64 (``kind`` "f"), int64 ("i") or bool ("b"), scalar (``lanes`` None) or
    vector, whose operators emit instructions, without fast-math flags, through ``builder``."""

    __slots__ = ("builder", "value", "kind", "lanes")
    __hash__ = None

    def __init__(self, builder: ir.IRBuilder, value: ir.Value, kind: str, lanes: int | None):
        self.builder, self.value, self.kind, self.lanes = builder, value, kind, lanes

    def like(self, value: ir.Value, kind: str | None = None) -> "_Value":
        return _Value(self.builder, value, kind or self.kind, self.lanes)

    def type(self, kind: str) -> ir.Type:
        scalar = {"f": ir.DoubleType(), "i": ir.IntType(64), "b": ir.IntType(1)}[kind]
        return scalar if self.lanes is None else ir.VectorType(scalar, self.lanes)

    def lift(self, other, kind: str | None = None) -> ir.Value:
        """``other``, a _Value or a Python number (made a constant of ``kind``), as LLVM value."""
        if isinstance(other, _Value):
            return other.value
        number = float(other) if (kind or self.kind) == "f" else int(other)
        constant = number if self.lanes is None else [number] * self.lanes
        return ir.Constant(self.type(kind or self.kind), constant)

    __add__, __radd__ = _operator("fadd", "add"), _operator("fadd", "add", swap=True)
    __sub__, __rsub__ = _operator("fsub", "sub"), _operator("fsub", "sub", swap=True)
    __mul__, __rmul__ = _operator("fmul", "mul"), _operator("fmul", "mul", swap=True)
    __truediv__, __rtruediv__ = _operator("fdiv", ""), _operator("fdiv", "", swap=True)
    __lshift__, __rshift__ = _operator("", "shl"), _operator("", "ashr")  # arithmetic >>
    __and__ = _operator("", "and_")
    __lt__, __le__, __gt__, __ge__ = (_comparison(op) for op in ("<", "<=", ">", ">="))
    __eq__, __ne__ = _comparison("=="), _comparison("!=")

    def __neg__(self):
        return self.like(self.builder.fneg(self.value))

    def __abs__(self):
        return self.intrinsic("fabs", self)

    def bits(self) -> "_Value":  # float64 -> int64 with the same bits
        return self.like(self.builder.bitcast(self.value, self.type("i")), "i")

    def from_bits(self) -> "_Value":  # int64 -> float64 with the same bits
        return self.like(self.builder.bitcast(self.value, self.type("f")), "f")

    def to_float(self) -> "_Value":
        return self.like(self.builder.sitofp(self.value, self.type("f")), "f")

    def intrinsic(self, name: str, *args) -> "_Value":
        """The LLVM intrinsic ``llvm.<name>`` on float64 values of this one's shape."""
        full_name = f"llvm.{name}." + ("f64" if self.lanes is None else f"v{self.lanes}f64")
        fnty = ir.FunctionType(self.type("f"), [self.type("f")] * len(args))
        fn = cgutils.get_or_insert_function(self.builder.module, fnty, full_name)
        return self.like(self.builder.call(fn, [self.lift(a, "f") for a in args]), "f")


def _where(condition: _Value, a, b) -> _Value:
    """``a if condition else b``, as a select: both are computed."""
    kind = a.kind if isinstance(a, _Value) else b.kind if isinstance(b, _Value) else "f"
    lifted = condition.lift(a, kind), condition.lift(b, kind)
    return condition.like(condition.builder.select(condition.value, *lifted), kind)


def _fmuladd(a: _Value, b, c) -> _Value:
    """``a * b + c``: one fused instruction where the CPU has FMA, two otherwise."""
    return a.intrinsic("fmuladd", a, b, c)


def _polynomial(x: _Value, coefficients: tuple) -> _Value:
    """``sum(c x**i)`` as ``even(x^2) + x odd(x^2)``: half Horner's dependency chain."""
    x2, parts = x * x, []
    for part in (coefficients[0::2], coefficients[1::2]):  # (two coefficients or more each)
        result = _fmuladd(x2, part[-1], part[-2])
        for c in part[-3::-1]:
            result = _fmuladd(x2, result, c)
        parts.append(result)
    return _fmuladd(x, parts[1], parts[0])


def _exp_reduce(x):
    """``(k, r, c)``: ``x = k ln2 + r + c``, ``c`` the rounding error of ``r`` (``|x| < 2**40``)."""
    shifted = _fmuladd(x, _LOG2E, _ROUND)
    k = shifted.bits() - _ROUND_BITS
    kf = shifted - _ROUND
    r_hi = _fmuladd(kf, -_LN2_HI, x)  # exact: kf * _LN2_HI is, and so is the difference
    r = _fmuladd(kf, -_LN2_LO, r_hi)
    return k, r, _fmuladd(kf, -_LN2_LO, r_hi - r)


def _expm1_tail(r, c):
    """``e^(r + c) - 1 - r`` for ``|r| <= ln(2)/2`` and ``c`` tiny."""
    return _fmuladd(r * r, _polynomial(r, _P), _fmuladd(c, r, c))


def _pow2(k):
    """``2**k`` for ``-1022 <= k <= 1023``."""
    return ((k + 1023) << 52).from_bits()


def _exp_parts(x):
    """``e^x = (p + p_err) * s1 * s2`` with ``p`` in [0.7, 1.5], ``p_err`` its rounding error
    and ``s1 * s2 = 2**k``. Garbage for NaN: the callers select."""
    xc = _where(x > -750.0, x, -750.0)  # NaN -> -750
    xc = _where(xc < 710.0, xc, 710.0)
    k, r, c = _exp_reduce(xc)
    one_r = 1.0 + r
    low = ((1.0 - one_r) + r) + _expm1_tail(r, c)  # 1 + r = one_r + ... (Fast2Sum)
    p = one_r + low
    k1 = k >> 1
    return p, (one_r - p) + low, _pow2(k1), _pow2(k - k1)


def _exp(x):
    p, _, s1, s2 = _exp_parts(x)
    return _where(x == x, (p * s1) * s2, x)  # p * s1 exact: one rounding for subnormal results


def _expm1(x):
    xc = _where(x > -45.0, x, -45.0)  # NaN -> -45
    xc = _where(xc < 710.0, xc, 710.0)
    k, r, c = _exp_reduce(xc)
    t = _expm1_tail(r, c)
    q_hi = r + t
    q_lo = (r - q_hi) + t  # e^r - 1 = q_hi + q_lo (Fast2Sum, |t| <= |r|)
    # k <= 64: 2**k (q_hi + q_lo) + (2**k - 1), summed with the rounding errors kept.
    two_k = _pow2(_where(k < 64, k, 64))
    a = two_k - 1.0
    a_err = (two_k - a) - 1.0
    b = two_k * q_hi
    s = a + b
    b_virtual = s - a
    s_err = (a - (s - b_virtual)) + (b - b_virtual)  # TwoSum: a + b = s + s_err
    small = s + (s_err + (a_err + two_k * q_lo))
    k1 = k >> 1  # k > 64: e^x - 1 = e^x to well below half an ulp
    large = ((1.0 + q_hi) * _pow2(k1)) * _pow2(k - k1)
    y = _where(abs(x) >= _TWO_M54, _where(k <= 64, small, large), x)  # keeps -0.0
    return _where(x == x, y, x)


def _log_kernel(u, u_minus_1, k_extra, c_near_1, c):
    """``hi + lo = log(u) + k_extra ln2 + (c_near_1 if u in [sqrt(1/2), sqrt(2)) else c)``, for
    a positive normal ``u``; there, ``u_minus_1`` is ``u - 1`` exactly (it may hold more bits)."""
    u_bits = u.bits()
    k = (u_bits - _SQRT_HALF_BITS) >> 52  # u = 2**k m, m in [sqrt(1/2), sqrt(2))
    m = (u_bits - (k << 52)).from_bits()
    near_1 = k == 0
    f = _where(near_1, u_minus_1, m - 1.0)  # m - 1 is exact
    c = _where(near_1, c_near_1, c)
    # log(1 + f) = 2 atanh(s) = f - f^2/2 + s (f^2/2 + z Q(z)), s = f / (2 + f), z = s^2
    s = f / (2.0 + f)
    z = s * s
    f2 = f * f
    f2_err = _fmuladd(f, f, -f2)  # f * f - f2: exact with FMA, 0 without
    half_f2 = 0.5 * f2
    kf = k.to_float() + k_extra
    big = kf * _LN2_HI  # exact
    hi = big + f
    hi_err = (big - hi) + f  # Fast2Sum: |f| < ln 2 <= |big| unless big = 0
    hi2 = hi - half_f2
    hi2_err = (hi - hi2) - half_f2  # Fast2Sum: f^2/2 < |hi|
    low = _fmuladd(s, _fmuladd(z, _polynomial(z, _Q), half_f2), kf * _LN2_LO + c)
    low = _fmuladd(0.5 * f2_err, s - 1.0, low)  # half_f2 = f^2/2 - f2_err/2
    return hi2, (hi_err + hi2_err) + low


def _log(x):
    finite = (x > 0.0) & (x < _INF)
    subnormal = x < _MIN_NORMAL
    u = _where(finite, x * _where(subnormal, _TWO54, 1.0), 1.0)
    hi, lo = _log_kernel(u, u - 1.0, _where(subnormal, -54.0, 0.0), 0.0, 0.0)
    special = _where(x == 0.0, -_INF, _where(x == _INF, x, _NAN))  # -0.0 too; NaN, < 0: NaN
    return _where(finite, hi + lo, special)


def _log1p_parts(x, x_err):
    """``log1p(x + x_err) = hi + lo`` for ``x`` in (-1, inf), ``|x_err|`` below an ulp of x."""
    u = 1.0 + x
    # log(1 + x) = log(u) + log1p(c), c = (x - (u - 1)) / u tiny; near u = 1 the kernel uses x.
    return _log_kernel(u, x, 0.0, x_err / u, ((x - (u - 1.0)) + x_err) / u)


def _log1p(x):
    finite = (x > -1.0) & (x < _INF)
    hi, lo = _log1p_parts(_where(finite, x, 0.0), 0.0)
    y = _where(abs(x) >= _TWO_M54, hi + lo, x)  # keeps -0.0
    special = _where(x == -1.0, -_INF, _where(x == _INF, x, _NAN))
    return _where(finite, y, special)


def _softplus(x):
    p, p_err, s1, s2 = _exp_parts(-abs(x))
    hi, lo = _log1p_parts((p * s1) * s2, (p_err * s1) * s2)  # log1p(e^-|x|), e^-|x| in (0, 1]
    big = _where(x > 0.0, x, 0.0)
    y = big + hi
    y_virtual = y - big
    y_err = (big - (y - y_virtual)) + (hi - y_virtual)  # TwoSum: big + hi = y + y_err
    return _where(x < _INF, y + (y_err + lo), x)  # NaN, and inf (for which TwoSum gives NaN)


def _sigmoid(x):
    p, p_err, s1, s2 = _exp_parts(-abs(x))
    z, z_err = (p * s1) * s2, (p_err * s1) * s2  # e^-|x| in (0, 1]
    d = 1.0 + z
    d_err = (z - (d - 1.0)) + z_err  # 1 + e^-|x| = d + d_err (Fast2Sum)
    positive = x >= 0.0
    n, n_err = _where(positive, 1.0, z), _where(positive, 0.0, z_err)
    q = n / d
    inv_d = _where(positive, q, 1.0 - q)  # 1/d to a few ulps, without a second division
    # (n + n_err)/(d + d_err) = q + (n - q d + n_err - q d_err)/d; n - q d is exact with FMA.
    y = _fmuladd(_fmuladd(-q, d, n) + (n_err - q * d_err), inv_d, q)
    return _where(x == x, y, x)


_ALGORITHMS = {"exp": _exp, "log": _log, "log1p": _log1p, "expm1": _expm1}
_ALGORITHMS.update(softplus=_softplus, sigmoid=_sigmoid)


def _symbol(name: str, lanes: int | None = None) -> str:
    base = f"ppl_vecmath_{name}_{_VERSION}_{_DIGEST}"
    return base if lanes is None else f"{base}_v{lanes}"


@functools.cache
def _module_text(name: str) -> str:
    """LLVM IR of ``double <name>(double)`` and its vector variants, all kept by the linker."""
    module = ir.Module(name=_symbol(name))
    for lanes in (None, *_LANES):
        ty = ir.DoubleType() if lanes is None else ir.VectorType(ir.DoubleType(), lanes)
        fn = ir.Function(module, ir.FunctionType(ty, [ty]), _symbol(name, lanes))
        fn.linkage = "linkonce_odr"
        attributes = ["nounwind", "willreturn", "memory(none)"]
        if lanes is None:  # stays a call, which the loop vectoriser maps onto a variant
            variants = (f"_ZGV_LLVM_N{n}v_{_symbol(name)}({_symbol(name, n)})" for n in _LANES)
            attributes += ["noinline", f'"vector-function-abi-variant"="{",".join(variants)}"']
        fn.attributes.update(attributes)  # set.update: llvmlite's check does not know all
        builder = ir.IRBuilder(fn.append_basic_block())
        builder.ret(_ALGORITHMS[name](_Value(builder, fn.args[0], "f", lanes)).value)
    used = ", ".join(f'ptr @"{_symbol(name, n)}"' for n in (None, *_LANES))
    return (
        f"{module}\n@llvm.compiler.used = appending global [{1 + len(_LANES)} x ptr] [{used}], "
        'section "llvm.metadata"\n'
    )


def _numba_function(name: str, summary: str, returns: str, example: str):
    """The documented Numba function ``name(x)``: a call to ``double <name>(double)``."""

    @intrinsic
    def call(typingctx, x):
        def codegen(context, builder, signature, args):
            module = llvm.parse_assembly(_module_text(name))
            module.triple = llvm.get_process_triple()
            context.active_code_library.add_llvm_module(module)
            fnty = ir.FunctionType(ir.DoubleType(), [ir.DoubleType()])
            fn = cgutils.get_or_insert_function(builder.module, fnty, _symbol(name))
            return builder.call(fn, args)

        return (types.float64(types.float64), codegen) if x == types.float64 else None

    def function(x: float) -> float:
        return call(float(x))

    function.__name__ = function.__qualname__ = name
    function.__doc__ = (
        f"{summary}\n\nParameters\n----------\nx\n    Converted to float64.\n\nReturns\n-------\n"
        f"float\n    {returns}\n\nExamples\n--------\n>>> {example}\n"
    )
    # LLVM (alwaysinline), not Numba, inlines it: the caller's fast-math flags stay out.
    return njit(fastmath=False, error_model="numpy", forceinline=True)(function)


exp = _numba_function(
    "exp",
    ":math:`e^x`, within 1 ulp.",
    "0 below -745.14, inf above 709.78, NaN for NaN.",
    "exp(0.0), exp(-746.0), exp(710.0)\n(1.0, 0.0, inf)",
)
log = _numba_function(
    "log",
    ":math:`\\log x`, within 1 ulp.",
    "-inf for ±0, NaN for x < 0 and NaN, inf for inf.",
    "log(1.0), log(0.0), log(5e-324)\n(0.0, -inf, -744.4400719213812)",
)
log1p = _numba_function(
    "log1p",
    ":math:`\\log(1 + x)`, accurate near 0 (within 2 ulp).",
    "-inf at -1, NaN below -1 and for NaN, x itself (±0 too) for abs(x) < 2**-54.",
    "log1p(1e-300), log1p(-1.0)\n(1e-300, -inf)",
)
expm1 = _numba_function(
    "expm1",
    ":math:`e^x - 1`, accurate near 0 (within 2 ulp).",
    "-1 below -37.5, inf above 709.78, x itself (±0 too) for abs(x) < 2**-54.",
    "expm1(1e-20), expm1(-50.0)\n(1e-20, -1.0)",
)
softplus = _numba_function(
    "softplus",
    ":math:`\\log(1 + e^x) = \\max(x, 0) + \\log(1 + e^{-|x|})`, within 2 ulp.",
    "x for large x, :math:`e^x` for very negative x (0 below -745.14).",
    "softplus(0.0), softplus(1000.0), softplus(-1000.0)\n(0.6931471805599453, 1000.0, 0.0)",
)
sigmoid = _numba_function(
    "sigmoid",
    "The logistic function :math:`1 / (1 + e^{-x})`, within 2 ulp.",
    "1 for large x, :math:`e^x` for very negative x (0 below -745.14).",
    "sigmoid(0.0), sigmoid(40.0), sigmoid(-800.0)\n(0.5, 1.0, 0.0)",
)


def _make_funcify(op_type: type, function, previous):
    name = f"{op_type.__module__}.{op_type.__qualname__}"
    key = hashlib.sha256(f"ppl.vecmath:{_VERSION}:{_DIGEST}:{name}".encode()).hexdigest()

    def numba_funcify_vecmath(op, node=None, **kwargs):
        if node is None or any(v.type.dtype != "float64" for v in (*node.inputs, *node.outputs)):
            return previous(op, node=node, **kwargs)
        return function, key

    numba_funcify_vecmath.__name__ = f"numba_funcify_vecmath_{op_type.__name__}"
    return numba_funcify_vecmath


def _overrides() -> dict:
    from pytensor.scalar.basic import Exp, Expm1, Log, Log1p
    from pytensor.scalar.math import Sigmoid, Softplus

    ours = {Exp: exp, Log: log, Log1p: log1p, Expm1: expm1, Softplus: softplus, Sigmoid: sigmoid}
    return {t: functools.partial(_make_funcify, t, f) for t, f in ours.items()}


_OVERRIDE = NumbaOverride("PPL_VECTOR_MATH", _overrides)


def install() -> bool:
    """Use this module for float64 ``Exp``, ``Log``, ``Log1p``, ``Expm1``, ``Softplus`` and
    ``Sigmoid`` in graphs compiled from now on (other dtypes: as before). Idempotent.

    Returns
    -------
    bool
        Whether installed: False, registering nothing, if ``PPL_VECTOR_MATH`` is ``0``,
        ``false``, ``no`` or ``off``.

    Examples
    --------
    >>> from ppl.compiled import vecmath
    >>> vecmath.install()  # doctest: +SKIP
    True
    """
    return _OVERRIDE.install()


def uninstall() -> None:
    """Give the ops back to the implementations registered before :func:`install` (if any)."""
    _OVERRIDE.uninstall()


def is_installed() -> bool:
    """Whether :func:`install` is in effect.

    Examples
    --------
    >>> from ppl.compiled import vecmath
    >>> vecmath.is_installed() in (True, False)
    True
    """
    return _OVERRIDE.installed

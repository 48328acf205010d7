"""NUTS and its warm-up compiled with Numba, calling a Numba log-density directly.

The algorithm is the one of :mod:`ppl.step_methods.hmc.nuts` (multinomial sampling inside
subtrees, biased progressive sampling between the trajectory and a new subtree, generalized
U-turn criterion with the two extra checks across the merge point, divergence when the energy
error exceeds ``max_energy_error`` or the density fails) and of
:mod:`ppl.step_methods.hmc.adaptation` (dual averaging, windowed diagonal mass matrix with
Welford variances regularised as Stan does, a step-size search after every new mass matrix).
The metric can also follow running estimates of ``sqrt(var(x) / var(grad))``, during Stan's
first window (``ADAPT_HYBRID``, the driver's default) or the whole warm-up (``ADAPT_GRADIENT``).

Subtrees are built iteratively: leaf ``k`` of a subtree of depth ``d`` is merged with the
pending left halves stored at the levels given by the trailing one-bits of ``k``, in the same
order the recursive reference builds them, so the same checks and random draws happen at the
same points. All buffers are preallocated once per call of :func:`run_chunk`, which
:mod:`ppl.step_methods.numba_nuts.build` compiles.

The log-density is a first-class function ``logp_dlogp(x, grad_out, data) -> logp`` (see
:data:`LOGP_DLOGP_SIGNATURE`) passed with its ``data`` argument, an integer the kernel hands to
every call unchanged (for a ppl model, the address of a table of the model's data arrays, so new
data need no new compilation): the kernel is compiled once, with an explicit signature, and
cached on disk, whatever the model.
"""

import math

import numpy as np
from numba import njit, types

__all__ = [
    "FLOAT_STATS",
    "INT_STATS",
    "LOGP_DLOGP_SIGNATURE",
    "LOGP_DLOGP_TYPE",
    "SCALAR_FIELDS",
]

#: ``logp_dlogp(x: float64[::1], grad_out: float64[::1], data: int64) -> float64``; writes the
#: gradient. ``data`` is passed through unchanged (0 when the function needs none).
LOGP_DLOGP_SIGNATURE = types.float64(types.float64[::1], types.float64[::1], types.int64)
#: The Numba type of a log-density passed to the kernel.
LOGP_DLOGP_TYPE = types.FunctionType(LOGP_DLOGP_SIGNATURE)

#: Columns of the float statistics array, in order.
FLOAT_STATS = (
    "acceptance_rate",
    "energy",
    "energy_error",
    "max_energy_error",
    "step_size",
    "step_size_bar",
    "lp",
)
#: Columns of the integer statistics array, in order.
INT_STATS = ("tree_depth", "n_steps", "diverging", "reached_max_treedepth")

#: Slots of the scalar state vector that persists between chunks.
SCALAR_FIELDS = (
    "logp",
    "log_step_size",
    "log_step_size_bar",
    "mean_error",
    "da_iteration",
    "mu",
    "welford_count",
    "search_pending",
    "n_grad_evals",
    "n_done",
    "background_count",
)
(_LOGP, _LOG_EPS, _LOG_EPS_BAR, _MEAN_ERR, _DA_ITER, _MU, _W_COUNT, _SEARCH, _N_GRAD, _N_DONE,
 _BG_COUNT) = range(len(SCALAR_FIELDS))

#: Metric adaptations (``adapt_mode``). Stan: windowed, regularised variances of the draws.
#: Gradient: running estimates of sqrt(var(draws) / var(gradients)) set the metric after every
#: iteration (a foreground estimate, replaced by a background one on a schedule). Hybrid: the
#: gradient estimates during Stan's initial fast window, then Stan's slow windows.
ADAPT_STAN, ADAPT_GRADIENT, ADAPT_HYBRID = 0, 1, 2
#: Rows of the Welford state: (mean, sum of squares) of draws and of gradients, foreground then
#: background.
WELFORD_ROWS = 8
#: Draws a foreground estimate needs before it sets the metric.
_MIN_FOREGROUND = 3

# Vector fields of a stored (pending left) subtree and of the current subtree.
_START_P, _START_V, _END_P, _END_V, _PSUM, _PROP_Q, _PROP_G = range(7)
_N_VEC = 7
# Scalar fields of a subtree.
_LOGW, _PROP_LOGP, _PROP_ENERGY = range(3)
# Trajectory totals.
_T_STEPS, _T_ACCEPT, _T_DIVERGING, _T_WORST = range(4)

_JIT = {"cache": True, "nogil": True, "error_model": "numpy"}
# O(dim) sums may be reassociated (LLVM splits them over vector lanes instead of one latency-
# bound chain); no flag assumes finite values: divergences are non-finite energies.
_JIT_SUMS = {**_JIT, "fastmath": {"reassoc", "contract", "nsz"}}


@njit(**_JIT)
def _log_add_exp(a, b):
    if a > b:
        return a + math.log1p(math.exp(b - a))
    return b + math.log1p(math.exp(a - b))


@njit(**_JIT_SUMS)
def _dot(a, b):
    s = 0.0
    for i in range(a.size):
        s += a[i] * b[i]
    return s


@njit(**_JIT)
def _turning(v_minus, v_plus, p_sum):
    return _dot(v_plus, p_sum) <= 0.0 or _dot(v_minus, p_sum) <= 0.0


@njit(**_JIT_SUMS)
def _turning_sum(v_minus, v_plus, a, b):
    # _turning(v_minus, v_plus, a + b) without allocating.
    s_plus = 0.0
    s_minus = 0.0
    for i in range(a.size):
        s = a[i] + b[i]
        s_plus += v_plus[i] * s
        s_minus += v_minus[i] * s
    return s_plus <= 0.0 or s_minus <= 0.0


@njit(**_JIT_SUMS)
def _leapfrog(logp_fn, q, p, g, v, inv_mass, eps):
    """One leapfrog step in place on (q, p, g, v); returns (logp, kinetic energy, ok).

    ``logp_fn`` is the pair (log-density, its data argument)."""
    half = 0.5 * eps
    for i in range(q.size):
        p[i] += half * g[i]
        q[i] += eps * inv_mass[i] * p[i]
    logp = logp_fn[0](q, g, logp_fn[1])
    grad_norm2 = 0.0
    kinetic = 0.0
    for i in range(q.size):
        grad_norm2 += g[i] * g[i]
        p[i] += half * g[i]
        v[i] = inv_mass[i] * p[i]
        kinetic += p[i] * v[i]
    ok = math.isfinite(logp) and math.isfinite(grad_norm2)
    return logp, 0.5 * kinetic, ok


@njit(**_JIT)
def _build_subtree(
    logp_fn, rng, depth, eps, w_q, w_p, w_g, w_v, w_scal, inv_mass, energy0, max_error,
    pool_vec, pool_scal, pending, free, traj,
):
    """Integrate ``2**depth`` steps from the working state; -1 if the subtree is invalid.
    Subtrees live in slots of ``pool_vec``/``pool_scal`` (``pending[level]``: the left half
    waiting at that level; ``free``: a stack of unused slots), so storing one copies nothing.
    Returns the finished subtree's slot; the working state holds its end.
    """
    n_free = free.size
    for i in range(n_free):
        free[i] = i
    for k in range(1 << depth):
        traj[_T_STEPS] += 1.0
        logp, kinetic, ok = _leapfrog(logp_fn, w_q, w_p, w_g, w_v, inv_mass, eps)
        w_scal[0] = logp
        if not ok:
            traj[_T_DIVERGING] = 1.0
            traj[_T_WORST] = math.inf
            return -1
        energy = kinetic - logp
        error = energy - energy0
        if error != error:
            error = math.inf
        if abs(error) > abs(traj[_T_WORST]):
            traj[_T_WORST] = error
        if error > max_error:
            traj[_T_DIVERGING] = 1.0
            return -1
        traj[_T_ACCEPT] += 1.0 if error <= 0.0 else math.exp(-error)
        n_free -= 1
        cur = free[n_free]
        cur_vec = pool_vec[cur]
        cur_scal = pool_scal[cur]
        cur_vec[_START_P, :] = w_p
        cur_vec[_START_V, :] = w_v
        cur_vec[_END_P, :] = w_p
        cur_vec[_END_V, :] = w_v
        cur_vec[_PSUM, :] = w_p
        cur_vec[_PROP_Q, :] = w_q
        cur_vec[_PROP_G, :] = w_g
        cur_scal[_LOGW] = -error
        cur_scal[_PROP_LOGP] = logp
        cur_scal[_PROP_ENERGY] = energy

        level = 0
        while (k >> level) & 1:
            # Merge the pending left half at this level (first) with the current one (second).
            first = pool_vec[pending[level]]
            first_scal = pool_scal[pending[level]]
            if _turning_sum(first[_START_V], cur_vec[_END_V], first[_PSUM], cur_vec[_PSUM]):
                return -1
            if level >= 1 and (
                _turning_sum(first[_START_V], cur_vec[_START_V], first[_PSUM], cur_vec[_START_P])
                or _turning_sum(first[_END_V], cur_vec[_END_V], cur_vec[_PSUM], first[_END_P])
            ):
                return -1
            log_weight = _log_add_exp(first_scal[_LOGW], cur_scal[_LOGW])
            if not rng.random() < math.exp(cur_scal[_LOGW] - log_weight):
                cur_vec[_PROP_Q, :] = first[_PROP_Q]
                cur_vec[_PROP_G, :] = first[_PROP_G]
                cur_scal[_PROP_LOGP] = first_scal[_PROP_LOGP]
                cur_scal[_PROP_ENERGY] = first_scal[_PROP_ENERGY]
            cur_vec[_PSUM, :] += first[_PSUM]
            cur_vec[_START_P, :] = first[_START_P]
            cur_vec[_START_V, :] = first[_START_V]
            cur_scal[_LOGW] = log_weight
            free[n_free] = pending[level]  # the left half's slot is free again
            n_free += 1
            level += 1
        if level < depth:
            pending[level] = cur
        else:
            return cur
    return -1


@njit(**_JIT)
def _transition(logp_fn, rng, q, grad, scal, inv_mass, eps, max_treedepth, max_error, ws):
    """One NUTS transition from (q, grad, scal[_LOGP]), updated in place.

    Returns (acceptance_rate, energy, energy_error, max_energy_error, n_steps, depth, diverging).
    """
    (left, right, left_scal, right_scal, w, w_scal, pool_vec, pool_scal, pending, free,
     psum, prop_q, prop_g, traj) = ws
    dim = q.size
    logp0 = scal[_LOGP]
    kinetic = 0.0
    for i in range(dim):
        p = rng.standard_normal() / math.sqrt(inv_mass[i])
        v = inv_mass[i] * p
        kinetic += p * v
        for state in (left, right):
            state[0, i] = q[i]
            state[1, i] = p
            state[2, i] = grad[i]
            state[3, i] = v
        psum[i] = p
    energy0 = 0.5 * kinetic - logp0
    left_scal[0] = logp0
    right_scal[0] = logp0
    prop_q[:] = q
    prop_g[:] = grad
    prop_logp = logp0
    prop_energy = energy0
    log_weight = 0.0
    depth = 0
    traj[:] = 0.0
    while depth < max_treedepth:
        forward = rng.random() < 0.5
        if forward:
            outer, far, outer_scal = right, left, right_scal
        else:
            outer, far, outer_scal = left, right, left_scal
        w[:, :] = outer
        slot = _build_subtree(
            logp_fn, rng, depth, eps if forward else -eps, w[0], w[1], w[2], w[3], w_scal,
            inv_mass, energy0, max_error, pool_vec, pool_scal, pending, free, traj,
        )
        if slot < 0:
            break
        cur_vec = pool_vec[slot]
        cur_scal = pool_scal[slot]
        sub_logw = cur_scal[_LOGW]
        if sub_logw > log_weight or rng.random() < math.exp(sub_logw - log_weight):
            prop_q[:] = cur_vec[_PROP_Q]
            prop_g[:] = cur_vec[_PROP_G]
            prop_logp = cur_scal[_PROP_LOGP]
            prop_energy = cur_scal[_PROP_ENERGY]
        log_weight = _log_add_exp(log_weight, sub_logw)
        turning = _turning_sum(far[3], cur_vec[_END_V], psum, cur_vec[_PSUM])
        if depth > 0 and not turning:
            turning = _turning_sum(far[3], cur_vec[_START_V], psum, cur_vec[_START_P]) or (
                _turning_sum(outer[3], cur_vec[_END_V], cur_vec[_PSUM], outer[1])
            )
        depth += 1
        outer[:, :] = w
        outer_scal[0] = w_scal[0]
        psum += cur_vec[_PSUM]
        if turning:
            break
    q[:] = prop_q
    grad[:] = prop_g
    scal[_LOGP] = prop_logp
    n_steps = traj[_T_STEPS]
    return (
        traj[_T_ACCEPT] / n_steps,
        prop_energy,
        prop_energy - energy0,
        traj[_T_WORST],
        int(n_steps),
        depth,
        traj[_T_DIVERGING] > 0.0,
    )


@njit(**_JIT)
def _find_reasonable_step_size(logp_fn, rng, q, grad, logp, inv_mass, eps, w_q, w_p, w_g, w_v):
    """Double or halve ``eps`` until one leapfrog step's acceptance crosses 0.8 (Stan).

    Returns the step size and the number of gradient evaluations.
    """
    threshold = math.log(0.8)
    n_evals = 0
    direction = 0.0
    for trial in range(51):
        if trial > 0:
            eps *= 2.0**direction
        kinetic0 = 0.0
        for i in range(q.size):
            p = rng.standard_normal() / math.sqrt(inv_mass[i])
            w_p[i] = p
            kinetic0 += p * inv_mass[i] * p
        w_q[:] = q
        w_g[:] = grad
        new_logp, kinetic1, ok = _leapfrog(logp_fn, w_q, w_p, w_g, w_v, inv_mass, eps)
        n_evals += 1
        delta = new_logp - logp + 0.5 * kinetic0 - kinetic1
        above = ok and math.isfinite(delta) and delta > threshold
        if trial == 0:
            direction = 1.0 if above else -1.0
        elif above != (direction > 0.0):
            break
    return eps, n_evals


@njit(**_JIT)
def _dual_averaging_init(scal, eps):
    scal[_LOG_EPS] = math.log(eps)
    scal[_LOG_EPS_BAR] = math.log(eps)
    scal[_MEAN_ERR] = 0.0
    scal[_DA_ITER] = 0.0
    scal[_MU] = math.log(10.0 * eps)


@njit(**_JIT)
def _dual_averaging_update(scal, acceptance_rate, target_accept):
    gamma, t0, kappa = 0.05, 10.0, 0.75
    if not acceptance_rate >= 0.0:
        acceptance_rate = 0.0
    t = scal[_DA_ITER] + 1.0
    weight = 1.0 / (t + t0)
    mean_error = (1.0 - weight) * scal[_MEAN_ERR] + weight * (target_accept - acceptance_rate)
    log_eps = scal[_MU] - math.sqrt(t) / gamma * mean_error
    decay = t**-kappa
    scal[_LOG_EPS_BAR] = decay * log_eps + (1.0 - decay) * scal[_LOG_EPS_BAR]
    scal[_LOG_EPS] = log_eps
    scal[_MEAN_ERR] = mean_error
    scal[_DA_ITER] = t


@njit(**_JIT)
def _welford_push(welford, row, count, x):
    """Add ``x`` to the (mean, sum of squares) in rows ``row, row + 1``; ``count`` includes it."""
    mean = welford[row]
    m2 = welford[row + 1]
    for i in range(x.size):
        delta = x[i] - mean[i]
        mean[i] += delta / count
        m2[i] += delta * (x[i] - mean[i])


@njit(**_JIT)
def _adapt_windowed(it, q, inv_mass, welford, scal, window_ends):
    """Stan's slow windows: regularised variances of the window's draws at its end, then a
    fresh step-size search."""
    count = scal[_W_COUNT] + 1.0
    _welford_push(welford, 0, count, q)
    scal[_W_COUNT] = count
    is_end = False
    for e in range(window_ends.size):
        if window_ends[e] == it + 1:
            is_end = True
    if is_end and count >= 2.0:
        for i in range(q.size):
            var = welford[1, i] / (count - 1.0)
            inv_mass[i] = (count / (count + 5.0)) * var + 1e-3 * 5.0 / (count + 5.0)
        welford[0:2, :] = 0.0
        scal[_W_COUNT] = 0.0
        _dual_averaging_init(scal, math.exp(scal[_LOG_EPS]))
        scal[_SEARCH] = 1.0


@njit(**_JIT)
def _adapt_running(it, q, grad, inv_mass, welford, scal, switches):
    """Two running estimates of sqrt(var(draws) / var(gradients)) (exact for a Gaussian with
    independent coordinates, whatever the number of draws): every draw enters both; the
    foreground sets the metric after each iteration, and at a switch the background (the more
    recent draws) becomes the foreground."""
    fg = scal[_W_COUNT] + 1.0
    bg = scal[_BG_COUNT] + 1.0
    _welford_push(welford, 0, fg, q)
    _welford_push(welford, 2, fg, grad)
    _welford_push(welford, 4, bg, q)
    _welford_push(welford, 6, bg, grad)
    scal[_W_COUNT] = fg
    scal[_BG_COUNT] = bg
    if fg >= _MIN_FOREGROUND:
        for i in range(q.size):
            var_q = welford[1, i] / (fg - 1.0)
            var_g = welford[3, i] / (fg - 1.0)
            value = math.sqrt(var_q / var_g) if var_g > 0.0 else var_q
            if value > 0.0 and math.isfinite(value):
                inv_mass[i] = min(max(value, 1e-10), 1e10)
    for e in range(switches.size):
        if switches[e] == it + 1:
            welford[0:4, :] = welford[4:8, :]
            welford[4:8, :] = 0.0
            scal[_W_COUNT] = scal[_BG_COUNT]
            scal[_BG_COUNT] = 0.0


def run_chunk(
    logp_function, data, rng, start, stop, n_tune, adapt_mode, slow_start, adapt_stop, window_ends,
    target_accept, max_treedepth, max_error, q, grad, inv_mass, welford, scal, draws, stats_f,
    stats_i,
):
    logp_fn = (logp_function, data)
    dim = q.size
    levels = max(max_treedepth, 1)
    ws = (
        np.empty((4, dim)),  # left: q, p, grad, velocity
        np.empty((4, dim)),  # right
        np.zeros(1),
        np.zeros(1),
        np.empty((4, dim)),  # working state
        np.zeros(1),
        np.empty((levels + 1, _N_VEC, dim)),  # subtree slots
        np.empty((levels + 1, 3)),
        np.zeros(levels, dtype=np.int64),  # pending slots per level
        np.zeros(levels + 1, dtype=np.int64),  # free slots
        np.empty(dim),
        np.empty(dim),
        np.empty(dim),
        np.zeros(4),
    )
    w = ws[4]
    for it in range(start, stop):
        tuning = it < n_tune
        if tuning:
            if scal[_SEARCH] > 0.0:
                eps, n_evals = _find_reasonable_step_size(
                    logp_fn, rng, q, grad, scal[_LOGP], inv_mass, math.exp(scal[_LOG_EPS]),
                    w[0], w[1], w[2], w[3],
                )
                scal[_N_GRAD] += n_evals
                _dual_averaging_init(scal, eps)
                scal[_SEARCH] = 0.0
            eps = math.exp(scal[_LOG_EPS])
        else:
            eps = math.exp(scal[_LOG_EPS_BAR])
            scal[_LOG_EPS] = scal[_LOG_EPS_BAR]
        accept, energy, energy_error, worst, n_steps, depth, diverging = _transition(
            logp_fn, rng, q, grad, scal, inv_mass, eps, max_treedepth, max_error, ws
        )
        scal[_N_GRAD] += n_steps
        if tuning:
            _dual_averaging_update(scal, accept, target_accept)
            if adapt_mode == ADAPT_HYBRID and it < slow_start:
                _adapt_running(it, q, grad, inv_mass, welford, scal, window_ends)
                if it + 1 == slow_start:  # Stan's slow windows from here on
                    welford[:, :] = 0.0
                    scal[_W_COUNT] = 0.0
                    scal[_BG_COUNT] = 0.0
                    _dual_averaging_init(scal, math.exp(scal[_LOG_EPS]))
                    scal[_SEARCH] = 1.0
            elif slow_start <= it < adapt_stop:
                if adapt_mode == ADAPT_GRADIENT:
                    _adapt_running(it, q, grad, inv_mass, welford, scal, window_ends)
                    if it + 1 == adapt_stop:  # the metric is final: a fresh step size for it
                        _dual_averaging_init(scal, math.exp(scal[_LOG_EPS]))
                        scal[_SEARCH] = 1.0
                else:
                    _adapt_windowed(it, q, inv_mass, welford, scal, window_ends)
        draws[it, :] = q
        stats_f[it, 0] = accept
        stats_f[it, 1] = energy
        stats_f[it, 2] = energy_error
        stats_f[it, 3] = worst
        stats_f[it, 4] = eps
        stats_f[it, 5] = math.exp(scal[_LOG_EPS_BAR])
        stats_f[it, 6] = scal[_LOGP]
        stats_i[it, 0] = depth
        stats_i[it, 1] = n_steps
        stats_i[it, 2] = 1 if diverging else 0
        stats_i[it, 3] = 1 if depth >= max_treedepth else 0
        scal[_N_DONE] = it + 1
    return stop

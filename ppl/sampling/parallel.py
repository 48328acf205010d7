"""Run chains one after another, in worker processes, or on any ``concurrent.futures`` executor.

Every chain runs the same function, :func:`run_chain`, on the same inputs (start point and random
generator), so a seed gives bit-identical draws whatever the parallelism. Workers limit
BLAS/OpenMP threads to one: on 2-core machines oversubscribed BLAS threads made multi-process
chains up to 30x slower.

How the model reaches a worker:
- ``fork`` (the default on Linux): workers inherit the already compiled log-density; nothing is
  pickled or compiled again, and user scripts need no ``if __name__ == "__main__":`` guard;
- ``spawn``/``forkserver`` or a user ``executor`` (e.g. Dask): the chain is sent by value
  (cloudpickle) and the worker compiles the log-density once.

Progress: forked and spawned workers of our own pool, and a user's ``ThreadPoolExecutor``, send
it every 10 draws through a queue; other executors (a Dask cluster, a user's process pool) cannot
reach a queue of this process, so their chains are reported when they finish.

Lost chains: a chain whose future raises (its code failed, its Dask worker died:
``KilledWorker``, a process of the pool died: ``BrokenProcessPool``, ...) becomes a
:class:`ChainFailure`, and the other chains are kept; :func:`lost_chain_attrs` records them in the
InferenceData.
"""

import contextlib
import logging
import multiprocessing
import queue as queue_module
import sys
import time
import warnings
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

import cloudpickle
import numpy as np
from threadpoolctl import threadpool_limits

from ppl.exceptions import SamplingError
from ppl.sampling.assign import VarLayout, build_array_step
from ppl.step_methods.driver import ArraySampleResult, sample_array

__all__ = ["ChainSpec", "run_chain", "run_chains", "ChainFailure", "lost_chain_attrs"]

_log = logging.getLogger(__name__)


@dataclass
class ChainSpec:
    """Everything one chain needs: the step methods (with their model), start and generator."""

    steps: list
    layout: VarLayout
    start: dict
    rng: np.random.Generator
    draws: int
    tune: int
    numba_options: dict | None = None  # set: run on the compiled NUTS kernel
    numba_fn: object = None  # its log-density, built in this process (not pickled)
    draw_callback: object = None  # ``(i, q, stats, tuning)`` after every iteration, in-process

    def __getstate__(self):
        state = dict(self.__dict__)
        state["numba_fn"] = None  # a Numba function built from generated source: rebuilt
        state["draw_callback"] = None  # the user's callback runs in the sampling process only
        return state


@dataclass
class ChainFailure:
    """A chain that returned nothing: its index and why (exception type and message)."""

    chain: int
    error: str


def lost_chain_attrs(failures: list[ChainFailure]) -> dict:
    """InferenceData attributes recording the lost chains (empty when none was lost).

    Parameters
    ----------
    failures
        The chains that returned nothing, as :func:`run_chains` reports them.

    Returns
    -------
    dict
        ``lost_chains``: the lost chains' original indices (the surviving chains are numbered
        0, 1, ... in order), and ``lost_chains_errors``: why, as one string. Both can be
        written to netCDF. Empty when ``failures`` is.

    Examples
    --------
    >>> lost_chain_attrs([ChainFailure(2, "KilledWorker: worker died")])
    {'lost_chains': [2], 'lost_chains_errors': 'chain 2: KilledWorker: worker died'}
    >>> lost_chain_attrs([])
    {}
    """
    if not failures:
        return {}
    return {
        "lost_chains": [int(f.chain) for f in failures],
        "lost_chains_errors": "; ".join(f"chain {f.chain}: {f.error}" for f in failures),
    }


def _describe_failure(err: BaseException) -> str:
    """``"Type: message"`` of a chain's exception, with a hint when a worker died or lacks ppl."""
    text = f"{type(err).__name__}: {err}".rstrip(": ")
    if isinstance(err, BrokenProcessPool):
        hint = (
            "a worker process died, e.g. killed by a signal or for lack of memory; the pool then "
            "stops every chain running in it"
        )
    elif type(err).__name__ == "KilledWorker":  # distributed.KilledWorker; dask is optional
        hint = (
            "the Dask worker running this chain died; Dask re-runs a chain on another worker up "
            "to distributed.scheduler.allowed-failures times before giving up"
        )
    elif isinstance(err, ModuleNotFoundError):
        hint = "the workers need ppl and every package the model uses, in the versions used here"
    else:
        return text
    return f"{text} (Hint: {hint}.)"


def run_chain(spec: ChainSpec, chain: int, report=None) -> ArraySampleResult:
    """Sample one chain; ``report(chain, done, divergences, tuning)`` is called every 10 draws."""
    if spec.numba_options is not None:
        from ppl.sampling.numba_chain import run_numba_chain  # imports the kernel (Numba)

        return run_numba_chain(spec, chain, report)
    array_step = build_array_step(spec.steps, spec.start, spec.layout)
    total = spec.tune + spec.draws
    divergences = 0

    def on_draw(i, q, stats, tuning):
        nonlocal divergences
        if not tuning and stats.get("diverging", False):
            divergences += 1
        if report is not None and (i % 10 == 9 or i == total - 1):
            report(chain, i + 1, divergences, tuning)
        if spec.draw_callback is not None:
            spec.draw_callback(i, q, stats, tuning)

    return sample_array(
        array_step, spec.layout.to_flat(spec.start), draws=spec.draws, tune=spec.tune,
        rng=spec.rng, discard_tuned_samples=False, callback=on_draw,
    )


def _reporter(progress_queue):
    """A ``report`` callback that sends progress to the parent, or None."""
    if progress_queue is None:
        return None
    return lambda chain, done, divs, tuning: progress_queue.put((chain, done, divs, tuning))


def _blas_limits(threads: int | None):
    """Limit BLAS/OpenMP threads to ``threads`` inside the block (None: leave them)."""
    return contextlib.nullcontext() if threads is None else threadpool_limits(limits=threads)


def _worker(payload: bytes, chain: int, progress_queue, threads: int | None) -> ArraySampleResult:
    spec = cloudpickle.loads(payload)
    with _blas_limits(threads):
        return run_chain(spec, chain, _reporter(progress_queue))


#: What forked workers inherit: the chain specs and the progress queue of the current run.
_FORKED_RUN: tuple | None = None


def _forked_worker(chain: int, threads: int | None) -> ArraySampleResult:
    specs, progress_queue = _FORKED_RUN
    with _blas_limits(threads):
        return run_chain(specs[chain], chain, _reporter(progress_queue))


def default_mp_ctx() -> str:
    """``"fork"`` on Linux (fast, no re-import of ``__main__``), ``"spawn"`` elsewhere."""
    return "fork" if sys.platform.startswith("linux") else "spawn"


def _mp_context(name: str):
    ctx = multiprocessing.get_context(name)
    if name == "forkserver":
        ctx.set_forkserver_preload(["ppl"])
    return ctx


def _serialise(spec: ChainSpec) -> bytes:
    try:
        return cloudpickle.dumps(spec)
    except Exception as err:  # noqa: BLE001 - any pickling failure gets the same advice
        raise SamplingError(
            f"The model cannot be sent to worker processes: {type(err).__name__}: {err}. Hint: "
            "sample with cores=1, or make the objects in the model (e.g. black-box functions) "
            "picklable."
        ) from err


def run_chains(
    specs: list[ChainSpec],
    *,
    cores: int,
    progress,
    executor: Executor | None = None,
    mp_ctx: str | None = None,
    blas_cores: int | None = None,
):
    """Run every chain and return ``(results, failures, interrupted)``.

    ``blas_cores`` is the total number of BLAS threads (None: no limit), shared between the
    worker processes (at least one each); on a user ``executor`` every chain may run at once, so
    it is shared between all the chains.

    ``results`` is a list with one ``ArraySampleResult`` (or None) per chain. A chain that raises
    becomes a :class:`ChainFailure`; the other chains' draws are kept.
    """
    tasks = [progress.add_chain(c, s.tune + s.draws) for c, s in enumerate(specs)]

    def update(chain, done, divs, tuning):
        progress.update(tasks[chain], done, divs, tuning)

    def lost(chain):
        progress.lost(tasks[chain])

    if executor is None and (cores <= 1 or len(specs) == 1):
        with _blas_limits(None if blas_cores is None else max(1, int(blas_cores))):
            return _run_in_process(specs, update, lost)
    workers = len(specs) if executor is not None else max(1, min(cores, len(specs)))
    threads = None if blas_cores is None else max(1, int(blas_cores) // workers)
    return _run_in_workers(
        specs, cores, (update, lost), executor, mp_ctx or default_mp_ctx(), threads
    )


def _run_in_process(specs, update, lost):
    results, failures = [], []
    for chain, spec in enumerate(specs):
        try:
            result = run_chain(spec, chain, update)
        except Exception as err:  # noqa: BLE001 - a failing chain must not lose the others
            lost(chain)
            failures.append(ChainFailure(chain, _describe_failure(err)))
            results.append(None)
            continue
        results.append(result)
        if result.interrupted:
            return results, failures, True
    return results, failures, False


#: Seconds to wait, after Ctrl-C, for chains to return their draws: our own workers got the
#: interrupt too and stop at once; a user's executor (a Dask cluster) may never hear of it.
_INTERRUPT_GRACE = {True: 60.0, False: 5.0}


def _run_in_workers(specs, cores, reporters, executor, mp_ctx: str, threads: int | None):
    global _FORKED_RUN
    own_executor = executor is None
    forked = own_executor and mp_ctx == "fork"
    payloads = None if forked else [_serialise(s) for s in specs]
    manager = None
    progress_queue = None
    if own_executor:
        ctx = _mp_context(mp_ctx)
        if forked:
            progress_queue = ctx.Queue()
            _FORKED_RUN = (specs, progress_queue)
        else:
            manager = ctx.Manager()
            progress_queue = manager.Queue()
        executor = ProcessPoolExecutor(max_workers=min(cores, len(specs)), mp_context=ctx)
    elif isinstance(executor, ThreadPoolExecutor):
        progress_queue = queue_module.Queue()  # threads share this process: live progress
    interrupted = False
    try:
        if forked:
            futures: list[Future] = [executor.submit(_forked_worker, c, threads) for c in range(len(specs))]
        else:
            futures = [
                executor.submit(_worker, p, c, progress_queue, threads)
                for c, p in enumerate(payloads)
            ]
        try:
            _wait_with_progress(futures, progress_queue, *reporters)
        except KeyboardInterrupt:
            # Workers in this process group got the interrupt too and return what they drew.
            interrupted = True
            _log.warning("Interrupted: collecting the draws the workers completed.")
            _wait_with_progress(
                futures, progress_queue, *reporters, timeout=_INTERRUPT_GRACE[own_executor]
            )
        results, failures, stopped = _collect(futures)
        return results, failures, interrupted or stopped
    finally:
        _FORKED_RUN = None
        if own_executor:
            executor.shutdown(wait=not interrupted, cancel_futures=True)
            if manager is not None:
                manager.shutdown()


def _collect(futures: list[Future]):
    """``(results, failures, interrupted)`` from the chains' futures; unfinished ones are cancelled."""
    results, failures, interrupted = [], [], False
    for chain, fut in enumerate(futures):
        result = None
        if not fut.done():
            fut.cancel()
            failures.append(ChainFailure(chain, "still running after the interrupt: cancelled"))
        elif fut.cancelled():  # e.g. a Dask client closed while the chain ran
            failures.append(ChainFailure(chain, "its task was cancelled"))
        elif fut.exception() is not None:
            err = fut.exception()
            interrupted = interrupted or isinstance(err, KeyboardInterrupt)
            failures.append(ChainFailure(chain, _describe_failure(err)))
        else:
            result = fut.result()
            interrupted = interrupted or result.interrupted
        results.append(result)
    return results, failures, interrupted


def _finished(result: ArraySampleResult) -> tuple[int, int]:
    """Iterations and post-warm-up divergences of a finished chain (for its progress bar)."""
    diverging = result.stats.get("diverging")
    tuning = result.stats.get("tune")
    divergences = 0
    if diverging is not None:
        keep = slice(None) if tuning is None else ~np.asarray(tuning, dtype=bool)
        divergences = int(np.asarray(diverging, dtype=bool)[keep].sum())
    return len(result.draws), divergences


def _wait_with_progress(futures, progress_queue, update, lost, timeout: float | None = None):
    """Wait for the chains, passing on progress messages and each chain's end (done or lost)."""
    deadline = None if timeout is None else time.monotonic() + timeout
    reported: set[int] = set()

    def report_finished():
        for chain, fut in enumerate(futures):
            if chain in reported or not fut.done():
                continue
            reported.add(chain)
            if not fut.cancelled() and fut.exception() is None:
                update(chain, *_finished(fut.result()), False)
            else:
                lost(chain)

    while not all(f.done() for f in futures):
        report_finished()
        if deadline is not None and time.monotonic() > deadline:
            warnings.warn("Some chains did not stop in time after the interrupt.", stacklevel=3)
            return
        if progress_queue is None:
            time.sleep(0.05)
            continue
        try:
            message = progress_queue.get(timeout=0.1)
        except queue_module.Empty:
            continue
        update(*message)
    while progress_queue is not None:
        try:
            update(*progress_queue.get_nowait())
        except (queue_module.Empty, EOFError, OSError):
            break
    report_finished()

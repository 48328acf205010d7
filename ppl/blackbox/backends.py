"""Black-box ops in compiled functions: Numba (object mode) and the value/gradient fusion rewrite.

Numba
    PyTensor's Numba backend runs ops without a Numba implementation through Numba's object mode,
    warning once per op ("Numba will use object mode ..."). For black-box ops object mode is the
    design, not a fallback, so we register the same object-mode call ourselves, without the
    warning (pytest runs with warnings as errors). A graph holding a Python callable cannot go
    to Numba's on-disk cache, so we return no cache key: such graphs are compiled afresh in each
    process (seconds for a small model; the C backend, ``mode="C"``, compiles faster).

Fusion
    When the functions give the value and gradient in one call (JAX, PyTorch,
    ``value_and_grad_fn``), the gradient op also returns the value. The rewrite below replaces
    the value op's output by that one wherever both nodes sit on the same inputs, so the compiled
    log-density-and-gradient function calls the Python function once per evaluation.
"""

import itertools
import weakref
from collections.abc import Callable

import numba
from pytensor.graph.rewriting.basic import node_rewriter
from pytensor.graph.traversal import ancestors
from pytensor.link.numba.dispatch.basic import (
    generate_fallback_impl,
    get_numba_type,
    numba_njit,
    register_funcify_and_cache_key,
)
from pytensor.tensor.blockwise import Blockwise
from pytensor.tensor.rewriting.basic import register_specialize

from ppl.blackbox.op import BlackBoxGradOp, BlackBoxOp

__all__ = ["fuse_blackbox_value_and_gradient"]


#: Python callables reachable from compiled code by an integer key. Numba pickles every Python
#: object an object-mode block refers to into the compiled code; referring to this registry by a
#: key instead of to the op (and, through the node, the whole graph with any data the user's
#: function closes over) keeps compilation cheap and works for functions that cannot be pickled.
#: Entries live as long as the compiled function that holds them (see ``_object_mode_call``).
_PERFORM_REGISTRY: "weakref.WeakValueDictionary[int, Callable]" = weakref.WeakValueDictionary()
_NEXT_KEY = itertools.count()


def _call_registered(key: int, inputs):
    return _PERFORM_REGISTRY[key](inputs)


def _object_mode_call(op, node):
    """A Numba function running ``op.perform`` in object mode (the GIL is held there)."""
    n_outputs = len(node.outputs)
    single = n_outputs == 1
    types = [get_numba_type(out.type) for out in node.outputs]
    return_type = types[0] if single else numba.types.Tuple(types)

    def call_perform(inputs):
        storage = [[None] for _ in range(n_outputs)]
        op.perform(node, list(inputs), storage)
        return storage[0][0] if single else tuple(s[0] for s in storage)

    key = next(_NEXT_KEY)
    _PERFORM_REGISTRY[key] = call_perform

    @numba_njit
    def blackbox_call(*inputs):
        with numba.objmode(result=return_type):
            result = _call_registered(key, inputs)
        return result

    # The compiled graph holds this dispatcher (in its globals), which holds the callable.
    blackbox_call.ppl_perform = call_perform
    return blackbox_call


@register_funcify_and_cache_key(BlackBoxOp)
@register_funcify_and_cache_key(BlackBoxGradOp)
def _numba_funcify_blackbox(op, node, **kwargs):
    return _object_mode_call(op, node), None  # None: not cacheable (holds Python callables)


@register_funcify_and_cache_key(Blockwise)
def _numba_funcify_blockwise(op, node, **kwargs):
    """A black-box op vectorised over draws (e.g. a Deterministic in ``to_inference_data``).

    PyTensor compiles a Blockwise to a Numba loop only once its core output shape is known
    (BlockwiseWithCoreShape, which calls our object-mode function per item); otherwise it runs
    ``Blockwise.perform`` in object mode, with a warning. For black-box core ops that is the
    intended path, so it runs without the warning; any other Blockwise gets PyTensor's own
    fallback, unchanged (PyTensor registers nothing for Blockwise itself).
    """
    if isinstance(op.core_op, (BlackBoxOp, BlackBoxGradOp)):
        return _object_mode_call(op, node), None
    return generate_fallback_impl(op, node, **kwargs), None


@register_specialize
@node_rewriter([BlackBoxOp])
def fuse_blackbox_value_and_gradient(fgraph, node):
    """Take a black-box value from the gradient node that computes it anyway."""
    spec = node.op.spec
    if not (spec.fused_grad or spec.fused_vjp):
        return None
    for client, _ in fgraph.clients.get(node.inputs[0], ()):
        op = client.op
        if not (isinstance(op, BlackBoxGradOp) and op.with_value and op.spec is spec):
            continue
        args = client.inputs[1:] if op.vjp else client.inputs
        if list(args) != list(node.inputs):
            continue
        if client.outputs[0].type != node.outputs[0].type:
            continue
        # A cotangent computed from the value (e.g. from its shape) would make a cycle.
        if op.vjp and node.outputs[0] in set(ancestors([client.inputs[0]])):
            continue
        return [client.outputs[0]]
    return None

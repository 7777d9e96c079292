"""Arb-certified independence of realizable grid tensors: universality of tanh and sigmoid families.

Proposition (the ``arb_independence`` certificate of a ``universality`` statement, proved): the networks of
the statement's family (activation tanh or sigmoid; any pooling; shallow or deep; F as stated) realize every
grid tensor in R^(M^N).  Quantifier: for all tensors B there exist weights with A = B; the certificate gives
M^N explicit networks with RATIONAL weights, each of the family.

Why acceptance implies truth:

1. Each network's grid tensor is recomputed here, by the kernel's own forward pass over the pooling tree
   (:func:`symbolic.kernel.generic.tree_tensor`), in python-flint ``arb`` balls at a fixed working precision:
   every layer-0 pre-activation is an exact rational (F times the weights, in Fractions) turned into an exact
   ball; tanh, 1 / (1 + exp(-x)), + and * of balls are outward rounded, so each ball contains the true
   value of its operation on every point of its operands' balls; max of two balls (``arb.max``) is the
   exact max when the balls are disjoint and otherwise a ball containing max(a, b) for every a, b in them.
   By induction over the layers every computed ball contains the true grid entry.
2. The M^N tensors are the rows of an M^N x M^N ball matrix containing the true matrix; ``arb_mat.det``
   (Gaussian elimination in ball arithmetic) returns a ball containing the determinant of every real
   matrix inside, so the true determinant.  If that ball excludes 0, the true determinant is nonzero and
   the M^N realizable tensors are linearly independent: they span R^(M^N).
3. The realizable set is closed under sums (the channels of two networks side by side: Z_1 + Z_2 channels,
   or the deep nets' widths added layer by layer with block-diagonal weights) and scaling (the output
   weights), as argued for ``matricization_rank`` in :mod:`symbolic.kernel.universality`, so it contains
   the span: every tensor.

When the ball contains 0 the precision is raised along :data:`LADDER` (each rung's cost estimated first,
:func:`symbolic.kernel.cost.work`); containing 0 at the last rung is a rejection, never a "no".  Only
tanh and sigmoid families are checked here; exact activations have the exact ``matricization_rank``
route, and a tanh or sigmoid family has only this one (the caller, :func:`.universality.realizations`,
picks the route from the statement's activation).

>>> from .network import read_net
>>> net = read_net({"architecture": "shallow", "N": 1, "M": 2, "activation": "tanh", "pooling": "product",
...                 "weights": {"hidden": [[[1, 0]]], "output": [[1]]}})
>>> [x.str(5, radius=False) for x in arb_tensor(net, 0)]  # tanh(1) e_0
['0.76159', '0']
>>> nets = [read_net({"architecture": "shallow", "N": 1, "M": 2, "activation": "sigmoid", "pooling": "max",
...                   "weights": {"hidden": [[[a, b]]], "output": [[1]]}}) for a, b in ((1, 0), (0, 1))]
>>> independent([(n, 0) for n in nets], "stack")
64
"""

from __future__ import annotations

import functools
import math
from fractions import Fraction

import flint
import numpy as np

from . import cost
from .failure import fail, need
from .generic import outer, tree_tensor
from .network import Net

LADDER = (64, 128, 256, 512, 1024)  # working precisions (bits) of the arb route, tried in order
ACTIVATIONS = {"tanh": lambda x: x.tanh(), "sigmoid": lambda x: 1 / (1 + (-x).exp())}


def _ball(x) -> flint.arb:
    """The exact ball of a rational (an int or Fraction weight), or a ball unchanged."""
    if isinstance(x, flint.arb):
        return x
    q = Fraction(x)
    return flint.arb(flint.fmpq(q.numerator, q.denominator))


def arb_tensor(net: Net, y: int) -> np.ndarray:
    """The flat row-major grid tensor of output ``y`` of a numeric tanh or sigmoid net, as arb balls at the
    current precision (``flint.ctx.prec``); a shallow net is the one-level tree of window N."""
    need(net.activation in ACTIVATIONS and not net.symbolic, f"arb tensor: {net.activation} nets with numeric "
         f"weights only (allowed: {sorted(ACTIVATIONS)})")
    M = net.M
    F = net.F or tuple(tuple(int(i == j) for j in range(M)) for i in range(M))
    fold = lambda v: tuple(sum((Fraction(F[d][j]) * Fraction(v[j]) for j in range(M)), Fraction(0))  # noqa: E731
                           for d in range(M))  # layer 0's pre-activations over the M templates, exactly
    lay0 = tuple(tuple(fold(v) for v in pos) for pos in net.layers[0])
    balls = lambda lay: tuple(tuple(tuple(_ball(x) for x in v) for v in pos) for pos in lay)  # noqa: E731
    window = net.N if net.architecture == "shallow" else net.window
    lifted = Net("deep", net.N, M, net.activation, net.pooling, None, window, net.order, net.shared,
                 tuple(balls(lay) for lay in (lay0,) + tuple(net.layers[1:])), balls((net.output,))[0], False)
    sig = ACTIVATIONS[net.activation]
    act = lambda t, key: np.array([sig(_ball(x)) for x in t.ravel()], dtype=object).reshape(t.shape)  # noqa: E731
    if net.pooling == "max":
        comb = lambda ts: functools.reduce(np.frompyfunc(lambda a, b: a.max(b), 2, 1).outer, ts)  # noqa: E731
    else:
        comb = outer(net.pooling, flint.arb(1))
    return tree_tensor(lifted, y, act, comb)


def independent(nets: list, what: str) -> int:
    """Accept n = M^N (net, output) pairs whose grid tensors' n x n arb determinant excludes 0, at the first
    precision of :data:`LADDER` where it does; returns that precision (bits)."""
    n = len(nets)
    need(n >= 1 and all(net.M ** net.N == n for net, _ in nets), f"{what}: expected M^N networks of M^N entries")
    forward = sum(len(net.weights()) * (net.N + 1) for net, _ in nets) * n  # convolutions and poolings
    old, det = flint.ctx.prec, None
    try:
        for prec in LADDER:
            cost.work((forward + n ** 3) * math.ceil(prec / 64), f"{what}: an {n} x {n} arb determinant at {prec} bits")
            flint.ctx.prec = prec
            det = flint.arb_mat([list(arb_tensor(net, y)) for net, y in nets]).det()
            if not det.contains(0):
                return prec
    finally:
        flint.ctx.prec = old
    return fail(f"{what}: the determinant's arb ball {det.str(5) if det is not None else '?'} contains 0 at "
                f"every precision up to {LADDER[-1]} bits")


__all__ = ["LADDER", "ACTIVATIONS", "arb_tensor", "independent"]

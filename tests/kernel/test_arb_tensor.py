"""Tests of symbolic/kernel/arb_tensor.py: the kernel's arb forward pass and the ``arb_independence`` check.

Second route: every arb ball of :func:`arb_tensor` must contain the value that an independent evaluator (mpmath
at 200 bits, point by point over the grid, recursing over the pooling tree written from docs/spec-format.md)
gives for random rational tanh and sigmoid nets: shallow and deep, every pooling, windows 2 and 4, patch
orders, sharing, F.
"""

from __future__ import annotations

import itertools
import time
from fractions import Fraction

import flint
import mpmath
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from symbolic.errors import CertificateError, TooLarge
from symbolic.kernel import cost
from symbolic.kernel.arb_tensor import LADDER, arb_tensor, independent
from symbolic.kernel.network import read_net


def _mp(x) -> mpmath.mpf:
    q = Fraction(x)
    return mpmath.mpf(q.numerator) / q.denominator


def _sigma(act, x):
    return mpmath.tanh(x) if act == "tanh" else 1 / (1 + mpmath.exp(-x))


def _pool(pl, vals):
    if pl == "product":
        return mpmath.fprod(vals)
    if pl == "max":
        return max(vals)
    return mpmath.fsum(vals) / (len(vals) if pl == "average" else 1)


def mp_entry(spec: dict, d: tuple) -> mpmath.mpf:
    """A[d] of a numeric spec, by recursion over the pooling tree, one grid point at a time (mpmath)."""
    N, M, act, pl = spec["N"], spec["M"], spec["activation"], spec["pooling"]
    F = spec.get("F") or [[int(i == j) for j in range(M)] for i in range(M)]
    shared, w = spec.get("shared", False), spec["weights"]
    if spec["architecture"] == "shallow":
        hidden = w["hidden"]
        vals = [_pool(pl, [_sigma(act, mpmath.fsum(_mp(a) * _mp(F[d[i]][j]) for j, a in
                                                   enumerate(ch if shared else ch[i]))) for i in range(N)])
                for ch in hidden]
        return mpmath.fsum(_mp(o) * v for o, v in zip(w["output"][0], vals))
    win, order, layers = spec.get("window", 2), spec.get("patch_order", list(range(N))), w["layers"]

    def node(level, k):  # activations (per channel) of the node at position k of layer `level`
        mats = layers[level] if shared else layers[level][k]
        if level == 0:
            x = [_mp(F[d[order[k]]][j]) for j in range(M)]
        else:
            kids = [node(level - 1, k * win + t) for t in range(win)]
            x = [_pool(pl, [c[j] for c in kids]) for j in range(len(kids[0]))]
        return [_sigma(act, mpmath.fsum(_mp(a) * v for a, v in zip(vec, x))) for vec in mats]

    top = [node(len(layers) - 1, t) for t in range(win)]
    pooled = [_pool(pl, [c[j] for c in top]) for j in range(len(top[0]))]
    return mpmath.fsum(_mp(o) * v for o, v in zip(w["output"][0], pooled))


RAT = st.builds(lambda p, q: f"{p}/{q}" if q > 1 else p, st.integers(-20, 20), st.integers(1, 8))


@st.composite
def nets(draw):
    act, pl = draw(st.sampled_from(["tanh", "sigmoid"])), draw(st.sampled_from(["product", "max", "sum", "average"]))
    shared = draw(st.booleans())
    arch = draw(st.sampled_from(["shallow", "deep"]))
    spec = {"architecture": arch, "activation": act, "pooling": pl, "shared": shared}
    if arch == "shallow":
        N, M, Z = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
        vec = st.lists(RAT, min_size=M, max_size=M)
        hidden = draw(st.lists(vec if shared else st.lists(vec, min_size=N, max_size=N), min_size=Z, max_size=Z))
        weights = {"hidden": hidden, "output": [draw(st.lists(RAT, min_size=Z, max_size=Z))]}
    else:
        N, win = draw(st.sampled_from([(2, 2), (4, 2), (4, 4)]))
        M = draw(st.integers(1, 3))
        spec.update(window=win, patch_order=draw(st.permutations(list(range(N)))))
        layers, prev, npos = [], M, N
        while npos > 1:
            r = draw(st.integers(1, 2))
            mat = st.lists(st.lists(RAT, min_size=prev, max_size=prev), min_size=r, max_size=r)
            layers.append(draw(mat) if shared else draw(st.lists(mat, min_size=npos, max_size=npos)))
            prev, npos = r, npos // win
        weights = {"layers": layers, "output": [draw(st.lists(RAT, min_size=prev, max_size=prev))]}
    spec.update(N=N, M=M, weights=weights)
    if draw(st.booleans()):
        spec["F"] = draw(st.lists(st.lists(RAT, min_size=M, max_size=M), min_size=M, max_size=M))
    return spec


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=nets(), prec=st.sampled_from(LADDER[:3]))
def test_every_ball_contains_the_mpmath_value(spec, prec):
    net = read_net(spec)
    old = flint.ctx.prec
    flint.ctx.prec = prec
    try:
        balls = arb_tensor(net, 0)
        flint.ctx.prec = 256  # the reference ball: the 55-digit mpmath value +- 1e-45
        with mpmath.workprec(200):
            refs = [flint.arb(mpmath.nstr(mp_entry(spec, d), 55, strip_zeros=False), "1e-45")
                    for d in itertools.product(range(spec["M"]), repeat=spec["N"])]
    finally:
        flint.ctx.prec = old
    for d, ball, ref in zip(itertools.product(range(spec["M"]), repeat=spec["N"]), balls, refs):
        assert ball.overlaps(ref), (d, ball.str(20), ref.str(20))
        assert ball.rad() < flint.arb(2) ** (20 - prec), ball.str(10)  # an enclosure that says something


def _stack(act, pl, M, vectors):
    return [(read_net({"architecture": "shallow", "N": 1, "M": M, "activation": act, "pooling": pl,
                       "weights": {"hidden": [[v]], "output": [[1]]}}), 0) for v in vectors]


def test_independent_and_dependent_stacks():
    assert independent(_stack("tanh", "product", 3, [[1, 0, 0], [0, 2, 0], [0, 0, "1/3"]]), "s") == 64
    with pytest.raises(CertificateError, match="contains 0 at every precision up to 1024 bits"):
        independent(_stack("tanh", "product", 2, [[1, 0], [1, 0]]), "s")  # two equal networks
    with pytest.raises(CertificateError, match="M\\^N networks"):
        independent(_stack("tanh", "product", 2, [[1, 0]]), "s")


def test_close_but_distinct_networks_need_a_higher_rung():
    """det [[tanh 1, tanh 2], [tanh(1 + 2^-100), tanh 2]] is about -2^-101: its ball holds 0 at 64 bits, and
    excludes it further up the ladder."""
    stack = _stack("tanh", "product", 2, [[1, 2], [str(1 + Fraction(1, 2**100)), 2]])
    assert independent(stack, "s") in LADDER[1:]


def test_exact_activations_are_refused():
    net = read_net({"architecture": "shallow", "N": 1, "M": 1, "activation": "relu", "pooling": "max",
                    "weights": {"hidden": [[[1]]], "output": [[1]]}})
    with pytest.raises(CertificateError, match="tanh"):
        arb_tensor(net, 0)


def test_cost_is_estimated_before_the_work():
    stack = _stack("tanh", "product", 4, [[int(i == j) for j in range(4)] for i in range(4)])
    assert independent(stack, "s") == 64
    t = time.process_time()
    with cost.budget(cost.Budget(entries=1)), pytest.raises(TooLarge, match="arb determinant"):
        independent(stack, "s")
    assert time.process_time() - t < 5

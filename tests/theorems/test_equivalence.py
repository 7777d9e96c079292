"""Tests of theorems/claims/equivalence.py: networks realize their generalized decompositions, and average
pooling is sum pooling with rescaled weights.

Second routes: :func:`average_to_sum` on numeric networks gives the same grid tensor by the
prover's decomposition and by the kernel's forward pass, and its weights are the average net's
divided by the window sizes (checked entry by entry from the paper's formula); a sum net with
unscaled weights is refused by the kernel.
"""

from __future__ import annotations

import itertools
from fractions import Fraction as Q

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symbolic.tensor.decompositions import grid_tensor
from symbolic.kernel.network import grid, read_net
from symbolic.spec.network import deep, shallow, spec_to_dict
from theorems.claims.common import source
from theorems.claims.equivalence import (average_to_sum, prove_equivalence_average, prove_equivalence_deep,
                                         prove_equivalence_shallow)
from theorems.claims.verdict import Status, Timer, conclude

OPS = [("linear", "product"), ("relu", "max"), ("relu", "sum"), ("abs", "average"), ("square", "max"),
       ("tanh", "sum")]


def _flat(a):
    return [x for b in a for x in _flat(b)] if isinstance(a, tuple) else [a]


@pytest.mark.parametrize("act, pool", OPS)
def test_equivalences_are_proved_and_kernel_checked(act, pool):
    for v in (prove_equivalence_shallow(N=2, M=2, Z=1, activation=act, pooling=pool),
              prove_equivalence_deep(N=4, M=2, widths=(1, 1), activation=act, pooling=pool, patch_order=[1, 3, 0, 2])):
        assert v.status is Status.PROVED and v.checked and v.method == "decomposition"
        spec = v.certificate["source"]["spec"]
        assert spec["weights"] == "symbolic" and all(isinstance(x, str) for r in spec["F"] for x in r)


def test_deep_equivalence_with_window_three():
    v = prove_equivalence_deep(N=9, M=2, widths=(1, 1), window=3, activation="relu", pooling="max")
    assert v.status is Status.PROVED and v.checked and v.instance["window"] == 3


@pytest.mark.parametrize("arch, act", [("shallow", "relu"), ("shallow", "square"), ("deep", "relu"),
                                       ("deep", "linear")])
def test_average_equivalence(arch, act):
    v = prove_equivalence_average(N=2 if arch == "shallow" else 4, M=2, architecture=arch, activation=act,
                                  widths=None if arch == "shallow" else (1, 1))
    assert v.status is Status.PROVED and v.checked and v.method == "tensor_equality"


@settings(max_examples=20, deadline=None)
@given(st.sampled_from(["relu", "abs", "linear", "square", "leaky_relu:1/3"]), st.integers(0, 10**6), st.booleans())
def test_average_to_sum_keeps_the_tensor_and_divides_by_the_window(act, seed, is_deep):
    avg = (deep(N=4, M=2, widths=(2, 1), activation=act, pooling="average", seed=seed, low=-9, high=9) if is_deep
           else shallow(N=3, M=2, Z=2, activation=act, pooling="average", seed=seed, low=-9, high=9, Y=2))
    summ = average_to_sum(avg)
    assert summ.pooling.name == "sum"
    for y in range(avg.Y):
        assert grid_tensor(summ, y) == grid_tensor(avg, y)
        kernel = grid(read_net(spec_to_dict(summ)))[y]
        assert [Q(x) for x in kernel] == [Q(x) for x in grid_tensor(avg, y).entries()]
    if is_deep:  # the first layer is kept; every later layer and the output take the pooling's 1/w
        pairs = ([(avg.layers[0], summ.layers[0], 1)]
                 + [(avg.layers[l], summ.layers[l], avg.window) for l in range(1, avg.L)]
                 + [(avg.output, summ.output, avg.window)])
    else:
        pairs = [(avg.hidden, summ.hidden, 1), (avg.output, summ.output, avg.N)]
    for a, s, w in pairs:
        assert [Q(x) / w for x in _flat(a)] == [Q(x) for x in _flat(s)]


def test_unscaled_sum_net_is_refused_by_the_kernel():
    avg = shallow(N=2, M=2, Z=2, activation="relu", pooling="average", weights="symbolic", F=[["F_0_0", "F_0_1"],
                                                                                               ["F_1_0", "F_1_1"]])
    d = spec_to_dict(avg)
    d["pooling"] = "sum"  # the same weights, not divided by N
    from symbolic.spec.network import load_spec

    wrong = load_spec(d)
    cert = {"kind": "tensor_equality", "items": [source(avg), source(wrong)]}
    v = conclude("equivalence.average", "", "", dict(N=2, M=2, architecture="shallow", activation="relu", Z=2),
                 Status.PROVED, cert, Timer(), 0)
    assert v.status is Status.INCONCLUSIVE and not v.checked and "kernel did not verify" in v.detail
    right = {"kind": "tensor_equality", "items": [source(avg), source(average_to_sum(avg))]}
    assert conclude("equivalence.average", "", "", dict(N=2, M=2, architecture="shallow", activation="relu", Z=2),
                    Status.PROVED, right, Timer(), 0).checked


def test_equivalence_proves_for_all_weights_not_one():
    # the symbolic network has one symbol per weight and per entry of F (N M Z + Z + M^2 for a shallow net)
    v = prove_equivalence_shallow(N=3, M=2, Z=2, activation="relu", pooling="sum")
    net = read_net(v.certificate["source"]["spec"])
    symbols = {s for x in net.weights() for s in x.free_symbols}
    assert len(symbols) == 3 * 2 * 2 + 2 + 2 * 2
    assert all(len(x.free_symbols) == 1 for x in net.weights())  # distinct fresh symbols
    assert len({x for x in net.weights()}) == len(net.weights())
    assert list(itertools.chain(*net.F)) == [x for x in net.weights()[-4:]]

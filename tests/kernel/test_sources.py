"""Tests of symbolic/kernel/sources.py: networks named by certificates, literal tensors, functionals,
quantifier checks, and the kernel's own generalized CP / HT decompositions.

Second routes: the kernel's decomposition against its forward pass and against the prover's
grid tensor (symbolic.tensor.decompositions); flat indices against numpy's ravel_multi_index;
functionals against a plain sum over the entries.
"""

from __future__ import annotations

from fractions import Fraction as Q

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symbolic.tensor.decompositions import grid_tensor
from symbolic.errors import CertificateError
from symbolic.kernel.network import grid
from symbolic.kernel.sources import (apply_functional, coefficients, decomposition, default_widths, family_is,
                                     flat_index, for_all_weights, identity_F, literal, nat, net_of, numeric, same,
                                     tensor_of, zero)
from symbolic.spec.network import deep, shallow, spec_to_dict

OPS = [("linear", "product"), ("relu", "max"), ("relu", "sum"), ("abs", "average"), ("square", "sum"),
       ("leaky_relu:1/2", "max")]


def _src(spec, y=0):
    return {"spec": spec_to_dict(spec), "output": y}


# ----------------------------------------------------------------------------- the decompositions
@pytest.mark.parametrize("act, pool", OPS)
def test_decomposition_equals_the_forward_pass_and_the_provers_tensor(act, pool):
    for spec in (shallow(N=3, M=2, Z=2, activation=act, pooling=pool, seed=1, low=-9, high=9, Y=2,
                         F=[[1, 2], [0, -1]]),
                 deep(N=4, M=2, widths=(2, 2), activation=act, pooling=pool, seed=2, low=-9, high=9,
                      patch_order=[2, 0, 3, 1]),
                 deep(N=9, M=2, widths=(1, 2), window=3, activation=act, pooling=pool, seed=3, low=-4, high=4)):
        net = net_of(_src(spec))
        fwd = grid(net)
        for y in range(spec.Y):
            dec = decomposition(net, y)
            assert [Q(x) for x in dec] == [Q(x) for x in fwd[y]]
            assert [Q(x) for x in dec] == [Q(x) for x in grid_tensor(spec, y).entries()]


def test_symbolic_decomposition_is_an_identity_in_the_weights():
    spec = deep(N=4, M=2, widths=(1, 1), activation="relu", pooling="max", weights="symbolic",
                F=[["F_0_0", "F_0_1"], ["F_1_0", "F_1_1"]])
    net = net_of(_src(spec))
    assert same(decomposition(net, 0), np.asarray(grid(net)[0], dtype=object))
    assert same(tensor_of(_src(spec)), np.asarray(grid(net)[0], dtype=object))


# ----------------------------------------------------------------------------- sources
def test_net_of_and_tensor_of():
    spec = shallow(N=2, M=2, Z=1, activation="relu", pooling="max", Y=2, seed=4)
    assert net_of(_src(spec)).Y == 2
    assert [Q(x) for x in tensor_of(_src(spec, 1))] == [Q(x) for x in grid_tensor(spec, 1).entries()]
    for bad in ({"spec": spec_to_dict(spec), "output": 2}, {"spec": spec_to_dict(spec), "output": True},
                {"spec": spec_to_dict(spec)}, {"spec": spec_to_dict(spec), "output": 0, "x": 1}):
        with pytest.raises(CertificateError):
            net_of(bad)


def test_quantifier_checks():
    sym = net_of(_src(shallow(N=2, M=2, Z=1, weights="symbolic")))
    num = net_of(_src(shallow(N=2, M=2, Z=1, seed=0)))
    for_all_weights(sym, "s")
    with pytest.raises(CertificateError, match="symbolic"):
        for_all_weights(num, "s")
    fixed_F = net_of(_src(shallow(N=2, M=2, Z=1, weights="symbolic", F=[[1, 2], [3, 4]])))
    with pytest.raises(CertificateError, match="F must be"):
        for_all_weights(fixed_F, "s")
    with pytest.raises(CertificateError, match="identity"):
        identity_F(fixed_F, "s")
    identity_F(num, "s")
    numeric(num, "w")
    with pytest.raises(CertificateError, match="numeric"):
        numeric(sym, "w")
    family_is(num, {"architecture": "shallow", "N": 2, "Z": 1}, "w")
    with pytest.raises(CertificateError, match="N=2, the statement says 3"):
        family_is(num, {"N": 3}, "w")


@pytest.mark.parametrize("x, lo, hi, ok", [(1, 1, 4, True), (4, 1, 4, True), (0, 1, 4, False), (5, 1, 4, False),
                                           (True, 0, 4, False), (2.0, 1, 4, False), ("2", 1, 4, False)])
def test_nat(x, lo, hi, ok):
    if ok:
        assert nat(x, "N", lo, hi) == x
    else:
        with pytest.raises(CertificateError, match="N="):
            nat(x, "N", lo, hi)


# ----------------------------------------------------------------------------- literals and functionals
def test_literal_tensors():
    t = literal({"shape": [2, 2], "entries": [1, "1/2", -3, "a + 1"]}, (2, 2))
    assert list(t[:3]) == [1, Q(1, 2), -3] and t[3] == sympy.Symbol("a") + 1
    for bad in ({"shape": [2, 2], "entries": [1, 2, 3]}, {"shape": [4], "entries": [1, 2, 3, 4]},
                {"shape": [2, 2], "entries": [1, 2, 3, 0.5]}, {"shape": [2, 2], "entries": [1, 2, 3, True]},
                {"shape": [2, 2], "entries": [1, 2, 3, 4], "x": 0}):
        with pytest.raises(CertificateError):
            literal(bad, (2, 2))
    with pytest.raises(CertificateError, match="witness"):
        literal({"shape": [2, 2], "entries": [1, 2, 3, "a"]}, (2, 2), numbers_only=True)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 4), st.integers(1, 3), st.data())
def test_functionals_are_sums_over_entries(N, M, data):
    T = np.array(data.draw(st.lists(st.integers(-9, 9), min_size=M**N, max_size=M**N)), dtype=object)
    idxs = data.draw(st.lists(st.tuples(*[st.integers(0, M - 1)] * N), min_size=1, max_size=5, unique=True))
    qs = data.draw(st.lists(st.fractions(max_denominator=5), min_size=len(idxs), max_size=len(idxs)))
    if not any(qs):
        with pytest.raises(CertificateError, match="zero"):
            coefficients([[list(i), str(q)] for i, q in zip(idxs, qs)], N, M)
        return
    coeffs = coefficients([[list(i), str(q)] for i, q in zip(idxs, qs)], N, M)
    for i in idxs:
        assert flat_index(i, M) == np.ravel_multi_index(i, (M,) * N)
    want = sum((q * T[np.ravel_multi_index(i, (M,) * N)] for i, q in zip(idxs, qs)), Q(0))
    assert apply_functional(coeffs, T, M) == sympy.Rational(want.numerator, want.denominator)


@pytest.mark.parametrize("bad, match", [([], "nonempty"), ([[[0, 0], 1], [[0, 0], 2]], "repeated"),
                                        ([[[0, 2], 1]], "out of range"), ([[[0], 1]], "out of range"),
                                        ([[[0, 0], 0.5]], "not exact"), ([[[0, True], 1]], "out of range"),
                                        ([[[0, 0], "0"]], "zero"), ([[0, 0, 1]], "pairs")])
def test_malformed_coefficients(bad, match):
    with pytest.raises(CertificateError, match=match):
        coefficients(bad, 2, 2)


def test_zero_and_same():
    a, b = sympy.symbols("a b")
    assert zero(0) and zero(Q(0)) and not zero(Q(1, 3))
    assert zero((a + b) ** 2 - a**2 - 2 * a * b - b**2)
    assert zero(sympy.Max(a, b) - sympy.Max(b, a))
    assert not zero(sympy.Max(a, 0) - a)
    assert same(np.array([1, (a + 1) ** 2], dtype=object), np.array([1, a**2 + 2 * a + 1], dtype=object))
    assert not same(np.array([1, a], dtype=object), np.array([1, b], dtype=object))
    assert not same(np.array([1], dtype=object), np.array([1, 1], dtype=object))


@pytest.mark.parametrize("N, M, w", [(4, 2, 2), (8, 3, 2), (9, 2, 3), (16, 2, 4)])
def test_default_widths(N, M, w):
    ws = default_widths(N, M, w)
    assert ws == [M] * len(ws) and w ** len(ws) == N

"""Tests of symbolic/tensor/engines/: the exact, modular and symbolic engines compute the same grid tensors.

Routes compared on the same network: the exact engine's tensor; the modular engine's residues
(equal to the exact tensor reduced modulo p by Fermat, computed here); the symbolic engine's
tensor of the network with *symbolic* weights, evaluated at the numeric weights by exact
substitution; and the trusted kernel's own forward pass (symbolic.kernel.network.grid).
The engines' primitives (outer_pool, conv, pool) are checked against plain Python loops.
"""

from __future__ import annotations

import itertools
import random
from fractions import Fraction as Q

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symbolic.tensor.decompositions import grid_tensor
from symbolic.tensor.engines import DEFAULT_PRIME, ENGINES, get_engine
from symbolic.tensor.engines.base import as_fraction, outer_pool
from symbolic.tensor.engines.exact import ExactArithmetic
from symbolic.tensor.engines.modular import ModularArithmetic
from symbolic.errors import DomainError
from symbolic.kernel.network import grid as kernel_grid, read_net
from symbolic.tensor.operators import activation, pooling
from symbolic.spec.network import deep, shallow, spec_to_dict

EXACT_OPS = [(a, p) for a in ("linear", "relu", "abs", "square", "leaky_relu:1/3")
             for p in ("product", "max", "sum", "average")]


def _mod(q, p):
    q = Q(q)
    return q.numerator * pow(q.denominator, p - 2, p) % p  # Fermat: an independent inverse


def _symbolic_and_numeric(arch, act, pool, seed, **kw):
    """A network with symbolic weights, values for its symbols, and the numeric network with those values."""
    rng = random.Random(seed)
    make = shallow if arch == "shallow" else deep
    sym = make(activation=act, pooling=pool, weights="symbolic", **kw)
    values = {}

    def sub(a):
        if isinstance(a, tuple):
            return [sub(x) for x in a]
        v = Q(rng.randint(-9, 9), rng.choice((1, 1, 2, 3)))
        values[a] = sympy.Rational(v.numerator, v.denominator)
        return v.numerator if v.denominator == 1 else f"{v.numerator}/{v.denominator}"

    if arch == "shallow":
        w = {"hidden": sub(sym.hidden), "output": sub(sym.output)}
    else:
        w = {"layers": [sub(l) for l in sym.layers], "output": sub(sym.output)}
    return sym, values, make(activation=act, pooling=pool, weights=w, **kw)


# ----------------------------------------------------------------------------- three engines, one tensor
@pytest.mark.parametrize("act, pool", EXACT_OPS)
def test_modular_residues_are_the_exact_tensor_mod_p(act, pool):
    for s in (shallow(N=3, M=2, Z=2, activation=act, pooling=pool, seed=1, low=-20, high=20, denominators=(1, 3)),
              deep(N=4, M=3, widths=(2, 2), activation=act, pooling=pool, seed=2, low=-9, high=9, denominators=(1, 2))):
        exact = grid_tensor(s)
        for p in (DEFAULT_PRIME, 101):
            mod = grid_tensor(s, engine="modular", modulus=p)
            assert mod.modulus == p
            assert mod.entries() == tuple(_mod(v, p) for v in exact.entries())


@pytest.mark.parametrize("arch, act, pool", [("shallow", "relu", "max"), ("shallow", "square", "sum"),
                                             ("shallow", "abs", "average"), ("deep", "linear", "product"),
                                             ("deep", "relu", "max"), ("deep", "leaky_relu:1/2", "sum")])
def test_symbolic_tensor_at_the_weights_is_the_exact_tensor(arch, act, pool):
    kw = dict(N=3, M=2, Z=2) if arch == "shallow" else dict(N=4, M=2, widths=(2, 1))
    sym, values, num = _symbolic_and_numeric(arch, act, pool, seed=len(act) + len(pool), **kw)
    S = grid_tensor(sym, engine="symbolic")
    assert S.is_symbolic
    evaluated = [sympy.sympify(e).xreplace(values) for e in S.entries()]
    exact = grid_tensor(num).entries()
    assert [Q(int(e.p), int(e.q)) for e in evaluated] == [Q(x) for x in exact]
    # and the symbolic engine on the numeric network gives the same numbers
    assert grid_tensor(num, engine="symbolic") == grid_tensor(num)


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(EXACT_OPS), st.integers(0, 10**6), st.booleans())
def test_engines_agree_with_the_kernels_forward_pass(op, seed, is_deep):
    act, pool = op
    s = (deep(N=4, M=2, activation=act, pooling=pool, seed=seed, low=-50, high=50, denominators=(1, 5)) if is_deep
         else shallow(N=3, M=3, Z=2, activation=act, pooling=pool, seed=seed, low=-50, high=50, denominators=(1, 5)))
    kernel = [Q(x) for x in kernel_grid(read_net(spec_to_dict(s)))[0]]
    assert [Q(x) for x in grid_tensor(s).entries()] == kernel
    assert list(grid_tensor(s, engine="modular").entries()) == [_mod(x, DEFAULT_PRIME) for x in kernel]


def test_exact_engine_goes_past_int64():
    # |entries| up to (4 * 10^6)^... for a square/product net of N=4: far beyond 2^63
    s = deep(N=4, M=2, activation="square", pooling="product", seed=5, low=-10**6, high=10**6)
    A = grid_tensor(s).entries()
    assert max(abs(x) for x in A) > 2**63
    kernel = kernel_grid(read_net(spec_to_dict(s)))[0]
    assert [Q(x) for x in A] == [Q(x) for x in kernel]
    assert grid_tensor(s, engine="modular").entries() == tuple(_mod(x, DEFAULT_PRIME) for x in A)


# ----------------------------------------------------------------------------- primitives
@settings(max_examples=40, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(2, 3), st.integers(0, 10**6))
def test_outer_pool_is_the_generalized_outer_product(groups, C, K, w, seed):
    rng = np.random.default_rng(seed)
    arr = rng.integers(-5, 6, size=(groups * w, C, K)).astype(object)
    out = outer_pool(arr, w, lambda a, b: a * 10 + b)  # non-commutative: the order of the factors shows
    assert out.shape == (groups, C, K**w)
    for j, c in itertools.product(range(groups), range(C)):
        for n, ks in enumerate(itertools.product(range(K), repeat=w)):  # last index fastest
            v = arr[j * w, c, ks[0]]
            for t in range(1, w):
                v = v * 10 + arr[j * w + t, c, ks[t]]
            assert out[j, c, n] == v


@pytest.mark.parametrize("p, cin", [(101, 4), (2147483647, 3)])  # the second overflows one int64 matmul
def test_modular_conv_is_the_exact_product_mod_p(p, cin):
    rng = random.Random(cin)
    W = [[rng.randint(-p, p) for _ in range(cin)] for _ in range(2)]
    X = np.array([[[rng.randrange(p) for _ in range(3)] for _ in range(cin)]], dtype=np.int64)
    got = ModularArithmetic(p).conv(W, X)
    want = [[sum(W[c][a] * int(X[0, a, k]) for a in range(cin)) % p for k in range(3)] for c in range(2)]
    assert got.tolist() == [want]


def test_modular_pooling_and_average_inverse():
    p = 101
    ar = ModularArithmetic(p)
    X = np.array([[[3, 4]], [[5, 7]]], dtype=np.int64)  # 2 positions, 1 channel, K = 2
    assert ar.pool(pooling("product"), X, 2).tolist() == [[[15, 21, 20, 28]]]
    avg = ar.pool(pooling("average"), X, 2)
    assert [(2 * v) % p for v in avg[0, 0]] == [8, 10, 9, 11]
    with pytest.raises(DomainError, match="max"):
        ar.pool(pooling("max"), X, 2)


def test_exact_value_scale_tracks_denominators():
    ar = ExactArithmetic()
    X = ar.rep([[Q(1, 2), 0], [0, Q(1, 3)]], 2)  # F with denominators 2 and 3
    assert X.scale == 6
    Y = ar.conv([[Q(1, 5), 1], [2, Q(-1, 5)]], X)
    assert Y.scale == 30
    # the represented values are ints / scale: compare with Fraction arithmetic
    F = [[Q(1, 2), Q(0)], [Q(0), Q(1, 3)]]
    W = [[Q(1, 5), Q(1)], [Q(2), Q(-1, 5)]]
    for k in range(2):  # the representation of input value k is the column F[k]
        x = [F[k][j] for j in range(2)]
        want = [sum(W[c][a] * x[a] for a in range(2)) for c in range(2)]
        assert [Q(int(Y.arr[0, c, k]), Y.scale) for c in range(2)] == want


# ----------------------------------------------------------------------------- errors
def test_get_engine():
    assert set(ENGINES) == {"exact", "modular", "symbolic"}
    for name in ENGINES:
        assert get_engine(name).name == name
    assert get_engine("modular").p == DEFAULT_PRIME and get_engine("modular", 7).p == 7
    with pytest.raises(DomainError, match="engine='float'"):
        get_engine("float")


@pytest.mark.parametrize("p", [1, 4, 2**31 + 11, -7, 7.0, True])
def test_modular_engine_needs_a_prime_below_2_31(p):
    with pytest.raises(DomainError, match="modulus"):
        ModularArithmetic(p)


def test_exact_engines_refuse_what_is_not_exact():
    with pytest.raises(DomainError, match="engine='symbolic'"):
        as_fraction(sympy.Symbol("a"))
    with pytest.raises(DomainError):
        as_fraction(0.5)
    ar = ExactArithmetic()
    with pytest.raises(DomainError, match="tanh"):
        ar.activate(activation("tanh"), ar.rep([[1, 0], [0, 1]], 2))
    s = shallow(N=2, M=2, Z=1, weights="symbolic")
    for engine in ("exact", "modular"):
        with pytest.raises(DomainError, match="symbolic"):
            grid_tensor(s, engine=engine)
    t = shallow(N=2, M=2, Z=1, activation="tanh", pooling="sum", seed=0)
    with pytest.raises(DomainError, match="engine='symbolic'"):
        grid_tensor(t)
    assert grid_tensor(t, engine="symbolic").size == 4


def test_a_prime_dividing_the_denominator_is_refused():
    s = shallow(N=2, M=2, Z=1, activation="relu", pooling="max", weights={"hidden": [[[1, "1/7"], [1, 1]]],
                                                                              "output": [[1]]})
    with pytest.raises(DomainError, match="7"):
        grid_tensor(s, engine="modular", modulus=7)

"""Tests of symbolic/tensor/decompositions.py: generalized CP / HT against independent routes, and the engines.

Routes compared: the decomposition (level-by-level generalized outer products, the
engines), the circuit's forward pass (node by node, no generalized product), the
explicit generalized CP sum over z of o_z * (F a^{z,0}) (x)_g ... (x)_g (F a^{z,N-1})
built with :mod:`symbolic.tensor.generalized_product`, and an explicit HT recursion over
the pooling tree with the same products.
"""

from fractions import Fraction as Fr
from itertools import product

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symbolic.tensor.circuit_graph import circuit, forward_tensor
from symbolic.tensor.decompositions import (GeneralizedCP, GeneralizedHT, cp_to_tensor, decomposition, grid_tensor,
                                            grid_tensors,
                                            ht_to_tensor)
from symbolic.tensor.engines import DEFAULT_PRIME, ENGINES, get_engine
from symbolic.errors import DomainError, TooLarge
from symbolic.tensor.generalized_product import generalized_window_product, vector
from symbolic.tensor.operators import POOLINGS
from symbolic.spec.network import deep, load_spec, shallow, spec_to_dict
from symbolic.spec.strategies import EXACT_ACTIVATIONS, specs
from symbolic.tensor.grid import GridTensor

PAIRS = [(a, p) for a in EXACT_ACTIVATIONS for p in POOLINGS]
MERSENNE31 = 2**31 - 1


def _ids(pairs):
    return [f"{a.split(':')[0]}-{p}" for a, p in pairs]


# ----------------------------------------------------------------------------- decomposition == forward pass
@pytest.mark.parametrize("act, pool", PAIRS, ids=_ids(PAIRS))
@settings(max_examples=6)
@given(data=st.data())
def test_decomposition_equals_forward_pass(act, pool, data):
    """For every activation and pooling, shallow and deep, windows 2-4, patch orders, shared or not:
    the generalized CP/HT tensor equals the forward pass of the circuit, for every output."""
    s = data.draw(specs(activations=(act,), poolings=(pool,), M=(2, 3, 1), max_entries=256), label="spec")
    T = grid_tensors(s)
    assert len(T) == s.Y
    G = circuit(s)
    for y in range(s.Y):
        assert T[y] == forward_tensor(G, y), (spec_to_dict(s), y)


@settings(max_examples=25)
@given(specs(architecture="deep", windows=(2, 3, 4), N=(4, 8, 9, 16), M=(1, 2), max_entries=256, patch_order=True))
def test_deep_geometries(s):
    """Deep nets with a non-trivial window and pooling geometry against the forward pass."""
    G = circuit(s)
    for y, T in enumerate(grid_tensors(s)):
        assert T == forward_tensor(G, y)


# ----------------------------------------------------------------------------- engines
@settings(max_examples=40)
@given(specs(M=(2, 3, 1), max_entries=729, max_N=9), st.sampled_from([None, 101, 65521, MERSENNE31]))
def test_modular_equals_exact_mod_p(s, p):
    """The modular engine equals the exact tensor reduced mod p (native pipeline for polynomial
    operators, exact-then-reduce otherwise); p = 2^31 - 1 exercises the overflow-safe convolution."""
    exact = grid_tensors(s)
    mod = grid_tensors(s, engine="modular", modulus=p)
    for A, R in zip(exact, mod):
        assert R.modulus == (p or DEFAULT_PRIME)
        assert R.data.dtype == np.int64 and int(R.data.min(initial=0)) >= 0 and int(R.data.max(initial=0)) < R.modulus
        assert R == A.reduce_mod(R.modulus)


@settings(max_examples=20)
@given(specs(M=(2, 1, 3), max_entries=81, max_width=2, max_outputs=2, weight_range=(-4, 4)))
def test_symbolic_engine_equals_exact(s):
    """engine='symbolic' (sympy) on concrete weights gives the exact tensor, entry by entry."""
    exact, sym = grid_tensors(s), grid_tensors(s, engine="symbolic")
    for A, S in zip(exact, sym):
        assert A == S
        assert [sympy.Rational(e) for e in A.entries()] == list(S.entries())


def test_modular_native_pipeline_wide():
    """A polynomial operator with wide channels mod 2^31 - 1 (the term-by-term reduction path)."""
    s = deep(N=4, M=3, widths=(40, 40), activation="square", pooling="average", seed=2, denominators=(1, 7))
    assert get_engine("modular", MERSENNE31).p == MERSENNE31
    assert grid_tensor(s, engine="modular", modulus=MERSENNE31) == grid_tensor(s).reduce_mod(MERSENNE31)


def test_big_integers_exact():
    """Products of large weights overflow int64: the exact engine switches to Python ints."""
    s = deep(N=8, M=2, seed=0, low=-10**6, high=10**6)
    A = grid_tensor(s)
    assert max(abs(e) for e in A.entries()) > 2**63
    assert A == forward_tensor(circuit(s))
    assert grid_tensor(s, engine="modular") == A.reduce_mod(DEFAULT_PRIME)


# ----------------------------------------------------------------------------- explicit decompositions
def _F_times(F, a):
    """The vector F a: (F a)[d] = sum_j F[d][j] a[j]."""
    return [sum(Fr(F[d][j]) * a[j] for j in range(len(a))) for d in range(len(F))]


def _lincomb(coeffs, tensors):
    shape = tensors[0].shape
    vals = [sum(Fr(c) * t for c, t in zip(coeffs, col)) for col in zip(*(t.entries() for t in tensors))]
    return GridTensor.from_entries(shape, vals)


def explicit_cp(s, y):
    """sum_z o^y_z * generalized_window_product([F a^{z,0}, ..., F a^{z,N-1}])."""
    F = s.representation
    terms = [generalized_window_product([vector(_F_times(F, s.hidden_vector(z, i))) for i in range(s.N)], s.operator)
             for z in range(s.Z)]
    return _lincomb(s.output[y], terms)


def explicit_ht(s, y):
    """The HT recursion over the pooling tree: conv (linear combinations), then P(sigma(.)) over each window."""
    F, w = s.representation, s.window
    # level 0 inputs: position k holds the M one-mode tensors of representation functions of patch order[k]
    inputs = [[vector([F[d][j] for d in range(s.M)]) for j in range(s.M)] for k in range(s.N)]
    for l in range(s.L):
        convs = [[_lincomb(row, inputs[k]) for row in s.layer_matrix(l, k)] for k in range(len(inputs))]
        inputs = [[generalized_window_product([convs[j * w + t][c] for t in range(w)], s.operator)
                   for c in range(len(convs[0]))] for j in range(len(convs) // w)]
    T = _lincomb(s.output[y], inputs[0])  # modes in tree order: mode k is patch order[k]
    data = np.array(T.entries(), dtype=object).reshape(T.shape).transpose(tuple(np.argsort(s.order)))
    return GridTensor.from_entries(T.shape, data.ravel().tolist())


@settings(max_examples=40)
@given(specs(architecture="shallow", M=(2, 3, 1), max_entries=81))
def test_generalized_cp_explicit_sum(s):
    dec = decomposition(s)
    assert isinstance(dec, GeneralizedCP) and dec.Z == s.Z
    for y in range(s.Y):
        assert dec.to_tensor(y) == explicit_cp(s, y)


@settings(max_examples=30)
@given(specs(architecture="deep", M=(2, 1, 3), max_entries=81, max_width=2))
def test_generalized_ht_explicit_recursion(s):
    dec = decomposition(s)
    assert isinstance(dec, GeneralizedHT) and dec.widths == s.widths
    for y in range(s.Y):
        assert dec.to_tensor(y) == explicit_ht(s, y)


def test_doc_example_cp():
    s = shallow(N=2, M=2, Z=1, activation="relu", pooling="max",
                weights={"hidden": [[[1, -1], [2, 0]]], "output": [[3]]})
    assert decomposition(s).to_tensor().entries() == (6, 3, 6, 0)
    assert explicit_cp(s, 0).entries() == (6, 3, 6, 0)


# ----------------------------------------------------------------------------- structural properties
@settings(max_examples=25)
@given(specs(architecture="deep", poolings=("average",), M=(2, 1), max_entries=256, patch_order=False))
def test_average_is_rescaled_sum(s):
    """An average-pooling net equals the sum-pooling net whose next-layer (and output) weights are divided by w."""
    d = spec_to_dict(s)
    d["pooling"] = "sum"
    w = s.window
    scale = lambda arr: [scale(x) for x in arr] if isinstance(arr, list) else str(Fr(arr) / w)  # noqa: E731
    d["weights"]["layers"] = [d["weights"]["layers"][0]] + [scale(lay) for lay in d["weights"]["layers"][1:]]
    d["weights"]["output"] = scale(d["weights"]["output"])
    t = load_spec(d)
    for A, B in zip(grid_tensors(s), grid_tensors(t)):
        assert A == B


@settings(max_examples=25)
@given(specs(architecture="deep", M=(2, 3), max_entries=256, patch_order=False, shared=False), st.data())
def test_patch_order_permutes_modes(s, data):
    """With patch order pi, A_pi[d_0..d_{N-1}] = A_id[d_{pi(0)}, ..., d_{pi(N-1)}] (position k reads patch pi(k))."""
    pi = data.draw(st.permutations(range(s.N)), label="patch_order")
    d = spec_to_dict(s)
    d["patch_order"] = list(pi)
    A_id, A_pi = grid_tensor(s), grid_tensor(load_spec(d))
    for idx in list(product(range(s.M), repeat=s.N))[:64]:
        assert A_pi[idx] == A_id[tuple(idx[pi[k]] for k in range(s.N))]


def test_shared_shallow_is_symmetric():
    s = shallow(N=3, M=2, Z=2, shared=True, activation="relu", pooling="max", seed=1, low=-9, high=9)
    A = grid_tensor(s)
    for idx in product(range(2), repeat=3):
        assert A[idx] == A[tuple(sorted(idx))]


# ----------------------------------------------------------------------------- API and errors
class TestAPI:
    def test_objects(self):
        s = deep(N=9, M=2, window=3, widths=(2, 3), Y=2, patch_order=list(range(8, -1, -1)), seed=0)
        ht = decomposition(s)
        assert (repr(ht) == "GeneralizedHT(N=9, M=2, window=3, widths=(2, 3), Y=2, "
                            "operator=operator('linear', 'product'))")
        assert (ht.window, ht.patch_order, ht.N, ht.M) == (3, tuple(range(8, -1, -1)), 9, 2)
        assert ht_to_tensor(ht, 1) == grid_tensor(s, 1) == ht.to_tensor(output=1)
        cp = decomposition(shallow(N=3, M=2, Z=4, Y=2, activation="abs", pooling="sum", seed=0))
        assert repr(cp) == "GeneralizedCP(N=3, M=2, Z=4, Y=2, operator=operator('abs', 'sum'))"
        assert cp_to_tensor(cp, 1, engine="modular") == cp.to_tensor(1).reduce_mod(DEFAULT_PRIME)
        assert ENGINES == ("symbolic", "exact", "modular")

    def test_grid_tensors_lists_every_output(self):
        s = shallow(N=2, M=2, Y=3, seed=0)
        assert [grid_tensor(s, y) for y in range(3)] == grid_tensors(s)

    def test_output_out_of_range(self):
        s = shallow(N=2, M=2, Y=2, seed=0)
        with pytest.raises(DomainError, match=r"^output=2 is out of range: the network has Y=2 outputs \(0\.\.1\)$"):
            grid_tensor(s, 2)
        with pytest.raises(DomainError, match=r"output=-1"):
            grid_tensor(s, -1)
        with pytest.raises(DomainError, match=r"output=True"):
            grid_tensor(s, True)

    def test_engine_errors(self):
        s = shallow(N=2, M=2, seed=0)
        with pytest.raises(DomainError, match=r"engine='float' is not one of \('symbolic', 'exact', 'modular'\)"):
            grid_tensor(s, engine="float")
        with pytest.raises(DomainError, match=r"modulus=1: expected a prime below 2\^31"):
            grid_tensor(s, engine="modular", modulus=1)
        with pytest.raises(TooLarge, match=r"^N=13, M=2, Z=1: the grid tensor has 8,192 entries \(sympy expressions\); "
                                          r"the symbolic engine's limit is 4,096 entries$"):
            grid_tensor(shallow(N=13, M=2, Z=1, seed=0), engine="symbolic")

    def test_modulus_dividing_a_denominator(self):
        s = shallow(N=2, M=2, Z=1, weights={"hidden": [[["1/7", 1], [1, 1]]], "output": [[1]]})
        with pytest.raises(DomainError, match=r"the prime 7 divides the denominator of 1/7"):
            grid_tensor(s, engine="modular", modulus=7)

    def test_tanh_is_symbolic_only(self):
        s = shallow(N=2, M=2, Z=1, activation="tanh", pooling="sum",
                    weights={"hidden": [[[1, 0], [0, 2]]], "output": [[1]]})
        with pytest.raises(DomainError, match=r"activation='tanh' has no exact rational values; use engine='symbolic'"):
            grid_tensor(s)
        A = grid_tensor(s, engine="symbolic")
        assert A[0, 1] == sympy.tanh(1) + sympy.tanh(2) and A[1, 0] == 0

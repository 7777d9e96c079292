"""Multi-modular grid tensors: residues modulo several primes against the exact Python-int tensor."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symbolic.tensor.decompositions import grid_tensor
from symbolic.errors import DomainError
from symbolic.kernel.linalg import entry_bound as kernel_entry_bound
from symbolic.kernel.network import read_net
from symbolic.tensor.multimodular import (MultiModularTensor, crt, entry_bound, multimodular_tensor, primes_above,
                                          supports)
from symbolic.spec.network import deep, shallow, spec_to_dict

specs = st.one_of(
    st.builds(lambda L, M, w, act, pool, seed, hi: deep(N=w ** L, M=M, window=w, activation=act, pooling=pool,
                                                        seed=seed, low=-hi, high=hi),
              st.integers(1, 2), st.integers(1, 3), st.sampled_from([2, 3]), st.sampled_from(["linear", "square"]),
              st.sampled_from(["product", "sum"]), st.integers(0, 10**6), st.sampled_from([1, 7, 1000, 10**9])),
    st.builds(lambda N, M, Z, act, pool, seed, shared: shallow(N=N, M=M, Z=Z, activation=act, pooling=pool, seed=seed,
                                                              shared=shared),
              st.integers(1, 4), st.integers(1, 3), st.integers(1, 3), st.sampled_from(["linear", "square"]),
              st.sampled_from(["product", "sum"]), st.integers(0, 10**6), st.booleans()))


def _exact(spec):
    T = grid_tensor(spec)
    assert T.denominator == 1
    return [int(x) for x in np.asarray(T.data).ravel()]


@settings(max_examples=40, deadline=None)
@given(specs, st.integers(0, 50))
def test_residues_and_crt_equal_the_exact_tensor(spec, seed):
    exact = _exact(spec)
    T = multimodular_tensor(spec, seed=seed)
    assert math.prod(T.primes) > 2 * T.bound >= 2 * max(map(abs, exact))
    for p, r in zip(T.primes, T.residues):
        assert r.tolist() == [x % p for x in exact]
    assert T.values() == exact
    idx = [0, len(exact) - 1, len(exact) // 2]
    assert T.values(idx) == [exact[i] for i in idx]


@settings(max_examples=40, deadline=None)
@given(specs)
def test_entry_bound_is_the_kernels_and_holds(spec):
    exact = _exact(spec)
    b = entry_bound(spec)
    assert b == kernel_entry_bound(read_net(spec_to_dict(spec)))  # two implementations, one definition
    assert max(map(abs, exact)) <= b


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-10**30, 10**30), min_size=1, max_size=8), st.integers(0, 100))
def test_crt_rebuilds_integers(xs, seed):
    primes = primes_above(2 * 10**30, seed)
    assert crt([[x % p for x in xs] for p in primes], primes) == xs


def test_refusals():
    assert not supports(deep(N=4, M=2, activation="relu", pooling="max"))
    assert not supports(deep(N=4, M=2, pooling="average"))
    assert not supports(deep(N=4, M=2, denominators=(3,)))
    with pytest.raises(DomainError, match="integer weights"):
        entry_bound(deep(N=4, M=2, activation="abs"))
    with pytest.raises(DomainError, match="twice the bound"):
        MultiModularTensor((2,), (3,), (np.zeros(2, np.int64),), 5)

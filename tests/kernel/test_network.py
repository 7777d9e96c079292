"""The kernel's forward pass (symbolic.kernel.network.grid) against the provers' decompositions.

Two routes for every grid tensor: the kernel evaluates each neuron once per distinct input of its
receptive field (exact, or modulo a prime in int64), the provers contract the generalized CP / HT
decomposition (symbolic.tensor.decompositions, exact and modular engines).
"""

from fractions import Fraction

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from symbolic.tensor.decompositions import grid_tensor
from symbolic.kernel.network import grid, read_net
from symbolic.spec.network import deep, shallow, spec_to_dict

P = 67108859  # the largest prime below 2^26


def _residues(values, p):
    return [Fraction(v).numerator * pow(Fraction(v).denominator, -1, p) % p for v in values]


def _exact(spec):
    T = grid_tensor(spec)
    return [Fraction(int(x), T.denominator) for x in np.asarray(T.data).ravel()]


specs = st.one_of(
    st.builds(lambda N, M, w, act, pool, seed: deep(N=w ** N, M=M, window=w, activation=act, pooling=pool, seed=seed,
                                                    low=-50, high=50),
              st.integers(1, 2), st.integers(1, 3), st.sampled_from([2, 3]),
              st.sampled_from(["linear", "square", "relu", "abs"]),
              st.sampled_from(["product", "sum", "max", "average"]),
              st.integers(0, 10**6)),
    st.builds(lambda N, M, Z, act, pool, seed: shallow(N=N, M=M, Z=Z, activation=act, pooling=pool, seed=seed),
              st.integers(1, 4), st.integers(1, 3), st.integers(1, 3),
              st.sampled_from(["linear", "square", "relu"]), st.sampled_from(["product", "sum", "max"]),
              st.integers(0, 10**6)))


@settings(max_examples=40, deadline=None)
@given(specs)
def test_forward_pass_equals_the_decomposition(spec):
    net = read_net(spec_to_dict(spec))
    assert list(grid(net)[0]) == _exact(spec)


@settings(max_examples=40, deadline=None)
@given(specs.filter(lambda s: s.activation.spec_name in ("linear", "square") and s.pooling.name != "max"))
def test_modular_forward_pass_equals_the_residues_of_the_exact_one(spec):
    net = read_net(spec_to_dict(spec))
    assert list(grid(net, modulus=P)[0]) == _residues(grid(net)[0], P)
    assert list(grid(net, modulus=P)[0]) == [int(x)
                                             for x in np.asarray(grid_tensor(spec, engine="modular").data).ravel()]


def test_window_three_products_do_not_overflow():
    # three residues near 2^26 multiply to 2^78: each product is reduced before the next one
    spec = deep(N=9, M=2, window=3, seed=0, low=-1000, high=1000)
    net = read_net(spec_to_dict(spec))
    assert list(grid(net, modulus=P)[0]) == _residues(_exact(spec), P)


def test_patch_order_and_chunks(monkeypatch):
    import symbolic.kernel.network as network

    spec = deep(N=4, M=3, seed=2, patch_order=(2, 0, 3, 1))
    whole = list(grid(read_net(spec_to_dict(spec)))[0])
    monkeypatch.setattr(network, "CHUNK", 7)  # the last layer in chunks of 7 grid points
    assert list(grid(read_net(spec_to_dict(spec)))[0]) == whole == _exact(spec)

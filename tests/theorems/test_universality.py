"""Tests of theorems/universality.py: the general decision behind ``convac check universality``.

Every answer is compared with what the mathematics says (paper-notes C2-C5; sum and
average pooling give additively separable tensors; shared networks give symmetric ones),
its certificate is re-verified by the trusted checker, and each "no" functional is also
evaluated on concrete random networks of several widths that the proof never saw.
"""

import itertools
import random

import pytest

from symbolic.checker import check_certificate
from symbolic.decompositions import grid_tensor
from symbolic.errors import CertificateError, DomainError
from symbolic.spec import deep, shallow
from theorems.universality import (check_universality_convac, check_universality_relu_avg,
                                   check_universality_relu_max, decide_universality, prove_functional,
                                   universality_answer)

# (activation, pooling, architecture, N, M, shared) -> expected answer
TABLE = [
    ("abs", "max", "shallow", 2, 2, False, True),
    ("relu", "product", "shallow", 2, 2, False, True),
    ("linear", "product", "shallow", 2, 2, False, True),
    ("relu", "max", "shallow", 2, 2, False, True),
    ("square", "product", "shallow", 2, 2, False, True),
    ("leaky_relu:1/10", "max", "shallow", 2, 2, False, True),
    ("abs", "sum", "shallow", 2, 2, False, False),
    ("relu", "average", "shallow", 2, 2, False, False),
    ("relu", "sum", "shallow", 2, 2, False, False),
    ("square", "sum", "shallow", 2, 2, False, False),
    ("leaky_relu:-1/2", "average", "shallow", 2, 2, False, False),
    ("linear", "product", "shallow", 2, 2, True, False),
    ("relu", "max", "shallow", 3, 2, True, False),
    ("relu", "max", "shallow", 3, 3, False, True),
    ("abs", "sum", "shallow", 3, 3, False, False),
    ("relu", "max", "deep", 4, 2, False, True),
    ("abs", "product", "deep", 4, 2, False, True),
    ("relu", "average", "deep", 4, 2, False, False),
    ("square", "sum", "deep", 4, 2, False, False),
    ("relu", "product", "deep", 4, 2, True, False),
    ("tanh", "sum", "shallow", 2, 2, False, False),
    ("sigmoid", "max", "deep", 4, 2, True, False),
    ("relu", "sum", "shallow", 1, 3, True, True),  # N = 1: nothing to separate
]


@pytest.mark.parametrize("act,pool,arch,N,M,shared,expected", TABLE)
def test_answers(act, pool, arch, N, M, shared, expected):
    v = decide_universality(activation=act, pooling=pool, architecture=arch, N=N, M=M, shared=shared)
    assert v.status.value == "proved", v.detail
    assert v.checked
    assert universality_answer(v) is expected
    check_certificate(v.certificate)  # independently, once more
    if expected:
        stack = v.certificate["source"]["stack"]
        assert len(stack) == M**N and v.certificate["certificate"]["k"] == M**N
    else:
        assert v.detail.startswith("answer no")


def _functional(cert):
    return [(tuple(i), int(c)) for i, c in cert["coefficients"]]


def _family_tensors(act, pool, arch, N, M, shared, rng):
    """Concrete random networks of the family, several widths and weight ranges (not seen by the proof)."""
    for k in range(12):
        lo, hi = ((-3, 3), (-50, 50))[k % 2]
        if arch == "shallow":
            yield grid_tensor(shallow(N=N, M=M, Z=1 + k % 3, activation=act, pooling=pool, seed=rng.randrange(10**6),
                                      low=lo, high=hi, shared=shared))
        else:
            L = {2: 1, 4: 2, 8: 3}[N]
            widths = [1 + (k + l) % 3 for l in range(L)]
            yield grid_tensor(deep(N=N, M=M, widths=widths, activation=act, pooling=pool, seed=rng.randrange(10**6),
                                   low=lo, high=hi, shared=shared))


@pytest.mark.parametrize("act,pool,arch,N,M,shared", [
    ("relu", "average", "deep", 4, 2, False), ("square", "sum", "deep", 4, 2, False),
    ("abs", "max", "deep", 4, 2, True), ("relu", "sum", "shallow", 3, 2, False), ("relu", "max", "shallow", 2, 3, True),
    ("leaky_relu:1/3", "sum", "deep", 8, 2, False),
])
def test_no_functional_vanishes_on_concrete_networks_of_every_width(act, pool, arch, N, M, shared):
    v = decide_universality(activation=act, pooling=pool, architecture=arch, N=N, M=M, shared=shared)
    assert universality_answer(v) is False
    phi = _functional(v.certificate)
    for t in _family_tensors(act, pool, arch, N, M, shared, random.Random(1)):
        assert sum(c * t[i] for i, c in phi) == 0
    w = v.certificate["witness"]
    flat = {idx: e for idx, e in zip(itertools.product(range(M), repeat=N), w["entries"])}
    assert sum(c * flat[i] for i, c in phi) != 0  # the unrealizable tensor


def test_deep_no_certificate_has_reduction_and_direct_part():
    v = decide_universality(activation="relu", pooling="average", architecture="deep", N=4, M=2, widths=(3, 2))
    cert = v.certificate
    assert cert["kind"] == "all" and cert["method"] == "super-patch reduction"
    reduced, direct = cert["parts"]
    assert reduced["source"]["spec"]["N"] == 2 and reduced["source"]["spec"]["M"] == 4
    assert direct["source"]["spec"]["architecture"] == "deep" and direct["source"]["spec"]["widths"] == [3, 2]


def test_tampered_certificates_are_rejected():
    v = decide_universality(activation="abs", pooling="sum", N=2, M=2)
    bad = dict(v.certificate, coefficients=[[[0, 0], 1], [[0, 1], -1], [[1, 0], -1], [[1, 1], 2]])
    with pytest.raises(CertificateError):
        check_certificate(bad)
    y = decide_universality(activation="abs", pooling="max", N=2, M=2)
    stack = list(y.certificate["source"]["stack"])
    stack[1] = stack[0]  # two equal networks: rank 3 only
    with pytest.raises(CertificateError):
        check_certificate(dict(y.certificate, source={"stack": stack}))


def test_case_analysis_when_the_zero_is_not_structural():
    # relu(2x) = 2 relu(x): true for all x, but not the same expression; F maps template 1 to twice template 0
    s = shallow(N=2, M=2, Z=1, activation="relu", pooling="sum", weights="symbolic", F=[[1, 0], [2, 0]])
    cert = prove_functional(s, [[[1, 1], 1], [[0, 0], -2]])
    assert cert is not None and cert["kind"] == "vanishing_functional" and cert["case_analysis"] is True
    check_certificate(cert)
    assert prove_functional(s, [[[1, 1], 1], [[0, 0], -1]]) is None  # false: no certificate
    # without case analysis the checker does not accept it: the zero is not a canonical form
    with pytest.raises(CertificateError):
        check_certificate(dict(cert, case_analysis=False))


def test_transcendental_yes_is_inconclusive_not_guessed():
    v = decide_universality(activation="tanh", pooling="product", N=2, M=2)
    assert v.status.value == "inconclusive" and universality_answer(v) is None
    assert v.detail.startswith("answer unknown")


def test_seed_changes_nothing_in_the_answer():
    for seed in (0, 7):
        v = decide_universality(activation="relu", pooling="sum", N=2, M=3, seed=seed)
        assert universality_answer(v) is False and v.seed == seed


@pytest.mark.parametrize("kwargs,match", [
    (dict(architecture="deep", N=3, M=2), "power|window"),
    (dict(architecture="tree", N=2, M=2), "architecture"),
    (dict(N=13, M=2), "4096"),
    (dict(N=0, M=2), "N=0"),
])
def test_bad_input(kwargs, match):
    with pytest.raises(DomainError, match=match):
        decide_universality(activation="relu", pooling="max", **kwargs)


def test_catalog_checks_still_work():
    assert check_universality_convac(N=2, M=2).status.value == "proved"
    assert check_universality_relu_max(N=2, M=2, architecture="deep").status.value == "proved"
    assert check_universality_relu_avg(N=4, M=2, architecture="deep").status.value == "proved"

"""Tests of theorems/universality/claims.py: the general decision behind ``convac check universality``.

Every answer is compared with what the mathematics says (paper-notes C2-C5; sum and
average pooling give additively separable tensors; shared networks give symmetric ones),
its result is re-verified by the trusted kernel (``check_result``, statement first: a "yes" must
be ``proved``, a "no" ``refuted``), and each "no" functional is also
evaluated on concrete random networks of several widths that the proof never saw.
"""

import copy
import itertools
import json
import random
from fractions import Fraction

import pytest

from symbolic.tensor.decompositions import grid_tensor
from symbolic.errors import CertificateError, DomainError
from symbolic.kernel import regions
from symbolic.kernel.recheck import check_result
from symbolic.kernel.sources import apply_functional, tensor_of, zero
from symbolic.spec.network import deep, shallow
from theorems.universality.claims import (prove_universality_convac, prove_universality_relu_avg,
                                          prove_universality_relu_max)
from theorems.universality.decide import decide_universality, prove_functional, universality_answer

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
    res = json.loads(json.dumps(v.result()))  # independently, once more, as an answer file holds it
    assert res["statement"]["type"] == "universality" and res["status"] == ("proved" if expected else "refuted")
    line = check_result(res)
    assert line.ok, line.reason
    flipped = dict(res, status="refuted" if expected else "proved")  # the same certificate proves nothing else
    assert check_result(flipped).ok is False
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


def test_deep_no_certificate_is_one_super_patch_reduction():
    """A deep 'no' is one functional on the deep indices, proved on the reduced shallow symbolic net
    (w super-patches, M^(N/w) templates), so for every width at once."""
    v = decide_universality(activation="relu", pooling="average", architecture="deep", N=4, M=2, widths=(3, 2))
    cert = v.certificate
    assert cert["kind"] == "vanishing_functional" and cert["reduction"] == "super-patch"
    spec = cert["source"]["spec"]
    assert (spec["architecture"], spec["N"], spec["M"], spec["weights"]) == ("shallow", 2, 4, "symbolic")
    assert all(len(idx) == 4 for idx, _ in cert["coefficients"]) and cert["witness"]["shape"] == [2, 2, 2, 2]
    res = v.result()
    assert res["statement"]["architecture"] == "deep" and res["status"] == "refuted" and check_result(res).ok
    for tamper in (lambda c: c.pop("reduction"), lambda c: c.update(reduction="none"),
                   lambda c: c["source"]["spec"].update(N=4, M=2)):
        bad = copy.deepcopy(res)
        tamper(bad["certificate"])
        assert check_result(bad).ok is False


def _rejected(res, reason):
    line = check_result(res)
    assert line.ok is False and reason in line.reason, line


def test_tampered_certificates_are_rejected():
    v = decide_universality(activation="abs", pooling="sum", N=2, M=2)
    bad = copy.deepcopy(v.result())
    bad["certificate"]["coefficients"] = [[[0, 0], 1], [[0, 1], -1], [[1, 0], -1], [[1, 1], 2]]
    _rejected(bad, "does not expand to 0")
    bad = copy.deepcopy(v.result())
    bad["certificate"]["witness"]["entries"] = [1, 1, 1, 1]  # phi(W) = 0: the witness is realizable
    _rejected(bad, "vanishes on the witness")
    bad = copy.deepcopy(v.result())
    bad["certificate"]["source"]["spec"]["pooling"] = "max"  # the same functional on another family
    _rejected(bad, "pooling")
    y = decide_universality(activation="abs", pooling="max", N=2, M=2)
    good = y.result()
    assert check_result(good).ok
    bad = copy.deepcopy(good)
    stack = bad["certificate"]["source"]["stack"]
    stack[1] = stack[0]  # two equal networks: rank 3 only
    assert check_result(bad).ok is False
    bad = copy.deepcopy(good)
    bad["certificate"]["source"]["stack"] = stack[:3]  # fewer than M^N realizations
    _rejected(bad, "at least 4 realizations")
    bad = copy.deepcopy(good)
    bad["statement"]["pooling"] = "sum"  # the realizations are not of the stated family
    _rejected(bad, "pooling")


def test_case_analysis_when_the_zero_is_not_structural():
    # relu(2x) = 2 relu(x): true for all x, but not the same expression; F maps template 1 to twice template 0
    s = shallow(N=2, M=2, Z=1, activation="relu", pooling="sum", weights="symbolic", F=[[1, 0], [2, 0]])
    cert = prove_functional(s, [[[1, 1], 1], [[0, 0], -2]])
    assert cert is not None and cert["kind"] == "vanishing_functional"
    assert cert["identity"]["kind"] == "case-analysis" and cert["identity"]["regions"]
    assert prove_functional(s, [[[1, 1], 1], [[0, 0], -1]]) is None  # false: no certificate
    # the kernel's own route: its forward pass gives sum_d c_d A_d, which does not expand to 0 ...
    total = apply_functional([(tuple(i), Fraction(c)) for i, c in cert["coefficients"]], tensor_of(cert["source"]), 2)
    assert not zero(total)
    variables = sorted(total.free_symbols, key=str)
    regions.check_zero_certificate(total, variables, cert["identity"])  # ... but the case analysis proves it 0
    # a case tree with a region missing, or none at all, is refused
    bad = copy.deepcopy(cert["identity"])
    bad["regions"] = bad["regions"][:-1]
    with pytest.raises(CertificateError):
        regions.check_zero_certificate(total, variables, bad)
    with pytest.raises(CertificateError):
        regions.check_zero_certificate(total, variables, None)


def test_transcendental_yes_above_the_arb_limit_is_inconclusive_not_guessed():
    """Above the arb route's limit (M^N = 1024 > 512) a tanh "yes" is not guessed: unknown, with what is missing."""
    v = decide_universality(activation="tanh", pooling="product", N=10, M=2)
    assert v.status.value == "inconclusive" and universality_answer(v) is None and v.certificate is None
    assert v.detail.startswith("answer unknown") and "missing" in v.detail


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
    assert prove_universality_convac(N=2, M=2).status.value == "proved"
    assert prove_universality_relu_max(N=2, M=2, architecture="deep").status.value == "proved"
    assert prove_universality_relu_avg(N=4, M=2, architecture="deep").status.value == "proved"

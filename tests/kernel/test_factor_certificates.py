"""The kernel's ``factors`` upper bound ([A]_I = U V checked modulo primes), genuine and forged."""

import copy
import math

import pytest

from symbolic.rank.bounds import bounds
from symbolic.rank.factors import factor_certificate
from symbolic.kernel.linalg import entry_bound
from symbolic.kernel.network import read_net
from symbolic.kernel.recheck import check_result
from symbolic.spec.network import deep, shallow, spec_to_dict

CASES = [(deep(N=4, M=3, widths=(3, 2), seed=0), (0, 1)), (deep(N=8, M=2, widths=(2, 2, 2), seed=1), (0, 1, 2, 3)),
         (shallow(N=4, M=3, Z=2, seed=2), (1, 3)), (deep(N=4, M=2, widths=(2, 1), activation="square", seed=3), (0, 1))]


def _answer(spec, rows, seed=0):
    r = factor_certificate(spec, rows, seed=seed)
    return {"statement": {"type": "rank", "spec": spec_to_dict(spec), "output": 0, "rows": list(rows)},
            "status": "proved", "lower": r.lower, "upper": r.upper, "bounds": bounds(spec, rows),
            "certificate": r.certificate.to_dict()}


@pytest.fixture(scope="module", params=range(len(CASES)))
def genuine(request):
    return _answer(*CASES[request.param])


def test_genuine_factors_are_accepted(genuine):
    line = check_result(genuine)
    assert line.ok, line.reason


def _forged(genuine, change):
    a = copy.deepcopy(genuine)
    change(a["certificate"]["upper"], a)
    return check_result(a)


def test_a_wrong_entry_of_U_is_rejected(genuine):
    def bump(up, a):
        up["U"][0][0] += 1
    line = _forged(genuine, bump)
    assert not line.ok and "differs from A modulo" in line.reason


def test_a_multiple_of_every_prime_added_to_V_is_rejected(genuine):
    # U V changes by a multiple of the product of the primes: equal modulo each, caught by the bound
    def shift(up, a):
        up["V"][0][0] += math.prod(up["primes"])
    line = _forged(genuine, shift)
    assert not line.ok and "below the bound" in line.reason


def test_too_few_primes_are_rejected(genuine):
    line = _forged(genuine, lambda up, a: up.update(primes=up["primes"][:-1]))
    assert not line.ok and "below the bound" in line.reason


@pytest.mark.parametrize("primes", [[4, 9], [33554393, 33554393], [1 << 61], [True]])
def test_bad_primes_are_rejected(genuine, primes):
    line = _forged(genuine, lambda up, a: up.update(primes=primes * 8))
    assert not line.ok and "primes" in line.reason


def test_shapes_kinds_and_claims_are_checked(genuine):
    assert not _forged(genuine, lambda up, a: up.update(k=up["k"] + 1)).ok  # U is n x k
    assert not _forged(genuine, lambda up, a: up["U"].pop()).ok
    assert not _forged(genuine, lambda up, a: up.update(extra=1)).ok
    assert not _forged(genuine, lambda up, a: a.update(upper=a["upper"] - 1)).ok  # the answer must say what is proved
    assert not _forged(genuine, lambda up, a: up["U"][0].__setitem__(0, "1/2")).ok  # integers only


def test_factors_need_integer_polynomial_nets():
    genuine = _answer(*CASES[0])
    spec = spec_to_dict(CASES[0][0])
    spec["weights"]["output"][0][0] = "1/2"
    a = copy.deepcopy(genuine)
    a["statement"]["spec"] = spec
    line = check_result(a)
    assert not line.ok and "integer weights" in line.reason
    with pytest.raises(Exception, match="integer weights"):
        entry_bound(read_net(spec_to_dict(deep(N=4, M=2, activation="relu", pooling="max"))))

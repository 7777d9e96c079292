"""The ``multimodular`` upper bound: rank(A mod p) <= k for primes whose product exceeds Hadamard's bound.

Forgers from the statement's meaning: the bound must be refused whenever the primes do not prove it (a k below the
rank, too few primes, composites, repeats, a prime dividing the denominator), and every malformed field gives one
line, never a traceback; random low-rank matrices are a Hypothesis property, with sympy's rank as the second route.
"""

from __future__ import annotations

import copy
import random
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symbolic.errors import CertificateError, TooLarge
from symbolic.kernel import cost
from symbolic.kernel.linalg import check_upper
from symbolic.kernel.cost import elimination_work
from symbolic.kernel.multimodular_rank import hadamard_square
from symbolic.rank.certificates import RankUpperBound, check_rank_certificate
from symbolic.rank.exact import exact_rank, multimodular_primes
from symbolic.rank.pipeline import rank_answer, rank_result
from symbolic.spec.network import deep

from .forgers import assert_accepted, assert_rejected, envelope


def _low_rank(seed: int, n: int, m: int, r: int, bits: int = 40) -> np.ndarray:
    """A random n x m integer matrix of rank <= r: (n x r) (r x m), entries of the factors up to 2^bits."""
    rng = random.Random(seed)
    U = np.array([[rng.randint(-(1 << bits), 1 << bits) for _ in range(r)] for _ in range(n)], dtype=object)
    V = np.array([[rng.randint(-(1 << bits), 1 << bits) for _ in range(m)] for _ in range(r)], dtype=object)
    return U.dot(V)


def _cert(k: int, primes) -> dict:
    return {"certificate": "rank_upper_bound", "k": k, "kind": "multimodular", "primes": list(primes)}


@pytest.fixture(scope="module")
def relu_max():
    """A deep relu/max N=4, M=4 answer (odd-even rank 13 of 16) whose upper bound is the multimodular one."""
    spec = deep(N=4, M=4, activation="relu", pooling="max", seed=0, low=-5, high=5)
    a = rank_answer(spec, "odd-even")
    from symbolic.rank.matricization import matricize
    from symbolic.tensor.decompositions import grid_tensor

    A = matricize(grid_tensor(spec), "odd-even").matrix
    r = exact_rank(A, upper="multimodular")
    assert r.exact and r.certificate.upper.kind == "multimodular" and r.rank == a["rank"] < 16
    a["certificate"]["upper"] = r.certificate.upper.to_dict()
    return a, np.asarray(A, dtype=object)


def test_a_genuine_multimodular_answer_passes_recheck_and_equals_sympy(relu_max):
    a, A = relu_max
    assert "= %d" % a["upper"] in assert_accepted(envelope("rank", rank_result(a)))
    assert sympy.Matrix(A.tolist()).rank() == a["upper"]  # second route


MUTANTS = {
    "k one more": lambda u: u.update(k=u["k"] + 1),
    "k bool": lambda u: u.update(k=True),
    "k string": lambda u: u.update(k=str(u["k"])),
    "k float": lambda u: u.update(k=float(u["k"])),
    "k zero": lambda u: u.update(k=0),
    "primes empty": lambda u: u.update(primes=[]),
    "primes a string": lambda u: u.update(primes="1000003"),
    "a prime a string": lambda u: u["primes"].__setitem__(0, str(u["primes"][0])),
    "a prime a float": lambda u: u["primes"].__setitem__(0, float(u["primes"][0])),
    "a prime a bool": lambda u: u["primes"].__setitem__(0, True),
    "a prime composite": lambda u: u["primes"].__setitem__(0, u["primes"][0] + 1),
    "a prime above 2^63": lambda u: u["primes"].__setitem__(0, (1 << 63) + 29),
    "a prime repeated": lambda u: u["primes"].append(u["primes"][0]),
    "one prime only": lambda u: u.update(primes=u["primes"][:1]),
    "missing primes": lambda u: u.pop("primes"),
    "extra cols": lambda u: u.update(cols=[0]),
    "kind misspelt": lambda u: u.update(kind="multimodulo"),
}


@pytest.mark.parametrize("what", sorted(MUTANTS))
def test_multimodular_mutants(relu_max, what):
    a, _ = relu_max
    res = rank_result(copy.deepcopy(a))
    MUTANTS[what](res["certificate"]["upper"])
    text = assert_rejected(envelope("rank", res), why=what)
    assert "Traceback" not in text


def test_a_rank_claimed_one_below_is_refused_with_many_primes(relu_max):
    """k = rank - 1 with primes far past Hadamard's bound (of the k-minors and the (k+1)-minors): some prime shows
    the rank."""
    _, A = relu_max
    k = sympy.Matrix(A.tolist()).rank() - 1
    primes = multimodular_primes(hadamard_square(A, k + 1) ** 4, seed=3)
    with pytest.raises(CertificateError, match=rf"the rank of A modulo \d+ is {k + 1}, above k={k}"):
        check_upper(A, _cert(k, primes))
    with pytest.raises(CertificateError, match=r"the rank modulo \d+ is"):
        check_rank_certificate(A, RankUpperBound(k, "multimodular", primes=primes))


def test_too_few_primes_are_refused_with_the_sizes(relu_max):
    _, A = relu_max
    k = sympy.Matrix(A.tolist()).rank()
    primes = multimodular_primes(hadamard_square(A, k))
    with pytest.raises(CertificateError, match=r"product of the \d+ primes has [\d,]+ bits, not above Hadamard's "
                                               rf"bound on the {k + 1} x {k + 1} minors \(~[\d,]+ bits\)"):
        check_upper(A, _cert(k, primes[:-1]))
    assert check_upper(A, _cert(k, primes)) == k


def test_a_prime_dividing_the_denominator_is_refused():
    A = _low_rank(1, 5, 5, 2, bits=8)
    primes = multimodular_primes(hadamard_square(A, 2) * 4, small=True)
    Aq = np.array([Fraction(x, primes[0]) for x in A.flat], dtype=object).reshape(5, 5)
    with pytest.raises(CertificateError, match=f"prime {primes[0]} divides the denominator"):
        check_upper(Aq, _cert(2, primes))
    ok = multimodular_primes(hadamard_square(A, 2), small=True, avoid=primes[0])
    assert check_upper(Aq, _cert(2, ok)) == 2
    with pytest.raises(CertificateError, match=rf"not dividing the denominator {primes[0]} \(not {primes[0]}\)"):
        check_rank_certificate(A, RankUpperBound(2, "multimodular", primes=primes), denominator=primes[0])


def test_residues_and_k_zero_and_nonprimes_are_refused():
    A = _low_rank(2, 4, 4, 2, bits=4)
    p = multimodular_primes(hadamard_square(A, 2))
    with pytest.raises(CertificateError, match="an exact matrix is needed"):
        check_upper(A.astype(np.int64), _cert(2, p))
    with pytest.raises(CertificateError, match=r"k=0: expected an int in 1\.\.4"):
        check_upper(A, _cert(0, p))
    with pytest.raises(CertificateError, match="is not prime"):
        check_upper(A, _cert(2, [p[0] * p[-1] % (1 << 62) | 1] + list(p)))
    with pytest.raises(CertificateError, match="k >= 1"):
        RankUpperBound(0, "multimodular", primes=p)


def test_the_check_is_estimated_before_work_and_refused_over_a_small_budget(relu_max):
    a, A = relu_max
    up = copy.deepcopy(a["certificate"]["upper"])
    up["primes"] = list(multimodular_primes(1 << 2000))  # valid primes, more than needed: 33 eliminations
    t = len(up["primes"])
    units = t * elimination_work(16, 16) + 256
    with cost.budget(cost.Budget(entries=256)):  # 256 grid points, 64 * 256 word operations
        with pytest.raises(TooLarge, match=rf"multimodular check \(ranks of the 16 x 16 matrix modulo {t} primes\): "
                                           rf"{units:,}, over the kernel's limit of 16,384 \(--max-entries "
                                           rf"2\^{(-(-units // 64) - 1).bit_length()} lifts it\)"):
            check_upper(A, up)
    assert check_upper(A, up) == a["upper"]  # at the default budget
    # the same through recheck: one line, not re-checked (exit 2), never a traceback
    from symbolic.kernel.recheck import recheck

    res = rank_result(a)
    res["certificate"]["upper"] = up
    with pytest.raises(TooLarge, match="multimodular check") as e:
        recheck(envelope("rank", res), budget=cost.Budget(entries=256))
    assert "\n" not in str(e.value)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10**6), n=st.integers(2, 8), m=st.integers(2, 8), r=st.integers(1, 7))
def test_random_low_rank_matrices_accept_the_rank_and_refuse_one_less(seed, n, m, r):
    A = _low_rank(seed, n, m, min(r, n, m))
    rank = sympy.Matrix(A.tolist()).rank()  # the second route
    res = exact_rank(A, seed=seed, upper="multimodular")
    assert res.rank == rank and res.exact
    up = res.certificate.upper.to_dict()
    if up["kind"] != "multimodular":  # full rank: the trivial bound
        assert rank == min(n, m)
        return
    assert check_upper(A, up) == rank
    check_rank_certificate(A, res.certificate)
    if rank >= 2:  # k = rank - 1, with primes past the bound of its k+1 = rank minors
        primes = multimodular_primes(hadamard_square(A, rank - 1), seed=seed)
        with pytest.raises(CertificateError, match=f"above k={rank - 1}"):
            check_upper(A, _cert(rank - 1, primes))

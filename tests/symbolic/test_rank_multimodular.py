"""The prover's multimodular upper bound (symbolic/rank/exact.py): when it is chosen, what it says, and end to end.

Deep relu/max N=8, M=4 (256^2, rank 236): the column relations would be ~6,200-bit integers (8.6 MB of answer,
whose 1879-digit literals convac recheck does not read); the multimodular certificate is k and 171 primes.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
import sympy

from symbolic.errors import DomainError
from symbolic.kernel.linalg import check_upper
from symbolic.limits import Limits, use_limits
from symbolic.rank.certificates import check_rank_certificate, hadamard_square
from symbolic.rank.exact import exact_rank, multimodular_primes


def _low_rank(n, m, r, scale=1):
    rng = np.random.default_rng(7)
    U = rng.integers(-9, 10, (n, r)).astype(object) * scale
    return U.dot(rng.integers(-9, 10, (r, m)).astype(object))


def test_the_primes_are_reproducible_from_the_seed_and_exceed_the_bound():
    H2 = 1 << 5000
    a, b = multimodular_primes(H2, seed=0), multimodular_primes(H2, seed=1)
    assert a == multimodular_primes(H2, seed=0) and a != b
    for ps in (a, b, multimodular_primes(H2, small=True, seed=5)):
        P = 1
        for p in ps:
            P *= p
        assert P * P > H2 and len(set(ps)) == len(ps)
        P //= ps[-1]
        assert P * P <= H2  # no prime more than needed
    assert all(p < 2**21 for p in multimodular_primes(H2, small=True)) and all(p < 2**62 for p in a)
    assert all(p != 2097143 for p in multimodular_primes(H2, small=True, avoid=2097143 * 3))


def test_auto_takes_multimodular_when_relations_would_exceed_what_recheck_reads():
    A = _low_rank(12, 12, 5, scale=10**200)  # 700-bit entries: relations of ~3,500 bits, over 1000 digits
    r = exact_rank(A)
    assert (r.rank, r.exact, r.certificate.upper.kind) == (5, True, "multimodular")
    assert "rank A mod p <= 5 for" in r.statement and "Hadamard's bound H on every 6 x 6 minor" in r.statement
    assert check_upper(A, r.certificate.upper.to_dict()) == 5 == sympy.Matrix(A.tolist()).rank()
    small = _low_rank(12, 12, 5)
    assert exact_rank(small).certificate.upper.kind == "column_span"  # short relations: unchanged
    assert exact_rank(small, upper="multimodular").certificate.upper.kind == "multimodular"
    with pytest.raises(DomainError, match="upper='lll' is not one of"):
        exact_rank(small, upper="lll")


def test_over_the_limits_the_interval_stands_and_the_statement_says_why():
    A = _low_rank(16, 16, 8, scale=10**300)
    with use_limits(Limits(max_memory=200_000, max_entries=1 << 10)):
        r = exact_rank(A)
    assert (r.lower, r.upper, r.exact) == (8, 16, False)
    assert "over a quarter of --max-memory; the multimodular bound is over the limits too: word operations of " \
           "the multimodular check" in r.statement and "--max-entries 2^" in r.statement
    with use_limits(Limits(max_entries=1 << 10)):  # asked for, over the limits, relations that would fit
        r = exact_rank(_low_rank(64, 64, 8), upper="multimodular")
    assert (r.lower, r.upper) == (8, 64) and "over a quarter" not in r.statement
    assert "(no exact upper bound: the multimodular bound is over the limits: word operations" in r.statement


def test_an_unlucky_lower_bound_prime_is_corrected_by_the_primes():
    """rank 2 over Q, rank 1 modulo 101: with prime=101 the lower bound says 1; a prime of the multimodular
    bound shows rank 2, which becomes the certified lower bound."""
    A = np.array([[1, 0, 1], [0, 101, 101], [1, 101, 102]], dtype=object)
    r = exact_rank(A, prime=101, upper="multimodular")
    assert (r.lower, r.upper, r.certificate.upper.kind) == (2, 2, "multimodular")
    assert r.certificate.lower.prime != 101
    check_rank_certificate(A, r.certificate)


def test_a_rational_matrix_is_scaled_and_its_denominator_avoided():
    from fractions import Fraction

    A = _low_rank(6, 6, 3)
    p = multimodular_primes(hadamard_square(A, 3), small=True)[0]
    Aq = np.array([Fraction(int(x), p) for x in A.flat], dtype=object).reshape(6, 6)
    r = exact_rank(Aq, upper="multimodular")
    assert (r.rank, r.exact) == (3, True) and p not in r.certificate.upper.primes
    check_rank_certificate(Aq, r.certificate)


def _convac(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "theorems.cli", *args], input=stdin, capture_output=True, text=True,
                          check=False)


def test_deep_relu_max_n8_m4_end_to_end(tmp_path):
    """matricization_rank, convac rank --json, then convac recheck of the file (column_span's answer, 8.6 MB of
    1879-digit integers, is not readable by recheck; this one is 8 KB)."""
    from symbolic.rank.pipeline import matricization_rank
    from symbolic.spec.network import deep, spec_to_dict

    spec = deep(N=8, M=4, activation="relu", pooling="max", seed=0, low=-1000, high=1000)
    a = matricization_rank(spec, "odd-even")
    up = a.to_dict()["certificate"]["upper"]
    assert (a.rank, a.exact, up["kind"]) == (236, True, "multimodular") and len(up["primes"]) > 100
    f = tmp_path / "net.json"
    f.write_text(json.dumps(spec_to_dict(spec)))
    out = _convac("rank", str(f), "-p", "odd-even", "--json", "-q")
    assert out.returncode == 0, out.stderr
    assert len(out.stdout) < 20_000
    ans = tmp_path / "rank.json"
    ans.write_text(out.stdout)
    res = json.loads(out.stdout)["results"][0]
    assert (res["lower"], res["upper"], res["certificate"]["upper"]["kind"]) == (236, 236, "multimodular")
    check = _convac("recheck", str(ans))
    assert check.returncode == 0 and "= 236" in check.stdout, check.stdout + check.stderr
    res["certificate"]["upper"]["k"] = 235
    res["upper"] = res["lower"] = 235
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(json.loads(out.stdout) | {"results": [res]}))
    check = _convac("recheck", str(bad))
    assert check.returncode == 1 and "Traceback" not in check.stdout + check.stderr

"""The ``column_span`` upper bound (rank-deficient exact ranks): A[:, D] e == A[:, cols] W.

The route of ``convac rank`` for rank-deficient matrices of non-polynomial nets (deep relu/max): it
replaced the factorization A = A[:, C] V, whose k x m rationals made N=8, M=4 (rank 236 of 256) take 50 s
and a kernel check over its default budget. Genuine answers pass recheck; every field is forged; the rank
is compared with sympy's (a second route), and random low-rank matrices are a Hypothesis property.
"""

from __future__ import annotations

import copy
import random

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symbolic.rank.exact import exact_rank
from symbolic.rank.pipeline import rank_answer, rank_result
from symbolic.spec.network import deep
from symbolic.kernel.linalg import check_upper
from symbolic.errors import CertificateError

from .forgers import assert_accepted, assert_rejected, envelope


def _relu_max():
    """A deep relu/max net whose odd-even matricization is rank-deficient (rank 13 of 16 at this seed)."""
    spec = deep(N=4, M=4, activation="relu", pooling="max", seed=0, low=-5, high=5)
    a = rank_answer(spec, "odd-even")
    return spec, a


def test_a_rank_deficient_relu_max_answer_uses_column_span_and_passes_recheck():
    spec, a = _relu_max()
    up = a["certificate"]["upper"]
    assert a["lower"] == a["upper"] < 16 and up["kind"] == "column_span"
    assert len(up["W"]) == a["upper"] and all(len(r) == 16 - a["upper"] for r in up["W"])
    assert "= %d" % a["upper"] in assert_accepted(envelope("rank", rank_result(a)))
    # second route: sympy's rank of the same exact matrix
    from symbolic.rank.matricization import matricize
    from symbolic.tensor.decompositions import grid_tensor

    m = matricize(grid_tensor(spec), "odd-even")
    assert sympy.Matrix(np.asarray(m.matrix, dtype=object).tolist()).rank() == a["upper"]


MUTANTS = {
    "W entry + 1": lambda u: u["W"][0].__setitem__(0, u["W"][0][0] + 1),
    "e doubled": lambda u: u.update(e=2 * u["e"]),
    "e 0": lambda u: u.update(e=0),
    "e float": lambda u: u.update(e=1.0),
    "e string": lambda u: u.update(e="1"),
    "W a row short": lambda u: u.update(W=u["W"][:-1]),
    "W a column short": lambda u: u.update(W=[r[:-1] for r in u["W"]]),
    "W fraction": lambda u: u["W"][0].__setitem__(0, "1/2"),
    "cols repeated": lambda u: u.update(cols=u["cols"][:-1] + u["cols"][:1]),
    "cols one fewer": lambda u: u.update(cols=u["cols"][:-1], k=u["k"] - 1, W=u["W"][:-1]),
    "k one more": lambda u: u.update(k=u["k"] + 1),
    "extra field": lambda u: u.update(V=[[1]]),
    "missing e": lambda u: u.pop("e"),
}


@pytest.mark.parametrize("what", sorted(MUTANTS))
def test_column_span_mutants(what):
    _, a = _relu_max()
    res = rank_result(copy.deepcopy(a))
    MUTANTS[what](res["certificate"]["upper"])
    assert_rejected(envelope("rank", res), why=what)


def test_a_lower_upper_claimed_below_the_span_is_rejected():
    _, a = _relu_max()
    res = rank_result(copy.deepcopy(a))
    res["upper"] = res["lower"] = a["upper"] - 1
    assert_rejected(envelope("rank", res), why="rank claimed one below the certificate")


def test_the_kernel_refuses_residues_for_column_span():
    A = np.array([[1, 2], [2, 4]], dtype=np.int64)
    with pytest.raises(CertificateError, match="an exact matrix is needed"):
        check_upper(A, {"certificate": "rank_upper_bound", "k": 1, "kind": "column_span", "cols": [0], "W": [[2]],
                        "e": 1})


def _low_rank(seed: int, n: int, m: int, r: int) -> np.ndarray:
    rng = random.Random(seed)
    if r == 0:
        return np.zeros((n, m), dtype=object)
    U = np.array([[rng.randint(-9, 9) for _ in range(r)] for _ in range(n)], dtype=object)
    V = np.array([[rng.randint(-9, 9) for _ in range(m)] for _ in range(r)], dtype=object)
    return U.dot(V)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10**6), n=st.integers(1, 7), m=st.integers(1, 7), r=st.integers(0, 4))
def test_column_span_rank_equals_sympy_rank_and_the_kernel_accepts(seed, n, m, r):
    A = _low_rank(seed, n, m, r)
    res = exact_rank(A, seed=seed)
    assert res.rank == sympy.Matrix(A.tolist()).rank()
    up = res.certificate.upper.to_dict()
    if up["kind"] == "column_span":
        assert check_upper(A, up) == res.rank
        forged = copy.deepcopy(up)
        if forged["W"] and forged["W"][0]:
            forged["W"][0][0] += 1
            with pytest.raises(CertificateError):
                check_upper(A, forged)


def test_column_relations_over_the_memory_limit_are_refused_before_work_and_the_lower_bound_stands():
    """N=8, M=6 relu/max (1296 x 1296, rank >= 1041): the relations would be ~1.7 GiB, so the answer is the
    certified interval [1041, 1296], said as such, in seconds; here the same on a 16 x 16 matrix of rank 8 with
    1000-bit entries (relations of ~65 KB) under a 200 KB limit."""
    from symbolic.limits import Limits, use_limits

    A = _low_rank(3, 16, 16, 8) * 10**300
    with use_limits(Limits(max_memory=200_000)):
        r = exact_rank(A, seed=0, upper="column_span")  # "auto" takes the multimodular bound (no relations)
    assert (r.lower, r.upper, r.exact) == (8, 16, False)
    assert "no exact upper bound: its column relations" in r.statement
    assert "over a quarter of --max-memory" in r.statement
    assert check_upper(A, r.certificate.upper.to_dict()) == 16
    r = exact_rank(A, seed=0, upper="column_span")  # at the default limits: exact
    assert (r.lower, r.upper, r.certificate.upper.kind) == (8, 8, "column_span")

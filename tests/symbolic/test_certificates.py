"""Tests of symbolic/rank/certificates.py, the trusted checker: valid certificates pass, tampered ones fail."""

import ast
import dataclasses
import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import symbolic.rank.certificates as certs
from symbolic.rank.certificates import (
                                        RankCertificate,
                                        RankLowerBound,
                                        RankUpperBound,
                                        check,
                                        check_rank_certificate,
                                        from_dict,
                                        )
from symbolic.errors import CertificateError
from symbolic.rank.exact import exact_rank, generic_rank, random_prime

P = random_prime(0)


def _obj(a):
    return np.array(a, dtype=object)


# rank 2; row 1 and column 1 are zero, so the certifying minor is unique: rows (0, 2), cols (0, 2)
A = _obj([[1, 0, 2, 2], [0, 0, 0, 0], [3, 0, 4, 4]])
GOOD = RankCertificate(
    RankLowerBound(2, (0, 2), (0, 2), P),
    RankUpperBound(2, "factorization", (0, 2), ((1, 0, 0, 0), (0, 0, 1, 1))),
)


def _replace_lower(**kw):
    return dataclasses.replace(GOOD, lower=dataclasses.replace(GOOD.lower, **kw))


def _replace_upper(**kw):  # the upper bound alone, so the lower bound does not fail first
    return dataclasses.replace(GOOD.upper, **kw)


def test_the_hand_made_certificate_verifies():
    check_rank_certificate(A, GOOD)
    assert check(A, GOOD.lower) and check(A, GOOD.upper)


@pytest.mark.parametrize(
    "tampered, match",
    [
        (_replace_lower(rows=(0, 1)), r"the 2 x 2 minor is singular modulo prime="),
        (_replace_lower(cols=(0, 1)), r"singular modulo"),
        (_replace_lower(rows=(0, 0)), r"rows: expected 2 distinct indices"),
        (_replace_lower(cols=(0, 4)), r"cols: an index is out of range 0\.\.3"),
        (_replace_lower(prime=P + 1), rf"prime={P + 1} is not prime"),
        (_replace_lower(prime=2), r"singular modulo prime=2"),  # det = 4 - 6 = -2
        (_replace_lower(k=3), r"lower bound 3 exceeds upper bound 2"),
        (_replace_lower(k=3).lower, r"rows: expected 3 distinct indices, got 2"),
        (_replace_upper(V=((1, 0, 0, 0), (0, 0, 1, Fraction(3, 2)))), r"A\[:, cols\] V != A"),
        (_replace_upper(cols=(0, 1)), r"A\[:, cols\] V != A"),
        (_replace_upper(k=1), r"cols: expected 1 distinct indices, got 2"),
        (_replace_upper(k=1, cols=(0,), V=((1, 0, 2, 2),)), r"A\[:, cols\] V != A"),
        (_replace_upper(kind="trivial", k=2, cols=(), V=()), r"trivial upper bound k=2 is below min\(rows, cols\) = 3"),
        (RankCertificate(RankLowerBound(2, (0, 2), (0, 2), P), RankUpperBound(1, "trivial")),
         r"lower bound 2 exceeds upper bound 1"),
    ],
)
def test_tampering_is_rejected(tampered, match):
    assert not check(A, tampered)
    with pytest.raises(CertificateError, match=match):
        check_rank_certificate(A, tampered)


def test_denominator_and_modulus():
    lower = RankLowerBound(1, (0,), (0,), 5)
    check_rank_certificate(A, lower)
    with pytest.raises(CertificateError, match=r"prime=5 divides the denominator 10"):
        check_rank_certificate(A, lower, denominator=10)
    with pytest.raises(CertificateError, match=r"prime=5 differs from the modulus 7"):
        check_rank_certificate(A, lower, modulus=7)
    with pytest.raises(CertificateError, match="needs the exact matrix, not residues"):
        check_rank_certificate(A, GOOD.upper, modulus=7)
    F = _obj([[Fraction(1, 5), 1], [1, 1]])
    with pytest.raises(CertificateError, match=r"prime=5 divides the denominator of entry \[0, 0\]"):
        check_rank_certificate(F, RankLowerBound(1, (0,), (0,), 5))


def test_symbolic_point():
    x, y = sympy.symbols("x y")
    S = _obj([[x, y], [1, x - 2]])
    good = RankLowerBound(2, (0, 1), (0, 1), P, (("x", 5), ("y", 1)))  # det = x^2 - 2x - y = 14
    check_rank_certificate(S, good)
    with pytest.raises(CertificateError, match="singular modulo"):
        check_rank_certificate(S, dataclasses.replace(good, point=(("x", 3), ("y", 3))))  # det = 0
    with pytest.raises(CertificateError, match=r"entry \[0, 1\] = y is not a rational function of the point's symbols"):
        check_rank_certificate(S, dataclasses.replace(good, point=(("x", 5),)))
    with pytest.raises(CertificateError, match="not a rational function"):
        check_rank_certificate(_obj([[sympy.Max(x, 0)]]), RankLowerBound(1, (0,), (0,), P, (("x", 1),)))
    with pytest.raises(CertificateError, match="has a pole at the point"):
        check_rank_certificate(_obj([[1 / x]]), RankLowerBound(1, (0,), (0,), P, (("x", 0),)))


def _results():
    rng = np.random.default_rng(11)
    x, y = sympy.symbols("x y")
    mats = [
        rng.integers(-20, 20, (6, 4)) @ rng.integers(-20, 20, (4, 9)),
        rng.integers(-20, 20, (5, 5)),
        _obj([[Fraction(1, 2), Fraction(1, 3)], [3, 2]]),
        np.zeros((2, 3), dtype=np.int64),
    ]
    for M in mats:
        for method in ("flint", "sympy", "modular"):
            yield M, exact_rank(M, method=method)
    S = _obj([[x, y, x + y], [x * y, 1, x * y + 1]])
    yield S, generic_rank(S)


@pytest.mark.parametrize("matrix, result", list(_results()))
def test_every_certificate_verifies_and_round_trips_through_json(matrix, result):
    check_rank_certificate(matrix, result.certificate)
    d = result.certificate.to_dict()
    again = from_dict(json.loads(json.dumps(d)))
    assert again == result.certificate
    check_rank_certificate(matrix, again)


def test_to_dict_shape():
    d = RankCertificate(
        RankLowerBound(1, (0,), (2,), 7, (("w", Fraction(-3, 4)),)),
        RankUpperBound(1, "factorization", (2,), ((Fraction(1, 2), 10**30),)),
    ).to_dict()
    assert d == {
        "certificate": "rank",
        "lower": {"certificate": "rank_lower_bound", "k": 1, "rows": [0], "cols": [2], "prime": 7,
                  "point": {"w": "-3/4"}},
        "upper": {"certificate": "rank_upper_bound", "k": 1, "kind": "factorization", "cols": [2],
                  "V": [["1/2", 10**30]]},
    }
    assert RankUpperBound(3, "trivial").to_dict() == {"certificate": "rank_upper_bound", "k": 3, "kind": "trivial"}


def test_malformed_certificates():
    with pytest.raises(CertificateError,
                       match=r"kind='kernel' is not one of \('trivial', 'factorization', 'factors', 'column_span', "
                             r"'multimodular'\)"):
        RankUpperBound(1, "kernel")
    with pytest.raises(CertificateError, match=r"rows: expected ints"):
        RankLowerBound(1, ("0",), (0,), 7)
    with pytest.raises(CertificateError, match=r"1\.5 is not an exact rational"):
        RankUpperBound(1, "factorization", (0,), ((1.5,),))
    with pytest.raises(CertificateError, match=r"'x/y' is not an exact rational"):
        from_dict({"certificate": "rank_upper_bound", "k": 1, "kind": "factorization", "cols": [0], "V": [["x/y"]]})
    with pytest.raises(CertificateError, match=r"certificate='rank_lower' is not one of"):
        from_dict({"certificate": "rank_lower"})
    with pytest.raises(CertificateError, match="expected a rank certificate, got str"):
        check_rank_certificate(A, "rank 2")
    with pytest.raises(CertificateError, match="matrix has 1 dimensions"):
        check_rank_certificate([1, 2], GOOD)


def test_large_minor_uses_the_same_verdict():
    """k > 48 goes through nmod_mat.det; a singular tampering is still caught."""
    M = np.random.default_rng(5).integers(-9, 10, (60, 60)).astype(object)
    r = exact_rank(M)
    assert r.rank == 60
    check_rank_certificate(M, r.certificate)
    M2 = M.copy()
    M2[59] = M2[0] + M2[1]
    assert not check(M2, r.certificate.lower)


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 6).flatmap(lambda k: st.lists(st.lists(st.integers(-5, 5), min_size=k, max_size=k), min_size=k,
                                                    max_size=k)))
def test_elimination_agrees_with_sympy_det(rows):
    for p in (2, 3, 101):
        expected = sympy.Matrix(rows).det() % p != 0
        assert certs._det_nonzero_mod([[x % p for x in r] for r in rows], p) == expected


def test_checker_is_independent_and_short():
    source = Path(certs.__file__).read_text()
    imported = {
        (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    }
    assert not any("rank" in name for name in imported)
    assert len(source.splitlines()) < 380  # five kinds of upper bound (column_span added for exact ranks,
    #                                        multimodular for relations too long: issue 23)

"""Tests of the kernel's statement types (symbolic/kernel/rank.py, law.py, universality.py, rank_bound.py): typed
statements and the certificates that prove them.

Certificates are built here without the prover pipeline: a rank certificate from a minor found by
enumeration and the CR factorization (tests/kernel/test_linalg.py), the bounds from the prover's
own structural bounds (symbolic.rank.bounds), law counterexamples found by a brute-force search with
an operator written here in Fraction arithmetic. The dispatch of ``check_result`` refuses
unknown types, statuses and fields.
"""

from __future__ import annotations

import itertools
from fractions import Fraction as Q

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symbolic.rank.bounds import bounds as prover_bounds
from symbolic.tensor.decompositions import grid_tensor
from symbolic.errors import CertificateError, StatementError
from symbolic.identity.decide import prove_zero
from symbolic.kernel.recheck import check_result
from symbolic.kernel.recheck import TYPES
from symbolic.kernel.law import check_law, law_sides
from symbolic.kernel.rank import check as check_rank_result
from symbolic.kernel.rank_bound import bound_value
from symbolic.kernel.schema import partition_rows, rows as rows_of
from symbolic.rank.matricization import matricize_array, parse_partition
from symbolic.spec.network import deep, shallow, spec_to_dict
from tests.kernel.test_linalg import _cert, _good_prime, _lower, _nonzero_minor, _ranks

# ----------------------------------------------------------------------------- an operator in Fractions
SIGMA = {"linear": lambda x: x, "relu": lambda x: max(x, Q(0)), "abs": abs, "square": lambda x: x * x}
POOL = {"product": lambda xs: xs[0] * xs[1], "max": max, "sum": sum, "average": lambda xs: sum(xs) / len(xs)}


def _g(act, pool):
    return lambda x, y: POOL[pool]([SIGMA[act](x), SIGMA[act](y)])


def _sides(act, pool, law, pt):
    g, s = _g(act, pool), SIGMA[act]
    if law == "commutativity":
        return g(pt["a"], pt["b"]), g(pt["b"], pt["a"])
    if law == "associativity":
        return g(g(pt["a"], pt["b"]), pt["c"]), g(pt["a"], g(pt["b"], pt["c"]))
    return s(g(pt["a"], pt["b"])), g(pt["a"], pt["b"])


def _brute_counterexample(act, pool, law):
    names = "abc" if law == "associativity" else "ab"
    for vals in itertools.product([Q(0), Q(1), Q(-1), Q(2), Q(-2), Q(1, 2)], repeat=len(names)):
        pt = dict(zip(names, vals))
        lhs, rhs = _sides(act, pool, law, pt)
        if lhs != rhs:
            return pt
    return None


OPS = list(itertools.product(SIGMA, POOL))
LAWS = ("commutativity", "associativity", "pooled_fixed")


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(OPS), st.sampled_from(LAWS), st.lists(st.fractions(max_denominator=4), min_size=3, max_size=3))
def test_law_sides_are_the_operator(op, law, vals):
    lhs, rhs, vs = law_sides(*op, law)
    pt = dict(zip("abc", vals))
    sub = {v: sympy.Rational(pt[str(v)].numerator, pt[str(v)].denominator) for v in vs}
    want = _sides(*op, law, pt)
    assert (lhs.xreplace(sub), rhs.xreplace(sub)) == tuple(sympy.Rational(w.numerator, w.denominator) for w in want)


@pytest.mark.parametrize("op", OPS, ids="/".join)
def test_laws_are_checked_both_ways(op):
    for law in LAWS:
        pt = _brute_counterexample(*op, law)
        lhs, rhs, vs = law_sides(*op, law)
        if pt is not None:  # fails: the brute-force point is accepted, and "holds" has no proof
            check_law(*op, law, False, {"kind": "counterexample", "point": {k: str(v) for k, v in pt.items()}})
            with pytest.raises(CertificateError):
                check_law(*op, law, True, {"kind": "identity", "method": "expansion"})
        else:  # no point of the grid separates the sides: the prover's identity is accepted
            r = prove_zero(lhs - rhs, vs)
            assert r.holds is True
            method = "expansion" if sympy.expand(lhs - rhs) == 0 else "case-analysis"
            cert = {"kind": "identity", "method": method}
            if method == "case-analysis":
                cert["identity"] = r.certificate
            check_law(*op, law, True, cert)
            zeros = {str(v): 0 for v in vs}
            with pytest.raises(CertificateError, match="not proved different"):
                check_law(*op, law, False, {"kind": "counterexample", "point": zeros})


def test_malformed_law_certificates():
    good = {"kind": "counterexample", "point": {"a": 1, "b": 0, "c": 0}}
    check_law("relu", "average", "associativity", False, good)
    for bad, match in (({"kind": "counterexample", "point": {"a": 1, "b": 0}}, "point must"),
                       ({"kind": "identity", "point": good["point"]}, "counterexample"),
                       (dict(good, extra=1), "unexpected")):
        with pytest.raises(CertificateError, match=match):
            check_law("relu", "average", "associativity", False, bad)
    with pytest.raises(CertificateError, match="law="):
        check_law("relu", "max", "distributivity", True, {"kind": "identity", "method": "expansion"})
    with pytest.raises(CertificateError, match="pooling="):
        check_law("relu", "min", "commutativity", True, {"kind": "identity", "method": "expansion"})
    with pytest.raises(CertificateError, match="method="):
        check_law("relu", "max", "commutativity", True, {"kind": "identity", "method": "faith"})


# ----------------------------------------------------------------------------- partitions
@pytest.mark.parametrize("N", [2, 3, 4, 5, 8])
def test_partition_rows_agree_with_the_provers_partitions(N):
    for label in ["odd-even", "halves"] + [",".join(map(str, s)) for s in itertools.combinations(range(N), N // 2)][:5]:
        assert tuple(partition_rows(label, N)) == parse_partition(label, N)
    with pytest.raises(CertificateError):
        partition_rows("evens", N)


@pytest.mark.parametrize("rows", [[], [0, 1, 2, 3], [2, 0], [1, 1], [4], [True]])
def test_rows_must_be_an_increasing_proper_subset(rows):
    with pytest.raises(CertificateError):
        rows_of(rows, 4)


# ----------------------------------------------------------------------------- rank statements
def _rank_result(spec, rows, partition=None):
    A = matricize_array(grid_tensor(spec).to_numpy(), rows)  # exact entries: ints and Fractions
    cert, r = _cert(A)
    st_ = {"type": "rank", "spec": spec_to_dict(spec), "output": 0, "rows": list(rows)}
    if partition:
        st_["partition"] = partition
    return {"statement": st_, "status": "proved", "certificate": cert, "lower": r, "upper": r,
            "bounds": prover_bounds(spec, tuple(rows))}, r


@pytest.mark.parametrize("spec, partition", [
    (deep(N=4, M=2, seed=1, low=-5, high=5), "odd-even"),
    (shallow(N=4, M=2, Z=1, activation="relu", pooling="max", seed=2, low=-5, high=5), "halves"),
    (deep(N=4, M=2, widths=(2, 1), activation="relu", pooling="sum", seed=3, low=-5, high=5, denominators=(1, 2)),
     "0,3"),
])
def test_a_hand_made_rank_certificate_is_accepted_and_forgeries_are_not(spec, partition):
    rows = list(parse_partition(partition, spec.N))
    res, r = _rank_result(spec, rows, partition)
    text = check_rank_result(res["statement"], res)
    assert f"= {r} (" in text
    assert check_result(res).ok
    for change in (dict(lower=r + 1), dict(upper=r - 1), dict(status="refuted"),
                   dict(bounds=dict(res["bounds"], trivial=res["bounds"]["trivial"] + 1)),
                   dict(statement=dict(res["statement"], partition="1,2")),
                   dict(statement=dict(res["statement"], output=1)), dict(extra=0)):
        assert not check_result({**res, **change}).ok, change


# ----------------------------------------------------------------------------- rank bounds
def _witness(Z=1):
    """A shallow relu/max net with a certified rank [A]_odd-even > Z, found by trying seeds."""
    rows = [0, 2]
    for seed in range(50):
        spec = shallow(N=4, M=2, Z=Z, activation="relu", pooling="max", seed=seed, low=-5, high=5)
        A = matricize_array(np.asarray(grid_tensor(spec).data), rows)
        r = _ranks(A)
        if r > Z:
            i, j, d = _nonzero_minor(A, r)
            return spec, r, _lower(r, i, j, _good_prime(d))
    raise AssertionError("no witness")


def test_rank_bound_refuted_by_a_witness():
    spec, r, lower = _witness()
    fam = dict(architecture="shallow", N=4, M=2, activation="relu", pooling="max", shared=False, Z=1)
    res = {"statement": {"type": "rank_bound", "family": fam, "rows": [0, 2], "bound": "Z"}, "status": "refuted",
           "certificate": {"kind": "matricization_rank", "source": {"spec": spec_to_dict(spec), "output": 0},
                           "rows": [0, 2], "certificate": lower}}
    assert check_result(res).ok
    bad_bound = dict(res, statement=dict(res["statement"], bound=str(r)))  # rank r does not exceed r
    assert "does not exceed" in check_result(bad_bound).reason
    other_family = dict(res, statement=dict(res["statement"], family=dict(fam, pooling="sum")))
    assert not check_result(other_family).ok
    assert not check_result(dict(res, status="proved")).ok  # a rank bound is never proved by a witness


@given(st.integers(2, 8), st.integers(1, 5), st.integers(1, 5), st.integers(1, 5))
def test_bound_value_is_the_formula(N, M, Z, r0):
    assert bound_value("M^2*Z + N - 1/2", dict(architecture="shallow", N=N, M=M, Z=Z)) == \
        sympy.Rational(2 * M**2 * Z + 2 * N - 1, 2)
    assert bound_value("L*w + r0*r1", dict(architecture="deep", N=N, M=M, widths=[r0, Z], window=3)) == 2 * 3 + r0 * Z
    assert bound_value("w", dict(architecture="shallow", N=N, M=M, Z=Z)) == N  # a shallow net pools all N at once
    with pytest.raises(StatementError):
        bound_value("Q + 1", dict(architecture="shallow", N=N, M=M, Z=Z))


# ----------------------------------------------------------------------------- dispatch
def test_dispatch_knows_the_statement_types():
    assert set(TYPES) == {"rank", "law", "universality", "rank_bound", "claim", "depth"}


LAW_OK = {"statement": {"type": "law", "activation": "relu", "pooling": "average", "law": "associativity"},
          "status": "refuted", "certificate": {"kind": "counterexample", "point": {"a": 1, "b": 0, "c": 0}}}


@pytest.mark.parametrize("change, reason", [
    (dict(statement=dict(LAW_OK["statement"], type="theorem")), "statement.type=theorem: expected one of"),
    (dict(status="true"), "status=true: expected one of"), (dict(verdict="refuted"), "unexpected fields"),
    (dict(lower=1), "unexpected fields"), (dict(seconds=-1), "non-negative"), (dict(seed=1.5), "non-negative"),
    (dict(statement=dict(LAW_OK["statement"], extra=1)), "unexpected"), (dict(status="inconclusive"), "assert nothing"),
    (dict(statement=[]), "statement object"), (dict(status="proved"), "law certificate"),
])
def test_check_result_refuses_unknown_types_statuses_and_fields(change, reason):
    assert check_result(LAW_OK).ok
    line = check_result({**LAW_OK, **change})
    assert not line.ok and reason in line.reason


def test_a_result_without_certificate_field_and_unproved_results():
    assert "no certificate" in check_result({k: v for k, v in LAW_OK.items() if k != "certificate"}).reason
    assert check_result(dict(LAW_OK, status="tested", certificate=None)).ok  # asserts nothing: nothing to check


@pytest.mark.parametrize("change", [dict(N=0), dict(N=True), dict(architecture="wide"), dict(shared="no"),
                                    dict(window=2), dict(M=65)])
def test_universality_statements_are_validated_before_any_certificate(change):
    st_ = {"type": "universality", "architecture": "shallow", "N": 2, "M": 2, "activation": "relu",
           "pooling": "max", "shared": False, **change}
    assert not check_result({"statement": st_, "status": "proved", "certificate": {}}).ok

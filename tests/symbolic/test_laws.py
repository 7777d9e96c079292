"""Tests of symbolic/identity/operator_laws.py: every law of every activation x pooling pair, decided and certified."""

import functools
import json
from fractions import Fraction as Fr

import mpmath
import pytest
import sympy

from symbolic.errors import DomainError
from symbolic.identity.decide import check_identity_certificate
from symbolic.identity.operator_laws import (LawResult, Laws, associativity, commutativity, laws, pooled_fixed,
                                             window_equals_iterated)
from symbolic.tensor.operators import operator

ACTS = ("linear", "relu", "abs", "square", "leaky_relu:1/10", "leaky_relu:2", "leaky_relu:-1/2", "tanh", "sigmoid")
POOLS = ("product", "max", "sum", "average")

# (commutative, associative, pooled_fixed, window 3 == iterated), with the reason for each row.
EXPECTED = {
    # the paper's operators (design.md section 5, claim "laws"): a*b, max(a, b, 0), relu(a) + relu(b)
    ("linear", "product"): (True, True, True, True),
    ("relu", "max"): (True, True, True, True),
    ("relu", "sum"): (True, True, True, True),
    # average: g(g(1, 0), 0) = 1/4 but g(1, g(0, 0)) = 1/2 (paper-notes D6)
    ("relu", "average"): (True, False, True, False),
    ("linear", "average"): (True, False, True, False),
    ("abs", "average"): (True, False, True, False),
    ("linear", "max"): (True, True, True, True),
    ("linear", "sum"): (True, True, True, True),
    ("relu", "product"): (True, True, True, True),  # relu(relu(a) relu(b)) = relu(a) relu(b) >= 0
    # |.| fixes non-negative values, so |max(|a|, |b|)| = max(|a|, |b|) etc.
    ("abs", "product"): (True, True, True, True),
    ("abs", "max"): (True, True, True, True),
    ("abs", "sum"): (True, True, True, True),
    # square is applied again to the pooled value: g(g(a, b), c) = a^4 b^4 c^2, g(a, g(b, c)) = a^2 b^4 c^4.
    # (The brief expected square/product associative; that holds for the pooling P alone, not for g.)
    ("square", "product"): (True, False, False, False),
    ("square", "max"): (True, False, False, False),
    ("square", "sum"): (True, False, False, False),
    ("square", "average"): (True, False, False, False),
    # leaky_relu:1/10 is monotone, so g(a, b) = sigma(max(a, b)) and g(g(a, b), c) = max(sigma^2(max(a, b)), sigma(c)):
    # sigma^2 != sigma on negatives, e.g. a = b = -1, c = -1/2: max(-1/100, -1/20) != max(-1/10, -1/200)
    ("leaky_relu:1/10", "product"): (True, False, False, False),
    ("leaky_relu:1/10", "max"): (True, False, False, False),
    ("leaky_relu:1/10", "sum"): (True, False, False, False),
    ("leaky_relu:1/10", "average"): (True, False, False, False),
    ("leaky_relu:2", "product"): (True, False, False, False),
    ("leaky_relu:2", "max"): (True, False, False, False),
    ("leaky_relu:2", "sum"): (True, False, False, False),
    ("leaky_relu:2", "average"): (True, False, False, False),
    # slope -1/2: sigma(x) = max(x, -x/2) >= 0 and sigma is the identity on [0, oo), like abs
    ("leaky_relu:-1/2", "product"): (True, True, True, True),
    ("leaky_relu:-1/2", "max"): (True, True, True, True),
    ("leaky_relu:-1/2", "sum"): (True, True, True, True),
    ("leaky_relu:-1/2", "average"): (True, False, True, False),
    # tanh, sigmoid: tanh(tanh 1) != tanh 1 etc., proved by disjoint interval enclosures
    **{(act, pool): (True, False, False, False) for act in ("tanh", "sigmoid") for pool in POOLS},
}


@functools.lru_cache(maxsize=None)
def decided(act, pool) -> Laws:
    return laws(operator(act, pool))


PAIRS = [(act, pool) for act in ACTS for pool in POOLS]


@pytest.mark.parametrize("act, pool", PAIRS)
def test_expected_table(act, pool):
    L = decided(act, pool)
    got = (L.commutativity.holds, L.associativity.holds, L.pooled_fixed.holds, L.windows[0].holds)
    assert got == EXPECTED[(act, pool)]
    assert all(r.status == "proved" for r in (L.commutativity, L.associativity, L.pooled_fixed) + L.windows)
    # iterating the binary form is justified exactly when the window form agrees (design.md section 1)
    if L.iterable:
        assert L.windows[0].holds
    json.dumps(L.to_dict())


def _exact_value(x):
    return Fr(x) if isinstance(x, (int, str)) else x


@pytest.mark.parametrize("act, pool", [p for p in PAIRS if p[0] not in ("tanh", "sigmoid")])
def test_certificates_recheck(act, pool):
    """Every certificate is re-checked by another route: exact evaluation, or the identity checker."""
    op = operator(act, pool)
    L = decided(act, pool)
    for r in (L.commutativity, L.associativity, L.pooled_fixed) + L.windows:
        cert = r.certificate
        names = cert["variables"]
        syms = sympy.symbols(" ".join(names), real=True)
        syms = syms if isinstance(syms, tuple) else (syms,)
        local = {n: s for n, s in zip(names, syms)}
        lhs, rhs = (sympy.sympify(cert[k], locals=local) for k in ("lhs", "rhs"))
        if cert["kind"] == "counterexample":
            vals = [_exact_value(cert["point"][n]) for n in names]
            left, right = _evaluate(r.law, op, vals)
            assert left != right
            assert (left, right) == (_exact_value(cert["lhs_value"]), _exact_value(cert["rhs_value"]))
        elif cert["method"] == "case-analysis":
            assert check_identity_certificate(lhs - rhs, syms, cert["identity"])
        else:
            assert sympy.expand(lhs - rhs) == 0


def _evaluate(law, op, vals):
    """Both sides of a law, by the Operator's exact evaluation (ints and Fractions; no sympy)."""
    if law == "commutativity":
        return op(*vals), op(vals[1], vals[0])
    if law == "associativity":
        x, y, z = vals
        return op(op(x, y), z), op(x, op(y, z))
    if law == "pooled_fixed":
        return op.activation(op(*vals)), op(*vals)
    return op.window(*vals), functools.reduce(op, vals)


class TestPaperOperators:
    def test_average_relu_counterexample(self):
        r = associativity(operator("relu", "average"))
        assert (r.holds, r.status) == (False, "proved")
        c = r.certificate
        assert c["point"] == {"a": 1, "b": 0, "c": 0}
        assert (c["lhs_value"], c["rhs_value"]) == ("1/4", "1/2")

    def test_sum_relu_is_a_case_analysis_or_canonical_identity(self):
        r = associativity(operator("relu", "sum"))
        assert r.holds and r.certificate["kind"] == "identity"

    def test_product_linear_is_canonical(self):
        r = associativity(operator("linear", "product"))
        assert r.certificate["method"] == "canonical"
        assert r.certificate["lhs"] == r.certificate["rhs"] == "a*b*c"


class TestTranscendental:
    def test_max_tanh_not_associative(self):
        r = associativity(operator("tanh", "max"))
        assert (r.holds, r.status) == (False, "proved")
        c = r.certificate
        assert c["point"] == {"a": 1, "b": 0, "c": 0}
        assert c["method"].startswith("interval arithmetic")
        assert {c["lhs_value"], c["rhs_value"]} == {"tanh(tanh(1))", "tanh(1)"}
        lo_l, hi_l = map(Fr, c["lhs_enclosure"])  # exact binary endpoints, as "p/q"
        lo_r, hi_r = map(Fr, c["rhs_enclosure"])
        assert hi_l < lo_r or hi_r < lo_l
        # the enclosures contain the values (a sanity check at 50 digits, not part of the proof)
        with mpmath.workdps(50):
            exact = lambda m: Fr(int(m.man)) * Fr(2) ** int(m.exp)  # noqa: E731
            values = {"tanh(1)": exact(mpmath.tanh(1)), "tanh(tanh(1))": exact(mpmath.tanh(mpmath.tanh(1)))}
        assert lo_l <= values[c["lhs_value"]] <= hi_l and lo_r <= values[c["rhs_value"]] <= hi_r

    def test_commutativity_is_structural(self):
        for pool in POOLS:
            r = commutativity(operator("sigmoid", pool))
            assert r.holds and r.certificate["method"] == "canonical"

    def test_pooled_fixed_fails_for_tanh(self):
        r = pooled_fixed(operator("tanh", "sum"))
        assert (r.holds, r.status) == (False, "proved")


class TestStatuses:
    def test_inconclusive_when_the_budget_runs_out(self):
        r = associativity(operator("abs", "product"), max_regions=1)
        assert (r.holds, r.status) == (None, "inconclusive")
        assert "max_regions=1" in r.certificate["reason"]
        json.dumps(r.to_dict())

    def test_result_validation(self):
        with pytest.raises(DomainError, match="status='maybe' is not one of \\('proved', 'inconclusive'\\)"):
            LawResult("associativity", "relu/max", True, "maybe", {})
        with pytest.raises(DomainError, match="status='proved' with holds=None"):
            LawResult("associativity", "relu/max", None, "proved", {})

    def test_window_argument(self):
        with pytest.raises(DomainError, match="w=1: expected an int >= 2"):
            window_equals_iterated(operator("relu", "max"), 1)
        with pytest.raises(DomainError, match="w='3': expected an int >= 2"):
            window_equals_iterated(operator("relu", "max"), "3")

    def test_operator_argument(self):
        assert commutativity(("relu", "max")).holds
        with pytest.raises(DomainError, match="op='relu/max': expected an Operator"):
            laws("relu/max")

    def test_window_four(self):
        L = laws(operator("relu", "sum"), windows=(2, 4))
        assert [w.law for w in L.windows] == ["window:2", "window:4"]
        assert all(w.holds for w in L.windows)
        r = window_equals_iterated(operator("relu", "average"), 4)
        assert r.holds is False and r.certificate["point"] == {"a1": 1, "a2": 0, "a3": 0, "a4": 0}

"""Tests of symbolic/identity/decide.py: exact identity proofs by case analysis, counterexamples, the certificates
(checked by
the kernel, symbolic/kernel/regions.py; forged certificates are in tests/kernel/test_regions.py), the LP."""

import copy
import itertools
import json
from fractions import Fraction as Fr

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symbolic.errors import CertificateError, DomainError
from symbolic.identity.decide import check_counterexample, check_identity_certificate, prove_zero
from symbolic.identity.certificates import _upper
from symbolic.kernel.regions import check_zero_certificate
from symbolic.lp import Infeasible, simplex

a, b, c = sympy.symbols("a b c", real=True)
V = [a, b, c]
Max, Min, Abs, Piecewise = sympy.Max, sympy.Min, sympy.Abs, sympy.Piecewise


def relu(x):
    return Max(x, 0)


def proved(expr, variables=V, region=()):
    r = prove_zero(expr, variables, region=region)
    assert r.holds, r.counterexample
    assert r.counterexample is None
    assert check_identity_certificate(expr, variables, r.certificate, region=region)
    json.dumps(r.to_dict())
    return r


def refuted(expr, variables=V, region=()):
    r = prove_zero(expr, variables, region=region)
    assert not r.holds and r.certificate is None
    point = r.counterexample["point"]
    assert check_counterexample(expr, variables, point)
    sub = {v: sympy.Rational(point[str(v)]) for v in variables}
    value = sympy.sympify(expr).xreplace(sub)
    assert value != 0 and value == sympy.Rational(r.counterexample["value"])
    for rel in region:
        assert bool(rel.xreplace(sub))
    json.dumps(r.to_dict())
    return r


class TestKnownIdentities:
    def test_max_plus_min(self):
        r = proved(Max(a, b) + Min(a, b) - a - b)
        assert r.regions == 2

    def test_abs_is_max(self):
        proved(Abs(a) - Max(a, -a))

    def test_relu_difference(self):
        r = proved(relu(a) - relu(-a) - a, [a])
        assert r.regions == 2
        assert r.certificate["tree"] == {"split": "a", "ge": {"region": 0}, "le": {"region": 1}}

    def test_three_way_max_min(self):
        proved(Max(a, b, c) + Min(a, b, c) + Max(Min(a, b), Min(b, c), Min(a, c)) - a - b - c)

    def test_polynomial_identity(self):
        assert proved((a + b) ** 2 - a**2 - 2 * a * b - b**2).regions == 1

    def test_nonlinear_comparisons_that_factor(self):
        # max(a^2, b^2, c^2) = max(|a|, |b|, |c|)^2: a^2 - b^2 = (a - b)(a + b) is split on its factors
        proved(Max(a**2, b**2, c**2) - Max(Abs(a), Abs(b), Abs(c)) ** 2)

    def test_products_of_relus(self):
        proved(relu(relu(a) * relu(b) - 0) * relu(c) - relu(a) * relu(b * 1) * relu(c))
        proved(Abs(Abs(a) * b) - Abs(a) * Abs(b))

    def test_continuous_piecewise(self):
        # leaky ReLU with slope 2 on the negative side, as operators.py writes it
        proved(Piecewise((a, a > 0), (2 * a, True)) - Min(a, 2 * a))
        proved(Piecewise((a, a < -1), (-1, a <= 1), (a - 2, True)) - Max(Min(a, -1), a - 2))

    def test_on_a_region(self):
        proved(Max(a, b) - b, region=[a - b <= 0])
        proved(Abs(a - 1) - (1 - a), region=[a - 1 <= 0, a >= -5])

    def test_on_a_lower_dimensional_region(self):
        proved(Max(a, b) - a, region=[sympy.Eq(a, b)])
        proved(Max(a, b) ** 2 - a * Max(a, b), region=[a >= b, a <= b])  # a non-linear leaf, zero on a = b only

    def test_empty_region_is_vacuous(self):
        r = proved(Max(a, b) - a, region=[a >= 1, a <= 0])
        assert r.regions == 0 and r.certificate["tree"] == {"empty": [[0, 1], [1, 1]]}  # (1 - a) + a = 1 > 0


class TestRefuted:
    def test_max_is_not_its_first_argument(self):
        r = refuted(Max(a, b) - a)
        assert r.counterexample["point"] == {"a": -1, "b": 0, "c": 0}
        assert r.counterexample["value"] == 1

    def test_nonzero_constant(self):
        refuted(sympy.Integer(3), [a])

    def test_polynomial(self):
        refuted(a * b - b * c)

    def test_counterexample_inside_the_region(self):
        r = refuted(Max(a, b) - a - 20, region=[a - 7 >= 0, b + 5 <= 0, c >= 10])
        assert r.counterexample["point"] == {"a": 7, "b": -5, "c": 10}

    def test_counterexample_far_from_the_origin(self):
        refuted(a - 20, region=[a >= 7])
        refuted(Max(a, b) - b, region=[a >= b + 30])

    def test_nonlinear_leaf(self):
        refuted(Max(a, b) ** 2 - a * Max(a, b))
        refuted(relu(a) * relu(b) - relu(a * b) + 0 * c, region=[a <= b])

    def test_nonlinear_leaf_on_a_lower_dimensional_region(self):
        # on the plane a = b + c the leaf a*b - b**2 - b*c vanishes; a*b does not
        refuted(Max(a, b + c) * b, region=[sympy.Eq(a, b + c)])

    def test_discontinuity_at_a_point_is_not_missed(self):
        refuted(Piecewise((a, a > 0), (2 * a, True)) - Max(a, 2 * a))


class TestErrors:
    @pytest.mark.parametrize(
        "expr, match",
        [
            (Max(a, 0.5), "float 0.5"),
            (sympy.tanh(a), "tanh node tanh\\(a\\) is not supported"),
            (1 / a, "power 1/a has exponent -1"),
            (Max(a, b) - sympy.Symbol("d"), "symbols \\['d'\\] are not among variables"),
            (Piecewise((a, a > 0), (0, a < 0)), "no final \\(expr, True\\) branch"),
            (Piecewise((a, a > 0), (a - 1, True)), "discontinuous on a = 0"),
            (Piecewise((a, a**2 > 1), (1, True)), "Piecewise condition a\\*\\*2 > 1 is not linear"),
            (Max(a**2 - b, 0), "cannot decide the sign of the non-linear factor a\\*\\*2 - b"),
        ],
    )
    def test_unsupported_expressions(self, expr, match):
        with pytest.raises(DomainError, match=match):
            prove_zero(expr, [a, b])

    @pytest.mark.parametrize(
        "region, match",
        [
            ([a < 1], "region\\[0\\]=a < 1: strict inequalities are not allowed"),
            ([a >= 0, a * b <= 1], "region\\[1\\]=a\\*b <= 1: expected a linear inequality"),
            ([a + 1], "region\\[0\\]=a \\+ 1: expected a linear inequality"),
        ],
    )
    def test_bad_regions(self, region, match):
        with pytest.raises(DomainError, match=match):
            prove_zero(Max(a, b), [a, b], region=region)

    def test_budget(self):
        expr = Abs(a) + Abs(b) + Abs(c) - Abs(a + b + c)
        with pytest.raises(DomainError, match="max_regions=3: the case analysis needs more than 3 regions"):
            prove_zero(expr, V, max_regions=3)
        with pytest.raises(DomainError, match="max_regions=0: expected a positive int"):
            prove_zero(expr, V, max_regions=0)

    def test_variables(self):
        with pytest.raises(DomainError, match="variables\\[1\\]=2\\*b: expected a sympy Symbol"):
            prove_zero(a, [a, 2 * b])
        with pytest.raises(DomainError, match="expected distinct symbols"):
            prove_zero(a, [a, a])


class TestCertificateChecker:
    """check_identity_certificate is a thin wrapper of the kernel (forgeries: tests/kernel/test_regions.py)."""

    EXPR = Max(a, b) + Min(a, b) - a - b

    def cert(self):
        return copy.deepcopy(prove_zero(self.EXPR, V).certificate)

    def test_accepts(self):
        assert check_identity_certificate(self.EXPR, V, self.cert())
        assert check_zero_certificate(self.EXPR, V, self.cert()) is None

    def test_round_trip_through_json(self):
        assert check_identity_certificate(self.EXPR, V, json.loads(json.dumps(self.cert())))

    def test_format(self):
        cert = self.cert()
        assert cert["kind"] == "case-analysis" and cert["variables"] == ["a", "b", "c"]
        assert cert["tree"] == {"split": "a - b", "ge": {"region": 0}, "le": {"region": 1}}
        # on a - b >= 0 (constraint 0: -a + b <= 0) Max(a, b) takes a: b - a = 1 * (-a + b) + 0
        assert cert["regions"][0] == {"picks": [{"arg": 0, "proofs": [[[0, 1]]]}, {"arg": 1, "proofs": [[[0, 1]]]}],
                                      "zero": {"by": "expand"}}

    def test_wrong_claim(self):
        with pytest.raises(CertificateError, match="regions\\[0\\]: the leaf polynomial a is not 0"):
            check_identity_certificate(self.EXPR + a, V, self.cert())
        with pytest.raises(CertificateError, match="the leaf polynomial 1 is not 0"):
            check_identity_certificate(self.EXPR + 1, V, self.cert())

    def test_wrong_region(self):
        with pytest.raises(CertificateError, match="region=\\[\\] does not match the claim's \\[a\\]"):
            check_identity_certificate(self.EXPR, V, self.cert(), region=[a <= 0])
        cert = prove_zero(Max(a, b) - b, V, region=[a - b <= 0]).certificate
        assert check_identity_certificate(Max(a, b) - b, V, cert, region=[a - b <= 0])
        with pytest.raises(CertificateError, match="region=\\[a - b\\] does not match the claim's \\[\\]"):
            check_identity_certificate(Max(a, b) - b, V, cert)

    def test_missing_half_is_not_coverage(self):
        cert = self.cert()
        cert["tree"] = cert["tree"]["ge"]  # only the half a - b >= 0 remains: the proofs refer to a missing constraint
        cert["regions"] = cert["regions"][:1]
        with pytest.raises(CertificateError, match="index 0 is not an int in range\\(0\\)"):
            check_identity_certificate(self.EXPR, V, cert)

    def test_fake_empty_region(self):
        cert = self.cert()
        cert["tree"]["le"] = {"empty": [[0, 1]]}
        cert["regions"] = cert["regions"][:1]
        with pytest.raises(CertificateError, match="tree.le.empty: the multipliers do not prove that R is empty"):
            check_identity_certificate(self.EXPR, V, cert)

    def test_wrong_pick(self):
        cert = self.cert()
        cert["regions"][0]["picks"][0]["arg"] = 1  # Max(a, b) = b on a >= b: false
        with pytest.raises(CertificateError, match="Max\\(a, b\\) = b rather than a is not proved: regions\\[0\\]"):
            check_identity_certificate(self.EXPR, V, cert)

    def test_float_in_certificate(self):
        cert = self.cert()
        cert["tree"]["split"] = "a - 0.5*b"
        with pytest.raises(CertificateError, match="tree.split"):
            check_identity_certificate(self.EXPR, V, cert)
        cert = self.cert()
        cert["regions"][0]["picks"][0]["proofs"][0] = [[0, 1.0]]
        with pytest.raises(CertificateError, match="the float 1.0 is refused"):
            check_identity_certificate(self.EXPR, V, cert)

    def test_counterexample_checker(self):
        assert check_counterexample(Max(a, b) - a, [a, b], {"a": "-1/2", "b": 0})
        with pytest.raises(CertificateError, match="the expression is 0 at"):
            check_counterexample(Max(a, b) - a, [a, b], {"a": 1, "b": 0})
        with pytest.raises(CertificateError, match="point\\['a'\\]=0.5 is not an exact rational"):
            check_counterexample(Max(a, b) - a, [a, b], {"a": 0.5, "b": 0})


class TestEvidence:
    """The kinds of evidence the prover emits, each accepted by the kernel."""

    def kinds(self, node, acc):
        if isinstance(node, dict):
            acc.update(k if k != "by" else f"by:{node[k]}" for k in node)
            for v in node.values():
                self.kinds(v, acc)
        elif isinstance(node, list):
            for v in node:
                self.kinds(v, acc)
        return acc

    def test_factorised_comparisons(self):
        r = proved(Abs(Abs(a) * b) - Abs(a) * Abs(b))
        assert {"unit", "factors", "signs"} <= self.kinds(r.certificate, set())

    def test_affine_leaf_on_a_region(self):
        r = proved(Max(a, b) - b, region=[sympy.Eq(a, b)])  # Max takes a; the leaf a - b is 0 on the region
        assert "by:affine" in self.kinds(r.certificate, set())

    def test_hull_leaf(self):
        r = proved(Max(a, b) ** 2 - b * Max(a, b), region=[a >= b, a <= b])  # the leaf a**2 - a*b, 0 on a = b
        assert "by:hull" in self.kinds(r.certificate, set())

    def test_piecewise_branches(self):
        r = proved(Piecewise((a, a > 0), (2 * a, True)) - Min(a, 2 * a))
        assert {"branches", "by:empty"} & self.kinds(r.certificate, set())


# ----------------------------------------------------------------------------- the exact LP


def test_lp_regression_sympy_28089():
    """sympy 1.14's lpmax returns max 4/5 at a point violating 3a + 3b + 2 <= 0 here (sympy/sympy#28089)."""
    F = lambda *xs: tuple(map(Fr, xs))  # noqa: E731
    region = (F(2, 2, -2), F(-3, 2, -1), F(-1, -3, 1), F(-1, -3, -1), F(3, 3, 2))
    with pytest.raises(Infeasible) as e:
        _upper(F(2, 3, -2), region)
    y = e.value.farkas  # sum y_i g_i is a positive constant
    assert min(y) >= 0 and all(sum(yi * g[k] for yi, g in zip(y, region)) == 0 for k in range(2))
    assert sum(yi * g[-1] for yi, g in zip(y, region)) > 0


small = st.integers(-3, 3).map(Fr)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 3).flatmap(lambda n: st.tuples(
    st.lists(small, min_size=n, max_size=n),
    st.lists(st.tuples(st.lists(small, min_size=n, max_size=n), small), max_size=5))))
def test_simplex_answers_are_consistent(problem):
    """Every answer carries its certificate: a Farkas vector, a dual vector or a ray; all checked here."""
    c, rows = problem
    A, b = [r for r, _ in rows], [r0 for _, r0 in rows]
    dot = lambda u, v: sum((x * y for x, y in zip(u, v)), Fr(0))  # noqa: E731
    col = lambda k: [row[k] for row in A]  # noqa: E731
    try:
        status, value, x, cert = simplex(c, A, b)
    except Infeasible as e:
        y = e.farkas
        assert min(y) >= 0 and all(dot(y, col(k)) == 0 for k in range(len(c))) and dot(y, b) < 0
        return
    assert all(dot(row, x) <= bi for row, bi in zip(A, b))
    if status == "optimal":
        assert value == dot(c, x) and min(cert, default=0) >= 0 and dot(cert, b) == value
        assert all(dot(cert, col(k)) == c[k] for k in range(len(c)))
        for y in itertools.product([Fr(k, 2) for k in range(-6, 7)], repeat=len(c)):
            if all(dot(row, y) <= bi for row, bi in zip(A, b)):
                assert dot(c, y) <= value
    else:
        assert all(dot(row, cert) <= 0 for row in A) and dot(c, cert) > 0


# ----------------------------------------------------------------------------- random PL expressions

leaves = st.sampled_from([a, b, c, sympy.Integer(0), sympy.Integer(1), sympy.Integer(-2)])


def _extend(children):
    return st.one_of(
        st.tuples(children, children).map(lambda t: t[0] + t[1]),
        st.tuples(st.sampled_from([-2, -1, 2, sympy.Rational(1, 2)]), children).map(lambda t: t[0] * t[1]),
        st.tuples(children, children).map(lambda t: Max(*t)),
        st.tuples(children, children).map(lambda t: Min(*t)),
        children.map(Abs),
    )


_small_pl = st.recursive(leaves, _extend, max_leaves=5)
pl_exprs = st.one_of(
    _small_pl,
    st.tuples(_small_pl, _small_pl, _small_pl).map(lambda t: Max(t[0], t[1] + a) + Abs(t[2] - b)),
    st.tuples(_small_pl, _small_pl).map(lambda t: Min(Abs(t[0]) - c, t[1])),
)


def _rewrite(e):
    """An equal expression written differently: Max(u, v) = (u + v + |u - v|)/2, |u| = Max(u, -u)."""
    if not e.args:
        return e
    args = [_rewrite(x) for x in e.args]
    if isinstance(e, sympy.Max):
        return sympy.Rational(1, 2) * (args[0] + args[1] + Abs(args[0] - args[1])) if len(args) == 2 else Max(*args)
    if isinstance(e, sympy.Min):
        return -Max(*[-x for x in args])
    if isinstance(e, sympy.Abs):
        return Max(args[0], -args[0])
    return e.func(*args)


rationals = (st.fractions(min_value=-5, max_value=5, max_denominator=7)
             .map(lambda q: sympy.Rational(q.numerator, q.denominator)))


@settings(max_examples=40, deadline=None)
@given(pl_exprs, st.booleans(), st.lists(st.tuples(rationals, rationals, rationals), min_size=4, max_size=4))
def test_random_pl_expressions(expr, true_by_construction, points):
    if true_by_construction:
        expr = expr - _rewrite(expr)
    r = prove_zero(expr, V)
    if true_by_construction:
        assert r.holds
    if r.holds:
        assert check_identity_certificate(expr, V, r.certificate)
        for p in points:
            assert expr.xreplace(dict(zip(V, p))) == 0
    else:
        assert check_counterexample(expr, V, r.counterexample["point"])

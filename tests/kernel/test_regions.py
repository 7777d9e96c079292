"""Tests of symbolic/kernel/regions.py: case-analysis certificates, genuine and forged.

Genuine certificates come from the prover (symbolic.identity.decide.prove_zero) or are written by
hand; every forgery must be refused with a CertificateError naming the failed check.
"""

import copy
import json

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import symbolic.identity.decide as identity
from symbolic.errors import CertificateError
from symbolic.identity.decide import evaluated, prove_zero
from symbolic.kernel.regions import check_zero_certificate

a, b, c = sympy.symbols("a b c", real=True)
V = [a, b]
Max, Min, Abs, Piecewise = sympy.Max, sympy.Min, sympy.Abs, sympy.Piecewise

MAXMIN = Max(a, b) + Min(a, b) - a - b
ABSPROD = Abs(Abs(a) * b) - Abs(a) * Abs(b)  # non-linear comparisons: factorised evidence
PIECEWISE = Piecewise((a, a > 0), (2 * a, True)) - Min(a, 2 * a)
HULL = (Max(a, b) ** 2 - b * Max(a, b), [b - a, a - b])  # a = b: the leaf a**2 - a*b vanishes on the hull
EMPTY = (Max(a, b) - a, [1 - a, a])  # a >= 1 and a <= 0


def cert_of(expr, region=()):
    rel = [g <= 0 for g in region]
    return copy.deepcopy(prove_zero(expr, V, region=rel).certificate)


def ok(expr, cert, region=()):
    assert check_zero_certificate(expr, V, cert, region=region) is None


def refused(expr, cert, match, region=()):
    with pytest.raises(CertificateError, match=match):
        check_zero_certificate(expr, V, cert, region=region)


# ----------------------------------------------------------------------------- genuine


@pytest.mark.parametrize("expr, region", [(MAXMIN, ()), (ABSPROD, ()), (PIECEWISE, ()), HULL, EMPTY,
                                          (Max(a, b) - b, [a - b, b - a]), ((a - b) * (a + b) - a * a + b * b, ())])
def test_genuine_certificates_pass(expr, region):
    cert = cert_of(expr, region)
    ok(expr, cert, region)
    ok(expr, json.loads(json.dumps(cert)), region)


def test_by_hand():
    # Abs(a) - Max(a, -a): nodes Max(a, -a), then Abs(a) (candidates a, -a); on -a <= 0 both take a by 2a >= 0
    expr = Abs(a) - Max(a, -a)
    assert [n.args for n in dict.fromkeys(n for n in sympy.postorder_traversal(expr) if n.func in (Abs, Max))] == \
        [(a, -a), (a,)]
    leaf = lambda j, k: {"picks": [{"arg": j, "proofs": [[[0, 2]]]}, {"arg": k, "proofs": [[[0, 2]]]}],  # noqa: E731
                         "zero": {"by": "expand"}}
    cert = {"kind": "case-analysis", "variables": ["a", "b"], "tree": {"split": "a", "ge": {"region": 0},
            "le": {"region": 1}}, "regions": [leaf(0, 0), leaf(1, 1)]}
    ok(expr, cert)
    cert["regions"][0]["picks"][0]["proofs"] = [[[0, "2/1"]]]
    ok(expr, cert)


def test_certificates_are_for_the_expression_as_given():
    raw = Max(0, Max(0, a, evaluate=False) + Max(0, b, evaluate=False), evaluate=False) - Max(0, a) - Max(0, b)
    reread = sympy.sympify(str(raw), locals={"a": a, "b": b})  # sympy evaluates: Max(0, x) = x for x >= 0
    assert reread == evaluated(raw) == 0
    ok(raw, cert_of(raw))
    refused(reread, cert_of(raw), "picks: expected a list of length 0")
    # the wrapper of symbolic.identity.decide tries the claim as given, then evaluated
    assert identity.check_identity_certificate(reread, V, cert_of(evaluated(raw)))
    assert identity.check_identity_certificate(raw, V, cert_of(evaluated(raw)))


# ----------------------------------------------------------------------------- forged


def test_farkas_vector_with_a_negative_entry():
    expr, region = EMPTY
    cert = cert_of(expr, region)
    assert cert["tree"] == {"empty": [[0, 1], [1, 1]]}
    cert["tree"]["empty"] = [[0, 1], [1, -1]]
    refused(expr, cert, "tree.empty\\[1\\]: negative multiplier", region)
    cert["tree"]["empty"] = [[0, 1]]  # 1 - a alone is not a positive constant
    refused(expr, cert, "tree.empty: the multipliers do not prove that R is empty", region)
    cert["tree"]["empty"] = [[0, 1], [1, 1], [0, 1]]
    refused(expr, cert, "repeated index", region)


def test_empty_node_on_a_feasible_region():
    cert = cert_of(MAXMIN)
    cert["tree"]["le"], cert["regions"] = {"empty": [[0, 1]]}, cert["regions"][:1]
    refused(MAXMIN, cert, "tree.le.empty: the multipliers do not prove that R is empty")


def test_multipliers_that_do_not_sum_to_the_form():
    cert = cert_of(MAXMIN)
    cert["regions"][0]["picks"][0]["proofs"][0] = [[0, 2]]  # b - a - 2*(b - a) is not a constant
    refused(MAXMIN, cert, "regions\\[0\\].picks\\[0\\].proofs\\[0\\].*not a constant|do not prove a - b >= 0")
    cert["regions"][0]["picks"][0]["proofs"][0] = []  # no multipliers: a - b >= 0 does not hold on R^2
    refused(MAXMIN, cert, "do not prove a - b >= 0")


def test_wrong_max_argument():
    cert = cert_of(MAXMIN)
    cert["regions"][0]["picks"][0]["arg"] = 1
    refused(MAXMIN, cert, "Max\\(a, b\\) = b rather than a is not proved: regions\\[0\\].picks\\[0\\].proofs\\[0\\]")
    cert = cert_of(PIECEWISE)
    cert["regions"][0]["picks"][1]["branches"][0][0] = "le"  # Piecewise takes 2*a on a >= 0
    refused(PIECEWISE, cert, "picks\\[1\\].branches\\[0\\]\\[1\\]")


def test_equal_arguments_take_the_first():
    ra, rb = Max(0, a, evaluate=False), Max(0, b, evaluate=False)
    expr = Max(0, ra + rb, evaluate=False) - ra - rb  # on a, b <= 0: Max(0, 0 + 0)
    cert = cert_of(expr)
    assert cert["tree"]["split"] == "-a" and cert["tree"]["ge"]["split"] == "-b"  # ge, ge: -a >= 0, -b >= 0
    leaf = cert["regions"][cert["tree"]["ge"]["ge"]["region"]]
    assert leaf["picks"][2] == {"arg": 0, "proofs": [[]]}
    leaf["picks"][2]["arg"] = 1  # also true, but not canonical: refused, so a certificate has one form
    refused(expr, cert, "has equal arguments 0 and 1; the first one is taken")


def test_split_with_a_missing_half():
    cert = cert_of(MAXMIN)
    del cert["tree"]["le"]
    refused(MAXMIN, cert, "tree: expected a dict with keys \\['ge', 'le', 'split'\\]")
    cert = cert_of(MAXMIN)
    cert["tree"], cert["regions"] = cert["tree"]["ge"], cert["regions"][:1]  # only the half a >= b
    refused(MAXMIN, cert, "index 0 is not an int in range\\(0\\)")
    cert = cert_of(MAXMIN)
    cert["tree"]["le"] = copy.deepcopy(cert["tree"]["ge"])  # the same leaf twice
    refused(MAXMIN, cert, "used twice")
    cert = cert_of(MAXMIN)
    cert["tree"]["split"] = "a - 2*b"  # the halves of another split: the proofs no longer match
    refused(MAXMIN, cert, "do not prove")


def test_leaf_polynomial_that_does_not_vanish():
    cert = cert_of(MAXMIN)
    refused(MAXMIN + 1, cert, "regions\\[0\\]: the leaf polynomial 1 is not 0")
    expr, region = HULL
    cert = cert_of(expr, region)
    ok(expr + a - b, cert, region)  # a - b = 0 on the region: still a true claim, and the same certificate
    refused(expr + a, cert, "regions\\[0\\]: the leaf polynomial a\\*\\*2 - a\\*b \\+ a is not 0 on the hull", region)
    refused(expr + 1, cert, "is not 0 on the hull", region)
    cert["regions"][0]["zero"]["hull"][0][1] = "b + 1"  # a = b + 1 does not hold on the region
    refused(expr, cert, "hull\\[0\\]\\[[23]\\]: the multipliers do not prove", region)
    cert["regions"][0]["zero"]["hull"][0][1] = "a"  # a value containing a substituted variable
    refused(expr, cert, "hull\\[0\\]\\[2\\]|contains a substituted variable", region)
    cert = cert_of(Max(a, b) - b, [a - b, b - a])
    assert cert["regions"][0]["zero"]["by"] == "affine"
    cert["regions"][0]["zero"] = {"by": "expand"}
    refused(Max(a, b) - b, cert, "the leaf polynomial a - b is not 0", [a - b, b - a])


def test_discontinuous_piecewise():
    cert = cert_of(PIECEWISE)
    jump = Piecewise((a + 1, a > 0), (2 * a, True)) - Min(a, 2 * a)
    refused(jump, cert, "picks\\[1\\].branches\\[0\\]\\[2\\]")


def test_forged_factorisations():
    cert = cert_of(ABSPROD)
    proof = cert["regions"][0]["picks"][2]["proofs"][0]
    assert proof["factors"] == [["b", 1], ["a", 1]]
    forged = copy.deepcopy(cert)
    forged["regions"][0]["picks"][2]["proofs"][0]["unit"] = 3
    refused(ABSPROD, forged, "the factorisation gives 3\\*a\\*b, not 2\\*a\\*b")
    forged = copy.deepcopy(cert)
    forged["regions"][0]["picks"][2]["proofs"][0]["signs"][0]["sign"] = -1
    refused(ABSPROD, forged, "signs\\[0\\].y: the multipliers do not prove -b >= 0")
    forged["regions"][0]["picks"][2]["proofs"][0]["signs"][0] = {"sign": 1, "by": "even"}
    refused(ABSPROD, forged, "does not have only even monomials")
    forged["regions"][0]["picks"][2]["proofs"][0]["factors"][0][1] = 2
    refused(ABSPROD, forged, "higher degree|multiplicity")
    forged["regions"][0]["picks"][2]["proofs"][0]["factors"][0][1] = 0
    refused(ABSPROD, forged, "expected a multiplicity in 1..2")


@pytest.mark.parametrize("path, value, match", [
    (("tree", "ge", "region"), 5, "tree.ge.region: index 5 is not an int in range\\(2\\)"),
    (("tree", "ge", "region"), -1, "index -1 is not an int"),
    (("tree", "ge", "region"), True, "index True is not an int"),
    (("regions", 0, "picks", 0, "arg"), 2, "picks\\[0\\].arg: index 2 is not an int in range\\(2\\)"),
    (("regions", 0, "picks", 0, "arg"), -1, "index -1"),
    (("regions", 0, "picks", 0, "arg"), False, "index False"),
    (("regions", 0, "picks", 0, "proofs", 0, 0, 0), 1, "\\[0\\]\\[0\\]: index 1 is not an int in range\\(1\\)"),
    (("regions", 0, "picks", 0, "proofs", 0, 0, 0), -1, "index -1"),
    (("regions", 0, "picks", 0, "proofs", 0, 0, 0), True, "index True"),
    (("regions", 0, "picks", 0, "proofs", 0, 0, 1), 1.0, "the float 1.0 is refused"),
    (("regions", 0, "picks", 0, "proofs", 0, 0, 1), "1.0", "proofs\\[0\\]\\[0\\]\\[1\\]: "),
    (("regions", 0, "picks", 0, "proofs", 0, 0, 1), True, "expected an int or a string 'p/q', got a boolean"),
    (("regions", 0, "picks", 0, "proofs", 0, 0, 1), "a", "proofs\\[0\\]\\[0\\]\\[1\\]: "),
    (("regions", 0, "picks", 0, "proofs", 0, 0, 1), "1/0", "proofs\\[0\\]\\[0\\]\\[1\\]: "),
    (("tree", "split"), "a - 0.5*b", "tree.split"),
    (("tree", "split"), "a*b", "tree.split: a\\*b is not affine"),
    (("tree", "split"), "Max(a, b)", "tree.split"),
    (("tree", "split"), "d", "tree.split"),
    (("kind",), "identity", "kind='identity': expected 'case-analysis'"),
    (("variables",), ["b", "a"], "variables=\\['b', 'a'\\] differ"),
    (("regions", 0, "zero", "by"), "trust me", "unknown evidence"),
])
def test_malformed_fields(path, value, match):
    cert = cert_of(MAXMIN)
    node = cert
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    refused(MAXMIN, cert, match)


def test_structure():
    cert = cert_of(MAXMIN)
    refused(MAXMIN, dict(cert, extra=1), "certificate: expected a dict with keys")
    refused(MAXMIN, dict(cert, regions=cert["regions"] + [cert["regions"][0]]), "uses the leaves \\[0, 1\\], but 3")
    refused(MAXMIN, dict(cert, regions=[]), "index 0 is not an int in range\\(0\\)")
    deep = {"region": 0}
    for _ in range(400):
        deep = {"split": "a", "ge": deep, "le": {"region": 1}}
    refused(MAXMIN, dict(cert, tree=deep), "too deep|nested too deeply")
    dag = {"empty": [[0, 1], [1, 1]]}
    for _ in range(200):  # 2**200 paths through 200 shared nodes: refused at once, not walked
        dag = {"split": "a", "ge": dag, "le": dag}
    refused(EMPTY[0], dict(cert_of(*EMPTY), tree=dag), "shared node", EMPTY[1])
    extra_key = {"split": "a", "ge": {"region": 0}, "le": {"region": 1}, "x": 1}
    refused(MAXMIN, {**cert, "tree": extra_key}, "tree: expected")
    with pytest.raises(CertificateError, match="expected distinct sympy Symbols"):
        check_zero_certificate(MAXMIN, [a, a], cert)


def test_certificate_for_a_different_expression():
    cert = cert_of(MAXMIN)
    refused(MAXMIN + 1, cert, "the leaf polynomial 1 is not 0")
    refused(2 * Max(a, b) - a - b, cert, "picks: expected a list of length 1")
    refused(MAXMIN + Abs(a), cert, "picks: expected a list of length 3")
    refused(sympy.tanh(a) + MAXMIN, cert, "tanh node tanh\\(a\\) is not allowed")
    refused(MAXMIN + sympy.Float(0.5) * a, cert, "Float node -?0.5")
    refused(MAXMIN + c, cert, "Symbol node c is not allowed")
    refused(MAXMIN + 1 / a, cert, "power 1/a is not a non-negative integer power")


def test_claim_region_must_match():
    expr, region = EMPTY
    cert = cert_of(expr, region)
    refused(expr, cert, "region=\\[1 - a, a\\] does not match the claim's \\[\\]")
    refused(expr, cert, "does not match", region=[1 - a, a + 1])
    refused(expr, cert, "region\\[0\\]: a\\*b is not affine", region=[a * b])


# ----------------------------------------------------------------------------- random claims

coef = st.integers(-3, 3)
affine = st.tuples(coef, coef, coef).map(lambda t: t[0] * a + t[1] * b + t[2])


@settings(max_examples=40, deadline=None)
@given(affine, affine, affine)
def test_random_zero_claims_are_proved_and_accepted(u, v, w):
    for expr in (Max(u, v) + Min(u, v) - u - v, Abs(u) - Max(u, -u), Max(u, v, w) - Max(Max(u, v), w),
                 Abs(u) * Abs(v) - Abs(u * v), Max(u, v) - (u + v + Abs(u - v)) / 2):
        r = prove_zero(expr, V)
        assert r.holds
        ok(expr, r.certificate)
        ok(expr, json.loads(json.dumps(r.certificate)))


def _lying_zero_evidence(p, region, variables):
    """The prover's leaf step, except that it claims every leaf vanishes, with the best evidence it can build."""
    holds, how = _honest(p, region, variables)
    if holds:
        return holds, how
    from symbolic.identity.certificates import _upper, form, neg

    f = form(p, variables)
    if f is None:
        return True, {"by": "expand"}
    hi, lo = _upper(f, region), _upper(neg(f), region)
    return True, {"by": "affine", "le": hi[2] or [], "ge": lo[2] or []}


_honest = identity.zero_evidence


@settings(max_examples=40, deadline=None)
@given(affine, affine, st.integers(1, 3))
def test_random_nonzero_claims_are_refuted_and_forgeries_refused(u, v, k):
    for expr in (Max(u, v) - u, Abs(u) - u, Max(u, v) + Min(u, v) - u - v + k, Abs(u) * Abs(v) - u * v):
        if evaluated(expr) == 0 or sympy.expand(expr) == 0:
            continue
        r = prove_zero(expr, V)
        if r.holds:  # e.g. u = v, or u a non-negative constant: then it is a genuine identity
            ok(expr, r.certificate)
            continue
        assert identity.check_counterexample(expr, V, r.counterexample["point"])
        # build the "certificate" the prover would emit if every leaf vanished: the kernel refuses it
        try:
            identity.zero_evidence = _lying_zero_evidence
            forged = prove_zero(expr, V).certificate
        finally:
            identity.zero_evidence = _honest
        with pytest.raises(CertificateError):
            check_zero_certificate(expr, V, forged)
        # and the certificate of a true claim does not prove this one
        with pytest.raises(CertificateError):
            check_zero_certificate(expr, V, prove_zero(Max(u, v) + Min(u, v) - u - v, V).certificate)

"""Forger, class 1 (issue 18): "almost all weights" from one point.

A ``rank`` result over symbolic weights reads "rank >= k for almost all weights".  One nonzero minor at one
point proves that only when every entry is a rational function of the weights (Schwartz-Zippel).  The
forgeries below are *valid-looking*: the minor really is nonzero at the point (the certificate is the
library's own genuine certificate of the substituted numeric network), so only the quantifier rule can
reject them: piecewise activations and poolings (relu, abs, leaky_relu with every kind of slope, max), the
analytic ones (tanh, sigmoid: no arb-certified rule exists), and weights written with Max, Min, Abs, relu,
exp, tanh or sigmoid in an otherwise polynomial (linear/product) network.  The same for the depth
statement ``completeness``/``complete`` (proved "for almost every deep weight"), fed a genuine relu/max
witness.
"""

from __future__ import annotations

import copy
import random

import pytest
import sympy
from hypothesis import HealthCheck, given, settings, strategies as st

from symbolic.kernel.linalg import structural_bounds
from symbolic.kernel.network import read_net
from symbolic.kernel.parse import parse_expr
from symbolic.rank.pipeline import rank_answer
from symbolic.spec.network import load_spec

from .forgers import assert_accepted, assert_rejected, envelope, genuine, verdict


def _evaluate(x, point):
    """A weight (number or expression string) at the point, as an exact "p/q" string."""
    if isinstance(x, str) and any(c.isalpha() for c in x):
        v = parse_expr(x).xreplace({sympy.Symbol(k): sympy.Rational(v) for k, v in point.items()})
        return str(v) if v.is_Rational else "7"  # exp, tanh at a rational point: any number (the minor is borrowed)
    return x


def _numeric(spec, point):
    """The numeric spec of a network with weight expressions, at the point."""
    walk = lambda t: [walk(y) for y in t] if isinstance(t, list) else _evaluate(t, point)  # noqa: E731
    d = copy.deepcopy(spec)
    d["weights"] = {k: walk(v) for k, v in d["weights"].items()}
    if "F" in d:
        d["F"] = walk(d["F"])
    return d


def _symbolic_shallow_point(spec, seed):
    rng = random.Random(seed)
    N, M, Z = spec["N"], spec["M"], spec.get("Z", spec["M"])
    point = {f"a_{z}_{i}_{j}": rng.choice([-3, -2, -1, 1, 2, 3]) for z in range(Z) for i in range(N) for j in range(M)}
    point.update({f"o_0_{z}": rng.choice([-2, -1, 1, 2]) for z in range(Z)})
    num = {k: v for k, v in spec.items() if k not in ("weights", "Z")}
    num["weights"] = {"hidden": [[[point[f"a_{z}_{i}_{j}"] for j in range(M)] for i in range(N)] for z in range(Z)],
                      "output": [[point[f"o_0_{z}"] for z in range(Z)]]}
    return point, num


def forged_ae(spec, rows, point, numeric_spec):
    """A rank result for the network ``spec`` over its weights, certified at ``point`` by the library's own
    genuine certificate of the numeric network there: valid everywhere but the quantifier."""
    a = rank_answer(load_spec(numeric_spec), ",".join(map(str, rows)))
    lower = dict(a["certificate"]["lower"], point={k: str(v) for k, v in point.items()})
    bounds = structural_bounds(read_net(spec), rows)
    up = bounds["trivial"]
    return {"statement": {"type": "rank", "spec": spec, "output": 0, "rows": rows}, "status": "proved",
            "lower": a["lower"], "upper": up, "bounds": bounds,
            "certificate": {"certificate": "rank", "lower": lower,
                            "upper": {"certificate": "rank_upper_bound", "k": up, "kind": "trivial"}}}


PIECEWISE = [("relu", "product"), ("abs", "product"), ("leaky_relu:1/2", "sum"), ("leaky_relu:-1", "product"),
             ("leaky_relu:3", "sum"), ("leaky_relu:0", "product"), ("leaky_relu:-1/3", "average"),
             ("linear", "max"), ("square", "max"), ("relu", "max"), ("tanh", "product"), ("sigmoid", "sum")]


def test_genuine_symbolic_rank_passes():
    a = genuine("rank")
    assert "almost all weights" in assert_accepted(a)


def test_the_construction_is_accepted_for_a_polynomial_operator():
    """The control: the same construction for linear/product and square/sum is accepted (Schwartz-Zippel holds),
    so every rejection below is the quantifier rule's doing."""
    for act, pl in (("linear", "product"), ("square", "sum")):
        spec = {"architecture": "shallow", "N": 2, "M": 2, "activation": act, "pooling": pl, "weights": "symbolic",
                "Z": 2}
        point, num = _symbolic_shallow_point(spec, 3)
        text = assert_accepted(envelope("rank", forged_ae(spec, [0], point, num)))
        assert "almost all weights" in text


@pytest.mark.parametrize("act,pl", PIECEWISE)
def test_symbolic_piecewise_or_analytic_operator(act, pl):
    spec = {"architecture": "shallow", "N": 2, "M": 2, "activation": act, "pooling": pl, "weights": "symbolic", "Z": 2}
    if act in ("tanh", "sigmoid"):  # no exact numeric pass: the lower certificate is borrowed from linear
        point, num = _symbolic_shallow_point(dict(spec, activation="linear"), 1)
        num["activation"] = "linear"
    else:
        point, num = _symbolic_shallow_point(spec, 1)
    res = forged_ae(spec, [0], point, num)
    assert_rejected(envelope("rank", res), why=f"a.e. for {act}/{pl}")


def test_symbolic_deep_relu_max():
    """The paper's own pair, deep: a witness point of full rank, but on open sets the rank is lower."""
    spec = {"architecture": "deep", "N": 4, "M": 2, "activation": "relu", "pooling": "max", "weights": "symbolic"}
    net = read_net(spec)
    rng = random.Random(5)
    point = {str(s): rng.choice([-3, -1, 1, 2, 5]) for w in net.weights() for s in w.free_symbols}
    layers = [[[[point[f"w{l}_{k}_{c}_{a}"] for a in range(2)] for c in range(2)] for k in range(4 // 2**l)]
              for l in range(2)]
    num = {k: v for k, v in spec.items() if k != "weights"}
    num["weights"] = {"layers": layers, "output": [[point["o_0_0"], point["o_0_1"]]]}
    assert_rejected(envelope("rank", forged_ae(spec, [0, 2], point, num)), why="a.e. for deep relu/max")


WEIGHTS = ["relu(a)", "Max(a, 0)", "Min(a, 1)", "Abs(a)", "Max(a, b) - Min(a, b)", "a*relu(b)", "exp(a)",
           "tanh(a)", "sigmoid(a)", "Abs(a - b)^2 + 1", "Max(a, 2*a)", "relu(a)^2", "1/(1 + Abs(a))",
           "relu(a + 1) - relu(a)", "Max(a, 0) + Max(-a, 0)", "Min(Max(a, -1), 1)"]


@pytest.mark.parametrize("w", WEIGHTS)
def test_piecewise_weight_expression(w):
    """A linear/product network (polynomial operators) whose weights are written with piecewise or analytic
    functions of the symbols: its entries are not rational functions, so one point proves nothing a.e."""
    spec = {"architecture": "shallow", "N": 2, "M": 2, "activation": "linear", "pooling": "product",
            "weights": {"hidden": [[[w, "b"], ["c", 1]], [["b", "c"], [w, "a"]]], "output": [[1, "c"]]}}
    point = {"a": "3/2", "b": "-2", "c": "5"}
    res = forged_ae(spec, [0], point, _numeric(spec, point))
    assert_rejected(envelope("rank", res), why=f"a.e. with weight {w}")


@pytest.mark.parametrize("w", ["relu(a)", "Abs(a)", "Max(a, b)", "exp(a)"])
def test_piecewise_F_entry(w):
    """The same with a piecewise expression in F (a weight like the others)."""
    spec = {"architecture": "shallow", "N": 2, "M": 2, "activation": "linear", "pooling": "product",
            "F": [[w, 1], ["b", "c"]],
            "weights": {"hidden": [[["a", "b"], ["c", 1]], [["b", "c"], [2, "a"]]], "output": [[1, "c"]]}}
    point = {"a": "3/2", "b": "-2", "c": "5"}
    res = forged_ae(spec, [0], point, _numeric(spec, point))
    assert_rejected(envelope("rank", res), why=f"a.e. with F entry {w}")


_atoms = st.sampled_from(["a", "b", "c", "2", "1/3", "-1"])
_piecewise = st.sampled_from(["relu({})", "Abs({})", "Max({}, 0)", "Min({}, 1)", "Max({}, b^2 + 5)", "tanh({})",
                              "exp({})", "sigmoid({})"])


@st.composite
def piecewise_expression(draw):
    """A rational expression with at least one piecewise or analytic call somewhere inside."""
    e = draw(st.sampled_from(["a", "b", "c", "a - b", "2*c + 1"]))  # a symbol inside: not a constant
    e = draw(_piecewise).format(e)
    for _ in range(draw(st.integers(0, 3))):
        op, other = draw(st.sampled_from(["+", "*", "-"])), draw(_atoms)
        e = f"({e}) {op} {other}" if draw(st.booleans()) else f"{other} {op} ({e})"
    return e


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(piecewise_expression())
def test_piecewise_weight_hypothesis(w):
    spec = {"architecture": "shallow", "N": 2, "M": 2, "activation": "linear", "pooling": "product",
            "weights": {"hidden": [[[w, "b"], ["c", 1]]], "output": [["a"]]}}
    point = {"a": "3/2", "b": "-2", "c": "5"}
    res = forged_ae(spec, [0], point, _numeric(spec, point))
    code, text = verdict(envelope("rank", res))
    assert code in (1, 2), f"ACCEPTED a.e. with weight {w}: {text}"


def _depth_result(name, part):
    return next(copy.deepcopy(r) for r in genuine(name)["results"] if r["statement"]["part"] == part)


def _relu_max_witness():
    """A genuine deep relu/max witness of rank 4 on [A]_odd-even (the library's certificate)."""
    from symbolic.spec.network import deep

    a = rank_answer(deep(N=4, M=2, activation="relu", pooling="max", seed=1), "odd-even")
    assert a["lower"] == 4
    return {"kind": "matricization_rank", "source": {"spec": a["spec"], "output": 0}, "rows": [0, 2],
            "certificate": a["certificate"]}


def test_depth_completeness_complete_from_a_relu_max_witness():
    """'Almost every deep relu/max weight gives rank 4' from a genuine witness of rank 4: false (an open box
    of relu/max weights has rank 1: ``convac check depth`` proves depth efficiency incomplete there)."""
    r = _depth_result("depth_linear", "completeness")
    st_ = dict(r["statement"], activation="relu", pooling="max", answer="complete")
    witness = _relu_max_witness()
    for extra in ({}, {"Z": 1}, {"Z": 2}):
        for cert in (witness, {"kind": "all", "parts": [witness]}):
            forged = {"statement": dict(st_, **extra), "status": "proved", "certificate": cert}
            assert_rejected(envelope("check depth", forged), why="depth complete a.e. for relu/max")


@pytest.mark.parametrize("act,pl", [("relu", "product"), ("abs", "sum"), ("leaky_relu:1/2", "product"),
                                    ("linear", "max"), ("tanh", "product")])
def test_depth_completeness_complete_piecewise(act, pl):
    """The genuine linear/product 'complete' result relabelled to a piecewise pair (its witness too)."""
    from symbolic.spec.network import deep

    r = _depth_result("depth_linear", "completeness")
    a = rank_answer(deep(N=4, M=2, seed=1), "odd-even")
    cert = {"kind": "matricization_rank", "source": {"spec": dict(a["spec"], activation=act, pooling=pl), "output": 0},
            "rows": [0, 2], "certificate": a["certificate"]}
    forged = {"statement": dict(r["statement"], activation=act, pooling=pl, answer="complete"), "status": "proved",
              "certificate": cert}
    assert_rejected(envelope("check depth", forged), why=f"depth complete a.e. for {act}/{pl}")


def test_claim_generic_rank_with_a_piecewise_witness():
    """depth.convac.generic is a.e. for ConvACs: a witness of another operator is refused."""
    from .forgers import claim_result

    r = claim_result("depth.convac.generic")
    r["certificate"]["source"]["spec"]["activation"] = "relu"
    assert_rejected(envelope("verify", r), why="generic rank with a relu witness")

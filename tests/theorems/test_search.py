"""Tests of theorems/search/counterexample.py: Hypothesis-driven counterexample search, shrinking, re-checks.

False conjectures must be refuted with a minimal, replayable, certified counterexample;
true ones must never be (the answer is then ``inconclusive``, never "true"). A refutation's
certificate is re-verified by the trusted kernel as the refutation of a typed ``rank_bound``
statement (the family, the rows and the bound are written by the test, not taken from the search).
"""

import copy
import json

import numpy as np
import pytest
import sympy

from symbolic.tensor.decompositions import grid_tensor
from symbolic.errors import DomainError
from symbolic.kernel.network import read_net
from symbolic.kernel.recheck import check_result
from symbolic.rank.matricization import matricize_array, parse_partition
from symbolic.rank.exact import exact_rank
from symbolic.spec.network import load_spec, spec_to_dict
from theorems.search.counterexample import (Conjecture, Family, bound_values, find_counterexample, parse_bound,
                                            rank_bound,
                                            simplicity)


def _weights(spec_dict):
    out = []

    def walk(x):
        if isinstance(x, list):
            for y in x:
                walk(y)
        else:
            out.append(x)

    walk(list(spec_dict["weights"].values()))
    return out


def _refutation(r, bound, family=None):
    """The kernel result refuting "every network of the family has rank [A]_rows <= bound"."""
    fam = family or read_net(r.certificate["source"]["spec"]).family()
    return {"statement": {"type": "rank_bound", "family": fam, "rows": r.certificate["rows"], "bound": bound},
            "status": "refuted", "certificate": r.certificate, "seconds": round(r.seconds, 3), "seed": r.seed}


def _kernel_refutes(r, bound, family=None):
    res = json.loads(json.dumps(_refutation(r, bound, family)))
    line = check_result(res)
    assert line.ok, line.reason
    assert check_result(dict(res, status="proved")).ok is False  # a witness proves nothing about all networks
    return res


SHALLOW_RELU_MAX_Z1 = dict(architecture="shallow", N=4, M=2, activation="relu", pooling="max", shared=False, Z=1)


def test_refutes_shallow_relu_max_rank_at_most_Z_with_a_small_counterexample():
    fam = Family(architecture="shallow", activation="relu", pooling="max", N=4, M=2, widths=(1,))
    r = find_counterexample(rank_bound("odd-even", "Z"), fam, budget=150, seed=0)
    assert r.status == "refuted"
    d = spec_to_dict(r.counterexample)
    assert d["N"] == 4 and d["M"] == 2 and len(d["weights"]["hidden"]) == 1
    ws = _weights(d)
    assert all(isinstance(w, int) and abs(w) <= 2 for w in ws), ws  # shrunk to small integer weights
    assert r.details["rank"] == 2 and r.details["bound"] == "1"
    res = _kernel_refutes(r, "Z", SHALLOW_RELU_MAX_Z1)
    # statement first: the same witness does not refute a bound it meets, nor a bound on another family
    for field, value in (("bound", "2"), ("bound", "M*N/2"), ("family", dict(SHALLOW_RELU_MAX_Z1, pooling="sum")),
                         ("family", dict(SHALLOW_RELU_MAX_Z1, Z=2)), ("rows", [0, 1])):
        bad = copy.deepcopy(res)
        bad["statement"][field] = value
        assert check_result(bad).ok is False, (field, value)
    bad = copy.deepcopy(res)
    bad["certificate"]["certificate"]["prime"] += 1  # even: not a prime
    assert check_result(bad).ok is False
    # replayable: the JSON spec alone gives the same tensor and rank
    spec = load_spec(json.loads(json.dumps(d)))
    A = matricize_array(np.asarray(grid_tensor(spec).data), parse_partition("odd-even", 4))
    assert exact_rank(A).rank == 2
    assert r.to_dict()["counterexample"]["latex"].startswith(r"\begin{gather*}")


def test_search_is_a_function_of_the_seed():
    fam = Family(architecture="shallow", activation="relu", pooling="max", N=(2, 4), M=2, widths=(1,))
    a = find_counterexample(rank_bound("odd-even", "Z"), fam, budget=80, seed=3)
    b = find_counterexample(rank_bound("odd-even", "Z"), fam, budget=80, seed=3)
    assert a.status == b.status == "refuted"
    assert spec_to_dict(a.counterexample) == spec_to_dict(b.counterexample)
    assert a.counterexample.N == 2  # fewer patches first


@pytest.mark.parametrize("fam,partition,bound", [
    (Family(architecture="shallow", activation="linear", pooling="product", N=(2, 4), M=(2, 3), widths=(1,)),
     "odd-even", "Z"),
    (Family(architecture="shallow", activation="linear", pooling="product", N=4, M=2, widths=(2,)), "halves", "Z"),
    (Family(architecture="deep", activation="linear", pooling="product", N=4, M=2, widths=(2, 1)), "halves", "r1"),
    (Family(architecture="shallow", activation="relu", pooling="max", N=4, M=2, widths=(1,)), "odd-even", "M*N/2"),
])
def test_true_conjectures_are_never_refuted(fam, partition, bound):
    r = find_counterexample(rank_bound(partition, bound), fam, budget=40, seed=0)
    assert r.status == "inconclusive" and r.counterexample is None
    assert "not a proof" in r.note
    assert r.to_dict()["status"] != "true"


def test_plain_callable_conjecture_and_shrinking_to_fewest_nonzero_weights():
    def nonnegative(spec, t):
        """every relu/max network has nonnegative grid tensor entries"""
        return all(x >= 0 for x in t.entries())

    fam = Family(architecture="shallow", activation="relu", pooling="max", N=(2, 3), M=(2, 3), widths=(1,))
    r = find_counterexample(nonnegative, fam, budget=100, seed=0)
    assert r.status == "refuted"
    d = spec_to_dict(r.counterexample)
    assert (d["N"], d["M"]) == (2, 2)
    assert d["weights"]["output"] == [[-1]]
    assert sum(1 for w in _weights(d) if w) == 2  # one hidden weight and the output weight
    assert r.certificate is not None
    assert "nonnegative" in r.statement


def test_time_budget_gives_inconclusive():
    fam = Family(architecture="shallow", activation="linear", pooling="product", N=4, M=2, widths=(2,))
    r = find_counterexample(rank_bound("odd-even", "Z"), fam, budget=10**6, seed=0, seconds=0.5)
    assert r.status == "inconclusive" and "time" in r.note


def test_parse_bound_is_safe_and_exact():
    r0, M, N = (sympy.Symbol(n, positive=True, integer=True) for n in ("r0", "M", "N"))
    assert parse_bound("min(r0, M)^(N/2)") == sympy.Min(r0, M) ** (N / 2)
    assert parse_bound("2*M*N//4") == sympy.floor(2 * M * N / 4)
    for bad in ("__import__('os').system('true')", "Z.real", "1.5", "lambda: 1", "x", "Z**1000", "", "f(Z)",
                "[Z]", "Z if Z else 1", "min(Z, key=1)"):
        with pytest.raises(DomainError):
            parse_bound(bad)


def test_bound_values_and_simplicity():
    from symbolic.spec.network import shallow

    s = shallow(N=2, M=3, Z=2, seed=0, low=-2, high=2)
    assert bound_values(s) == {"N": 2, "M": 3, "Z": 2, "L": 1, "w": 2, "r0": 2}
    assert simplicity(s)[:3] == (2, 3, (2,))


def test_family_validation():
    with pytest.raises(DomainError, match="tanh"):
        Family(activation="tanh", pooling="max")
    with pytest.raises(DomainError, match="widths"):
        Family(architecture="deep", N=4, widths=(2,))
    with pytest.raises(DomainError, match="architecture"):
        Family(architecture="tree")
    with pytest.raises(DomainError, match="budget"):
        find_counterexample(rank_bound("odd-even", "Z"), Family(N=2, widths=(1,)), budget=0)


def test_free_widths_use_the_strategies_module():
    fam = Family(architecture="deep", activation="relu", pooling="max", N=4, M=2, max_width=2)
    r = find_counterexample(rank_bound("odd-even", "r0"), fam, budget=100, seed=0)
    assert r.status == "refuted"
    assert r.counterexample.widths[0] == 1 and sum(r.counterexample.widths) <= 3  # shrunk towards small widths
    res = _kernel_refutes(r, "r0")
    assert res["statement"]["family"]["widths"] == list(r.counterexample.widths)
    assert isinstance(Conjecture("x", lambda s, t: True).statement, str)

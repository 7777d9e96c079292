"""Forger, class 5 (issue 18): small files that would make the kernel do huge work.

Each case is a file of a few KB at most that asks for a 2^26-point grid, a 2^24-entry symbolic tensor, huge
integer powers during substitution, the expansion of (a sum of 9 or 10 symbols)^64 in a zero test, or huge
exponents.  The kernel must refuse it in one line (exit 1 or 2), no traceback, well inside 10 s of CPU and
1 GB.  Every case runs in a forked child under RLIMIT_CPU and RLIMIT_AS (tests/kernel/forgers.py), so a case
the kernel does not refuse would end at the limit and fail (the kernel's cost model, symbolic/kernel/cost.py, refuses
them all).
"""

from __future__ import annotations

import copy

import pytest

from symbolic.kernel.linalg import structural_bounds
from symbolic.kernel.network import read_net

from .forgers import assert_refused_cheaply, claim_result, envelope, genuine

S9 = "(a+b+c+d+e+f+g+h+i)^64"


def _rank(spec, rows, point=None):
    b = structural_bounds(read_net(spec), rows)
    lower = {"certificate": "rank_lower_bound", "k": 1, "rows": [0], "cols": [0], "prime": 101}
    if point is not None:
        lower["point"] = point
    return envelope("rank", {"statement": {"type": "rank", "spec": spec, "output": 0, "rows": rows}, "status": "proved",
                             "lower": 1, "upper": b["trivial"], "bounds": b, "certificate": {
                                 "certificate": "rank", "lower": lower,
                                 "upper": {"certificate": "rank_upper_bound", "k": b["trivial"], "kind": "trivial"}}})


def test_grid_of_2_to_the_26_points():
    N = 26
    spec = {"architecture": "shallow", "N": N, "M": 2, "activation": "relu", "pooling": "sum",
            "weights": {"hidden": [[[(i * 7 + j) % 5 - 2 for j in range(2)] for i in range(N)]], "output": [[1]]}}
    assert_refused_cheaply(_rank(spec, list(range(13))))


def test_symbolic_tensor_of_2_to_the_24_entries_in_a_vanishing_functional():
    """A universality refutation whose source is a symbolic shallow net with N = 24: 2^24 symbolic entries."""
    res = copy.deepcopy(next(r for r in genuine("universality")["results"]
                             if r["status"] == "refuted" and r["statement"]["architecture"] == "shallow"))
    N = 24
    res["statement"]["N"] = N
    res["certificate"]["source"]["spec"]["N"] = N
    res["certificate"]["coefficients"] = [[[0] * N, 1], [[1] + [0] * (N - 1), -1]]
    res["certificate"]["witness"] = {"shape": [2] * N, "entries": [1]}
    assert_refused_cheaply(envelope("check universality", res))


def test_huge_integer_powers_in_substitution():
    names = [f"s{i}" for i in range(40)]
    expr = "*".join(f"{n}^64" for n in names)
    spec = {"architecture": "shallow", "N": 4, "M": 2, "activation": "linear", "pooling": "product",
            "weights": {"hidden": [[[expr] * 2] * 4], "output": [[1]]}}
    point = {n: "9" * 1000 for n in names}
    assert len(str(_rank(spec, [0, 1], point))) < 200_000
    assert_refused_cheaply(_rank(spec, [0, 1], point))


def test_sum_of_9_symbols_to_the_64_in_a_target_tensor():
    res = claim_result("universality.convac")
    res["certificate"]["parts"][1]["items"][1]["tensor"]["entries"][0] = S9
    assert_refused_cheaply(envelope("verify", res))


def test_sum_of_10_symbols_to_the_64_in_a_box():
    """The relu/max incomplete box: a shallow weight (an expression in the deep symbols) raised to 64."""
    res = claim_result("depth.relu_max.incomplete")
    box = next(p for p in res["certificate"]["parts"] if p["kind"] == "box_identity")  # a witness and a box
    right = box["right"]["spec"]["weights"]["hidden"]
    syms = sorted(box["box"])
    right[0][0][0] = "(" + "+".join(syms) + ")^64"
    assert_refused_cheaply(envelope("verify", res))


@pytest.mark.parametrize("w", ["a^100000", "a^(10^9)", "2^64^64", "((((a^64)^64)^64)^64)^64", "(2^64)^64*(3^64)^64"])
def test_huge_exponents_in_a_weight(w):
    spec = {"architecture": "shallow", "N": 2, "M": 2, "activation": "linear", "pooling": "product",
            "weights": {"hidden": [[[w, 1], [1, 1]]], "output": [[1]]}}
    try:
        ans = _rank(spec, [0], {"a": "3"})
    except Exception:  # noqa: BLE001 - the kernel's reader refuses it already while the test builds bounds
        ans = envelope("rank", {"statement": {"type": "rank", "spec": spec, "output": 0, "rows": [0]},
                                "status": "proved", "certificate": None})
    assert_refused_cheaply(ans)


def test_deep_symbolic_sum_in_a_zero_test():
    """A case-analysis law certificate whose split is (a1 + ... + a6)^64: a zero test of ~10^7 terms."""
    res = next(copy.deepcopy(r) for r in genuine("laws")["results"] if r["status"] == "proved")
    res["statement"]["law"] = "window:6"
    var = ["a1", "a2", "a3", "a4", "a5", "a6"]
    res["certificate"] = {"kind": "identity", "method": "case-analysis", "identity": {
        "kind": "case-analysis", "variables": var, "tree": {"split": "(" + "+".join(var) + ")^64",
                                                            "ge": {"region": 0}, "le": {"region": 1}},
        "regions": [{"picks": [], "zero": {"by": "expand"}}] * 2}}
    assert_refused_cheaply(envelope("check laws", res))

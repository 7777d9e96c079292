"""Forger, round 5: certificates hand-made from the mathematics of each acceptance argument, not mutated.

Every kernel statement file opens with its proposition and "why acceptance implies truth".  This round read each
argument as a proof to referee, listed the hypotheses it uses, and checked that the code enforces each one (the
table is in the round's report).  Where a hypothesis is tight (an inequality that must be strict, a matrix that
must have full column rank on both sides, a factorization whose *form*, not only its product, carries the claim),
a certificate is built here by hand to sit exactly on the wrong side of it while satisfying everything else: each
is a true-looking answer whose statement is false or unproved, and the kernel must reject it.  The controls show
each construction is otherwise well formed (the same objects with the hypothesis met are accepted).

One was accepted with the kernel of ba0c8ba: depth ``none`` ("no depth efficiency") for linear/product from an
identity at widths [1, 1] (or M = 1), true of those degenerate widths but denying COLT 2016's Theorem 1 for the
operator; the label now needs M >= 2 and at least M channels per layer (symbolic/kernel/depth.py).
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import sympy

from symbolic.errors import ConvacError
from symbolic.kernel import kronecker
from symbolic.kernel.linalg import matricize, structural_bounds
from symbolic.kernel.network import grid, read_net, substitute
from symbolic.kernel.recheck import check_result

from .forgers import assert_accepted, assert_rejected, envelope

P1, P2, P3 = 1000003, 1000033, 1000037  # primes


# -- multimodular_rank.py, step 4: a multiple of P of absolute value at most H < P is 0 ----------------------------
def _diag_net(q: int) -> dict:
    """A shallow linear/product net (N=2, M=2, Z=2) whose grid tensor is diag(q, 1): two rank-one channels."""
    return {"architecture": "shallow", "N": 2, "M": 2, "activation": "linear", "pooling": "product",
            "weights": {"hidden": [[[q, 0], [1, 0]], [[0, 1], [0, 1]]], "output": [[1, 1]]}}


def _rank_result(spec: dict, rows: list, lower: dict, upper: dict, lo: int, up: int) -> dict:
    bounds = structural_bounds(read_net(spec), rows)  # the kernel's own, so that only the certificate is at stake
    return {"statement": {"type": "rank", "spec": spec, "output": 0, "rows": rows}, "status": "proved",
            "lower": lo, "upper": up, "bounds": bounds,
            "certificate": {"certificate": "rank", "lower": lower, "upper": upper}}


def test_multimodular_primes_whose_product_equals_hadamards_bound_are_refused():
    """A = diag(p1 p2, 1) has rank 2, and its only 2-minor p1 p2 is 0 modulo p1 and modulo p2: both ranks modulo
    the primes are 1.  Hadamard's bound on that minor is exactly p1 p2 = P, so the argument's step 4 (a multiple of P
    of absolute value <= H < P is 0) needs P > H strictly; at P = H the false "rank A = 1" must be refused."""
    spec = _diag_net(P1 * P2)
    lower1 = {"certificate": "rank_lower_bound", "k": 1, "rows": [1], "cols": [1], "prime": 5}
    forged = _rank_result(spec, [0], lower1, {"certificate": "rank_upper_bound", "k": 1, "kind": "multimodular",
                                             "primes": [P1, P2]}, 1, 1)
    text = assert_rejected(envelope("rank", forged), why="P = H: rank 2 claimed 1")
    assert "not above Hadamard's bound" in text
    # one more prime passes the size test, and that prime sees the rank 2
    forged["certificate"]["upper"]["primes"] = [P1, P2, P3]
    assert f"the rank of A modulo {P3} is 2" in assert_rejected(envelope("rank", forged))
    # control: the true rank, 2, with the same net and the same kind of certificate
    lower2 = {"certificate": "rank_lower_bound", "k": 2, "rows": [0, 1], "cols": [0, 1], "prime": 5}
    assert_accepted(envelope("rank", _rank_result(spec, [0], lower2, {"certificate": "rank_upper_bound", "k": 2,
                                                                      "kind": "trivial"}, 2, 2)))


# -- generic.py, Schwartz-Zippel: the minor is nonzero at a point where the weights' denominators do not vanish ---
def _pole_net() -> dict:
    return {"architecture": "shallow", "N": 2, "M": 2, "activation": "linear", "pooling": "product",
            "weights": {"hidden": [[["1/(a - 1)", "2"], ["3", "a"]], [["1", "a^2"], ["1", "5"]]], "output": [[1, 1]]}}


def _minor_at(spec: dict, a: int):
    """rows, cols of a nonzero 2 x 2 minor of the kernel's own matrix at a (None when it is singular)."""
    net = substitute(read_net(spec), {sympy.Symbol("a"): sympy.Integer(a)})
    A = matricize(np.asarray(grid(net)[0]), 2, 2, [0])
    return ([0, 1], [0, 1]) if A[0, 0] * A[1, 1] - A[0, 1] * A[1, 0] != 0 else None


def test_schwartz_zippel_point_on_a_pole_of_a_weight_is_refused():
    """The weight 1/(a - 1) is a rational function of a (Schwartz-Zippel applies), but at a = 1 the network is not
    defined: the point must be one where every weight is a rational number, else "nonzero there" means nothing."""
    spec = _pole_net()
    assert _minor_at(spec, 2) is not None

    def result(a):
        lower = {"certificate": "rank_lower_bound", "k": 2, "rows": [0, 1], "cols": [0, 1], "prime": 1000003,
                 "point": {"a": a}}
        return _rank_result(spec, [0], lower, {"certificate": "rank_upper_bound", "k": 2, "kind": "trivial"}, 2, 2)

    assert "almost all weights" in assert_accepted(envelope("rank", result(2)))
    assert "does not give a rational value" in assert_rejected(envelope("rank", result(1)))


# -- generic.py, regions: the layer-0 pre-activations are the weights themselves (F = identity) -------------------
def _regions_answer(F=None):
    from theorems import decide_depth
    from theorems.depth.certificates import regions_certificate

    k, cert = regions_certificate("abs", 4, 2)
    if F is not None:
        cert["source"]["spec"]["F"] = F
    st = {"type": "depth", "part": "completeness", "activation": "abs", "pooling": "product", "N": 4, "M": 2,
          "answer": "complete", "widths": [2, 2], "rank": k, "term_bound": 1, "family_bound": False, "Z": k,
          "rule": "regions"}
    term = decide_depth("abs", "product", N=4, M=2, tries=0).shallow_term_bound.certificate
    return {"statement": st, "status": "proved", "certificate": {"kind": "all", "parts": [term, cert]}}


def test_regions_rule_refuses_a_witness_with_another_F():
    """The regions argument's null set E starts from "a layer-0 pre-activation is a weight", true for F = I only
    (with F, <a, F e_d> vanishes on a hyperplane too, but the slopes of the check are per weight): the kernel
    requires F = identity; a witness with an invertible F != I is refused, the same witness without F accepted."""
    assert check_result(_regions_answer()).ok
    line = check_result(_regions_answer(F=[[1, 0], [1, 1]]))
    assert not line.ok and "F" in line.reason


# -- depth.py: the family bound is read off the factorization's form, never taken from the statement --------------
def _sum_term_bound():
    from theorems import decide_depth

    c = decide_depth("linear", "sum", N=4, M=2, tries=0).shallow_term_bound
    return json.loads(json.dumps({"statement": c.typed, "status": "proved", "certificate": c.certificate}))


def test_family_bound_needs_the_additive_form_not_only_an_inner_size_of_two():
    """U V with U -> U G, V -> G^-1 V (G = [[1, 1], [0, 1]]) is the same product, so still a proof that ONE channel
    has rank <= 2, but U's second column is no longer constant: the argument "a sum of matrices f(row) + g(col) is
    again one, so rank <= 2 at ANY width" does not follow from it.  family_bound=true is refused, false accepted."""
    res = _sum_term_bound()
    assert res["statement"]["family_bound"] is True and check_result(res).ok
    U, V = res["certificate"]["U"], res["certificate"]["V"]
    res["certificate"]["U"] = [[r[0], f"({r[0]}) + ({r[1]})"] for r in U]
    res["certificate"]["V"] = [[f"({x}) - ({y})" for x, y in zip(V[0], V[1])], V[1]]
    line = check_result(res)
    assert not line.ok and "additive" in line.reason
    res["statement"]["family_bound"] = False
    assert check_result(res).ok


# -- kronecker.py (read only): Q's full column rank at a diagonal block on the J side ----------------------------
def test_kronecker_refuses_a_dependent_block_on_the_column_side():
    """rank A = rank diag(g) needs P AND Q of full column rank.  Rows [0, 2]: patch 1 is a pure block on the J side,
    where V is Q's factor; its two channel vectors made equal up to a factor, the pivots of that block cannot be
    certified, and no lower bound follows (the I-side case is tests/kernel/test_kronecker.py)."""
    d = {"architecture": "deep", "N": 4, "M": 2, "activation": "linear", "pooling": "product",
         "weights": {"layers": [[[[1, 2], [3, -1]], [[1, 2], [2, 4]], [[2, 1], [1, -1]], [[1, 3], [2, 1]]],
                                [[[1, 1], [2, -3]], [[1, -1], [1, 2]]]], "output": [[1, 1]]}}
    net = read_net(d)
    p = 1000003
    k, K, pure, tree = kronecker.derive(net, [0, 2], 0, p)
    assert (0, 1, "J") in pure
    cert = {"certificate": "kronecker", "k": k, "inner": K, "prime": p,
            "pivots": [[l, b, list(range(tree.W(l, b).shape[0]))] for l, b, _ in pure]}
    with pytest.raises(ConvacError, match=r"block \(0, 1\).*minor"):
        kronecker.check(net, [0, 2], 0, cert)


# -- depth.py, the label none: "no depth efficiency" only where the deep nets could have some ----------------------
def _convac_none(M: int, widths: list) -> dict:
    """A deep ConvAC with r_0 = 1 (or M = 1) is o w1_0 w1_1 a_0 (x) a_1 (x) a_2 (x) a_3 for ALL weights: the one-channel
    shallow net whose first patch carries the product of the other weights.  True, and the kernel's identity check
    passes; but the label it would print, "linear/product ...: no depth efficiency", denies COLT 2016's Theorem 1."""
    deep = {"architecture": "deep", "N": 4, "M": M, "activation": "linear", "pooling": "product",
            "weights": "symbolic", "widths": widths}
    scale = "*".join(["o_0_0"] + [f"w1_{j}_0_0" for j in range(2)])
    hidden = [[[(scale + "*" if i == 0 else "") + f"w0_{i}_0_{j}" for j in range(M)] for i in range(4)]]
    shallow = {"architecture": "shallow", "N": 4, "M": M, "activation": "linear", "pooling": "product",
               "weights": {"hidden": hidden, "output": [[1]]}}
    st = {"type": "depth", "part": "completeness", "activation": "linear", "pooling": "product", "N": 4, "M": M,
          "answer": "none", "widths": widths, "Z_all": 1}
    return {"statement": st, "status": "proved", "certificate": {
        "kind": "all_weights_identity", "left": {"spec": deep, "output": 0}, "right": {"spec": shallow, "output": 0}}}


@pytest.mark.parametrize("M", [1, 2])
def test_none_for_convacs_at_degenerate_widths_is_refused(M):
    """Before: accepted, 'linear/product N=4 M=2 widths=[1, 1]: the deep net equals a one-channel shallow net for all
    weights: no depth efficiency'.  The identity is a fact about width 1 (or one template), not about the operator:
    like complete and incomplete (no label without content), none now needs M >= 2 and widths >= M."""
    line = check_result(_convac_none(M, [1, 1]))
    assert not line.ok and "no content" in line.reason


def test_none_at_full_width_is_still_proved():
    """The genuine none (linear/sum, linear/average at M per layer) rechecks; at M = 1 the prover no longer says it."""
    from theorems import decide_depth

    for pl, M in (("sum", 2), ("average", 3)):
        r = decide_depth("linear", pl, N=4, M=M, tries=0)
        assert r.answer == "none" and check_result(json.loads(json.dumps(r.completeness.result()))).ok
    assert decide_depth("linear", "sum", N=4, M=1, tries=0).answer == "unknown"


# -- approximation.py: Courant-Fischer needs an m-dimensional subspace, not m vectors ------------------------------
def test_courant_fischer_with_a_repeated_column_is_refused():
    """A = diag(3, 2, 1): sigma_3 = 1, so "sigma_3 >= 2" (eps2 = 4) is false.  X = [e1, e2, e2] spans only 2
    dimensions, on which ||A x||^2 >= 4 ||x||^2 holds: G = X^T (A^T A - 4 I) X is positive semidefinite, and only
    the full column rank of X (H = X^T X positive definite) stands between it and sigma_3 >= 2."""
    from symbolic.kernel import approximation

    A = np.array([[3, 0, 0], [0, 2, 0], [0, 0, 1]], dtype=object)
    X = [["1", "0", "0"], ["0", "1", "1"], ["0", "0", "0"]]
    with pytest.raises(ConvacError, match="X\\^T X is not positive definite"):
        approximation.check(A, {"kind": "courant_fischer", "X": X}, 3, "4", "cf")
    assert approximation.check(A, {"kind": "courant_fischer", "X": [["1", "0"], ["0", "1"], ["0", "0"]]}, 2, "4",
                               "cf") == 2  # control: sigma_2 = 2 >= 2


# -- linalg.py: a rank statement's bounds are "each >= the rank"; re-derived, so they must be valid ----------------
@pytest.mark.parametrize("seed", range(4))
def test_structural_bounds_are_at_least_the_exact_rank(seed):
    """rank.py asserts every structural bound (trivial, the scope recursion with ICLR 2017 Thm 1, the min cut) is >=
    rank [A]_I for every weight; checked against the exact rank of random small nets of every operator, deep (windows
    2 to 4, shuffled patch orders) and shallow, with and without F (this round ran 25,000 of them: no violation)."""
    import random

    import flint

    rng = random.Random(seed)
    acts = ("linear", "relu", "abs", "square", "leaky_relu:1/2", "leaky_relu:1", "leaky_relu:-2")
    for _ in range(25):
        act, pl, M = rng.choice(acts), rng.choice(("product", "max", "sum", "average")), rng.choice((2, 3))
        w = lambda: rng.randint(-3, 3)  # noqa: E731
        if rng.random() < 0.3:
            N, Z = rng.choice((3, 4)), rng.randint(1, 4)
            spec = {"architecture": "shallow", "N": N, "M": M, "activation": act, "pooling": pl, "weights": {
                "hidden": [[[w() for _ in range(M)] for _ in range(N)] for _ in range(Z)],
                "output": [[w() for _ in range(Z)]]}}
        else:
            window, L = rng.choice(((2, 2), (2, 3), (3, 2), (4, 1))) if M == 2 else rng.choice(((2, 2), (4, 1)))
            N, widths, layers, prev = window ** L, [rng.randint(1, 4) for _ in range(L)], [], M
            for lev, r in enumerate(widths):
                layers.append([[[w() for _ in range(prev)] for _ in range(r)] for _ in range(N // window ** lev)])
                prev = r
            spec = {"architecture": "deep", "N": N, "M": M, "activation": act, "pooling": pl, "window": window,
                    "patch_order": rng.sample(range(N), N),
                    "weights": {"layers": layers, "output": [[w() for _ in range(prev)]]}}
        if rng.random() < 0.3:
            spec["F"] = [[w() for _ in range(M)] for _ in range(M)]
        net, rows = read_net(spec), sorted(rng.sample(range(N), rng.randint(1, N - 1)))
        A = matricize(np.asarray(grid(net)[0]), N, M, rows)
        rank = flint.fmpq_mat(*A.shape, [flint.fmpq(int(x.numerator), int(x.denominator)) for x in A.ravel()]).rank()
        bounds = structural_bounds(net, rows)
        assert min(bounds.values()) >= rank, (spec, rows, bounds, rank)

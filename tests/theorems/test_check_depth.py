"""``convac check depth`` / ``theorems.decide_depth`` (issues 14 and 19): the done-when cases, every certificate
re-verified by the kernel, second routes for every exact quantity, the forger (edited labels, numbers that do not
support the label, a tampered epsilon), unknown only with the missing argument."""

from __future__ import annotations

import copy
import itertools
import json
import math
import subprocess
import sys
from fractions import Fraction

import flint
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symbolic.tensor.circuit_graph import circuit, forward_tensor
from symbolic.tensor.decompositions import grid_tensor
from symbolic.kernel.recheck import check_result, recheck
from symbolic.rank.matricization import matricize_array, parse_partition
from symbolic.rank.exact import exact_rank
from symbolic.spec.network import load_spec, shallow, spec_to_dict
from theorems import decide_depth
from symbolic.kernel import depth as kdepth
from symbolic.kernel.generic import slopes
from theorems.depth.decide import polynomial_operator, term_bound
from theorems.claims.verdict import Status

PAIRS = [(a, p) for a in ("linear", "relu", "abs", "square", "leaky_relu:1/10", "leaky_relu:1", "tanh", "sigmoid")
         for p in ("product", "max", "sum", "average")]


@pytest.fixture(scope="module")
def answers():
    return {(a, p, N): decide_depth(a, p, N=N, M=2) for a, p, N in
            [("linear", "product", 4), ("square", "product", 4), ("linear", "product", 8), ("square", "product", 8),
             ("relu", "max", 4), ("relu", "max", 8), ("abs", "sum", 4), ("tanh", "max", 4), ("abs", "product", 4),
             ("linear", "sum", 4), ("tanh", "sum", 4)]}


# ----------------------------------------------------------------------------- second routes
def _rank_exact(spec) -> int:
    """Rank of [A]_odd-even by the circuit's forward pass and python-flint's exact rank over Q (independent
    of the certificate's minor modulo a prime)."""
    A = matricize_array(np.asarray(forward_tensor(circuit(spec)).data), parse_partition("odd-even", spec.N))
    return flint.fmpq_mat([[flint.fmpq(int(Fraction(x).numerator), int(Fraction(x).denominator)) for x in row]
                           for row in A.tolist()]).rank()


def _params_by_formula(spec) -> int:
    """N r_0 M + sum_l (N / 2^l) r_l r_{l-1} + r_{L-1}: the deep net's weight count, from its widths."""
    r = list(spec.widths)
    return spec.N * r[0] * spec.M + sum(spec.N // 2**l * r[l] * r[l - 1] for l in range(1, len(r))) + r[-1]


def _family_net(src, architecture, st_):
    spec = load_spec(src["spec"])
    fam = (spec.architecture, spec.N, spec.M, spec.activation.spec_name, spec.pooling.name, spec.shared)
    ok = fam == (architecture, st_["N"], st_["M"], st_["activation"], st_["pooling"], False) and not spec.is_symbolic
    ok = ok and (spec.F is None or [list(r) for r in spec.F] == [[int(i == j) for j in range(spec.M)]
                                                                   for i in range(spec.M)])
    if architecture == "deep":
        L = round(math.log2(spec.N))
        ok = ok and list(spec.widths) == st_.get("widths", [spec.M] * L) and spec.window == 2 \
            and list(spec.patch_order or range(spec.N)) == list(range(spec.N))
    return spec if ok else None


def _at_midpoint(cert, t=None):
    """The box's deep and shallow nets at a point of the box (its midpoint, or lo + t_k (hi - lo) for the
    fractions t), as numeric specs."""
    t = t or {}
    box = {k: Fraction(a) + t.get(k, Fraction(1, 2)) * (Fraction(b) - Fraction(a)) for k, (a, b) in cert["box"].items()}
    sub = {sympy.Symbol(k): sympy.Rational(v.numerator, v.denominator) for k, v in box.items()}
    left = load_spec(cert["left"]["spec"])

    def num(x):
        v = sympy.sympify(x).xreplace(sub)
        return str(v) if not v.is_Integer else int(v)
    d = spec_to_dict(left)
    d["weights"] = {"layers": [[[[num(w) for w in ch] for ch in pos] for pos in lay] for lay in left.layers],
                    "output": [[num(w) for w in left.output[0]]]}
    for k in ("widths", "Z", "Y"):
        d.pop(k, None)
    r = dict(cert["right"]["spec"])
    r["weights"] = {"hidden": [[[num(w) for w in row] for row in ch] for ch in r["weights"]["hidden"]],
                    "output": [[num(w) for w in r["weights"]["output"][0]]]}
    return load_spec(d), load_spec(r)


def depth_true(res) -> bool:
    """Oracle of the forger for ``depth`` results: is the (mutated) result still true?  Decided by the
    prover-side pipeline (library ranks, operators; a box by its midpoint), never by the kernel."""
    st_, status, cert = res["statement"], res["status"], res.get("certificate")
    if status in ("tested", "inconclusive"):
        return cert is None
    part, act, pl, N, M = (st_[k] for k in ("part", "activation", "pooling", "N", "M"))
    if N < 2 or N & (N - 1) or act not in {a for a, _ in PAIRS} or pl not in {p for _, p in PAIRS}:
        return False
    T, fam = term_bound(pl, N, M), pl in ("sum", "average")

    def rank(src, arch):
        spec = _family_net(src, arch, st_)
        return -1 if spec is None else _rank_exact(spec)
    if part == "shallow_term_bound":
        return (status == "proved" and st_["bound"] >= T and st_.get("family_bound", False) <= fam) or (
            status == "refuted" and rank(cert["source"], "shallow") > st_["bound"])
    if part == "completeness" and st_["answer"] == "none":
        return status == "proved" and slopes(act) == (1, 1) and fam and st_["Z_all"] == 1
    if st_.get("term_bound") != T or st_.get("Z") != kdepth.forced(st_["rank"], T, fam) or \
            st_.get("family_bound", fam) != fam:
        return False
    if part == "deep_witness":
        spec = _family_net(cert["source"], "deep", st_)
        return (status == "proved" and spec is not None and st_["params"] == _params_by_formula(spec)
                and _rank_exact(spec) >= st_["rank"])
    ps = cert["parts"] if cert.get("kind") == "all" else [cert]
    if part == "approximation":
        return False  # tampered approximation statements are never accepted (see test_tampered_eps)
    if st_["answer"] == "complete" and status == "proved":
        if not kdepth.label_of("complete", Z=st_["Z"]):
            return False
        if st_["rule"] == "schwartz-zippel":
            return polynomial_operator(act, pl) and rank(ps[1]["source"], "deep") >= st_["rank"]
        if st_["rule"] == "regions":
            s = slopes(act)
            return pl == "product" and s is not None and 0 not in s and st_["rank"] <= M ** (N // 2)
        return act in ("tanh", "sigmoid") and pl != "max"
    box = ps[-1]
    deep_spec, sh = _at_midpoint(box)
    if grid_tensor(deep_spec) != grid_tensor(sh) or _rank_exact(deep_spec) >= st_["rank"]:
        return False
    if st_["answer"] == "complete":
        return status == "refuted"
    return (status == "proved" and st_["answer"] == "incomplete" and sh.Z == st_["Z_box"]
            and kdepth.label_of("incomplete", Z=st_["Z"], Z_box=sh.Z)
            and _rank_exact(deep_spec) <= st_["box_rank"] and rank(ps[1]["source"], "deep") >= st_["rank"])


# ----------------------------------------------------------------------------- done when
@pytest.mark.parametrize("act", ["linear", "square"])
@pytest.mark.parametrize("N", [4, 8])
def test_polynomial_product_pairs_are_complete(answers, act, N):
    r = answers[(act, "product", N)]
    c = r.completeness
    assert r.answer == "complete" and c.status is Status.PROVED and c.checked
    assert c.typed["rank"] == 2 ** (N // 2) == r.deep_witness.typed["rank"]  # min(r_0, M)^(N/2), COLT Thm 1
    assert c.typed["Z"] == 2 ** (N // 2) and r.shallow_term_bound.typed["bound"] == 1


@pytest.mark.parametrize("N", [4, 8])
def test_relu_max_is_incomplete(answers, N):
    """Incomplete with content: the box's shallow net has Z_box = 1 channel, below Z_w = ceil(k / T) >= 2."""
    r = answers[("relu", "max", N)]
    c = r.completeness
    assert r.answer == "incomplete" and c.status is Status.PROVED and c.checked
    assert c.typed["box_rank"] < c.typed["rank"] == 2 ** (N // 2)
    assert r.shallow_term_bound.typed["bound"] == N // 2 + 1  # |rows|(M - 1) + 1, the tighter bound
    assert c.typed["Z_box"] == 1 < c.typed["Z"] == -(-2 ** (N // 2) // (N // 2 + 1))


def test_linear_sum_is_none(answers):
    """linear/sum: the deep net is a one-channel shallow net for ALL weights (an identity, by expansion)."""
    r = answers[("linear", "sum", 4)]
    c = r.completeness
    assert r.answer == "none" and c.status is Status.PROVED and c.checked and c.typed["Z_all"] == 1
    assert c.certificate["kind"] == "all_weights_identity"


def test_sum_pooling_is_unbounded(answers):
    """A witness of rank 3 > 2 = the bound of the whole shallow family: no shallow net of any width."""
    w = answers[("abs", "sum", 4)].deep_witness
    assert w.typed["rank"] >= 3 and w.typed["Z"] == "unbounded"
    assert answers[("abs", "sum", 4)].shallow_term_bound.typed["family_bound"] is True
    c = answers[("tanh", "sum", 4)].completeness
    assert c.typed["answer"] == "complete" and c.typed["rule"] == "analytic" and c.typed["Z"] == "unbounded"


def test_abs_product_is_complete_by_regions(answers):
    c = answers[("abs", "product", 4)].completeness
    assert c.typed["answer"] == "complete" and c.typed["rule"] == "regions" and c.typed["Z"] == 4
    assert decide_depth("leaky_relu:1/10", "product", N=4, M=2, tries=1).answer == "complete"


def test_every_answer_rechecks(answers):
    for r in answers.values():
        d = json.loads(json.dumps(r.to_dict()))
        assert d["command"] == "check depth" and recheck(d).exit_code == 0
        for v in r.verdicts:  # proved only when the kernel verified it
            assert v.status is not Status.PROVED or (v.checked and v.certificate)


def test_no_answer_without_a_certificate(answers):
    """tanh/max: an arb-certified witness, but max is not analytic and tanh has no exact box: unknown, with
    the missing argument named."""
    r = answers[("tanh", "max", 4)]
    c = r.completeness
    assert r.answer == "unknown" and c.status is Status.INCONCLUSIVE and c.result()["certificate"] is None
    assert c.typed["answer"] == "unknown" and c.detail.startswith("unknown; tried: ") and "missing: " in c.detail
    assert r.deep_witness.status is Status.PROVED and r.deep_witness.certificate["kind"] == "arb_minor"
    assert r.shallow_term_bound.status is Status.PROVED  # symbolic: for all weights


# ----------------------------------------------------------------------------- second routes
def test_polynomial_from_the_definitions():
    """Polynomial operators, by the prover (the library's operators) and by the kernel (its own definitions),
    agree on every pair; leaky_relu:1 is the identity, so leaky_relu:1/product is complete."""
    from symbolic.kernel.depth import polynomial

    assert all(polynomial_operator(a, p) == polynomial(a, p) for a, p in PAIRS)
    assert {(a, p) for a, p in PAIRS if polynomial(a, p)} == {(a, p) for a in ("linear", "square", "leaky_relu:1")
                                                              for p in ("product", "sum", "average")}
    assert decide_depth("leaky_relu:1", "product", N=4, M=2, tries=2).answer == "complete"


def test_witness_rank_by_a_second_route(answers):
    for r in answers.values():
        for w in r.witnesses:
            if w.status is Status.PROVED and w.certificate["kind"] == "matricization_rank":  # arb minors: tanh
                spec = load_spec(w.certificate["source"]["spec"])
                assert _rank_exact(spec) == w.typed["rank"]
                assert w.typed["params"] == _params_by_formula(spec)


@pytest.mark.parametrize("key", [("relu", "max", 4), ("abs", "sum", 4)])
def test_box_at_its_midpoint(answers, key):
    """The deep net at the box's midpoint equals the shallow net there, and has rank <= box_rank."""
    c = answers[key].completeness
    deep_spec, sh = _at_midpoint(c.certificate["parts"][2])
    assert grid_tensor(deep_spec) == grid_tensor(sh)
    assert _rank_exact(deep_spec) <= c.typed["box_rank"] < c.typed["rank"]
    assert sh.Z == c.typed["Z_box"]


@settings(max_examples=10, deadline=None)
@given(key=st.sampled_from([("relu", "max", 4), ("abs", "sum", 4)]), data=st.data())
def test_box_identity_at_random_points(answers, key, data):
    """Anywhere in the (closed) box, the deep net equals the shallow net and its rank is <= box_rank."""
    c = answers[key].completeness
    box = c.certificate["parts"][2]
    t = {k: data.draw(st.fractions(0, 1, max_denominator=50)) for k in box["box"]}
    deep_spec, sh = _at_midpoint(box, t)
    assert grid_tensor(deep_spec) == grid_tensor(sh)
    assert _rank_exact(deep_spec) <= c.typed["box_rank"]


@settings(max_examples=25, deadline=None)
@given(pair=st.sampled_from([(a, p) for a, p in PAIRS if a not in ("tanh", "sigmoid")]),
       w=st.lists(st.integers(-4, 4), min_size=9, max_size=9))
def test_term_bound_holds_on_numeric_channels(pair, w):
    """A second route to T: the rank of one numeric shallow channel (N = 4, M = 2) never exceeds T."""
    act, pl = pair
    spec = shallow(N=4, M=2, Z=1, activation=act, pooling=pl,
                   weights={"hidden": [[w[0:2], w[2:4], w[4:6], w[6:8]]], "output": [[w[8] or 1]]})
    A = matricize_array(np.asarray(grid_tensor(spec).data), (0, 2))
    assert exact_rank(A).rank <= term_bound(pl, 4, 2)


def test_max_term_bound_is_attained_for_relu_max():
    """T = |rows|(M - 1) + 1 is attained: a ReLU/max channel (N = 4, M = 2) whose row maxima take the values
    1, 3, 5 and column maxima 2, 4, 6 has rank exactly 3 = T."""
    spec = shallow(N=4, M=2, Z=1, activation="relu", pooling="max",
                   weights={"hidden": [[[1, 5], [2, 6], [3, 0], [4, 0]]], "output": [[1]]})
    assert exact_rank(matricize_array(np.asarray(grid_tensor(spec).data), (0, 2))).rank == term_bound("max", 4, 2) == 3


@settings(max_examples=40, deadline=None)
@given(M=st.integers(2, 3), n=st.integers(1, 3), data=st.data())
def test_max_row_lemma(M, n, data):
    """The lemma behind T: R = max_i v^i_{d_i} over n modes takes at most n(M - 1) + 1 values (ties included)."""
    v = [data.draw(st.lists(st.integers(-3, 3), min_size=M, max_size=M)) for _ in range(n)]
    values = {max(v[i][d[i]] for i in range(n)) for d in itertools.product(range(M), repeat=n)}
    assert len(values) <= n * (M - 1) + 1


def test_construction_rank_by_hand():
    """relu/max construction at N = 4, M = 2: A = r - prod_k [d_2k = d_2k+1], by the definition."""
    from theorems.depth.decide import construction

    A = grid_tensor(construction("relu", "max", 4, 2)).data
    for d in itertools.product(range(2), repeat=4):
        assert A[d] == 2 - (d[0] == d[1]) * (d[2] == d[3])


def test_exponential_growth_is_tested_only():
    r = decide_depth("relu", "max", N=4, M=2, N_max=8)
    e = r.verdicts[-1]
    assert e.status is Status.TESTED and e.typed["sizes"] == [2, 4, 8]
    assert [w.typed["Z"] for w in r.witnesses] == [1, 2, 4]  # ceil(2^(N/2) / (N/2 + 1))
    res = e.result()
    assert check_result(res).ok and check_result(dict(res, status="proved", certificate={})).ok is False


# ----------------------------------------------------------------------------- the forger
def _flip(res, **changes):
    m = copy.deepcopy(res)
    for k, v in changes.items():
        if k == "status":
            m["status"] = v
        else:
            m["statement"][k] = v
    return m


def _results(r):
    return {v.typed["part"]: json.loads(json.dumps(v.result())) for v in r.verdicts
            if v.typed["part"] != "deep_witness" or v.typed["N"] == r.N}


@pytest.mark.parametrize("key", [("square", "product", 4), ("relu", "max", 4), ("abs", "sum", 4), ("linear", "sum", 4),
                                 ("abs", "product", 4), ("tanh", "sum", 4)])
def test_forged_statements_are_rejected(answers, key):
    R = _results(answers[key])
    for part, res in R.items():
        if res["status"] in ("tested", "inconclusive"):
            continue
        assert check_result(res).ok, part
        st_ = res["statement"]
        mutants = [_flip(res, status=s) for s in ("proved", "refuted") if s != res["status"]]
        mutants += [_flip(res, activation=a) for a in ("linear", "relu", "square", "abs") if a != st_["activation"]]
        mutants += [_flip(res, pooling=p) for p in ("product", "max", "sum") if p != st_["pooling"]]
        mutants += [_flip(res, activation=st_["pooling"], pooling=st_["activation"])]
        for k in ("bound", "rank", "Z", "term_bound", "params", "Z_box", "box_rank", "Z_all", "N", "M"):
            if isinstance(st_.get(k), int):
                mutants += [_flip(res, **{k: st_[k] + d}) for d in (-1, 1)]
        if "family_bound" in st_:
            mutants.append(_flip(res, family_bound=not st_["family_bound"]))
        if "Z" in st_:
            mutants += [_flip(res, Z=z) for z in ("unbounded", 1, 0) if z != st_["Z"]]
        if part == "completeness":
            for other in ("none", "complete", "incomplete"):
                if other != st_["answer"]:
                    mutants.append(_flip(res, answer=other))
                    mutants.append(_flip(res, answer=other, Z_box=1, box_rank=1, rule="regions", Z_all=1))
            if "rule" in st_:
                mutants += [_flip(res, rule=r) for r in ("schwartz-zippel", "regions", "analytic") if r != st_["rule"]]
        mutants.append(_flip(res, part={"completeness": "deep_witness"}.get(part, "completeness")))
        for m in mutants:
            assert not check_result(m).ok or depth_true(m), (part, m["statement"], m["status"])


def test_certificates_swapped_between_parts_are_rejected(answers):
    R = _results(answers[("relu", "max", 4)])
    w, c = R["deep_witness"], R["completeness"]
    assert not check_result(dict(w, certificate=c["certificate"])).ok
    assert not check_result(dict(c, certificate=w["certificate"])).ok
    assert not check_result(dict(R["shallow_term_bound"], certificate=w["certificate"])).ok


def test_systematic_mutants(answers):
    """Every mutant of the forger (tests/kernel/test_forgery.py) is rejected or still true."""
    from tests.kernel.test_forgery import _accepted, _sampled

    for key in (("relu", "max", 4), ("square", "product", 4)):
        ans = json.loads(json.dumps(answers[key].to_dict()))
        bad = []
        for desc, m in _sampled(ans, limit=6):
            if _accepted(m):
                changed = [r for r, g in zip(m.get("results", []), ans["results"]) if r != g]
                if len(m.get("results", [])) != len(ans["results"]) or set(m) != set(ans) or \
                        not all(isinstance(r, dict) and depth_true(r) for r in changed):
                    bad.append(desc)
        assert not bad, bad[:8]


# ----------------------------------------------------------------------------- the table and the command line
def test_every_pair_answers_with_certificates_or_unknown():
    """Every pair of the operator library (N = 4, M = 2): complete/incomplete only with a kernel-verified
    certificate; polynomial pairs are complete."""
    for act, pl in PAIRS:
        r = decide_depth(act, pl, N=4, M=2, tries=2)
        c = r.completeness
        assert (r.answer != "unknown") == (c.status is Status.PROVED)
        if c.status is Status.PROVED:
            assert c.checked and check_result(c.result()).ok
        if polynomial_operator(act, pl):
            assert r.answer in ("complete", "none"), (act, pl)
        if r.answer == "unknown":
            assert "missing: " in c.detail, (act, pl)


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "theorems.cli", "check", "depth", *args], capture_output=True,
                          text=True, timeout=120)


def test_cli_json_round_trip(tmp_path):
    p = _cli("--activation", "relu", "--pooling", "max", "--N", "4", "--M", "2", "--json")
    assert p.returncode == 0, p.stderr
    f = tmp_path / "a.json"
    f.write_text(p.stdout)
    lib = decide_depth("relu", "max", N=4, M=2).to_dict()
    assert [(x["statement"], x["status"], x["certificate"]) for x in json.loads(p.stdout)["results"]] == \
        [(x["statement"], x["status"], x["certificate"]) for x in json.loads(json.dumps(lib))["results"]]
    q = subprocess.run([sys.executable, "-m", "theorems.cli", "recheck", str(f)], capture_output=True, text=True)
    assert (q.returncode == 0
            and "3 of 3 statements verified; 1 listed, not verified (tested or inconclusive)" in q.stdout)


@pytest.mark.parametrize("args, field", [(("--activation", "relu", "--pooling", "max", "--N", "6"), "N=6"),
                                         (("--activation", "nope", "--pooling", "max"), "activation"),
                                         (("--activation", "relu", "--pooling", "min"), "pooling"),
                                         (("--activation", "relu", "--pooling", "max", "--widths", "2,2,2"), "widths")])
def test_cli_bad_input_is_one_line(args, field, capsys):
    from theorems.cli import main

    try:
        rc = main(["check", "depth", *args])
    except SystemExit as e:  # argparse refuses in one line too
        rc = e.code
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1 and field in err and "Traceback" not in err


def test_cli_unknown_exits_1(capsys):
    from theorems.cli import main

    assert main(["check", "depth", "--activation", "tanh", "--pooling", "max", "--N", "2"]) == 1
    assert "unknown" in capsys.readouterr().out

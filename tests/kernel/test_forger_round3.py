"""Forger, round 3: the kernel's three new statement routes attacked from the statements' MEANING.

1. ``column_span`` upper bounds (``A[:, D] e == A[:, cols] W``): equivalent certificates (e negative, cols
   unsorted, scaled) pass; the route under symbolic weights ("rank <= k for ALL weights" from one point),
   forged relations, huge entries, answers disagreeing with the certificate, kronecker answers carrying it and
   the rank certificates embedded in geometry and depth parts are rejected.
2. geometry (ICLR 2017 Thm 1) by the kernel's own symbolic factorization: statements whose window, patch
   order, widths or partitions differ from the witnesses', missing or duplicated partitions at N <= 8, bounds
   other than the checked inner size, an N = 16 instance.
3. universality of tanh and sigmoid by ``arb_independence``: FALSE statements (shared families, additive
   sum-pooled families, a singular F) with stacks of genuine networks of that family, networks of another
   F / window / patch order, duplicates, exact activations through the arb route, huge weights (NaN balls),
   extra fields, the cost refusal.

Genuine answers are accepted; forgeries are rejected in one line (exit 1 or 2), never a traceback.  A
weakness found is written as the correct behaviour and marked ``xfail(strict=True)`` with the exploit.
"""

from __future__ import annotations

import copy
import functools
import json
import random
import time

import numpy as np
import pytest

from symbolic.errors import TooLarge
from symbolic.kernel import cost
from symbolic.kernel.linalg import matricize, structural_bounds
from symbolic.kernel.network import grid, read_net
from symbolic.kernel.recheck import recheck
from symbolic.rank.exact import exact_rank
from symbolic.rank.pipeline import rank_answer, rank_result
from symbolic.spec.network import deep, spec_to_dict

from .forgers import assert_accepted, assert_refused_cheaply, assert_rejected, envelope, genuine, verdict


# -- helpers ------------------------------------------------------------------------------------------------------
def _rank_res(spec: dict, rows: list, *, seed: int = 0, prime: int | None = None) -> dict:
    """A rank result for a numeric spec dict: the matrix by the kernel's forward pass, its certified rank by the
    library's exact_rank (column_span when rank-deficient), the bounds re-derived."""
    net = read_net(spec)
    A = matricize(np.asarray(grid(net)[0]), net.N, net.M, rows)
    r = exact_rank(A, seed=seed, prime=prime)
    return {"statement": {"type": "rank", "spec": spec, "output": 0, "rows": rows}, "status": "proved",
            "lower": r.lower, "upper": r.upper, "bounds": structural_bounds(net, rows),
            "certificate": r.certificate.to_dict()}


@functools.cache
def _relu_max_json() -> str:
    """Deep relu/max, N=4, M=4, odd-even: rank 13 of 16, a column_span upper bound (the prover's answer)."""
    a = rank_answer(deep(N=4, M=4, activation="relu", pooling="max", seed=0, low=-5, high=5), "odd-even")
    res = rank_result(a)
    assert res["certificate"]["upper"]["kind"] == "column_span"
    return json.dumps(res)


def _relu_max() -> dict:
    return json.loads(_relu_max_json())


def _rational_spec() -> dict:
    """Deep relu/max N=4, M=3 with non-integer rational weights (and a rational F)."""
    rng = random.Random(7)
    q = lambda: f"{rng.randint(-9, 9)}/{rng.choice([2, 3, 5, 7])}"  # noqa: E731
    return {"architecture": "deep", "N": 4, "M": 3, "activation": "relu", "pooling": "max",
            "F": [["1", "1/2", "0"], ["0", "1", "1/3"], ["1/5", "0", "1"]],
            "weights": {"layers": [[[[q() for _ in range(3)] for _ in range(2)] for _ in range(4)],
                                   [[[q() for _ in range(2)] for _ in range(2)] for _ in range(2)]],
                        "output": [[q(), q()]]}}


def _code(obj) -> int:
    return verdict(obj)[0]


# == 1. column_span ==============================================================================================
def _negate_e(u):
    u["e"] = -u["e"]
    u["W"] = [[-x for x in r] for r in u["W"]]


def _scale(u):
    u["e"] = 3 * u["e"]
    u["W"] = [[3 * x for x in r] for r in u["W"]]


def _unsort(u):
    order = list(reversed(range(len(u["cols"]))))
    u["cols"] = [u["cols"][i] for i in order]
    u["W"] = [u["W"][i] for i in order]


def _strings(u):
    u["W"] = [[f"{2 * x}/2" for x in r] for r in u["W"]]


@pytest.mark.parametrize("variant", [_negate_e, _scale, _unsort, _strings], ids=lambda f: f.__name__)
def test_column_span_equivalent_certificates_are_accepted(variant):
    """e < 0, (W, e) scaled, cols in decreasing order (W's rows with them), W as 'p/q' strings equal to integers:
    the same relations, the same (true) rank."""
    res = _relu_max()
    variant(res["certificate"]["upper"])
    assert "= 13" in assert_accepted(envelope("rank", res))


def test_column_span_with_rational_weights_and_F():
    """Non-integer weights and F: the matrix has rational entries; the kernel scales by the lcm of the
    denominators (same columns, same span).  The genuine relation passes; a relation off by one entry, or one
    valid only for the integer numerators (W scaled but not e), is rejected."""
    res = _rank_res(_rational_spec(), [0, 2])
    up = res["certificate"]["upper"]
    assert up["kind"] == "column_span" and res["upper"] < 9, up["kind"]
    assert_accepted(envelope("rank", res))
    forged = copy.deepcopy(res)
    forged["certificate"]["upper"]["W"][0][0] += 1
    assert_rejected(envelope("rank", forged), why="W entry + 1 under rational weights")
    forged = copy.deepcopy(res)
    forged["certificate"]["upper"]["W"] = [[2 * x for x in r] for r in up["W"]]
    assert_rejected(envelope("rank", forged), why="W doubled, e not")


def test_column_span_is_never_an_upper_bound_for_all_weights_from_one_point():
    """Symbolic deep ConvAC (rank 4 for almost all weights): at the point w = 1 the matrix has rank 1, and a
    genuine column relation of that point 'proves' rank <= 1 -- for ALL weights, which is false.  Rejected:
    a symbolic network's upper bound must be trivial."""
    base = next(r for r in genuine("rank")["results"] if r["statement"]["spec"].get("weights") == "symbolic")
    net = read_net(base["statement"]["spec"])
    point = {k: 1 for k in base["certificate"]["lower"]["point"]}
    import sympy

    sub = {s: sympy.Integer(1) for x in net.weights() if isinstance(x, sympy.Basic) for s in x.free_symbols}
    A = matricize(np.asarray(grid(net)[0]), net.N, net.M, base["statement"]["rows"])
    A1 = np.array([sympy.sympify(x).xreplace(sub) for x in A.ravel()], dtype=object).reshape(A.shape)
    A1 = np.array([int(x) for x in A1.ravel()], dtype=object).reshape(A.shape)
    r = exact_rank(A1, seed=0)
    assert r.upper == 1 and r.certificate.upper.kind == "column_span"
    res = copy.deepcopy(base)
    res["certificate"] = {"certificate": "rank",
                          "lower": {"certificate": "rank_lower_bound", "k": 0, "rows": [], "cols": [], "prime": 101,
                                    "point": point},
                          "upper": r.certificate.upper.to_dict()}
    res["lower"], res["upper"] = 0, 1
    text = assert_rejected(envelope("rank", res), why="rank <= 1 for all weights from one point")
    assert "trivial" in text


def test_column_span_on_a_convac_whose_matrix_is_also_known_modulo_a_small_prime():
    """Linear/product (a polynomial operator) with a lower-bound prime below 2^21, the residue route's
    condition: column_span is still checked on the exact matrix (residues are refused), genuine passes,
    a forged relation is rejected."""
    spec = spec_to_dict(deep(N=4, M=3, widths=(2, 1), seed=3, low=-9, high=9))
    res = _rank_res(spec, [0, 2], prime=1009)  # below 2^21: the float64/residue route for trivial bounds
    assert res["certificate"]["upper"]["kind"] == "column_span" and res["upper"] == 4
    assert res["certificate"]["lower"]["prime"] == 1009
    assert_accepted(envelope("rank", res))
    forged = copy.deepcopy(res)
    forged["certificate"]["upper"]["e"] += 1
    assert_rejected(envelope("rank", forged), why="e + 1 on a ConvAC")


@pytest.mark.parametrize("digits", [1000, 100_000, 100_001])
def test_column_span_huge_entries_are_rejected_in_one_line(digits):
    """A W entry of 10^digits (a string; ints in JSON stop at 1000 digits) and an e of 1000 digits: one-line
    rejection (the relation fails, or the number is over the certificate's digit limit), cheaply."""
    res = _relu_max()
    up = res["certificate"]["upper"]
    up["W"][0][0] = "1" + "0" * (digits - 1)
    t = time.process_time()
    assert_rejected(envelope("rank", res), why=f"{digits}-digit W entry")
    res = _relu_max()
    res["certificate"]["upper"]["e"] = 10 ** 999
    assert_rejected(envelope("rank", res), why="1000-digit e")
    assert time.process_time() - t < 60


def test_column_span_scaled_by_a_huge_e_consistently_is_accepted():
    """(W, e) multiplied by 10^500 (W as strings): the same relations, a true statement, accepted."""
    res = _relu_max()
    up = res["certificate"]["upper"]
    big = 10 ** 500
    up["e"] *= big
    up["W"] = [[str(x * big) for x in r] for r in up["W"]]
    assert_accepted(envelope("rank", res))


def test_column_span_scaling_of_rational_entries_is_estimated_before_work():
    """Shallow relu/max N=8, M=3, weights 1/(10^999 + k): each entry has one weight's denominator, so the
    forward pass is cheap (about 0.1 s) and within a 32 MiB budget; but the check multiplies every entry by the
    lcm of ALL denominators (~17 of them, ~56,000 bits), about 46 MB of integers plus two fmpz matrices, and
    about 5 s of CPU (72 s at M = 4, default budget) before a one-line failure.  Correct behaviour: refused
    over the budget before the work (TooLarge, exit 2)."""
    N, M = 8, 3
    base = 10 ** 999
    spec = {"architecture": "shallow", "N": N, "M": M, "activation": "relu", "pooling": "max",
            "weights": {"hidden": [[[f"1/{base + j * N + i + 1}" for j in range(M)] for i in range(N)]],
                        "output": [[1]]}}
    rows, n = [0, 1, 2, 3], M ** 4
    res = {"statement": {"type": "rank", "spec": spec, "output": 0, "rows": rows}, "status": "proved",
           "lower": 0, "upper": n - 1, "bounds": structural_bounds(read_net(spec), rows),
           "certificate": {"certificate": "rank",
                           "lower": {"certificate": "rank_lower_bound", "k": 0, "rows": [], "cols": [], "prime": 101},
                           "upper": {"certificate": "rank_upper_bound", "k": n - 1, "kind": "column_span",
                                     "cols": list(range(n - 1)), "W": [[0]] * (n - 1), "e": 1}}}
    t = time.process_time()
    with pytest.raises(TooLarge):
        recheck(envelope("rank", res), budget=cost.Budget(memory=32 << 20))
    assert time.process_time() - t < 2.5


def test_entry_bits_bounds_sums_of_fractions_with_distinct_denominators():
    """Shallow relu/sum N=8, M=2, weights 1/(10^999 + k): each entry sums 8 fractions with distinct 3,322-bit
    denominators (about 50,000 bits), the estimate says 6,643.  The cost model promises an upper bound of the
    order of the entry size; measured consequence: N=8, M=4 takes 52 s CPU in the forward pass alone at the
    default budget (M=3: 5 s), before any certificate is read."""
    from fractions import Fraction

    from symbolic.kernel.network import entry_bits

    N, M = 8, 2
    spec = {"architecture": "shallow", "N": N, "M": M, "activation": "relu", "pooling": "sum",
            "weights": {"hidden": [[[f"1/{10 ** 999 + j * N + i + 1}" for j in range(M)] for i in range(N)]],
                        "output": [[1]]}}
    net = read_net(spec)
    actual = max(Fraction(x).numerator.bit_length() + Fraction(x).denominator.bit_length() for x in grid(net)[0])
    assert actual <= 2 * entry_bits(net), (actual, entry_bits(net))


@pytest.mark.parametrize("change", ["upper one more", "lower one less", "both one less", "bounds trivial smaller",
                                    "k claims more than cols"])
def test_column_span_answers_disagreeing_with_their_certificate(change):
    res = _relu_max()
    if change == "upper one more":
        res["upper"] += 1
    elif change == "lower one less":
        res["lower"] -= 1
    elif change == "both one less":
        res["lower"] -= 1
        res["upper"] -= 1
    elif change == "bounds trivial smaller":
        res["bounds"]["trivial"] -= 1
    else:
        res["certificate"]["upper"]["k"] += 1
        res["upper"] += 1
    assert_rejected(envelope("rank", res), why=change)


@functools.cache
def _kronecker_json() -> str:
    spec = deep(N=8, M=2, widths=(2, 2, 2), seed=3, low=-30, high=30)
    res = rank_result(rank_answer(spec, "odd-even", engine="structured"))
    assert res["certificate"]["certificate"] == "kronecker"
    return json.dumps(res)


@pytest.mark.parametrize("change", ["upper field", "lower field", "rank with column_span of another matrix"])
def test_kronecker_answers_carrying_column_span(change):
    res = json.loads(_kronecker_json())
    assert_accepted(envelope("rank", res))
    if change == "rank with column_span of another matrix":  # the relu/max net's relation under the ConvAC statement
        other = _relu_max()["certificate"]
        res["certificate"] = other
        res["lower"], res["upper"] = 13, 13
    else:
        res["certificate"][change.split()[0]] = _relu_max()["certificate"]["upper"]
    assert_rejected(envelope("rank", res), why=change)


def _geometry_json(inst) -> str:
    from theorems.claims.catalog import get_claim

    return json.dumps(get_claim("geometry").check(**inst, seed=0).result())


@functools.cache
def _geometry_text(text: str) -> str:
    return _geometry_json(json.loads(text))


GEO4 = {"N": 4, "M": 2, "window": 2, "patch_order": [2, 0, 3, 1]}


def _geo(inst=None) -> dict:
    """The genuine geometry result of an instance (default: N=4, M=2, window 2, patch order [2, 0, 3, 1])."""
    return json.loads(_geometry_text(json.dumps(inst or GEO4, sort_keys=True)))


def _witness_matrix(part):
    net = read_net(part["source"]["spec"])
    return matricize(np.asarray(grid(net)[part["source"]["output"]]), net.N, net.M, part["rows"])


@pytest.mark.parametrize("how", ["genuine", "forged"])
def test_rank_certificates_embedded_in_geometry_parts_with_column_span(how):
    """A geometry witness part carrying a full rank certificate whose upper bound is a column_span: a genuine
    relation of that matrix passes (the upper bound is not used), a forged one is rejected."""
    res = _geo()
    part = res["certificate"]["parts"][2]  # a rank-deficient witness? take any; build its relation
    A = _witness_matrix(part)
    r = exact_rank(A, seed=0)
    part["certificate"] = r.certificate.to_dict()
    up = part["certificate"]["upper"]
    if up["kind"] != "column_span":  # full rank: a span certificate with all columns (D empty) is still valid
        up.clear()
        up.update(certificate="rank_upper_bound", k=A.shape[1], kind="column_span", cols=list(range(A.shape[1])),
                  W=[[] for _ in range(A.shape[1])], e=1)
    if how == "genuine":
        assert_accepted(envelope("verify", res))
    else:
        up.update(k=up["k"] - 1, cols=up["cols"][:-1], W=[[0] for _ in up["cols"][:-1]], e=1)
        assert_rejected(envelope("verify", res), why="column_span dropping a column with W = 0")


def test_rank_certificates_embedded_in_depth_witness_parts_with_column_span():
    """The relu/max depth answer's deep_witness part: its matricization_rank certificate replaced by a full rank
    certificate with a genuine column_span passes; the same with a forged relation is rejected."""
    ans = genuine("depth_relu")
    idx = next(i for i, r in enumerate(ans["results"]) if r["statement"]["part"] == "deep_witness")
    res = ans["results"][idx]
    cert = res["certificate"]
    assert cert["kind"] == "matricization_rank", cert["kind"]
    A = _witness_matrix(cert)
    r = exact_rank(A, seed=0)
    cert["certificate"] = r.certificate.to_dict()
    up = cert["certificate"]["upper"]
    if up["kind"] != "column_span":
        up.clear()
        up.update(certificate="rank_upper_bound", k=A.shape[1], kind="column_span", cols=list(range(A.shape[1])),
                  W=[[] for _ in range(A.shape[1])], e=1)
    assert_accepted(envelope("check depth", res))
    up.update(k=up["k"] - 1, cols=up["cols"][:-1], W=[[0] * (A.shape[1] - up["k"] + 1) for _ in up["cols"][:-1]])
    assert_rejected(envelope("check depth", res), why="forged column_span in a depth witness")


@pytest.mark.parametrize("where", ["universality", "search"])
def test_lower_bound_only_parts_refuse_a_full_rank_certificate_with_column_span(where):
    """Universality's exact route and a refuted rank_bound read a rank LOWER bound only: a full rank certificate
    (its lower bound genuine, plus a column_span upper bound) in their place is refused, not half-read."""
    if where == "universality":
        res = copy.deepcopy(next(r for r in genuine("universality")["results"] if r["status"] == "proved"))
        cmd = "check universality"
    else:
        res, cmd = genuine("search")["results"][0], "search"
    lower = res["certificate"]["certificate"]
    k = lower["k"]
    res["certificate"]["certificate"] = {"certificate": "rank", "lower": lower, "upper": {
        "certificate": "rank_upper_bound", "k": k, "kind": "column_span", "cols": list(range(k)),
        "W": [[0]] * k, "e": 1}}
    assert_rejected(envelope(cmd, res), why=f"full rank certificate in {where}")


# == 2. geometry =================================================================================================
def test_geometry_genuine_instance_with_a_random_patch_order_is_accepted():
    res = _geo()
    assert len(res["statement"]["instance"]["partitions"]) == 7
    assert_accepted(envelope("verify", res))


@pytest.mark.parametrize("field,value", [("patch_order", [0, 1, 2, 3]), ("patch_order", [0, 2, 1, 3]),
                                         ("window", 4), ("widths", [1, 2]), ("widths", [2, 1]), ("M", 3), ("N", 8)])
def test_geometry_statement_fields_differing_from_the_witnesses(field, value):
    """The statement's family changed, the certificate kept: every witness is of another family (and the
    kernel's factorization is rebuilt from the statement).  Rejected."""
    res = _geo()
    res["statement"]["instance"][field] = value
    if field == "window":
        res["statement"]["instance"].pop("widths")
    assert_rejected(envelope("verify", res), why=f"{field}={value}")


def test_geometry_default_widths_are_the_witnesses_widths():
    """widths absent means M per layer; the genuine answer's widths are [2, 2] = the default: the same statement,
    accepted.  With M = 2 and widths [1, 1] written, the default would differ: rejected."""
    res = _geo()
    assert res["statement"]["instance"]["widths"] == [2, 2]
    res["statement"]["instance"].pop("widths")
    assert_accepted(envelope("verify", res))


@pytest.mark.parametrize("change", ["drop one", "drop one, add a respelled duplicate", "respelled duplicate kept",
                                    "complement instead"])
def test_geometry_partition_lists(change):
    """N = 4 (<= 8): every partition up to complement must be listed.  Dropping one is rejected, also when a
    respelled duplicate ('3, 0' for '0,3') keeps the count; a respelled duplicate next to the full list is a true
    (redundant) statement and is accepted; replacing a label by its complement with the same parts is rejected
    (the witness's rows are those of the label)."""
    res = _geo()
    inst, parts = res["statement"]["instance"], res["certificate"]["parts"]
    labels = inst["partitions"]
    i = labels.index("0,3")
    if change == "drop one":
        del labels[i]
        del parts[2 * i:2 * i + 2]
        assert_rejected(envelope("verify", res), why=change)
    elif change == "drop one, add a respelled duplicate":
        j = labels.index("0,1,2")
        labels[j] = "3, 0"
        parts[2 * j:2 * j + 2] = copy.deepcopy(parts[2 * i:2 * i + 2])
        assert_rejected(envelope("verify", res), why=change)
    elif change == "respelled duplicate kept":
        labels.append("3, 0")
        parts += copy.deepcopy(parts[2 * i:2 * i + 2])
        assert_accepted(envelope("verify", res))
    else:
        labels[i] = "1,2"
        assert_rejected(envelope("verify", res), why=change)


@pytest.mark.parametrize("change", ["bound - 1", "bound + 1", "bound = ICLR B", "rows of another partition",
                                    "kind structural_bound", "extra field U"])
def test_geometry_bound_parts(change):
    res = _geo()
    parts = res["certificate"]["parts"]
    b = next(p for p in parts[1::2] if p["bound"] < 4)  # a partition whose bound is below the trivial 4
    if change == "bound - 1":
        b["bound"] -= 1
    elif change == "bound + 1":
        b["bound"] += 1
    elif change == "bound = ICLR B":
        b["bound"] = 4
    elif change == "rows of another partition":
        b["rows"] = parts[1]["rows"] if parts[1] is not b else parts[3]["rows"]
    elif change == "kind structural_bound":
        b["kind"] = "structural_bound"
    else:
        b["U"] = [[1]]
    assert_rejected(envelope("verify", res), why=change)


@pytest.mark.parametrize("change", ["activation square", "pooling sum", "witness patch order", "witness window 4",
                                    "witness widths", "witness relu"])
def test_geometry_witness_of_another_family(change):
    res = _geo()
    w = res["certificate"]["parts"][0]["source"]["spec"]
    if change == "activation square":
        w["activation"] = "square"
    elif change == "pooling sum":
        w["pooling"] = "sum"
    elif change == "witness relu":
        w["activation"] = "relu"
    elif change == "witness patch order":
        w["patch_order"] = [0, 1, 2, 3]
    elif change == "witness window 4":
        w["window"] = 4
        w["weights"]["layers"] = w["weights"]["layers"][:1]  # one layer of 4 positions; output over r_0 = 2
    else:  # widths [1, 2]: layer 0 keeps its first channel, layer 1 reads only it
        lay = w["weights"]["layers"]
        lay[0] = [pos[:1] for pos in lay[0]]
        lay[1] = [[row[:1] for row in pos] for pos in lay[1]]
    assert_rejected(envelope("verify", res), why=change)


@functools.cache
def _geo16_json() -> str:
    return _geometry_json(dict(N=16, M=2, window=4, patch_order=list(range(16))))


def test_geometry_N16_lists_some_partitions_and_its_bounds_are_checked():
    """N = 16: the every-partition rule does not apply (the statement is about the listed partitions, which the
    kernel checks one by one); genuine accepted, a tampered bound rejected, M = 3 refused by the cost estimate
    before work."""
    res = json.loads(_geo16_json())
    assert len(res["statement"]["instance"]["partitions"]) < 2 ** 15
    assert_accepted(envelope("verify", res))
    forged = copy.deepcopy(res)
    forged["certificate"]["parts"][1]["bound"] -= 1
    assert_rejected(envelope("verify", forged), why="N=16 bound - 1")
    forged = copy.deepcopy(res)
    forged["statement"]["instance"]["M"] = 3
    r = assert_refused_cheaply(envelope("verify", forged))
    assert r["rc"] == 2


# == 3. universality by arb_independence ========================================================================
def _shallow(rng, act, pl, N, M, shared, Z=3, F=None):
    w = ([[rng.randint(-5, 5) for _ in range(M)] for _ in range(Z)] if shared else
         [[[rng.randint(-5, 5) for _ in range(M)] for _ in range(N)] for _ in range(Z)])
    spec = {"architecture": "shallow", "N": N, "M": M, "activation": act, "pooling": pl, "shared": shared,
            "weights": {"hidden": w, "output": [[rng.randint(-5, 5) for _ in range(Z)]]}}
    if F is not None:
        spec["F"] = F
    return {"spec": spec, "output": 0}


def _deep(rng, act, pl, N, M, shared, r=3, window=2):
    layers, prev, npos = [], M, N
    while npos > 1:
        def mat(prev=prev):
            return [[rng.randint(-5, 5) for _ in range(prev)] for _ in range(r)]
        layers.append(mat() if shared else [mat() for _ in range(npos)])
        prev, npos = r, npos // window
    spec = {"architecture": "deep", "N": N, "M": M, "activation": act, "pooling": pl, "shared": shared,
            "weights": {"layers": layers, "output": [[rng.randint(-5, 5) for _ in range(r)]]}}
    if window != 2:
        spec["window"] = window
    return {"spec": spec, "output": 0}


def _uni(arch, act, pl, N, M, shared, stack, **extra) -> dict:
    st = {"type": "universality", "architecture": arch, "N": N, "M": M, "activation": act, "pooling": pl,
          "shared": shared, **extra}
    return {"statement": st, "status": "proved", "certificate": {"kind": "arb_independence",
                                                                   "source": {"stack": stack}}}


@functools.cache
def _arb_json(act, pl, arch, N) -> str:
    from theorems.universality.decide import decide_universality, universality_json

    v = decide_universality(activation=act, pooling=pl, architecture=arch, N=N, M=2)
    assert v.certificate["kind"] == "arb_independence", v.detail
    return json.dumps(universality_json(v, question="")["results"][0])


def _arb(act="tanh", pl="product", arch="shallow", N=2) -> dict:
    return json.loads(_arb_json(act, pl, arch, N))


@pytest.mark.parametrize("arch,act,pl", [("shallow", "tanh", "product"), ("shallow", "sigmoid", "max"),
                                         ("deep", "tanh", "product"), ("deep", "sigmoid", "max"),
                                         ("deep", "sigmoid", "average")])
def test_arb_shared_families_are_not_universal(arch, act, pl):
    """FALSE: shared nets realize only tensors invariant under swapping siblings (shallow: any two modes).
    A stack of M^N genuine shared networks of the family: the determinant is 0, its ball contains 0."""
    rng = random.Random(1)
    N = 2 if arch == "shallow" else 4
    make = _shallow if arch == "shallow" else _deep
    res = _uni(arch, act, pl, N, 2, True, [make(rng, act, pl, N, 2, True) for _ in range(2 ** N)])
    assert "contains 0" in assert_rejected(envelope("check universality", res), why="shared family")


@pytest.mark.parametrize("arch", ["shallow", "deep"])
def test_arb_additive_sum_pooled_families_are_not_universal(arch):
    """FALSE: tanh with sum pooling at the top is additively separable over the top blocks."""
    rng = random.Random(2)
    N = 2 if arch == "shallow" else 4
    make = _shallow if arch == "shallow" else _deep
    res = _uni(arch, "tanh", "sum", N, 2, False, [make(rng, "tanh", "sum", N, 2, False) for _ in range(2 ** N)])
    assert_rejected(envelope("check universality", res), why="additive family")


@pytest.mark.parametrize("case", ["statement F, nets identity", "nets F, statement none", "singular F both",
                                  "invertible F both", "F as equal fractions"])
def test_arb_representation_matrix(case):
    """F fixed by the statement must be the networks' F (and absent means the identity).  With an invertible F on
    both sides the stack is re-evaluated with F: a true statement, accepted; a singular F (all templates mapped to
    one line) makes the family non-universal: rejected."""
    res = _arb()
    stack = res["certificate"]["source"]["stack"]
    Fi, Fs = [[2, 1], [1, 1]], [[1, 1], [1, 1]]
    if case == "statement F, nets identity":
        res["statement"]["F"] = Fi
    elif case == "nets F, statement none":
        for s in stack:
            s["spec"]["F"] = Fi
    elif case == "singular F both":
        res["statement"]["F"] = Fs
        for s in stack:
            s["spec"]["F"] = Fs
    else:
        res["statement"]["F"] = Fi if case == "invertible F both" else [["4/2", "1"], ["3/3", 1]]
        for s in stack:
            s["spec"]["F"] = Fi
        assert_accepted(envelope("check universality", res))
        return
    assert_rejected(envelope("check universality", res), why=case)


@pytest.mark.parametrize("change", ["nets window 4", "nets patch order", "nets shared", "duplicated network",
                                    "nets N=2 of 2 modes", "output index out of range"])
def test_arb_stacks_of_other_networks(change):
    res = _arb("sigmoid", "max", "deep", 4)
    stack = res["certificate"]["source"]["stack"]
    rng = random.Random(3)
    if change == "nets window 4":
        for n, _ in enumerate(stack):
            stack[n] = _deep(rng, "sigmoid", "max", 4, 2, False, window=4)
    elif change == "nets patch order":
        for s in stack:
            s["spec"]["patch_order"] = [0, 2, 1, 3]
    elif change == "nets shared":
        for n, _ in enumerate(stack):
            stack[n] = _deep(rng, "sigmoid", "max", 4, 2, True)
    elif change == "duplicated network":
        stack[7] = copy.deepcopy(stack[2])
    elif change == "nets N=2 of 2 modes":
        for n, _ in enumerate(stack):
            stack[n] = _deep(rng, "sigmoid", "max", 2, 2, False)
    else:
        stack[0]["output"] = 1
    assert_rejected(envelope("check universality", res), why=change)


def test_arb_networks_of_mixed_widths_and_a_second_output_are_accepted():
    """Any width and any output row of a network of the family is realizable: a genuine deep sigmoid/max stack
    with one network replaced by a wider two-output net whose output 1 is the old output (output 0 garbage)."""
    res = _arb("sigmoid", "max", "deep", 4)
    s = res["certificate"]["source"]["stack"][5]
    lay = s["spec"]["weights"]["layers"]
    r0 = len(lay[0][0])
    lay[0] = [pos + [[3, -2]] for pos in lay[0]]  # one more channel at layer 0
    lay[1] = [[row + [0] for row in pos] for pos in lay[1]]  # ignored by layer 1
    out = s["spec"]["weights"]["output"][0]
    s["spec"]["weights"]["output"] = [[7] * len(out), out]
    s["output"] = 1
    assert r0 >= 1
    assert_accepted(envelope("check universality", res))


@pytest.mark.parametrize("st", [("shallow", "relu", "max"), ("shallow", "linear", "product"),
                                ("deep", "square", "sum"), ("shallow", "leaky_relu:1/2", "max")])
def test_arb_route_refused_for_exact_activations(st):
    arch, act, pl = st
    rng = random.Random(4)
    N = 2 if arch == "shallow" else 4
    make = _shallow if arch == "shallow" else _deep
    res = _uni(arch, act, pl, N, 2, False, [make(rng, act, pl, N, 2, False) for _ in range(2 ** N)])
    assert "matricization_rank only" in assert_rejected(envelope("check universality", res), why=act)


@pytest.mark.parametrize("value", [10 ** 999, -(10 ** 999), f"1/{10 ** 999}"])
def test_arb_huge_weights_give_a_one_line_rejection(value):
    """sigmoid(-10^999) overflows exp: the ball is NaN/[+/- inf] (contains everything, so 0): rejected at the
    last rung, one line, no traceback, within the limits (tanh: saturated balls, equal rows)."""
    for act, pl in (("sigmoid", "product"), ("tanh", "product")):
        res = _arb(act, pl, "shallow", 2)
        for s in res["certificate"]["source"]["stack"]:
            s["spec"]["weights"]["hidden"][0][0] = [value, value]
        if isinstance(value, int) and value > 0 and act == "tanh":
            continue  # tanh(10^999) = 1 - tiny: a genuine, independent stack may remain (not a forgery)
        assert_refused_cheaply(envelope("check universality", res))


@pytest.mark.parametrize("where", ["certificate", "source", "stack entry", "spec"])
def test_arb_precision_and_other_extra_fields(where):
    res = _arb()
    target = {"certificate": res["certificate"], "source": res["certificate"]["source"],
              "stack entry": res["certificate"]["source"]["stack"][0],
              "spec": res["certificate"]["source"]["stack"][0]["spec"]}[where]
    target["precision"] = 4096
    assert_rejected(envelope("check universality", res), why=f"precision in {where}")


def test_arb_1024_networks_are_refused_before_reading_them():
    """M^N = 1024 (N = 10): the 1024^3 determinant over the default budget is refused before any network is read
    (the stack holds 1024 copies of one small net; nothing is evaluated)."""
    res = _arb()
    one = res["certificate"]["source"]["stack"][0]
    one["spec"].update(N=10, weights={"hidden": [[[1, 0]] * 10], "output": [[1]]})
    res["statement"]["N"] = 10
    res["certificate"]["source"]["stack"] = [one] * 1024
    r = assert_refused_cheaply(envelope("check universality", res))
    assert r["rc"] == 2


# == validation of every field, whatever the status ==============================================================
STATEMENTS = {
    "rank": lambda: copy.deepcopy(_relu_max()["statement"]),
    "universality": lambda: copy.deepcopy(_arb()["statement"]),
    "claim": lambda: copy.deepcopy(_geo()["statement"]),
    "depth": lambda: copy.deepcopy(next(r for r in genuine("depth_relu")["results"])["statement"]),
    "law": lambda: copy.deepcopy(genuine("laws")["results"][0]["statement"]),
    "rank_bound": lambda: copy.deepcopy(genuine("search")["results"][0]["statement"]),
}
COMMAND = {"rank": "rank", "universality": "check universality", "claim": "verify", "depth": "check depth",
           "law": "check laws", "rank_bound": "search"}


@pytest.mark.parametrize("typ", sorted(STATEMENTS))
@pytest.mark.parametrize("status", ["tested", "inconclusive"])
def test_unproved_results_have_every_field_validated(typ, status):
    """A tested/inconclusive result asserts nothing, but its statement is still validated: an unknown field, and
    a known field of the wrong type, are malformed (exit 2)."""
    for forge in (lambda s: s.update(unchecked=1), lambda s: s.update({k: [s[k]] for k in list(s)[1:2]})):
        st = STATEMENTS[typ]()
        forge(st)
        assert _code(envelope(COMMAND[typ], {"statement": st, "status": status, "certificate": None})) == 2, st


@pytest.mark.parametrize("spec", [
    {"architecture": "shallow", "N": 4, "M": 2, "activation": "tanh", "pooling": "product",
     "weights": {"hidden": [[[1, 2], [3, 4], [5, 6], [7, 8]]], "output": [[1]]}},
    {"architecture": "deep", "N": 2, "M": 2, "activation": "tanh", "pooling": "product", "F": [[1, 1], [0, 1]],
     "weights": {"layers": [[[[1, 2]], [[3, 4]]]], "output": [[1]]}},
])
def test_arb_minors_are_refused_where_their_forward_pass_does_not_apply(spec):
    """The red team's suspicion: generic.arb_minor_rank pooled shallow nets in windows of 2 and dropped F. No
    caller passed such a net; the kernel now refuses them before any work."""
    from symbolic.errors import CertificateError
    from symbolic.kernel.generic import arb_minor_rank

    with pytest.raises(CertificateError, match="deep nets with the identity F"):
        arb_minor_rank(read_net(spec), {}, [0], "part")

"""The claims of the catalog, as the kernel states and checks them.

Each claim id maps to (statement text, instance keys, check).  The check receives the
validated instance and the certificate, and raises CertificateError unless the certificate
proves the claim on that instance with the claim's quantifier.  Ids starting with ``false.``
are deliberately false variants: their status must be ``refuted``.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import sympy

from . import statements as S
from .intervals import resolve_on_box
from .linalg import check_lower, check_rank, iclr_upper_bound, keys, matricize
from .network import activation, kmax
from .parse import parse_expr, parse_rational
from .symmetry import invariant, invariant_under
from .sources import (decomposition, default_widths, fail, family_is, for_all_weights, identity_F, literal, nat, need,
                      net_of, numeric, same, tensor_of, zero)

PAPER_OPS = (("linear", "product"), ("relu", "max"), ("relu", "sum"))


def parts(cert, what="certificate"):
    if isinstance(cert, dict) and cert.get("kind") == "all":
        keys(cert, ("kind", "parts"), (), what)
        need(isinstance(cert["parts"], list) and cert["parts"], f"{what}: no parts")
        return cert["parts"]
    return [cert]


def odd_even(N):
    return list(range(0, N, 2))


# -- laws -----------------------------------------------------------------------------------------
LAWS_FACTS = {(a, p, law, True) for a, p in PAPER_OPS for law in ("commutativity", "associativity")} | {
    ("relu", "average", "associativity", False), ("tanh", "max", "associativity", False)}


LAWS_INSTANCE = ({}, {"operators": ["product/linear", "max/relu", "sum/relu", "average/relu", "max/tanh"]})


def laws(inst, cert):
    need(inst in LAWS_INSTANCE, "instance: the laws claim has one instance")
    got = set()
    for n, part in enumerate(parts(cert)):
        keys(part, ("kind", "activation", "pooling", "law", "holds", "certificate"), (), f"part {n}")
        fact = (part["activation"], part["pooling"], part["law"], part["holds"])
        need(part["kind"] == "law", f"part {n}: kind={part['kind']!r}, expected law")
        need(fact in LAWS_FACTS and fact not in got, f"part {n}: {fact} is not one of the claim's facts (or repeated)")
        S.check_law(*fact, part["certificate"])
        got.add(fact)
    need(got == LAWS_FACTS, f"missing facts: {sorted(LAWS_FACTS - got)}")


# -- equivalence ----------------------------------------------------------------------------------
def _equal_routes(cert, fam, what="certificate"):
    """The forward pass of a network for all weights (and F) equals its generalized decomposition."""
    keys(cert, ("kind", "source"), (), what)
    need(cert["kind"] == "decomposition", f"{what}: expected the decomposition certificate of a symbolic network")
    net = net_of(cert["source"], f"{what}.source")
    for_all_weights(net, what)
    family_is(net, fam, what)
    need(net.F is not None, f"{what}: the statement is for all F: F must be symbolic")
    need(same(tensor_of(cert["source"]), decomposition(net, cert["source"]["output"])),
         f"{what}: the forward pass differs from the generalized decomposition")


def eq_shallow(inst, cert):
    _equal_routes(cert, dict(architecture="shallow", shared=False, **inst))


def eq_deep(inst, cert):
    fam = dict(architecture="deep", **{k: v for k, v in inst.items() if k != "widths"})
    fam["patch_order"] = inst.get("patch_order") or list(range(inst["N"]))
    if inst.get("widths") is not None:
        fam["widths"] = inst["widths"]
    _equal_routes(cert, fam)


def eq_average(inst, cert):
    keys(cert, ("kind", "items"), (), "certificate")
    need(cert["kind"] == "tensor_equality" and len(cert["items"]) == 2, "certificate: two networks")
    avg, sm = (net_of(s, f"items[{i}]") for i, s in enumerate(cert["items"]))
    fam = dict(inst, shared=False)
    for_all_weights(avg, "items[0]")
    family_is(avg, dict(fam, pooling="average"), "items[0]")
    family_is(sm, dict(avg.family(), pooling="sum"), "items[1]")
    need((avg.F is None) == (sm.F is None) and (avg.F is None or avg.F == sm.F), "items[1]: F differs")
    for x, y in zip(avg.weights(), sm.weights()):  # sum weights = nonzero rational multiples: a bijection
        r = sympy.simplify(y / x)
        need(r.is_Rational and r != 0, f"items[1]: the weight {y} is not a rescaling of {x}")
    need(same(tensor_of(cert["items"][0]), tensor_of(cert["items"][1])), "the two networks' tensors differ")


# -- universality ---------------------------------------------------------------------------------
def _universal(act, pl):
    def check(inst, cert):
        fam = dict(architecture=inst["architecture"], N=inst["N"], M=inst["M"], activation=act, pooling=pl,
                   shared=False)
        if inst["architecture"] == "deep":
            fam.update(window=inst.get("window", 2), patch_order=list(range(inst["N"])))
        F = inst["F"]
        need(isinstance(F, list) and len(F) == inst["M"], "instance.F: an M x M matrix")
        Fq = [[parse_rational(x, field="F") for x in row] for row in F]
        need(sympy.Matrix(Fq).det() != 0, "instance.F is not invertible")
        ps = parts(cert)
        need(len(ps) == 2, "certificate: the realizations and a realized target")
        S.realizations(ps[0], fam, F, inst["M"] ** inst["N"], "part 0")
        keys(ps[1], ("kind", "items"), (), "part 1")
        need(ps[1]["kind"] == "tensor_equality" and len(ps[1]["items"]) == 2, "part 1: a target and its realization")
        net = net_of(ps[1]["items"][0], "part 1")
        numeric(net, "part 1")
        family_is(net, fam, "part 1")
        keys(ps[1]["items"][1], ("tensor",), (), "part 1.items[1]")
        need(same(tensor_of(ps[1]["items"][0]), literal(ps[1]["items"][1]["tensor"], (inst["M"],) * inst["N"])),
             "part 1: the network does not realize the target")
    return check


def relu_avg(inst, cert):
    fam = dict(architecture=inst["architecture"], N=inst["N"], M=inst["M"], activation="relu", pooling="average",
               shared=False)
    if inst["architecture"] == "deep":
        fam.update(window=2, patch_order=list(range(inst["N"])))
    S.not_universal(cert, fam, "certificate")


# -- sharing --------------------------------------------------------------------------------------
def sharing(inst, cert):
    fam = dict(inst, shared=True)
    if inst["architecture"] == "deep":
        fam.update(window=inst.get("window", 2), patch_order=list(range(inst["N"])))
    _, perms = invariant(cert, fam, "certificate")
    W = literal(cert["witness"], (inst["M"],) * inst["N"], "witness", numbers_only=True)
    need(any(not invariant_under(W, p, inst["N"], inst["M"]) for p in perms), "the witness is invariant too")


# -- depth efficiency -----------------------------------------------------------------------------
def factorized(A, U, V, syms, what) -> int:
    """[A] = U V exactly (entries expand to 0), with U, V read by the whitelist parser; the inner size."""
    U = [[parse_expr(x, field="U", symbols=syms) for x in r] for r in U]
    V = [[parse_expr(x, field="V", symbols=syms) for x in r] for r in V]
    n = len(V)
    need(len(U) == A.shape[0] and all(len(r) == n for r in U) and n >= 1 and all(len(r) == A.shape[1] for r in V),
         f"{what}: U, V must be {A.shape[0]} x n and n x {A.shape[1]}")
    P = sympy.Matrix(U) * sympy.Matrix(V)
    need(all(zero(sympy.sympify(A[i, j], strict=True) - P[i, j]) for i in range(A.shape[0]) for j in range(A.shape[1])),
         f"{what}: [A]_rows != U V")
    return n


def factorization(part, fam, what):
    """A factorization [A]_rows = U V over a symbolic network of the family, for all weights: (rows, inner size)."""
    keys(part, ("kind", "source", "rows", "U", "V"), (), what)
    need(part["kind"] == "factorization", f"{what}: expected a factorization")
    net = net_of(part["source"], what)
    for_all_weights(net, what)
    family_is(net, fam, what)
    rows = S.rows_of(part["rows"], net.N, f"{what}.rows")
    syms = {str(s): s for x in net.weights() for s in sympy.sympify(x, strict=True).free_symbols}
    A = matricize(tensor_of(part["source"]), net.N, net.M, rows)
    return rows, factorized(A, part["U"], part["V"], syms, what)


def shallow_bound(inst, cert):
    N, M, Z = inst["N"], inst["M"], inst["Z"]
    fam = dict(architecture="shallow", N=N, M=M, Z=Z, activation="linear", pooling="product", shared=False)
    done = set()
    for n, part in enumerate(parts(cert)):
        rows, inner = factorization(part, fam, f"part {n}")
        need(inner == Z, f"part {n}: inner size {inner}, expected Z = {Z}")
        done.add(frozenset(rows) if 0 in rows else frozenset(range(N)) - frozenset(rows))
    every = {frozenset(c) | {0} for k in range(N - 1) for c in itertools.combinations(range(1, N), k)}
    need(done == every, f"{len(every - done)} partitions I are not covered")


def _witness_rank(part, fam, rows, what):
    keys(part, ("kind", "source", "rows", "certificate"), (), what)
    need(part["kind"] == "matricization_rank" and part["rows"] == rows, f"{what}: matricization_rank of rows {rows}")
    net = net_of(part["source"], what)
    numeric(net, what)
    family_is(net, fam, what)
    A = matricize(np.asarray(tensor_of(part["source"])), net.N, net.M, rows)
    c = part["certificate"]
    return check_rank(A, c) if isinstance(c, dict) and c.get("certificate") == "rank" else (check_lower(A, c), None)


def convac_generic(inst, cert):
    N, M = inst["N"], inst["M"]
    widths = inst.get("widths") or default_widths(N, M)
    fam = dict(architecture="deep", N=N, M=M, widths=widths, activation="linear", pooling="product", shared=False,
               window=2, patch_order=list(range(N)))
    k, _ = _witness_rank(cert, fam, odd_even(N), "certificate")
    need(k >= min(widths[0], M) ** (N // 2), f"certified rank {k} < min(r_0, M)^(N/2)")


def max_rows(cert, fam, what="certificate"):
    """One max-pooling channel o max_i sigma(a_{i, d_i}) of a symbolic shallow net (Z = 1, F = identity) is
    o max(R(rows), C(cols)) with R a max of the values sigma(a_{i, j}), i in rows: a row depends only on R,
    which takes at most M |rows| values, so rank [.]_rows <= M |rows| for all weights."""
    keys(cert, ("kind", "source", "rows", "bound"), (), what)
    net = net_of(cert["source"], f"{what}.source")
    N, M, rows = net.N, net.M, odd_even(net.N)
    need(cert["kind"] == "max_term_rows" and cert["rows"] == rows and cert["bound"] == M * len(rows),
         f"{what}: max_term_rows for the odd modes and bound M |rows|")
    for_all_weights(net, what)
    identity_F(net, what)
    family_is(net, dict(fam, Z=1), what)
    sig = activation(net.activation)[1]
    v = [[sig(net.layers[0][i][0][j]) for j in range(M)] for i in range(N)]
    for d, t in zip(itertools.product(range(M), repeat=N), tensor_of(cert["source"])):
        R, C = kmax(*(v[i][d[i]] for i in rows)), kmax(*(v[i][d[i]] for i in range(N) if i not in rows))
        need(zero(sympy.sympify(t, strict=True) - net.output[0][0] * kmax(R, C)), f"{what}: entry {d} != o max(R, C)")
    return cert["bound"]


def term_bound(inst, cert):
    fam = dict(architecture="shallow", N=inst["N"], M=inst["M"], activation="relu", pooling="max", shared=False)
    max_rows(cert, fam)


def relu_max_exists(inst, cert):
    N, M = inst["N"], inst["M"]
    r0 = inst.get("r0", M)
    L = round(math.log2(N))
    fam = dict(architecture="deep", N=N, M=M, widths=[r0] + [1] * (L - 1), activation="relu", pooling="max",
               shared=False, window=2, patch_order=list(range(N)))
    k, _ = _witness_rank(cert, fam, odd_even(N), "certificate")
    need(k >= min(r0, M) ** (N // 2), f"certified rank {k} < min(r_0, M)^(N/2)")


def box(cert, fam, what="certificate"):
    """An open box of deep weights of the family on which the deep grid tensor equals a shallow net's of the
    same operator and F (weights: expressions in the deep ones), by exact interval arithmetic on the whole box.
    Returns the deep tensor resolved on the box, the symbols, and the shallow width Z."""
    keys(cert, ("kind", "left", "right", "box"), ("U", "V"), what)
    need(cert["kind"] == "box_identity", f"{what}: box_identity")
    deep = net_of(cert["left"], f"{what}.left")
    for_all_weights(deep, f"{what}.left")
    family_is(deep, fam, f"{what}.left")
    sh = net_of(cert["right"], f"{what}.right")
    family_is(sh, {k: fam[k] for k in ("N", "M", "activation", "pooling", "shared")} | {"architecture": "shallow"},
              f"{what}.right")
    need(sh.F == deep.F, f"{what}.right: the same representation F as the deep net")
    syms = {str(s): s for x in deep.weights() for s in sympy.sympify(x, strict=True).free_symbols}
    need(isinstance(cert["box"], dict) and set(cert["box"]) == set(syms), f"{what}.box: an interval for every deep weight")
    need(all(set(map(str, sympy.sympify(x, strict=True).free_symbols)) <= set(syms) for x in sh.weights()),
         f"{what}.right: weights of the deep symbols")
    B = {}
    for name, iv in cert["box"].items():
        need(isinstance(iv, list) and len(iv) == 2, f"{what}.box.{name}: [lo, hi]")
        lo, hi = (sympy.Rational(str(parse_rational(x, field=f"box.{name}"))) for x in iv)
        need(lo < hi, f"{what}.box.{name}: the interval is empty or a point")
        B[name] = (lo, hi)
    memo = {}
    left = [resolve_on_box(sympy.sympify(a, strict=True), B, memo) for a in tensor_of(cert["left"])]
    for a, b in zip(left, tensor_of(cert["right"])):
        need(zero(a - resolve_on_box(sympy.sympify(b, strict=True), B, memo)), f"{what}: the two tensors differ on the box")
    return np.array(left, dtype=object), syms, sh.widths[0]


def incomplete(inst, cert):
    N, M = inst["N"], inst["M"]
    _, _, Z = box(cert, dict(architecture="deep", N=N, M=M, activation="relu", pooling="max", shared=False, window=2,
                             patch_order=list(range(N)), widths=inst.get("widths") or default_widths(N, M)))
    need(Z <= 2, "right: a shallow net with Z <= 2")


def geometry(inst, cert):
    N, M, w = inst["N"], inst["M"], inst["window"]
    widths = inst.get("widths") or default_widths(N, M, w)
    order = inst["patch_order"]
    fam = dict(architecture="deep", N=N, M=M, widths=widths, activation="linear", pooling="product", shared=False,
               window=w, patch_order=order)
    ps = parts(cert)
    need(len(ps) == 2 * len(inst["partitions"]), "certificate: a witness rank and a bound per partition")
    for n, label in enumerate(inst["partitions"]):
        rows = S.partition_rows(label, N)
        lo, up = _witness_rank(ps[2 * n], fam, rows, f"part {2 * n}")
        b = ps[2 * n + 1]
        keys(b, ("kind", "formula", "N", "M", "window", "widths", "patch_order", "rows", "bound"), (), f"part {2 * n + 1}")
        want = iclr_upper_bound(N, M, w, widths, order, rows)
        need(b["kind"] == "structural_bound" and b["formula"] == "iclr2017_upper" and b["rows"] == rows and
             (b["N"], b["M"], b["window"], b["widths"], b["patch_order"], b["bound"]) == (N, M, w, widths, order, want),
             f"part {2 * n + 1}: the ICLR 2017 bound for {label} is {want}")
        inI = [order[k] in set(rows) for k in range(N)]
        S_ = sum(1 for k in range(N // w) if 0 < sum(inI[k * w:(k + 1) * w]) < w)
        need(lo >= min(widths[0], M) ** S_ and (up is None or up <= want), f"{label}: rank outside the claimed range")


CLAIMS = {
    "laws": ("the paper's operators' laws (commutativity, associativity)", {"operators"}, laws),
    "equivalence.shallow": ("shallow net = generalized CP, for all weights and F",
                            {"N", "M", "Z", "activation", "pooling"}, eq_shallow),
    "equivalence.deep": ("deep net = generalized HT, for all weights and F",
                         {"N", "M", "widths", "window", "patch_order", "activation", "pooling", "shared"}, eq_deep),
    "equivalence.average": ("average and sum pooling realize the same tensors", {"N", "M", "architecture", "activation"},
                            eq_average),
    "universality.convac": ("ConvACs with this F are universal", {"N", "M", "architecture", "F", "window"},
                            _universal("linear", "product")),
    "universality.relu_max": ("ReLU/max nets with this F are universal", {"N", "M", "architecture", "F", "window"},
                              _universal("relu", "max")),
    "universality.relu_avg": ("ReLU/average nets are not universal", {"N", "M", "architecture"}, relu_avg),
    "sharing": ("shared nets realize only invariant tensors; not universal",
                {"N", "M", "architecture", "activation", "pooling", "window"}, sharing),
    "depth.convac.shallow_bound": ("shallow ConvAC: rank [A]_I <= Z for every I", {"N", "M", "Z"}, shallow_bound),
    "depth.convac.generic": ("deep ConvAC: rank [A]_odd-even >= min(r_0, M)^(N/2) a.e.", {"N", "M", "widths"},
                             convac_generic),
    "depth.relu_max.term_bound": ("one max term has rank [.]_odd-even <= MN/2 for all v", {"N", "M"}, term_bound),
    "depth.relu_max.exists": ("some deep ReLU/max weights reach rank min(r_0, M)^(N/2)", {"N", "M", "r0"},
                              relu_max_exists),
    "depth.relu_max.incomplete": ("an open box of deep ReLU/max weights is realized by shallow nets with Z = 2",
                                  {"N", "M", "widths"}, incomplete),
    "geometry": ("ICLR 2017 Thm 1 bounds hold for these pooling geometries",
                 {"N", "M", "window", "widths", "patch_order", "partitions"}, geometry),
}


def check_claim_result(st, res):
    keys(st, ("type", "claim", "instance"), (), "statement")
    cid = st["claim"]
    need(cid in CLAIMS, f"claim={cid!r} is not a claim of the catalog")
    text, allowed, check = CLAIMS[cid]
    inst = st["instance"]
    need(isinstance(inst, dict) and set(inst) <= allowed, f"instance: fields must be among {sorted(allowed)}")
    for k in ("N", "M", "Z", "r0", "window"):
        if k in inst:
            nat(inst[k], f"instance.{k}", 1, 64)
    need(res["status"] == ("refuted" if cid.startswith("false.") else "proved"),
         f"claim {cid}: status must be {'refuted' if cid.startswith('false.') else 'proved'}")
    try:
        check(inst, res["certificate"])
    except (KeyError, TypeError, IndexError, ValueError) as e:
        if isinstance(e, ValueError) and e.__class__.__name__ != "ValueError":
            raise
        fail(f"malformed certificate or instance ({type(e).__name__}: {str(e)[:60]})")
    return f"{cid} {text} {inst}"

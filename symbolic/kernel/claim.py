"""Statements of type ``claim``: one claim of the catalog (``convac verify``) on one instance.

``{"type": "claim", "claim": id, "instance": {...}}`` asserts the claim's proposition for the instance's
parameters, with the claim's own quantifier (the table :data:`CLAIMS` gives each claim's statement; the
catalog, ``convac show ID``, gives the source in the papers):

- *for all weights* (equivalence.*, depth.convac.shallow_bound, depth.relu_max.term_bound, the not-universal
  parts): a symbolic network of exactly the instance's family, whose certificate is an identity that the
  kernel expands (or checks region by region, :mod:`symbolic.kernel.regions`), so it holds at every point;
- *exists* (universality.* realizations, depth.relu_max.exists, the incomplete box): explicit numeric
  networks of the family, re-evaluated by the kernel's forward pass, with certified ranks or equalities;
- *almost all weights* (depth.convac.generic, geometry's lower bounds): a witness with a certified nonzero
  minor, accepted only under :func:`symbolic.kernel.generic.require_schwartz_zippel` (ConvACs: polynomial).

Status: ``proved`` only (every entry of the catalog is a true statement).  The instance is validated
field by field (:data:`INSTANCE`), whatever the status, before any certificate is read.

Why acceptance implies truth: each check below re-derives the instance's family, re-evaluates every network
named by the certificate with the kernel's own forward pass, and accepts only the certificate kinds that
prove the claim's quantifier on that family (the docstring of each check says which).
"""

from __future__ import annotations

import itertools
import math

from .lazy import sympy

from . import law, schema, universality as U
from .factorization import bounds as factorization_bounds
from .failure import fail, need
from .generic import require_schwartz_zippel
from .linalg import iclr_upper_bound
from .parse import parse_rational
from .schema import keys, nat
from .symmetry import invariant, invariant_under
from .sources import (decomposition, default_widths, family_is, for_all_weights, literal, net_of, numeric, same,
                      tensor_of)
from .witnesses import box, factorization, max_rows, max_term_bound, odd_even, parts, witness_rank

PAPER_OPS = (("linear", "product"), ("relu", "max"), ("relu", "sum"))


LAWS_FACTS = {(a, p, law, True) for a, p in PAPER_OPS for law in ("commutativity", "associativity")} | {
    ("relu", "average", "associativity", False), ("tanh", "max", "associativity", False)}


LAWS_INSTANCE: tuple = ({}, {"operators": ["product/linear", "max/relu", "sum/relu", "average/relu", "max/tanh"]})


def laws(inst, cert):
    need(inst in LAWS_INSTANCE, "instance: the laws claim has one instance")
    got = set()
    for n, part in enumerate(parts(cert)):
        keys(part, ("kind", "activation", "pooling", "law", "holds", "certificate"), (), f"part {n}")
        need(isinstance(part["holds"], bool), f"part {n}: holds={str(part['holds'])[:20]}: expected true or false")
        fact = (part["activation"], part["pooling"], part["law"], part["holds"])
        need(part["kind"] == "law", f"part {n}: kind={part['kind']!r}, expected law")
        need(fact in LAWS_FACTS and fact not in got, f"part {n}: {fact} is not one of the claim's facts (or repeated)")
        law.check_law(*fact, part["certificate"])
        got.add(fact)
    need(got == LAWS_FACTS, f"missing facts: {sorted(LAWS_FACTS - got)}")


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
    fam["window"] = inst.get("window", 2)
    fam["shared"] = inst.get("shared", False)  # absent: the unshared family (a shared net proves less)
    fam["patch_order"] = inst.get("patch_order") or list(range(inst["N"]))
    fam["widths"] = inst.get("widths") or default_widths(inst["N"], inst["M"], fam["window"])  # absent: M per layer
    _equal_routes(cert, fam)


def eq_average(inst, cert):
    keys(cert, ("kind", "items"), (), "certificate")
    need(cert["kind"] == "tensor_equality" and len(cert["items"]) == 2, "certificate: two networks")
    avg, sm = (net_of(s, f"items[{i}]") for i, s in enumerate(cert["items"]))
    fam = dict(inst, shared=False)  # the widths too: the identity is checked for the stated widths only
    if inst["architecture"] == "deep":
        fam["window"] = inst.get("window", 2)
        fam["patch_order"] = inst.get("patch_order") or list(range(inst["N"]))
        fam["widths"] = inst.get("widths") or default_widths(inst["N"], inst["M"], fam["window"])
    for_all_weights(avg, "items[0]")
    family_is(avg, dict(fam, pooling="average"), "items[0]")
    family_is(sm, dict(avg.family(), pooling="sum"), "items[1]")
    need((avg.F is None) == (sm.F is None) and (avg.F is None or avg.F == sm.F), "items[1]: F differs")
    for x, y in zip(avg.weights(), sm.weights()):  # sum weights = nonzero rational multiples: a bijection
        r = sympy.simplify(y / x)
        need(r.is_Rational and r != 0, f"items[1]: the weight {y} is not a rescaling of {x}")
    need(same(tensor_of(cert["items"][0]), tensor_of(cert["items"][1])), "the two networks' tensors differ")


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
        U.realizations(ps[0], fam, F, inst["M"] ** inst["N"], "part 0")
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
    U.not_universal(cert, fam, "certificate")


def sharing(inst, cert):
    """Shared nets realize only invariant tensors, for all weights, at the widths the printed statement names
    (:func:`effective`): deep nets at M per layer (:func:`symmetry.invariant` refuses other widths, the instance
    has no widths field); shallow nets at the certificate's Z, which covers every Z: the output layer is linear,
    so a Z-channel net is a sum of one-channel nets and a one-channel net is any Z-channel net with the other
    output weights 0; invariance for all weights at one Z >= 1 is invariance at every Z."""
    fam = dict(inst, shared=True)
    if inst["architecture"] == "deep":
        fam.update(window=inst.get("window", 2), patch_order=list(range(inst["N"])))
    _, perms = invariant(cert, fam, "certificate")
    W = literal(cert["witness"], (inst["M"],) * inst["N"], "witness", numbers_only=True)
    need(any(not invariant_under(W, p, inst["N"], inst["M"]) for p in perms), "the witness is invariant too")


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


def convac_generic(inst, cert):
    N, M = inst["N"], inst["M"]
    widths = inst.get("widths") or default_widths(N, M)
    fam = dict(architecture="deep", N=N, M=M, widths=widths, activation="linear", pooling="product", shared=False,
               window=2, patch_order=list(range(N)))
    k, _ = witness_rank(cert, fam, odd_even(N), "certificate")
    require_schwartz_zippel(net_of(cert["source"]), "certificate")
    need(k >= min(widths[0], M) ** (N // 2), f"certified rank {k} < min(r_0, M)^(N/2)")


def term_bound(inst, cert):
    fam = dict(architecture="shallow", N=inst["N"], M=inst["M"], activation="relu", pooling="max", shared=False)
    max_rows(cert, fam)


def relu_max_exists(inst, cert):
    N, M = inst["N"], inst["M"]
    r0 = inst.get("r0", M)
    L = round(math.log2(N))
    fam = dict(architecture="deep", N=N, M=M, widths=[r0] + [1] * (L - 1), activation="relu", pooling="max",
               shared=False, window=2, patch_order=list(range(N)))
    k, _ = witness_rank(cert, fam, odd_even(N), "certificate")
    need(k >= min(r0, M) ** (N // 2), f"certified rank {k} < min(r_0, M)^(N/2)")


def incomplete(inst, cert):
    """Not complete, with content: a certified witness of rank k forces Z_w = ceil(k / T) shallow channels
    (T = N(M - 1)/2 + 1, :func:`~symbolic.kernel.witnesses.max_rows`), and on an open box of deep weights a
    shallow net with Z_box = 1 < Z_w channels realizes the deep net (exists: both explicit)."""
    N, M = inst["N"], inst["M"]
    fam = dict(architecture="deep", N=N, M=M, activation="relu", pooling="max", shared=False, window=2,
               patch_order=list(range(N)), widths=inst.get("widths") or default_widths(N, M))
    ps = parts(cert)
    need(len(ps) == 2, "certificate: a witness and a box")
    k, _ = witness_rank(ps[0], fam, odd_even(N), "part 0")
    _, _, Z = box(ps[1], fam, "part 1")
    Zw = -(-k // max_term_bound(N, M))
    need(Z == 1 < Zw, f"part 1: the box's shallow net has Z_box = {Z}; the claim needs Z_box = 1 < Z_w = {Zw}")


def geometry(inst, cert):
    """ICLR 2017 Theorem 1 on every listed partition (every partition up to complement when N <= 8): the
    generic rank of [A]_I is >= min(r_0, M)^S almost everywhere (a witness of certified rank, Schwartz-Zippel)
    and <= the recursive bound B(I) for ALL weights: the kernel builds the symbolic grid tensor and a
    factorization [A]_I = U V itself and checks it as an identity of polynomials
    (:mod:`symbolic.kernel.factorization`); its inner size must be <= B(I) and is the part's bound."""
    N, M, w = inst["N"], inst["M"], inst["window"]
    widths = inst.get("widths") or default_widths(N, M, w)
    order = inst["patch_order"]
    fam = dict(architecture="deep", N=N, M=M, widths=widths, activation="linear", pooling="product", shared=False,
               window=w, patch_order=order)
    ps = parts(cert)
    need(len(ps) == 2 * len(inst["partitions"]), "certificate: a witness rank and a bound per partition")
    seen, rows_of = set(), [schema.partition_rows(label, N) for label in inst["partitions"]]
    for n, rows in enumerate(rows_of):
        b = keys(ps[2 * n + 1], ("kind", "rows", "bound"), (), f"part {2 * n + 1}")
        need(b["kind"] == "symbolic_factorization" and type(b["bound"]) is int and b["rows"] == rows
             and all(type(x) is int for x in b["rows"]),
             f"part {2 * n + 1}: expected a symbolic_factorization of rows {rows} with an int bound")
        seen.add(frozenset(rows) if 0 in rows else frozenset(range(N)) - frozenset(rows))
    every = {frozenset(c) | {0} for k in range(N - 1) for c in itertools.combinations(range(1, N), k)}
    need(N > 8 or seen == every,
         f"N={N} <= 8: every partition up to complement ({len(every)}); {len(every - seen)} missing")
    inner = factorization_bounds(N, M, w, widths, order, rows_of, "geometry")  # the identities, checked
    for n, (label, rows) in enumerate(zip(inst["partitions"], rows_of)):
        lo, _ = witness_rank(ps[2 * n], fam, rows, f"part {2 * n}")
        require_schwartz_zippel(net_of(ps[2 * n]["source"]), f"part {2 * n}")
        want = iclr_upper_bound(N, M, w, widths, order, rows)
        need(ps[2 * n + 1]["bound"] == inner[n] <= want,
             f"part {2 * n + 1}: {label}: the checked factorization has inner size {inner[n]} (B = {want}), "
             f"the part says {ps[2 * n + 1]['bound']}")
        inI = [order[k] in set(rows) for k in range(N)]
        S_ = sum(1 for k in range(N // w) if 0 < sum(inI[k * w:(k + 1) * w]) < w)
        need(lo >= min(widths[0], M) ** S_ and lo <= inner[n],
             f"{label}: certified rank {lo} outside [min(r_0, M)^S, B]")


CLAIMS = {
    "laws": ("the paper's operators' laws (commutativity, associativity)", {"operators"}, laws),
    "equivalence.shallow": ("shallow net = generalized CP, for all weights and F",
                            {"N", "M", "Z", "activation", "pooling"}, eq_shallow),
    "equivalence.deep": ("deep net = generalized HT, for all weights and F",
                         {"N", "M", "widths", "window", "patch_order", "activation", "pooling", "shared"}, eq_deep),
    "equivalence.average": ("average and sum pooling nets of these widths realize the same tensors, for all "
                            "weights and F",
                            {"N", "M", "architecture", "activation", "Z", "widths", "window", "patch_order"},
                            eq_average),
    "universality.convac": ("ConvACs with this F are universal", {"N", "M", "architecture", "F", "window"},
                            _universal("linear", "product")),
    "universality.relu_max": ("ReLU/max nets with this F are universal", {"N", "M", "architecture", "F", "window"},
                              _universal("relu", "max")),
    "universality.relu_avg": ("ReLU/average nets are not universal", {"N", "M", "architecture"}, relu_avg),
    "sharing": ("shared nets of these widths realize only invariant tensors, so they are not universal",
                {"N", "M", "architecture", "activation", "pooling", "window"}, sharing),
    "depth.convac.shallow_bound": ("shallow ConvAC: rank [A]_I <= Z for every I", {"N", "M", "Z"}, shallow_bound),
    "depth.convac.generic": ("deep ConvAC: rank [A]_odd-even >= min(r_0, M)^(N/2) a.e.", {"N", "M", "widths"},
                             convac_generic),
    "depth.relu_max.term_bound": ("one max term has rank [.]_odd-even <= |rows|(M-1) + 1 = ceil(N/2)(M-1) + 1 "
                                  "for all v", {"N", "M"},
                                  term_bound),
    "depth.relu_max.exists": ("some deep ReLU/max weights reach rank min(r_0, M)^(N/2)", {"N", "M", "r0"},
                              relu_max_exists),
    "depth.relu_max.incomplete": ("an open box of deep ReLU/max weights is realized by shallow nets with Z = 1, "
                                  "below the Z_w >= 2 a certified witness forces", {"N", "M", "widths"}, incomplete),
    "geometry": ("ICLR 2017 Thm 1: rank a.e. >= min(r_0, M)^S and <= B for all weights, every partition up to "
                 "complement when N <= 8",
                 {"N", "M", "window", "widths", "patch_order", "partitions"}, geometry),
}


#: Per claim: (required instance fields, optional ones).  Every field is validated by :func:`validate_instance`.
INSTANCE = {
    "laws": ((), ("operators",)),
    "equivalence.shallow": (("N", "M", "Z", "activation", "pooling"), ()),
    "equivalence.deep": (("N", "M", "activation", "pooling"), ("widths", "window", "patch_order", "shared")),
    "equivalence.average": (("N", "M", "architecture", "activation"), ("Z", "widths", "window", "patch_order")),
    "universality.convac": (("N", "M", "architecture", "F"), ("window",)),
    "universality.relu_max": (("N", "M", "architecture", "F"), ("window",)),
    "universality.relu_avg": (("N", "M", "architecture"), ()),
    "sharing": (("N", "M", "architecture", "activation", "pooling"), ("window",)),
    "depth.convac.shallow_bound": (("N", "M", "Z"), ()),
    "depth.convac.generic": (("N", "M"), ("widths",)),
    "depth.relu_max.term_bound": (("N", "M"), ()),
    "depth.relu_max.exists": (("N", "M"), ("r0",)),
    "depth.relu_max.incomplete": (("N", "M"), ("widths",)),
    "geometry": (("N", "M", "window", "patch_order", "partitions"), ("widths",)),
}
DEEP = ("equivalence.deep", "depth.convac.generic", "depth.relu_max.exists", "depth.relu_max.incomplete", "geometry")


def validate_instance(cid, inst) -> dict:
    """Every field of a claim's instance, against the claim's schema and the papers' constraints (N = w^L for
    deep nets, a permutation for the patch order, one width per layer, an M x M exact F, partitions of the
    modes); raises :class:`~symbolic.errors.StatementError` naming the field."""
    schema.need(isinstance(cid, str) and cid in CLAIMS,
                f"statement.claim={str(cid)[:40]!r}: not a claim of the catalog ({sorted(CLAIMS)})")
    required, optional = INSTANCE[cid]
    schema.fields(inst, required, optional, "statement.instance")
    w = "statement.instance"
    if cid == "laws":
        schema.need(inst in LAWS_INSTANCE, f"{w}: the laws claim has one instance, {LAWS_INSTANCE[1]}")
        return inst
    N = nat(inst["N"], f"{w}.N", 1, schema.MAX_N)
    M = nat(inst["M"], f"{w}.M", 1, schema.MAX_M)
    for k in ("Z", "r0"):
        if k in inst:
            nat(inst[k], f"{w}.{k}", 1, schema.MAX_WIDTH)
    if "architecture" in inst:
        schema.choice(inst["architecture"], schema.ARCHITECTURES, f"{w}.architecture")
    if "activation" in inst:
        schema.activation_name(inst["activation"], f"{w}.activation")
    if "pooling" in inst:
        schema.choice(inst["pooling"], schema.POOLINGS, f"{w}.pooling")
    if "shared" in inst:
        schema.boolean(inst["shared"], f"{w}.shared")
    nulls = sorted(k for k, v in inst.items() if v is None)
    schema.need(not nulls, f"{w}: {nulls} may be absent (their defaults) but not null")
    deep = cid in DEEP or inst.get("architecture") == "deep"
    if cid == "equivalence.average":  # the widths the identity is checked for: Z (shallow) or widths (deep)
        schema.need(("Z" in inst) != deep, f"{w}: a shallow instance states its width Z, a deep one its widths "
                    f"(absent: M per layer), not Z")
    schema.need(deep or not {"window", "patch_order", "widths"} & set(inst),
                f"{w}: window, patch_order and widths are fields of deep instances")
    if deep:
        schema.need(N >= 2, f"{w}.N={N}: a deep network needs N >= 2")
        window, _ = schema.geometry(N, inst.get("window", 2), inst.get("patch_order"), w)
        if cid in DEEP[1:4]:
            schema.need(window == 2, f"{w}: this claim is about deep nets of window 2 (N a power of 2)")
        if "widths" in inst:  # absent: M per layer; null is not a width list
            schema.widths(inst["widths"], schema.depth_of(N, window), f"{w}.widths")
    elif cid.startswith("depth.relu_max.term_bound"):
        schema.need(N >= 2, f"{w}.N={N}: the odd-even partition needs N >= 2")
    if "F" in inst:
        schema.rational_matrix(inst["F"], M, f"{w}.F")
    if "partitions" in inst:
        ps = inst["partitions"]
        schema.need(isinstance(ps, list) and ps and len(set(map(str, ps))) == len(ps),
                    f"{w}.partitions: expected a nonempty list of distinct partitions")
        for n, label in enumerate(ps):
            schema.rows(schema.partition_rows(label, N), N, f"{w}.partitions[{n}]")
    return inst


def validate(st) -> dict:
    """The statement ``{"type": "claim", "claim", "instance"}``, every field validated."""
    schema.fields(st, ("type", "claim", "instance"), (), "statement")
    validate_instance(st["claim"], st["instance"])
    return st


#: Claims whose deep networks are checked at widths M per layer when the instance names none (the default of
#: every deep claim; ``sharing`` has no widths field and is always checked there, :func:`symmetry.invariant`).
DEFAULT_WIDTHS = ("equivalence.deep", "equivalence.average", "sharing", "depth.convac.generic",
                  "depth.relu_max.incomplete", "geometry")


def effective(cid, inst) -> dict:
    """The instance with every default the check applies written out, so the printed statement names each
    parameter the certificate was checked at: a deep net's window (2) and, where the claim fixes them, its
    patch order (the identity), widths (M per layer), ``shared`` (false); ``depth.relu_max.exists``: r0 (M)
    and the widths [r0, 1, ..., 1] of its construction; a shallow ``sharing`` net: any Z (a shallow net is a
    sum of one-channel nets, so invariance for all weights at one Z is invariance at every Z); ``laws``: the
    operators' list (the instance {} means the same facts).

    >>> effective("depth.convac.generic", {"N": 4, "M": 3})
    {'N': 4, 'M': 3, 'window': 2, 'widths': [3, 3]}
    >>> effective("depth.relu_max.exists", {"N": 4, "M": 3, "r0": 2})["widths"]
    [2, 1]
    """
    out = dict(inst)
    if cid == "laws":  # {} and the operators' list are the same eight facts
        return dict(LAWS_INSTANCE[1])
    if not (cid in DEEP or inst.get("architecture") == "deep"):
        if cid == "sharing":
            out["Z"] = "any"
        return out
    N, M = inst["N"], inst["M"]
    out.setdefault("window", 2)
    L = schema.depth_of(N, out["window"])
    if cid in ("equivalence.deep", "equivalence.average"):
        out.setdefault("patch_order", list(range(N)))
    if cid == "equivalence.deep":
        out.setdefault("shared", False)
    if cid in DEFAULT_WIDTHS:
        out.setdefault("widths", [M] * L)
    if cid == "depth.relu_max.exists":
        out.setdefault("r0", M)
        out["widths"] = [out["r0"]] + [1] * (L - 1)
    return out


def describe(st) -> str:
    """The claim's text and its instance with the defaults the check applied (:func:`effective`)."""
    text = CLAIMS[st["claim"]][0]
    if st["claim"] == "geometry" and st["instance"]["N"] > 8:
        text = text.replace("every partition up to complement when N <= 8", "on the listed partitions")
    inst = ", ".join(f"{k}={v}" for k, v in sorted(effective(st["claim"], st["instance"]).items()))
    return f"{st['claim']} {text} ({inst})"


def check(st, res) -> str:
    """Validate the statement, then check that the certificate proves the claim on the instance."""
    validate(st)
    cid, inst = st["claim"], st["instance"]
    need(res["status"] == "proved", f"claim {cid}: status must be proved (every catalog claim is true)")
    try:
        CLAIMS[cid][2](inst, res["certificate"])
    except (KeyError, TypeError, IndexError, ValueError) as e:
        if isinstance(e, ValueError) and e.__class__.__name__ != "ValueError":
            raise
        fail(f"malformed certificate ({type(e).__name__}: {str(e)[:60]})")
    return describe(st)


__all__ = ["CLAIMS", "INSTANCE", "validate", "validate_instance", "describe", "effective", "check"]

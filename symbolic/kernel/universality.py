"""Statements of type ``universality``: a family of networks realizes every grid tensor (or does not).

Proposition: ``{"type": "universality", "architecture", "N", "M", "activation", "pooling", "shared"
[, "window", "patch_order"] [, "F"]}`` says that the networks of that family, of ANY width, realize every
grid tensor in R^(M x ... x M) (N modes): for every tensor B there are weights with A = B.  ``F`` fixes the
representation matrix (absent: F is a weight like the others).  Deep families have a window w with
N = w^L and a patch order (a permutation of the modes; default the identity).

Quantifier: for all tensors B, there exist weights (universal); refuted: there is a tensor no network of
the family, of any width, realizes.

Certificates:

- proved, ``matricization_rank``: M^N numeric networks of the family (F as stated) whose stacked grid tensors have
  a certified rank M^N. The ``source`` lists them, ``{"stack": [{"spec", "output"}, ...]}``, or gives the
  outputs of one network, ``{"spec": S, "outputs": [y, ...]}``: the stack of (S, y), each output y of S a
  network of the family (its layers, with output weights row y), written once. The realizable set contains them;
  it is closed under sums of networks (width adds: Z_1 + Z_2 channels realize A_1 + A_2) and scaling (the output
  weights), so it contains their span, which is everything. Exact activations only.
- proved, ``arb_independence`` (tanh and sigmoid families, and only they): M^N numeric networks of the family
  with rational weights whose grid tensors, recomputed as arb balls, have a determinant ball excluding 0
  (:mod:`symbolic.kernel.arb_tensor` gives the argument); the span argument above then applies.  The
  statement's activation picks the route: a tanh family is never read by exact rank, an exact one never
  by balls.
- refuted, ``vanishing_functional``: coefficients c with sum_d c_d A_d = 0 for ALL weights of a symbolic
  network with Z = 1 (an identity: expansion or case analysis), and a witness tensor W with
  sum_d c_d W_d != 0.  The realizable tensors of any width are sums of Z = 1 terms (a shallow net's output
  is a sum over channels), so the functional vanishes on all of them and W is not realizable.  For a deep
  family the ``super-patch`` reduction applies: a deep net of window w is a shallow net over its w
  top-level blocks (the patch order decides which modes form a block), whose templates are the M^(N/w)
  index tuples of a block; the kernel computes that reduction itself from the validated window and
  patch order, never from the certificate.
- refuted, ``invariance`` (shared shallow families): every realizable tensor is invariant under a group of
  mode permutations (symbolic weights), and the witness is not.

Why acceptance implies truth: every field of the statement is validated (:func:`validate`, whatever the
status) before the certificate is read, the family each network must belong to is derived from those
fields, and each network's tensor is recomputed by the kernel's forward pass.
"""

from __future__ import annotations

import numpy as np

from . import arb_tensor, cost, regions, schema
from .failure import need
from .linalg import check_lower
from .parse import parse_rational
from .schema import keys
from .symmetry import invariant, invariant_under
from .sources import (apply_functional, coefficients, family_is, flat_index, for_all_weights, identity_F, literal,
                      net_of, numeric, tensor_of, zero)


def validate(st) -> dict:
    """Every field of the statement; returns the family it fixes (defaults filled in: window 2, identity order)."""
    schema.fields(st, ("type", "architecture", "N", "M", "activation", "pooling", "shared"),
                  ("window", "patch_order", "F"), "statement")
    fam = schema.family({k: st[k] for k in st if k not in ("type", "F")}, "statement", required_size=False)
    if "F" in st:
        schema.rational_matrix(st["F"], st["M"], "statement.F")
    return fam


def describe(st) -> str:
    fam = validate(st)
    F = f", F={st['F']}" if "F" in st else ""
    return f"{schema.describe_family(fam)[:-1]}{F}) are universal (any width)"


def realizations(cert, fam, F, size, what):
    """A stack of numeric networks of the family whose tensors are certified independent (``size`` of them):
    by exact rank (``matricization_rank``), or by an arb determinant for tanh and sigmoid families."""
    arb = fam["activation"] in arb_tensor.ACTIVATIONS  # the statement's activation picks the route
    kind = "arb_independence" if arb else "matricization_rank"
    need(isinstance(cert, dict) and cert.get("kind") == kind,
         f"{what}: kind={str(cert.get('kind') if isinstance(cert, dict) else cert)[:40]!r}: a "
         f"{fam['activation']} family is proved by {kind} only")
    keys(cert, ("kind", "source") if arb else ("kind", "source", "certificate"), (), what)
    src = cert["source"]
    if isinstance(src, dict) and "outputs" in src:  # the outputs of one network: the stack of (spec, y)
        keys(src, ("spec", "outputs"), (), f"{what}.source")
        outs = src["outputs"]
        need(isinstance(outs, list) and all(type(y) is int for y in outs) and len(set(outs)) == len(outs),
             f"{what}.source.outputs: expected distinct output indices")
        stack = [{"spec": src["spec"], "output": y} for y in outs]
    else:
        keys(src, ("stack",), (), f"{what}.source")
        stack = src["stack"]
    need(isinstance(stack, list) and size <= len(stack) <= (size if arb else 4 * size),
         f"{what}: expected {'exactly' if arb else 'at least'} {size} realizations")
    cost.entries(len(stack) * fam["M"] ** fam["N"], f"{what}: the stacked grid tensors ({len(stack)} networks)")
    if arb:  # the determinant's cost, before any network is read (each rung is estimated again)
        cost.work(size ** 3, f"{what}: an arb determinant of {size} x {size}")
    nets = []
    for n, s in enumerate(stack):
        net = net_of(s, f"{what}[{n}]")
        numeric(net, f"{what}[{n}]")
        family_is(net, fam, f"{what}[{n}]")
        if F is None:
            identity_F(net, f"{what}[{n}]")
        else:
            need(net.F is not None
                 and [list(r) for r in net.F] == [[parse_rational(x, field="F") for x in r] for r in F],
                 f"{what}[{n}]: F differs from the statement's")
        nets.append((net, s))
    if arb:
        arb_tensor.independent([(net, s["output"]) for net, s in nets], what)
        return
    need(check_lower(np.array([tensor_of(s) for _, s in nets], dtype=object), cert["certificate"]) == size,
         f"{what}: the certified rank is not {size}")


def _reduce(fam, coeffs):
    """Super-patch reduction of a deep family: indices of the w top-level blocks (row-major inside a block)."""
    N, M, w, order = (fam[k] for k in ("N", "M", "window", "patch_order"))
    b = N // w
    return [(tuple(flat_index([idx[order[k * b + t]] for t in range(b)], M) for k in range(w)), q) for idx, q in coeffs]


def not_universal(cert, fam, what):
    """A functional vanishing on every realizable tensor (or an invariance), and a witness outside."""
    N, M = fam["N"], fam["M"]
    if isinstance(cert, dict) and cert.get("kind") == "invariance":
        need(fam["architecture"] == "shallow" and fam["shared"], f"{what}: invariance refutes shared shallow families")
        net, perms = invariant(cert, {**fam, "architecture": "shallow"}, what, any_width=True)
        W = literal(cert["witness"], (M,) * N, f"{what}.witness", numbers_only=True)
        need(any(not invariant_under(W, p, N, M) for p in perms), f"{what}: the witness is invariant too")
        return
    keys(cert, ("kind", "source", "coefficients", "witness"), ("identity", "reduction"), what)
    need(cert["kind"] == "vanishing_functional", f"{what}: expected vanishing_functional or invariance")
    coeffs = coefficients(cert["coefficients"], N, M)
    net = net_of(cert["source"], f"{what}.source")
    for_all_weights(net, f"{what}.source")
    sub = {k: fam[k] for k in ("activation", "pooling", "shared")}
    if fam["architecture"] == "deep":
        need(cert.get("reduction") == "super-patch", f"{what}: a deep family needs the super-patch reduction")
        sub.update(architecture="shallow", N=fam["window"], M=M ** (N // fam["window"]))
        red = _reduce(fam, coeffs)
    else:
        need("reduction" not in cert, f"{what}: no reduction for a shallow family")
        sub.update(architecture="shallow", N=N, M=M)
        red = coeffs
    family_is(net, sub, f"{what}.source")
    total = apply_functional(red, tensor_of(cert["source"]), sub["M"])
    if "identity" in cert:
        variables = sorted(total.free_symbols, key=str)
        regions.check_zero_certificate(total, variables, cert["identity"])
    else:
        need(zero(total), f"{what}: sum_d c_d A_d does not expand to 0")
    W = literal(cert["witness"], (M,) * N, f"{what}.witness", numbers_only=True)
    need(not zero(apply_functional(coeffs, W, M)), f"{what}: the functional vanishes on the witness too")


def check(st, res) -> str:
    """Validate the statement, then check that the certificate proves (or refutes) universality of its family."""
    fam = validate(st)
    if res["status"] == "proved":
        realizations(res["certificate"], fam, st.get("F"), st["M"] ** st["N"], "certificate")
    else:
        need(res["status"] == "refuted", "status must be proved or refuted")
        need("F" not in st, "a refutation is for every F (F is a weight): the statement has no F")
        not_universal(res["certificate"], fam, "certificate")
    return describe(st)


__all__ = ["validate", "describe", "check", "realizations", "not_universal"]

"""Statements of type ``rank``: the rank of one matricization of one network's grid tensor.

Proposition: ``{"type": "rank", "spec": S, "output": y, "rows": I[, "partition": label]}`` with the
answer's ``lower``, ``upper`` and ``bounds`` says:

- numeric weights: ``lower <= rank [A^y]_I <= upper`` for the network S (exact rationals), and ``bounds``
  are the structural bounds re-derived from its tree (each >= the rank);
- symbolic weights (``"weights": "symbolic"`` or weight expressions): ``rank [A^y(w)]_I >= lower`` for
  almost every weight vector w, and ``<= upper`` and ``<= bounds`` for every w.

Quantifier: the one network (numeric); almost all weights (symbolic lower bound), all weights (the
symbolic upper bound, which must be ``trivial`` or structural).

Certificates (``{"certificate": "rank", "lower": ..., "upper": ...}``, :mod:`symbolic.kernel.linalg`):
lower: the rows and columns of a k x k minor and a prime p with the minor nonzero mod p (for an integer,
or p-integral rational, matrix a minor nonzero mod p is nonzero over Q, so rank >= k); k = 0 needs no
minor.  upper: ``trivial`` (k >= the smaller side), ``factorization`` (A = A[:, cols] V exactly, inner size
k; k = 0 means A = 0, checked entry by entry), ``column_span`` (A[:, D] e = A[:, cols] W exactly: every other
column is in the span of the k columns ``cols``), ``multimodular`` (rank A mod p <= k for distinct primes whose
product exceeds Hadamard's bound on the (k+1)-minors: :mod:`symbolic.kernel.multimodular_rank`) or ``factors`` (a
factorization modulo primes, checked against the kernel's own modular forward pass).

Why acceptance implies truth: the matrix is recomputed from S by the kernel's forward pass (modulo p for a
polynomial operator: then the minor's residues are those of the exact minor; with p < 2^21 they are held as
float64 integers and the minor's rank mod p is computed by :mod:`symbolic.kernel.blas_elimination`); the symbolic
lower bound is accepted only under :func:`symbolic.kernel.generic.require_schwartz_zippel` (polynomial
operators, rational weight expressions), at the certificate's point, so the minor is a nonzero rational
function of the weights and vanishes only on a null set.
"""

from __future__ import annotations

import functools

import numpy as np
from .lazy import sympy

from . import blas_elimination as blas, cost, kronecker, schema
from .failure import need
from .generic import require_schwartz_zippel
from .linalg import check_factors, check_lower, check_rank, matricize, structural_bounds
from .network import activation, grid, is_numeric, substitute
from .parse import parse_rational
from .schema import keys
from .sources import net_of

SMALL = 1 << 20


def validate(st):
    """``{"type": "rank", "spec", "output", "rows"[, "partition"]}``: the spec read by the kernel's own reader,
    the output in range, the rows a proper subset of the modes, the partition label consistent with them.
    Returns the network."""
    schema.fields(st, ("type", "spec", "output", "rows"), ("partition",), "statement")
    try:
        net = net_of({"spec": st["spec"], "output": st["output"]}, "statement")
    except schema.StatementError:
        raise
    except ValueError as e:  # the spec or the output is malformed: a malformed statement
        schema.fail(f"statement: {e}")
    schema.rows(st["rows"], net.N, "statement.rows")
    if "partition" in st:
        schema.need(schema.partition_rows(st["partition"], net.N) == st["rows"],
                    f"statement.partition={str(st['partition'])[:40]!r} does not give rows {st['rows']}")
    return net


def describe(st) -> str:
    """The matricization and the network it is of: the operator, the sizes, the widths, the sharing, F, and the
    weights: "the given weights" (numeric: a statement about this one network) or "symbolic weights" (about every
    weight of exactly this family). Called on a validated statement."""
    d = st["spec"]
    fam = net_of({"spec": d, "output": st["output"]}, "statement").family()
    deep = fam["architecture"] == "deep"
    F = d.get("F")
    net = (f"{fam['architecture']} {d.get('activation')}/{fam['pooling']} net, N={fam['N']}, M={fam['M']}"
           + (f", window={fam['window']}, widths={fam['widths']}" if deep else f", Z={fam['Z']}")
           + (", patch_order=" + str(fam["patch_order"]) if deep and fam["patch_order"] != list(range(fam["N"]))
              else "") + (", shared weights" if fam["shared"] else "")
           + ("" if F is None else f", F={str(F)[:60]}")
           + (", symbolic weights" if d.get("weights") == "symbolic" else ", the given weights"))
    return f"rank [A^{st.get('output')}]_{st.get('rows')} ({net})"


def check(st, res) -> str:
    """Validate the statement, then check the rank certificate against the kernel's own grid tensor."""
    net = validate(st)
    rows = st["rows"]
    need(res["status"] == "proved", "a rank answer's status is proved")
    cert = res["certificate"]
    if isinstance(cert, dict) and cert.get("certificate") == "kronecker":  # structured: symbolic.kernel.kronecker
        need(not net.symbolic and is_numeric(net), "a kronecker certificate needs numeric weights")
        bounds = structural_bounds(net, rows)
        need(res.get("bounds") == bounds, f"bounds {res.get('bounds')} differ from the re-derived {bounds}")
        lo, up = kronecker.check(net, rows, st["output"], cert)
        need(res.get("lower") == lo and res.get("upper") == up and lo <= min(bounds.values()),
             f"the answer says lower={res.get('lower')!r}, upper={res.get('upper')!r}; the "
             f"certificate proves {lo}, {up}")
        head, _, net_text = describe(st).partition(" (")
        return f"{head} = {lo} ({net_text[:-1]}; structured: A = P diag(g) Q^T, never formed)"
    keys(cert, ("certificate", "lower", "upper"), (), "certificate")
    need(cert["certificate"] == "rank", f"certificate.certificate={str(cert['certificate'])[:40]}: expected rank")
    keys(cert["lower"], ("certificate", "k"), ("rows", "cols", "prime", "point"), "certificate.lower")
    keys(cert["upper"], ("certificate", "k", "kind"), ("cols", "V", "W", "e", "primes", "U", "factors", "inner"),
         "certificate.upper")
    bounds = structural_bounds(net, rows)
    need(res.get("bounds") == bounds and all(type(v) is int for v in res["bounds"].values()),
         f"bounds {str(res.get('bounds'))[:80]} differ from the re-derived {bounds}")
    for k in ("lower", "upper"):
        need(type(res.get(k)) is int, f"{k}={str(res.get(k))[:20]}: expected an int")
    point = cert["lower"].get("point")
    if net.symbolic or not is_numeric(net):
        need(isinstance(point, dict), "a symbolic network's lower bound needs a point (Schwartz-Zippel)")
        require_schwartz_zippel(net, "certificate.lower")
        syms = {str(s): s for x in net.weights() if isinstance(x, sympy.Basic) for s in x.free_symbols}
        need(set(point) == set(syms), f"the point must give a value to exactly the symbols {sorted(syms)[:6]}...")
        for k, v in point.items():
            need(not isinstance(v, (bool, float)) and isinstance(v, (int, str)),
                 f"point.{k}={str(v)[:40]}: expected an exact number (int or 'p/q')")
        values = {syms[k]: sympy.Rational(str(parse_rational(v, field=f"point.{k}"))) for k, v in point.items()}
        cost.substitution(net.weights(), max((max(abs(q.p), q.q).bit_length() for q in values.values()), default=1))
        net = substitute(net, values)
        need(cert["upper"].get("kind") == "trivial", "a symbolic network's upper bound must be trivial or structural")
    else:
        need(point is None, "a point is only for symbolic weights")
    need(activation(net.activation)[0] is not None, "not re-checked: the activation has no exact values")
    p, kind = cert["lower"].get("prime"), cert["upper"].get("kind")
    # modulo p: factors, or a trivial upper bound above SMALL grid points or with a prime below 2^21 (float64 route)
    modular = ((kind == "factors" or kind == "trivial" and (net.M ** net.N > SMALL or type(p) is int
                                                              and p < blas.MAX_PRIME))
               and net.pooling != "max" and net.activation in ("linear", "square") and type(p) is int
               and 2 <= p < 1 << 26)
    grid_mod = functools.lru_cache(maxsize=1)(lambda q: matricize(grid(net, modulus=q)[st["output"]], net.N, net.M,
                                                                  rows))
    residues = modular and kind == "trivial" and p < blas.MAX_PRIME  # float64 residues for blas_elimination
    A = (blas.matricize_residues(grid(net, modulus=p)[st["output"]], net.N, net.M, rows, p) if residues else
         grid_mod(p) if modular else matricize(np.asarray(grid(net)[st["output"]]), net.N, net.M, rows))
    if kind == "factors":
        lo, up = (check_lower(A, cert["lower"], p if modular else None),
                  check_factors(net, grid_mod, rows, cert["upper"]))
        need(lo <= up, f"lower bound {lo} exceeds upper bound {up}")
    else:
        lo, up = check_rank(A, cert, modulus=p if modular else None, consume=residues)
    need(res.get("lower") == lo and res.get("upper") == up,
         f"the answer says lower={res.get('lower')!r}, upper={res.get('upper')!r}; the certificate proves {lo}, {up}")
    need(lo <= min(bounds.values()), f"certified rank {lo} exceeds a structural bound {bounds}")
    generic = "almost all weights: " if point else ""
    head, _, net_text = describe(st).partition(" (")
    return f"{generic}{head} " + (f"= {lo}" if lo == up else f"in [{lo}, {up}]") + f" ({net_text}"


__all__ = ["validate", "describe", "check", "SMALL"]

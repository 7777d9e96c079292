"""The trusted checker for theorem certificates (with :mod:`symbolic.certificates` for ranks).

Every verdict of :mod:`theorems` carries a certificate: a JSON-ready dict with a
``kind``. :func:`check_certificate` re-verifies it by an independent route: grid
tensors are recomputed by the circuit's forward pass (:mod:`symbolic.circuit`),
never by the decompositions that produced them. It raises
:class:`~symbolic.errors.CertificateError` with the reason when a check fails.

Kinds
-----
``all``                 ``parts``: every sub-certificate holds.
``tensor_equality``     ``items``: each ``{"spec", "output"}`` or ``{"tensor"}``; all equal
                        (symbolic specs: the differences expand to 0 for all weights).
``matricization_rank``  ``source`` (``{"spec","output"}`` or ``{"stack": [sources]}``),
                        ``rows`` (modes; absent for a stack), ``certificate`` (a rank certificate).
``vanishing_functional`` ``source`` (a symbolic spec), ``coefficients`` ``[[index, c], ...]``:
                        sum_d c_d A_d expands to 0 for all weights; optional ``witness`` tensor
                        with sum_d c_d W_d != 0 (so the witness is not realizable); with
                        ``"case_analysis": true`` a sum that is not a canonical-form zero is decided
                        by case analysis over sign/order regions (:func:`symbolic.identity.prove_zero`).
``invariance``          ``source`` (symbolic spec), ``permutations`` of modes: A_d == A_{pi(d)}
                        for all weights; optional ``witness`` tensor that is not invariant.
``factorization``       ``source`` (symbolic spec), ``rows`` modes, ``U``, ``V`` (sympy strings):
                        [A]_rows == U V for all weights, inner size = len(V).
``box_identity``        ``left``, ``right`` sources with symbolic weights, ``box`` {symbol: [lo, hi]}:
                        every max/relu/abs is resolved on the closed box by exact interval
                        arithmetic, after which left - right expands to 0.
``identity``            ``expression``, ``variables``, ``certificate`` (of :mod:`symbolic.identity`).
``counterexample``      ``lhs``, ``rhs`` (sympy strings), ``point``: lhs != rhs at the point
                        (exact; a transcendental gap is proved by interval arithmetic).
``max_term_rows``       ``N``, ``M``, ``rows``: the odd-even structure of a generalized rank-1
                        max term (see :func:`_check_max_term_rows`).
``structural_bound``    ``bound``, ``formula`` and its inputs, recomputed.
``law``                 a certificate of :mod:`symbolic.laws`, re-checked there.

>>> from symbolic.spec import shallow, spec_to_dict
>>> s = shallow(N=2, M=2, Z=1, weights={"hidden": [[[1, 2], [3, 4]]], "output": [[1]]})
>>> check_certificate({"kind": "tensor_equality", "items": [{"spec": spec_to_dict(s), "output": 0},
...     {"tensor": {"shape": [2, 2], "entries": [3, 4, 6, 8]}}]})
>>> check_certificate({"kind": "tensor_equality", "items": [{"spec": spec_to_dict(s), "output": 0},
...     {"tensor": {"shape": [2, 2], "entries": [3, 4, 6, 9]}}]})
Traceback (most recent call last):
...
symbolic.errors.CertificateError: tensor_equality: item 1 differs from item 0 at index (1, 1)
"""

from __future__ import annotations

import functools
import itertools
import json
from fractions import Fraction

import numpy as np
import sympy

from .circuit import circuit, forward
from .errors import CertificateError, ConvacError, TooLarge
from .operators import canonical, sym_max
from .spec import load_spec
from .tensor import GridTensor, check_size

__all__ = ["check_certificate", "verified", "tensor_of", "KINDS"]


_LOCALS = {"Max": sym_max}  # parse maxima into the same canonical form the engines build


def _tensor(obj) -> GridTensor:
    vals = [sympy.sympify(e, locals=_LOCALS, rational=True) if isinstance(e, str) and not _is_rational(e) else _num(e)
            for e in obj["entries"]]
    return GridTensor.from_entries(tuple(obj["shape"]), vals)


def _is_rational(s: str) -> bool:
    try:
        Fraction(s)
        return True
    except (ValueError, ZeroDivisionError):
        return False


def _num(e):
    q = Fraction(e) if isinstance(e, str) else e
    if isinstance(q, float):
        raise CertificateError("certificate holds a float; only exact numbers are allowed")
    return int(q) if isinstance(q, Fraction) and q.denominator == 1 else q


def tensor_of(source) -> GridTensor:
    """The tensor a certificate source names, recomputed by the forward pass."""
    if "tensor" in source:
        return _tensor(source["tensor"])
    return _forward_all(json.dumps(source["spec"], sort_keys=True))[source.get("output", 0)]


@functools.lru_cache(maxsize=8)
def _forward_all(spec_json: str) -> tuple:
    """Every output's grid tensor by one forward pass over all grid points (cached per spec)."""
    spec = load_spec(json.loads(spec_json))
    G = circuit(spec)
    pts = list(itertools.product(range(spec.M), repeat=spec.N))
    check_size(spec.M**spec.N * max(1, G.number_of_nodes() // 8), 40, f"a forward pass over {spec.M ** spec.N:,} grid points")
    return tuple(GridTensor.from_entries((spec.M,) * spec.N, out) for out in forward(G, pts))


def _zero(x) -> bool:
    if isinstance(x, (int, Fraction)):
        return x == 0
    return canonical(x) == 0


def _diff_is_zero(a, b) -> bool:
    if a == b:  # structurally identical (sympy canonical forms): equal for all values
        return True
    return _zero(sympy.sympify(a) - sympy.sympify(b)) if hasattr(a, "free_symbols") or hasattr(b, "free_symbols") else a == b


def _check_tensor_equality(c):
    items = c["items"]
    if len(items) < 2:
        raise CertificateError("tensor_equality: needs at least two items")
    ts = [tensor_of(s) for s in items]
    for n, t in enumerate(ts[1:], 1):
        if t.shape != ts[0].shape:
            raise CertificateError(f"tensor_equality: item {n} has shape {t.shape}, item 0 has {ts[0].shape}")
        for idx in ts[0].indices():
            if not _diff_is_zero(ts[0][idx], t[idx]):
                raise CertificateError(f"tensor_equality: item {n} differs from item 0 at index {idx}")


def _check_matricization_rank(c):
    from .certificates import check_rank_certificate, from_dict
    from .matricize import matricize_array

    src = c["source"]
    if "stack" in src:
        ts = [tensor_of(s) for s in src["stack"]]
        A = np.array([list(t.entries()) for t in ts], dtype=object)
    else:
        t = tensor_of(src)
        A = matricize_array(t.to_numpy(), tuple(c["rows"]))
    check_rank_certificate(A, from_dict(c["certificate"]))


def _symbolic_tensor(source) -> GridTensor:
    return tensor_of(source)


def _coeff_sum(t: GridTensor, coefficients):
    total = 0
    for idx, cval in coefficients:
        total = total + sympy.Rational(str(cval)) * sympy.sympify(t[tuple(idx)])
    return total


def _check_vanishing_functional(c):
    coeffs = c["coefficients"]
    if not coeffs or all(Fraction(str(v)) == 0 for _, v in coeffs):
        raise CertificateError("vanishing_functional: the functional is zero")
    t = _symbolic_tensor(c["source"])
    total = _coeff_sum(t, coeffs)
    if not _zero(total):
        # not a canonical-form identity: decide it by case analysis over the sign/order regions
        from .identity import prove_zero

        variables = sorted(sympy.sympify(total).free_symbols, key=lambda v: v.name)
        if not (c.get("case_analysis") and variables and prove_zero(total, variables).holds):
            raise CertificateError("vanishing_functional: sum_d c_d A_d does not expand to 0")
    if "witness" in c and _zero(_coeff_sum(_tensor(c["witness"]), coeffs)):
        raise CertificateError("vanishing_functional: the functional vanishes on the witness too")


def _check_invariance(c):
    t = _symbolic_tensor(c["source"])
    perms = [tuple(p) for p in c["permutations"]]
    for p in perms:
        if sorted(p) != list(range(t.order)):
            raise CertificateError(f"invariance: {list(p)} is not a permutation of the modes")
        for idx in t.indices():
            moved = tuple(idx[p[m]] for m in range(t.order))
            if not _diff_is_zero(t[idx], t[moved]):
                raise CertificateError(f"invariance: A{idx} != A{moved} under {list(p)}")
    if "witness" in c:
        w = _tensor(c["witness"])
        if all(w[tuple(i[p[m]] for m in range(w.order))] == w[i] for p in perms for i in w.indices()):
            raise CertificateError("invariance: the witness is invariant too")


def _check_factorization(c):
    from .matricize import matricize_array

    t = _symbolic_tensor(c["source"])
    A = matricize_array(t.to_numpy(), tuple(c["rows"]))
    U = sympy.Matrix([[sympy.sympify(x) for x in row] for row in c["U"]])
    V = sympy.Matrix([[sympy.sympify(x) for x in row] for row in c["V"]])
    if U.shape != (A.shape[0], V.shape[0]) or V.shape[1] != A.shape[1]:
        raise CertificateError(f"factorization: U {U.shape} and V {V.shape} do not fit [A] {A.shape}")
    P = U * V
    for i, j in itertools.product(range(A.shape[0]), range(A.shape[1])):
        if not _zero(sympy.sympify(A[i, j]) - P[i, j]):
            raise CertificateError(f"factorization: [A]{(i, j)} != (U V){(i, j)}")


# -- exact interval arithmetic over a box --------------------------------------------
def _interval(e, box):
    if e.is_Number:
        q = sympy.Rational(e)
        return q, q
    if e.is_Symbol:
        if e.name not in box:
            raise CertificateError(f"box_identity: symbol {e} has no interval in the box")
        lo, hi = box[e.name]
        return lo, hi
    if e.is_Add:
        lo = hi = sympy.Integer(0)
        for a in e.args:
            l, h = _interval(a, box)
            lo, hi = lo + l, hi + h
        return lo, hi
    if e.is_Mul:
        lo = hi = sympy.Integer(1)
        for a in e.args:
            l, h = _interval(a, box)
            cands = [lo * l, lo * h, hi * l, hi * h]
            lo, hi = min(cands), max(cands)
        return lo, hi
    if e.is_Pow and e.exp.is_Integer and e.exp > 0:
        lo, hi = sympy.Integer(1), sympy.Integer(1)
        l, h = _interval(e.base, box)
        for _ in range(int(e.exp)):
            cands = [lo * l, lo * h, hi * l, hi * h]
            lo, hi = min(cands), max(cands)
        return lo, hi
    raise CertificateError(f"box_identity: cannot bound {e}")


def resolve_on_box(e, box):
    """Replace every Max/Min/Abs by the argument that dominates on the whole closed box (exact intervals)."""
    if not e.args:
        return e
    args = [resolve_on_box(a, box) for a in e.args]
    if isinstance(e, (sympy.Max, sympy.Min)):
        ivs = [_interval(a, box) for a in args]
        for a, (lo, hi) in zip(args, ivs):
            if isinstance(e, sympy.Max) and all(lo >= h for b, (_, h) in zip(args, ivs) if b is not a):
                return a
            if isinstance(e, sympy.Min) and all(hi <= l for b, (l, _) in zip(args, ivs) if b is not a):
                return a
        raise CertificateError(f"box_identity: {e.func.__name__} is not resolved on the box: {e}")
    if isinstance(e, sympy.Abs):
        lo, hi = _interval(args[0], box)
        if lo >= 0:
            return args[0]
        if hi <= 0:
            return -args[0]
        raise CertificateError(f"box_identity: the sign of {args[0]} changes on the box")
    return e.func(*args)


def _check_box_identity(c):
    box = {}
    for name, (lo, hi) in c["box"].items():
        lo, hi = sympy.Rational(str(lo)), sympy.Rational(str(hi))
        if not lo < hi:
            raise CertificateError(f"box_identity: interval of {name} is empty or a point: [{lo}, {hi}]")
        box[name] = (lo, hi)
    left, right = tensor_of(c["left"]), tensor_of(c["right"])
    if left.shape != right.shape:
        raise CertificateError("box_identity: the two tensors have different shapes")
    for idx in left.indices():
        a = resolve_on_box(sympy.sympify(left[idx]), box)
        b = resolve_on_box(sympy.sympify(right[idx]), box)
        if not _zero(a - b):
            raise CertificateError(f"box_identity: the two tensors differ at {idx} on the box")


def _check_identity(c):
    from .identity import check_identity_certificate

    variables = [sympy.Symbol(v) for v in c["variables"]]
    expr = sympy.sympify(c["expression"], locals={v.name: v for v in variables})
    if not check_identity_certificate(expr, variables, c["certificate"]):
        raise CertificateError("identity: the case analysis does not verify")


def _check_counterexample(c):
    pt = {sympy.Symbol(k): sympy.Rational(str(v)) for k, v in c["point"].items()}
    lhs = sympy.sympify(c["lhs"]).xreplace(pt)
    rhs = sympy.sympify(c["rhs"]).xreplace(pt)
    d = sympy.nsimplify(lhs - rhs) if (lhs - rhs).is_Rational else lhs - rhs
    if d.is_Rational:
        if d == 0:
            raise CertificateError("counterexample: both sides are equal at the point")
        return
    from mpmath import iv

    old = iv.prec
    try:
        iv.prec = 256
        val = _enclose(d, iv)
    finally:
        iv.prec = old
    if val.a <= 0 <= val.b:
        raise CertificateError("counterexample: the interval enclosure of lhs - rhs contains 0")


def _enclose(e, iv):
    """A rigorous interval enclosure (mpmath.iv, outward rounding) of a closed-form constant."""
    if e.is_Rational:
        return iv.mpf(int(e.p)) / iv.mpf(int(e.q))
    if e.is_Add or e.is_Mul:
        vals = [_enclose(a, iv) for a in e.args]
        out = vals[0]
        for v in vals[1:]:
            out = out + v if e.is_Add else out * v
        return out
    if e.is_Pow and e.exp.is_Integer:
        x, n = _enclose(e.base, iv), int(e.exp)
        out = iv.mpf(1)
        for _ in range(abs(n)):
            out = out * x
        return 1 / out if n < 0 else out
    if isinstance(e, sympy.exp):
        return iv.exp(_enclose(e.args[0], iv))
    if isinstance(e, sympy.tanh):  # tanh x = 1 - 2 / (exp(2x) + 1)
        return 1 - 2 / (iv.exp(2 * _enclose(e.args[0], iv)) + 1)
    if isinstance(e, (sympy.Max, sympy.Min)):
        xs = [_enclose(a, iv) for a in e.args]
        pick = max if isinstance(e, sympy.Max) else min
        return iv.mpf([pick(x.a for x in xs), pick(x.b for x in xs)])
    raise CertificateError(f"counterexample: cannot enclose {e}")


def _check_max_term_rows(c):
    """[T]_rows for T = max(0, v^0_{d_0}, ..., v^{N-1}_{d_{N-1}}) equals max(R_r, C_c), where R_r is
    a max over the symbols of the row modes only; rows with equal R are equal, so rank <= #symbols."""
    N, M, rows = c["N"], c["M"], tuple(c["rows"])
    cols = tuple(i for i in range(N) if i not in rows)
    v = [[sympy.Symbol(f"v_{i}_{j}") for j in range(M)] for i in range(N)]
    row_syms = {v[i][j] for i in rows for j in range(M)}
    for d in itertools.product(range(M), repeat=N):
        T = sym_max(0, *(v[i][d[i]] for i in range(N)))
        R = sym_max(*(sym_max(v[i][d[i]], 0) for i in rows))  # a max over w^i_{d_i} = max(v^i_{d_i}, 0), i in rows
        C = sym_max(0, *(v[i][d[i]] for i in cols))
        if sym_max(R, C) != T:
            raise CertificateError(f"max_term_rows: T{d} != max(R, C)")
    if len(row_syms) != c["bound"]:
        raise CertificateError(f"max_term_rows: {len(row_syms)} row symbols, bound says {c['bound']}")


def iclr_upper_bound(N, M, window, widths, order, rows) -> int:
    """ICLR 2017 Theorem 1 upper bound on rank [A]_I of a deep ConvAC (pooling tree, patch order)."""
    pos_in_I = [order[k] in set(rows) for k in range(N)]
    c = [1] * N
    size = 1
    for l in range(len(widths)):
        size *= window
        nxt = []
        for k in range(N // size):
            block = pos_in_I[k * size:(k + 1) * size]
            i = sum(block)
            prod = 1
            for t in range(window):
                prod *= c[k * window + t]
            nxt.append(min(M ** min(i, size - i), widths[l] * prod) if l < len(widths) - 1 else prod)
        c = nxt
    i = sum(pos_in_I)
    return min(M ** min(i, N - i), widths[-1] * c[0])


def iclr_lower_exponent(N, window, order, rows) -> int:
    """S = number of size-w blocks (level 1) with modes on both sides of the partition."""
    inI = [order[k] in set(rows) for k in range(N)]
    return sum(1 for k in range(N // window) if 0 < sum(inI[k * window:(k + 1) * window]) < window)


def _check_structural_bound(c):
    f = c["formula"]
    if f == "iclr2017_upper":
        got = iclr_upper_bound(c["N"], c["M"], c["window"], c["widths"], c["patch_order"], c["rows"])
    elif f == "shallow_terms":  # a sum of Z terms, each of matricization rank <= per_term
        got = c["Z"] * c["per_term"]
    else:
        raise CertificateError(f"structural_bound: unknown formula {f!r}")
    if got != c["bound"]:
        raise CertificateError(f"structural_bound: the formula gives {got}, the certificate says {c['bound']}")


def _law_sides(op, law):
    """The two sides of a law of g(a, b) = P(sigma(a), sigma(b)), rebuilt here (not read from the certificate)."""
    a, b, c = sympy.symbols("a b c", real=True)
    g = lambda x, y: op.sympy(x, y)  # noqa: E731
    if law == "commutativity":
        return g(a, b), g(b, a), (a, b), lambda x, y: (op(x, y), op(y, x))
    if law == "associativity":
        return g(g(a, b), c), g(a, g(b, c)), (a, b, c), lambda x, y, z: (op(op(x, y), z), op(x, op(y, z)))
    if law == "pooled_fixed":
        s, P = op.activation, op.pooling
        return (s.sympy(P.sympy(s.sympy(a), s.sympy(b))), P.sympy(s.sympy(a), s.sympy(b)), (a, b),
                lambda x, y: (s(P(s(x), s(y))), P(s(x), s(y))))
    raise CertificateError(f"law: unknown law {law!r}")


def _check_law(c):
    """A law of an operator: holds (identity) or fails (exact or interval counterexample)."""
    from .identity import check_identity_certificate
    from .operators import operator

    act, _, pool = c["operator"].rpartition("/")
    op = operator(act, pool)
    lhs, rhs, variables, exact = _law_sides(op, c["law"])
    cert = c["certificate"]
    if c["holds"]:
        diff = lhs - rhs
        if canonical(diff) == 0 or sympy.expand(diff) == 0:
            return
        if cert.get("method") == "case-analysis":
            loc = {v.name: v for v in variables}
            cl, cr = sympy.sympify(cert["lhs"], locals=loc), sympy.sympify(cert["rhs"], locals=loc)
            from .identity import prove_zero

            same = lambda x, y: canonical(x - y) == 0 or prove_zero(x - y, list(variables)).holds  # noqa: E731
            if not (same(cl, lhs) and same(cr, rhs)):
                raise CertificateError(f"law: the certificate's sides are not those of {c['law']} for {c['operator']}")
            if check_identity_certificate(cl - cr, list(variables), cert["identity"]):
                return
        raise CertificateError(f"law: {c['law']} of {c['operator']} is not verified as an identity")
    point = cert.get("point")
    if not point:
        raise CertificateError("law: a failing law needs a counterexample point")
    names = [v.name for v in variables]
    if op.is_exact:
        vals = [Fraction(str(point[n])) for n in names]
        vals = [int(v) if v.denominator == 1 else v for v in vals]
        left, right = exact(*vals)
        if left == right:
            raise CertificateError(f"law: both sides equal {left} at {point}")
        return
    _check_counterexample({"lhs": str(lhs), "rhs": str(rhs), "point": {n: point[n] for n in names}})


KINDS = {
    "tensor_equality": _check_tensor_equality,
    "matricization_rank": _check_matricization_rank,
    "vanishing_functional": _check_vanishing_functional,
    "invariance": _check_invariance,
    "factorization": _check_factorization,
    "box_identity": _check_box_identity,
    "identity": _check_identity,
    "counterexample": _check_counterexample,
    "max_term_rows": _check_max_term_rows,
    "structural_bound": _check_structural_bound,
    "law": _check_law,
}


def check_certificate(cert: dict) -> None:
    """Re-verify a certificate; raise CertificateError naming the failed check."""
    if not isinstance(cert, dict) or "kind" not in cert:
        raise CertificateError(f"certificate: expected an object with a 'kind', got {type(cert).__name__}")
    kind = cert["kind"]
    if kind == "all":
        for n, part in enumerate(cert["parts"]):
            try:
                check_certificate(part)
            except CertificateError as e:
                raise CertificateError(f"part {n}: {e}") from None
        return
    if kind not in KINDS:
        raise CertificateError(f"kind={kind!r} is not one of {('all',) + tuple(KINDS)}")
    try:
        KINDS[kind](cert)
    except CertificateError:
        raise
    except TooLarge as e:
        raise CertificateError(f"{kind}: not re-checked: the independent route is too large here ({e})") from None
    except (ConvacError, KeyError, TypeError, ValueError, IndexError) as e:
        raise CertificateError(f"{kind}: malformed certificate ({type(e).__name__}: {e})") from None


def verified(cert: dict) -> bool:
    """True when :func:`check_certificate` accepts the certificate."""
    try:
        check_certificate(cert)
    except CertificateError:
        return False
    return True

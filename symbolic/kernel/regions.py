"""Case-analysis certificates of ``expr == 0``, checked by linear combinations alone.

The claim: a sympy expression built from ``+``, ``*``, rational constants, non-negative
integer powers, ``Max``, ``Min``, ``Abs`` and ``Piecewise`` (single linear conditions,
a final ``True`` branch) vanishes on the polyhedron ``R = {x : g(x) <= 0, g in region}``
of R^n (all of R^n when ``region`` is empty). No LP is solved and nothing is searched:
every inequality comes with multipliers y >= 0 whose combination the kernel expands.

Format (JSON; numbers are ints or ``"p/q"`` strings, never floats; strings are parsed by
:func:`symbolic.kernel.parse.parse_expr` over the declared variables only)::

  CERT = {"kind": "case-analysis", "variables": [names in order], "tree": NODE, "regions": [LEAF],
          "region": [g, ...]}     (the last key only when the claim has constraints: the same g)
  NODE = {"split": f, "ge": NODE, "le": NODE}  f affine; the children's constraint lists are
                                               R + [-f] (f >= 0) and R + [f] (f <= 0)
       | {"empty": Y}                          sum y_i g_i is a constant > 0: R is empty
       | {"region": k}                         leaf regions[k]; every leaf used exactly once
  Y    = [[i, y_i], ...]                       distinct indices into R (the claim's g, then the
                                               splits from the root down), rationals y_i >= 0
  LEAF = {"picks": [PICK, ...], "zero": Z}     one PICK per non-smooth node, in the order below
  PICK = {"arg": j, "proofs": [P, ...]}        Max/Min(u_1..u_k) = u_j: one P per i != j, in order,
                                               proving u_j - u_i >= 0 (Min: u_i - u_j >= 0); no
                                               u_i equal to u_j with i < j; Abs(u) is Max(u, -u)
       | {"branches": [[side, P, Z], ...]}     Piecewise((e_1, c_1), .., (e_m, True)), c_j "q_j > 0"
                                               or ">=" (or "<", "<=": q_j = rhs - lhs), q_j affine.
                                               For j = m-1 down to 1, from v = e_m: side "ge": P
                                               proves q_j >= 0, v := e_j; "le": P proves -q_j >= 0.
                                               Z proves e_j - v_old = 0 on R + [-q_j, q_j] (the
                                               branches agree where q_j = 0: strictness is moot)
  P    = Y                                     -d - sum y_i g_i is a constant <= 0: d >= 0 on R
       | {"unit": c, "factors": [[f, m], ..], "signs": [S or null, ..]}
                                               d == c * prod f^m; S for each odd m: {"sign": s,
                                               "y": Y} (Y proves s*f >= 0), or {"sign": s, "by":
                                               "even"} (s*f has even monomials, coefficients > 0);
                                               c * prod s >= 0
  Z    = {"by": "expand"}                      p expands to 0
       | {"by": "empty", "y": Y}               R is empty
       | {"by": "affine", "le": Y, "ge": Y}    Y proves p <= 0 (p - sum y g constant <= 0), and -p <= 0
       | {"by": "hull", "hull": [[x, e, Y, Y'], ...]}   distinct variables x = e (e affine, free of
                                               every hull x) on R (Y, Y' prove x - e <= 0, e - x <= 0),
                                               and p with every x replaced by its e expands to 0

The non-smooth nodes are the distinct ``Max``/``Min``/``Abs``/``Piecewise`` sub-expressions of
``expr`` (as given) in ``sympy.postorder_traversal`` order (arguments first). At a leaf the
kernel resolves them itself: the arguments of a node, with the inner nodes replaced by their
values, are checked against the recorded choice on the leaf's R; ``expr`` with every node
replaced is the leaf polynomial p, which Z must show vanishes on R. The closed halves of each
split cover R, so the leaves cover the claim's polyhedron.

>>> import sympy
>>> a = sympy.Symbol("a")
>>> e = sympy.Max(a, 0) + sympy.Min(a, 0) - a      # nodes Max(0, a), Min(0, a)
>>> leaf = lambda j, k: {"picks": [{"arg": j, "proofs": [[[0, 1]]]}, {"arg": k, "proofs": [[[0, 1]]]}],
...                      "zero": {"by": "expand"}}
>>> cert = {"kind": "case-analysis", "variables": ["a"], "tree": {"split": "a", "ge": {"region": 0},
...         "le": {"region": 1}}, "regions": [leaf(1, 0), leaf(0, 1)]}
>>> check_zero_certificate(e, [a], cert)  # on -a <= 0, Max(0, a) = a: -(a - 0) - 1*(-a) = 0 <= 0
>>> check_zero_certificate(e + a, [a], cert)
Traceback (most recent call last):
...
symbolic.errors.CertificateError: case-analysis certificate: regions[0]: the leaf polynomial a is not 0
"""

from __future__ import annotations

from .lazy import sympy
from sympy.functions.elementary.piecewise import ExprCondPair
from sympy.polys.polyerrors import BasePolynomialError

from ..errors import CertificateError
from . import cost
from .failure import fail
from .parse import ParseError, parse_expr, parse_rational

__all__ = ["check_zero_certificate"]

_NONSMOOTH = (sympy.Max, sympy.Min, sympy.Abs, sympy.Piecewise)
_REL = (sympy.Gt, sympy.Ge, sympy.Lt, sympy.Le)
_OK = (sympy.Symbol, sympy.Rational, sympy.Add, sympy.Mul, ExprCondPair, sympy.logic.boolalg.BooleanTrue) + \
    _NONSMOOTH + _REL
_DEPTH = 300


_PREFIX = "case-analysis certificate: "


def _fail(msg):
    fail(_PREFIX + msg)


def _scan(obj, seen, depth=0):
    """JSON data only (shared sub-objects are scanned once), no floats, bounded nesting."""
    if depth > 2 * _DEPTH or isinstance(obj, float):
        _fail("nested too deeply" if depth > 2 * _DEPTH else f"the float {obj!r} is refused; use exact rationals")
    if isinstance(obj, (dict, list, tuple)) and id(obj) not in seen:
        seen.add(id(obj))
        if isinstance(obj, dict) and not all(isinstance(k, str) for k in obj):
            _fail(f"a non-string key in {obj!r:.60}")
        for v in obj.values() if isinstance(obj, dict) else obj:
            _scan(v, seen, depth + 1)
    elif obj is not None and not isinstance(obj, (str, int, dict, list, tuple)):
        _fail(f"{type(obj).__name__} value {obj!r:.40} is not JSON data")


def _keys(d, keys, where):
    if not isinstance(d, dict) or set(d) != set(keys):
        _fail(f"{where}: expected a dict with keys {sorted(keys)}, got {d!r:.80}")
    return [d[k] for k in keys]


def _list(x, where, n=None):
    if not isinstance(x, (list, tuple)) or (n is not None and len(x) != n):
        _fail(f"{where}: expected a list{'' if n is None else f' of length {n}'}, got {x!r:.80}")
    return x


def _index(x, n, where):
    if isinstance(x, bool) or not isinstance(x, int) or not 0 <= x < n:
        _fail(f"{where}: index {x!r} is not an int in range({n})")
    return x


class _Kernel:
    def __init__(self, variables):
        vs = tuple(_list(variables, "variables"))
        if not all(isinstance(v, sympy.Symbol) for v in vs) or len(set(vs)) != len(vs):
            _fail(f"variables={vs!r}: expected distinct sympy Symbols")
        self.vs, self.names = vs, {v.name: v for v in vs}
        self.gens, self.polys, self.parsed = vs or (sympy.Dummy("unused"),), {}, {}  # caches

    def parse(self, text, where):
        if not isinstance(text, str):
            _fail(f"{where}={text!r:.60}: expected a string")
        if text not in self.parsed:
            try:
                e = parse_expr(text, field=where, symbols=self.names)
            except ParseError as err:
                _fail(f"{where}={text!r:.60} does not parse: {err}")
            if e.atoms(sympy.Float):
                _fail(f"{where}={text!r:.60} contains a float")
            self.parsed[text] = e
        return self.parsed[text]

    def number(self, x, where):
        try:
            q = parse_rational(x, field=where)
        except ParseError as err:
            _fail(str(err))
        return sympy.Rational(q.numerator, q.denominator)

    def poly(self, e, where, affine=False):
        key = ("text", e) if isinstance(e, str) else e
        p = self.polys.get(key)
        if p is None:
            x = self.parse(e, where) if isinstance(e, str) else e
            cost.expansion(x, where)  # Poly expands: estimated first
            try:
                p = self.polys[key] = sympy.Poly(x, *self.gens, domain=sympy.QQ)
            except BasePolynomialError:
                _fail(f"{where}: {x} is not a polynomial in {list(self.names)}")
        if affine and p.total_degree() > 1:
            _fail(f"{where}: {e} is not affine")
        return p

    # ------------------------------------------------------------- inequalities
    def le0(self, h, R, Y, where, strict=False, claim=None, ge=False):
        """Y proves h <= 0 (h < 0 when strict) on R: h - sum y_i g_i is a constant <= 0 (< 0), y >= 0."""
        seen, rest = set(), h
        for k, item in enumerate(_list(Y, where)):
            i, y = _list(item, f"{where}[{k}]", 2)
            i = _index(i, len(R), f"{where}[{k}][0]")
            y = self.number(y, f"{where}[{k}][1]")
            if i in seen or y < 0:
                _fail(f"{where}[{k}]: {'repeated index' if i in seen else 'negative multiplier'} {item!r}")
            seen.add(i)
            rest = rest - R[i] * y
        c = rest.as_expr()
        if not rest.is_ground or c > 0 or (strict and c == 0):
            claim = claim or (f"{(-h).as_expr()} >= 0" if ge else f"{h.as_expr()} {'<' if strict else '<='} 0")
            _fail(f"{where}: the multipliers do not prove {claim} ({h.as_expr()} - sum y_i g_i = {c})")

    def nonneg(self, d, R, P, where):
        """P proves d >= 0 on R."""
        if isinstance(P, (list, tuple)):
            return self.le0(-d, R, P, where, ge=True)
        unit, factors, signs = _keys(P, ("unit", "factors", "signs"), where)
        unit = self.number(unit, f"{where}.unit")
        n, deg, s = len(_list(factors, f"{where}.factors")), 0, 1 if unit >= 0 else -1
        prod = sympy.Poly(unit, *self.gens, domain=sympy.QQ)
        for k, (fm, S) in enumerate(zip(factors, _list(signs, f"{where}.signs", n))):
            text, m = _list(fm, f"{where}.factors[{k}]", 2)
            f, w = self.poly(text, f"{where}.factors[{k}]"), f"{where}.signs[{k}]"
            if isinstance(m, bool) or not isinstance(m, int) or not 1 <= m <= max(1, d.total_degree()):
                _fail(f"{where}.factors[{k}][1]={m!r}: expected a multiplicity in 1..{max(1, d.total_degree())}")
            deg += m * f.total_degree()
            if deg > d.total_degree():
                _fail(f"{where}: the factors have a higher degree than {d.as_expr()}")
            prod = prod * f**m
            if m % 2 == 0:
                if S is not None:
                    _fail(f"{w}: a factor of even multiplicity takes null")
                continue
            t, how = _keys(S, ("sign", "y" if isinstance(S, dict) and "y" in S else "by"), w)
            if t not in (1, -1) or isinstance(t, bool):
                _fail(f"{w}.sign={t!r}: expected 1 or -1")
            if "y" in S:
                self.le0(f.mul_ground(-t), R, how, f"{w}.y", ge=True)
            elif how != "even" or not all(c * t > 0 for c in f.coeffs()) or any(e % 2 for m_ in f.monoms() for e in m_):
                _fail(f"{w}: {t}*({f.as_expr()}) does not have only even monomials with positive coefficients")
            s *= t
        if prod != d:
            _fail(f"{where}: the factorisation gives {prod.as_expr()}, not {d.as_expr()}")
        if s < 0 and unit != 0:
            _fail(f"{where}: the signs give {d.as_expr()} <= 0, not >= 0")

    def zero(self, p, R, Z, where, what="the polynomial"):
        """Z proves p = 0 on R."""
        by = Z.get("by") if isinstance(Z, dict) else None
        if by == "expand":
            _keys(Z, ("by",), where)
            if not p.is_zero:
                _fail(f"{where}: {what} {p.as_expr()} is not 0")
        elif by == "empty":
            self.le0(self.poly(0, where), R, _keys(Z, ("by", "y"), where)[1], f"{where}.y", True, "that R is empty")
        elif by == "affine":
            _, le, ge = _keys(Z, ("by", "le", "ge"), where)
            self.le0(p, R, le, f"{where}.le")
            self.le0(-p, R, ge, f"{where}.ge")
        elif by == "hull":
            sub = {}
            for k, item in enumerate(_list(_keys(Z, ("by", "hull"), where)[1], f"{where}.hull")):
                name, e, yle, yge = _list(item, f"{where}.hull[{k}]", 4)
                x = self.names.get(name) if isinstance(name, str) else None
                if x is None or x in sub:
                    _fail(f"{where}.hull[{k}]: {name!r} is not a declared variable, or is repeated")
                h = self.poly(x, where) - self.poly(e, f"{where}.hull[{k}]", affine=True)
                self.le0(h, R, yle, f"{where}.hull[{k}][2]")
                self.le0(-h, R, yge, f"{where}.hull[{k}][3]")
                sub[x] = self.parse(e, where)
            if any(e.free_symbols & set(sub) for e in sub.values()):
                _fail(f"{where}: a hull value contains a substituted variable")
            if not self.poly(p.as_expr().xreplace(sub), where).is_zero:
                _fail(f"{where}: {what} {p.as_expr()} is not 0 on the hull {sub}")
        else:
            _fail(f"{where}: unknown evidence {Z!r:.60} (expected by = expand, empty, affine or hull)")

    # ------------------------------------------------------------- resolution of the expression
    def validate(self, expr):
        if not isinstance(expr, sympy.Basic):
            _fail(f"expr={expr!r:.60} is not a sympy expression")
        for node in sympy.preorder_traversal(expr):
            if isinstance(node, sympy.Pow):
                if not (isinstance(node.exp, sympy.Integer) and node.exp >= 0):
                    _fail(f"expr: the power {node} is not a non-negative integer power")
            elif not isinstance(node, _OK) or (isinstance(node, sympy.Symbol) and node not in self.vs):
                _fail(f"expr: {type(node).__name__} node {node} is not allowed")

    def pick(self, node, mapping, pick, R, w):
        args = [self.poly(x.xreplace(mapping), w) for x in node.args]
        cands = [args[0], -args[0]] if isinstance(node, sympy.Abs) else args
        j, proofs = _keys(pick, ("arg", "proofs"), w)
        j = _index(j, len(cands), f"{w}.arg")
        others = [i for i in range(len(cands)) if i != j]
        for n, (i, P) in enumerate(zip(others, _list(proofs, f"{w}.proofs", len(others)))):
            d = cands[i] - cands[j] if isinstance(node, sympy.Min) else cands[j] - cands[i]
            if d.is_zero and i < j:  # equal arguments: the first one (canonical, as the prover picks)
                _fail(f"{w}: {node} has equal arguments {i} and {j}; the first one is taken")
            try:
                self.nonneg(d, R, P, f"{w}.proofs[{n}]")
            except CertificateError as err:
                _fail(f"{node} = {cands[j].as_expr()} rather than {cands[i].as_expr()} is not proved: "
                      f"{str(err).removeprefix(_PREFIX)}")
        return cands[j]

    def piecewise(self, node, mapping, pick, R, w):
        pairs = node.args
        if pairs[-1].cond is not sympy.true:
            _fail(f"{w}: {node} has no final (expr, True) branch")
        (branches,) = _keys(pick, ("branches",), w)
        v = self.poly(pairs[-1].expr.xreplace(mapping), w)
        for j in reversed(range(len(_list(branches, f"{w}.branches", len(pairs) - 1)))):
            side, P, Z = _list(branches[j], f"{w}.branches[{j}]", 3)
            e, cond = self.poly(pairs[j].expr.xreplace(mapping), w), pairs[j].cond.xreplace(mapping)
            if not isinstance(cond, _REL):
                _fail(f"{w}: the condition {cond} of {node} is not a single linear inequality")
            gt = isinstance(cond, (sympy.Gt, sympy.Ge))
            q = self.poly(cond.lhs - cond.rhs if gt else cond.rhs - cond.lhs, w, affine=True)
            if side not in ("ge", "le"):
                _fail(f"{w}.branches[{j}][0]={side!r}: expected 'ge' or 'le'")
            self.nonneg(q if side == "ge" else -q, R, P, f"{w}.branches[{j}][1]")
            self.zero(e - v, R + [-q, q], Z, f"{w}.branches[{j}][2]", "the jump")
            v = e if side == "ge" else v
        return v

    def leaf(self, expr, nodes, leaf, R, where):
        picks, Z = _keys(leaf, ("picks", "zero"), where)
        mapping = {}
        for k, (node, pick) in enumerate(zip(nodes, _list(picks, f"{where}.picks", len(nodes)))):
            how = self.piecewise if isinstance(node, sympy.Piecewise) else self.pick
            mapping[node] = how(node, mapping, pick, R, f"{where}.picks[{k}]").as_expr()
        self.zero(self.poly(expr.xreplace(mapping), where), R, Z, where, "the leaf polynomial")


def check_zero_certificate(expr, variables, certificate, *, region=()) -> None:
    """Check that ``certificate`` proves ``expr == 0`` on {x : g(x) <= 0 for g in region}.

    ``expr`` is a sympy expression, ``variables`` the list of its sympy Symbols (R^n),
    ``region`` a sequence of affine sympy expressions g. Returns None; raises
    :class:`symbolic.errors.CertificateError` naming the check that failed.
    """
    k = _Kernel(variables)
    k.validate(expr)
    R0 = [k.poly(g, f"region[{i}]", affine=True) for i, g in enumerate(_list(region, "region"))]
    _scan(certificate, set())
    extra = ("region",) if isinstance(certificate, dict) and "region" in certificate else ()
    kind, names, tree, leaves, *rec = _keys(certificate, ("kind", "variables", "tree", "regions") + extra,
                                            "certificate")
    if kind != "case-analysis":
        _fail(f"kind={kind!r}: expected 'case-analysis'")
    if names != [v.name for v in k.vs]:
        _fail(f"variables={names!r:.80} differ from the claim's {[v.name for v in k.vs]}")
    recorded = [k.poly(g, f"region[{i}]") for i, g in enumerate(_list(rec[0], "region"))] if rec else []
    if recorded != R0:
        _fail(f"region={[g.as_expr() for g in recorded]} does not match the claim's {[g.as_expr() for g in R0]}")
    nodes = list(dict.fromkeys(n for n in sympy.postorder_traversal(expr) if isinstance(n, _NONSMOOTH)))
    leaves, used, visited = _list(leaves, "regions"), set(), set()

    def walk(node, R, where, depth):
        if depth > _DEPTH or not isinstance(node, dict) or id(node) in visited:
            _fail(f"{where}: {'too deep' if depth > _DEPTH else f'malformed or shared node {node!r:.60}'}")
        visited.add(id(node))
        if "split" in node:
            f, ge, le = _keys(node, ("split", "ge", "le"), where)
            f = k.poly(f, f"{where}.split", affine=True)
            walk(ge, R + [-f], f"{where}.ge", depth + 1)
            walk(le, R + [f], f"{where}.le", depth + 1)
        elif "empty" in node:
            k.le0(k.poly(0, where), R, _keys(node, ("empty",), where)[0], f"{where}.empty", True, "that R is empty")
        else:
            i = _index(_keys(node, ("region",), where)[0], len(leaves), f"{where}.region")
            if i in used:
                _fail(f"{where}: the leaf regions[{i}] is used twice")
            used.add(i)
            k.leaf(expr, nodes, leaves[i], R, f"regions[{i}]")

    walk(tree, R0, "tree", 0)
    if used != set(range(len(leaves))):
        _fail(f"the tree uses the leaves {sorted(used)}, but {len(leaves)} are listed")

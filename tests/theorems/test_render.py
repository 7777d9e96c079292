"""Tests of theorems/present/render.py: notebook renderings as text, markdown and LaTeX.

Second route for the expansion: the plain text of ``latex_expansion`` is read back into an
expression (test-side, by sympy on our own output) and evaluated at the representation values
f_j(x^(d)) = F[d][j]; it gives the grid tensor entry A[d] of the prover's decomposition.
Counts in the LaTeX of decompositions and tables are compared with the objects' sizes.
"""

from __future__ import annotations

import itertools
import re

import pytest
import sympy

from symbolic.tensor.decompositions import decomposition, grid_tensor
from symbolic.errors import DomainError
from symbolic.spec.network import deep, shallow
from theorems.present.render import (Rendered, latex_decomposition, latex_expansion, latex_symbol_names, show_search,
                                     show_verdict, verdicts_table)
from theorems.claims.verdict import Status, Timer, conclude

SPECS = [deep(N=4, M=2, activation="relu", pooling="max", seed=1, low=-3, high=3),
         shallow(N=2, M=2, Z=2, seed=1, low=-3, high=3, F=[[1, 2], [0, 1]]),
         shallow(N=3, M=2, Z=1, activation="abs", pooling="sum", seed=2, low=-3, high=3, denominators=(1, 2)),
         deep(N=4, M=3, widths=(1, 2), activation="square", pooling="average", seed=3, low=-2, high=2, Y=2)]


def _read_back(text):
    """'h_0 = ... max(...) f_j(x_i) ...' as a sympy expression in symbols f_i_j (position i, channel j)."""
    body = text.split(" = ", 1)[1]
    body = re.sub(r"f_(\d+)\(x_(\d+)\)", r"f_\2_\1", body).replace("max(", "Max(").replace("min(", "Min(")
    return sympy.sympify(body, locals={"Max": sympy.Max, "Min": sympy.Min})


@pytest.mark.parametrize("spec", SPECS, ids=repr)
def test_expansion_text_evaluates_to_the_grid_tensor(spec):
    F = spec.F or tuple(tuple(int(i == j) for j in range(spec.M)) for i in range(spec.M))
    for y in range(spec.Y):
        r = latex_expansion(spec, y)
        assert r.text.startswith(f"h_{y} = ") and r.latex.startswith(f"$$h_{{{y}}} = ")
        expr = _read_back(r.text)
        A = grid_tensor(spec, y)
        for d in itertools.product(range(spec.M), repeat=spec.N):
            values = {sympy.Symbol(f"f_{i}_{j}"): sympy.Rational(str(F[d[i]][j])) for i in range(spec.N)
                      for j in range(spec.M)}
            assert expr.xreplace(values) == sympy.Rational(str(A[d]))


def test_expansion_of_expressions_and_bad_outputs():
    a = sympy.Symbol("f_2_1")
    assert str(latex_expansion(a**2 + 1, lhs="g")) == "g = f_1(x_2)**2 + 1"
    with pytest.raises(DomainError, match="Y=1"):
        latex_expansion(SPECS[0], output=1)
    with pytest.raises(DomainError):
        latex_expansion(SPECS[0], output=True)


def test_symbol_names():
    names = {str(k): v for k, v in latex_symbol_names(sympy.sympify("f_3_1 + a_0_2_1 + a_1_2 + o_0_1 + w1_0_2_3 + x"))
             .items()}
    assert names == {"f_3_1": "f_{1}(x_{3})", "a_0_2_1": "a^{0,2}_{1}", "a_1_2": "a^{1}_{2}", "o_0_1": "o^{0}_{1}",
                     "w1_0_2_3": "a^{1,0,2}_{3}"}


def test_cp_latex_writes_every_term():
    spec = SPECS[1]
    dec = decomposition(spec)
    r = latex_decomposition(spec)
    assert f"Z={dec.Z}, N={dec.N}, M={dec.M}" in r.text
    assert r.latex.count(r"\otimes_g") == dec.Z * (dec.N - 1)
    assert r.latex.count(r"\begin{pmatrix}") == dec.Z * dec.N
    big = latex_decomposition(shallow(N=4, M=2, Z=4, seed=0))  # Z N > 12: the sum, not the terms
    assert r"\sum_{z=0}^{3}" in big.latex


def test_ht_latex_names_the_geometry():
    spec = deep(N=8, M=2, widths=(2, 1, 2), patch_order=[1, 0, 2, 3, 4, 5, 7, 6], seed=0)
    r = latex_decomposition(spec)
    assert "widths (2, 1, 2)" in r.text and "L=3" in r.text and "[1, 0, 2, 3, 4, 5, 7, 6]" in r.text
    assert r.latex.startswith("$$") and r.latex.endswith("$$") and r"r_{2}" in r.latex


def _verdict(detail="a | b"):
    return conclude("laws", "relu/average is not associative", "", {"N": 2, "F": [[1]]}, Status.PROVED,
                    {"kind": "counterexample", "point": {"a": 1, "b": 0, "c": 0}}, Timer(), 0, detail,
                    typed={"type": "law", "activation": "relu", "pooling": "average", "law": "associativity"},
                    typed_status="refuted")


def test_show_verdict_and_tables():
    v = _verdict()
    r = show_verdict(v)
    assert r.text.startswith("laws [N=2]: proved (counterexample; re-checked")
    assert r._repr_markdown_() == r.markdown and r._repr_latex_() is None
    t = verdicts_table([v, v.to_dict(), _verdict("plain")])
    lines = t.markdown.splitlines()
    assert len(lines) == 2 + 3 and all(line.count(" | ") == 4 for line in lines[2:])  # the '|' of a detail escaped
    assert len(t.text.splitlines()) == 3


def test_show_search_of_a_counterexample_and_of_nothing():
    spec = {"architecture": "shallow", "N": 2, "M": 2}
    found = {"status": "refuted", "conjecture": "rank <= Z", "family": {"N": 4, "weight_range": [-1, 1]}, "tried": 7,
             "seed": 3, "seconds": 0.5, "counterexample": {"spec": spec, "rank": 2, "bound": 1,
                                                           "bound_expression": "Z", "latex": "x"},
             "certificate": {"kind": "matricization_rank"}}
    r = show_search(found)
    assert "rank = 2 > bound Z = 1" in r.markdown and "weight_range" not in r.markdown
    assert r.text.splitlines()[1] == '{"architecture": "shallow", "N": 2, "M": 2}'
    none = show_search({"status": "inconclusive", "conjecture": "c", "tried": 100, "note": "no counterexample found"})
    assert none.text.startswith("inconclusive: c (100 networks tried)") and "no counterexample" in none.markdown


def test_rendered_repr():
    r = Rendered("t", latex="$x$")
    assert repr(r) == str(r) == "t" and r._repr_latex_() == "$x$" and r._repr_markdown_() is None

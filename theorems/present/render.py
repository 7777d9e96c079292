"""Notebook renderings of convac objects: verdicts, searches, sympy expansions, decompositions.

The renderers (:func:`show_verdict`, :func:`latex_expansion`, :func:`latex_decomposition`)
return a :class:`Rendered`, shown as markdown or LaTeX by Jupyter and as plain text
elsewhere:

>>> from symbolic.spec.network import shallow
>>> s = shallow(N=2, M=2, Z=1, activation="relu", pooling="max",
...             weights={"hidden": [[[1, -1], [2, 0]]], "output": [[3]]})
>>> print(latex_expansion(s))
h_0 = 3*max(0, 2*f_0(x_1), f_0(x_0) - f_1(x_0))
>>> print(latex_expansion(s).latex)
$$h_{0} = ...$$
"""

from __future__ import annotations

import re
from fractions import Fraction

import networkx as nx

from symbolic.errors import DomainError

from theorems.claims.verdict import BADGE, instance_text, verdict_markdown

__all__ = ["Rendered", "show_verdict", "verdicts_table", "show_search", "latex_expansion", "latex_decomposition",
           "latex_symbol_names"]


def _spec_and_graph(obj):
    from symbolic.tensor.circuit_graph import circuit
    from symbolic.spec.network import Spec, load_spec

    if isinstance(obj, nx.DiGraph):
        return obj.graph.get("spec"), obj
    spec = obj if isinstance(obj, Spec) else load_spec(obj)
    return spec, circuit(spec)


class Rendered:
    """Text with a notebook rendering: ``_repr_markdown_`` or ``_repr_latex_`` (and plain text)."""

    def __init__(self, text: str, *, markdown: str | None = None, latex: str | None = None):
        self.text, self.markdown, self.latex = text, markdown, latex

    def _repr_markdown_(self):
        return self.markdown

    def _repr_latex_(self):
        return self.latex if self.markdown is None else None

    def __str__(self):
        return self.text

    def __repr__(self):
        return self.text


def show_verdict(v) -> Rendered:
    """A verdict (or its ``to_dict()``) as markdown: status, claim, statement, formula, certificate."""
    d = v.to_dict() if hasattr(v, "to_dict") else dict(v)
    kinds = d.get("method") or "none"
    text = (f"{d['claim']} [{instance_text(d['instance'])}]: {d['status']} ({kinds}; "
            f"{'re-checked' if d.get('checked') else 'not re-checked'} by the trusted checker)\n"
            f"  {d['statement']}\n  {d.get('detail', '')}")
    return Rendered(text, markdown=verdict_markdown(d))


def verdicts_table(verdicts) -> Rendered:
    """Several verdicts as one markdown table (claim, instance, status, certificate, detail)."""
    rows = [v.to_dict() if hasattr(v, "to_dict") else dict(v) for v in verdicts]
    md = ["| claim | instance | status | certificate | detail |", "|---|---|---|---|---|"]
    md += [f"| `{r['claim']}` | {instance_text(r['instance'])} | {BADGE.get(r['status'], r['status'])} | "
           f"`{r.get('method')}` | {r.get('detail', '').replace('|', '/')} |" for r in rows]
    text = "\n".join(f"{r['claim']} [{instance_text(r['instance'])}]: {r['status']}" for r in rows)
    return Rendered(text, markdown="\n".join(md))


def show_search(result) -> Rendered:
    """A :class:`theorems.search.counterexample.SearchResult` (or its ``to_dict()``) as markdown: status, conjecture,
    the minimal counterexample with its certificate, or the honest "inconclusive"."""
    import json

    d = result.to_dict() if hasattr(result, "to_dict") else dict(result)
    status = d["status"]
    fam = ", ".join(f"{k}={v}" for k, v in d.get("family", {}).items() if k not in ("weight_range", "denominators"))
    head = f"**{BADGE.get(status, status)}** &nbsp; {d['conjecture']}"
    md = [head, "", f"- family: {fam}", f"- {d.get('tried', 0)} networks tried, seed {d.get('seed', 0)}, "
          f"{d.get('seconds', 0):.2f} s"]
    text = f"{status}: {d['conjecture']} ({d.get('tried', 0)} networks tried)"
    ce = d.get("counterexample")
    if ce:
        cert = d.get("certificate") or {}
        md.append("- minimal counterexample (shrunk), re-checked by the forward pass; "
                  f"certificate `{cert.get('kind')}` "
                  "verified by the trusted checker")
        if "rank" in ce:
            md.append(f"- rank = {ce['rank']} > bound {ce.get('bound_expression', '')} = {ce.get('bound')}")
        md += ["", "```json", json.dumps(ce["spec"]), "```"]
        if ce.get("latex"):
            md += ["", "$$" + ce["latex"] + "$$"]
        text += "\n" + json.dumps(ce["spec"])
    if d.get("note"):
        md.append(f"\n*{d['note']}*")
        text += f"\n{d['note']}"
    return Rendered(text, markdown="\n".join(md))


_SYMBOL_PATTERNS = (
    (re.compile(r"f_(\d+)_(\d+)$"), lambda m: (f"f_{{{m[2]}}}(x_{{{m[1]}}})", f"f_{m[2]}(x_{m[1]})")),
    (re.compile(r"a_(\d+)_(\d+)_(\d+)$"), lambda m: (f"a^{{{m[1]},{m[2]}}}_{{{m[3]}}}", f"a^{m[1]},{m[2]}_{m[3]}")),
    (re.compile(r"a_(\d+)_(\d+)$"), lambda m: (f"a^{{{m[1]}}}_{{{m[2]}}}", f"a^{m[1]}_{m[2]}")),
    (re.compile(r"o_(\d+)_(\d+)$"), lambda m: (f"o^{{{m[1]}}}_{{{m[2]}}}", f"o^{m[1]}_{m[2]}")),
    (re.compile(r"w(\d+)_(\d+)_(\d+)_(\d+)$"), lambda m: (f"a^{{{m[1]},{m[2]},{m[3]}}}_{{{m[4]}}}",
                                                           f"a^{m[1]},{m[2]},{m[3]}_{m[4]}")),
    (re.compile(r"w(\d+)_(\d+)_(\d+)$"), lambda m: (f"a^{{{m[1]},{m[2]}}}_{{{m[3]}}}", f"a^{m[1]},{m[2]}_{m[3]}")),
)


def latex_symbol_names(expr) -> dict:
    """LaTeX names for convac's symbols: f_i_j -> f_j(x_i), a_z_i_j -> a^{z,i}_j, o_y_z -> o^y_z,
    w{l}_{k}_{c}_{a} -> a^{l,k,c}_a (layer, position, channel, input)."""
    out = {}
    for s in getattr(expr, "free_symbols", ()):
        for pat, fn in _SYMBOL_PATTERNS:
            m = pat.match(s.name)
            if m:
                out[s] = fn(m)[0]
                break
    return out


def _plain(expr) -> str:
    text = str(expr).replace("Max(", "max(").replace("Min(", "min(")
    for s in sorted(getattr(expr, "free_symbols", ()), key=lambda s: -len(s.name)):
        for pat, fn in _SYMBOL_PATTERNS:
            m = pat.match(s.name)
            if m:
                text = re.sub(rf"\b{re.escape(s.name)}\b", fn(m)[1], text)
                break
    return text


def latex_expansion(obj, output: int = 0, *, lhs: str | None = None) -> Rendered:
    """The symbolic expansion h_y of a network (sympy, along its circuit) as LaTeX.

    ``obj`` is a spec (symbolic or numeric weights; inputs become f_j(x_i)) or a sympy
    expression; ``lhs`` replaces the left-hand side ``h_y`` (LaTeX).
    """
    import sympy

    if isinstance(obj, (sympy.Basic, int, Fraction)):
        expr = sympy.sympify(obj, strict=True)
    else:
        from symbolic.tensor.circuit_graph import expand

        _, G = _spec_and_graph(obj)
        outs = expand(G)
        if isinstance(output, bool) or not isinstance(output, int) or not 0 <= output < len(outs):
            raise DomainError(f"output={output!r} is out of range: the network has Y={len(outs)} outputs")
        expr = outs[output]
    body = sympy.latex(sympy.sympify(expr, strict=True), symbol_names=latex_symbol_names(expr))
    left = lhs if lhs is not None else f"h_{{{output}}}"
    return Rendered(f"{lhs if lhs is not None else f'h_{output}'} = {_plain(expr)}", latex=f"$${left} = {body}$$")


def _vec_latex(v) -> str:
    import sympy

    return r"\begin{pmatrix}" + r"\\".join(sympy.latex(sympy.sympify(x, strict=True)) for x in v) + r"\end{pmatrix}"


def latex_decomposition(obj, output: int = 0) -> Rendered:
    """A generalized CP (written out term by term when small) or HT (the recursion) as LaTeX.

    ``obj`` is a spec, a GeneralizedCP or a GeneralizedHT (:func:`symbolic.tensor.decompositions.decomposition`).
    """
    from symbolic.tensor.decompositions import GeneralizedCP, GeneralizedHT, decomposition

    dec = obj if isinstance(obj, (GeneralizedCP, GeneralizedHT)) else decomposition(_spec_and_graph(obj)[0])
    op = dec.operator
    g = rf"g(a,b) = \mathrm{{{op.pooling.name}}}(\sigma(a), \sigma(b)),\ \sigma = \mathrm{{{op.activation.spec_name}}}"
    F = "" if all(dec.F[i][j] == (i == j) for i in range(dec.M) for j in range(dec.M)) else "F"
    if isinstance(dec, GeneralizedCP):
        text = (f"generalized CP: A = sum_z o_z (F a^(z,0)) (x)_g ... (x)_g (F a^(z,N-1)), Z={dec.Z}, N={dec.N}, "
                f"M={dec.M}, {op.name}")
        if dec.Z * dec.N <= 12 and not any(getattr(x, "free_symbols", None) for z in dec.vectors for v in z for x in v):
            import sympy

            terms = []
            for z in range(dec.Z):
                factors = r" \otimes_g ".join(F + _vec_latex(dec.vectors[z][i]) for i in range(dec.N))
                terms.append(f"{sympy.latex(sympy.sympify(dec.coefficients[output][z], strict=True))}"
                             f"\\,\\Big({factors}\\Big)")
            body = " + ".join(terms).replace("+ -", "- ")
        else:
            body = (rf"\sum_{{z=0}}^{{{dec.Z - 1}}} o^{{{output}}}_z\, (F a^{{z,0}}) \otimes_g \cdots \otimes_g "
                    rf"(F a^{{z,{dec.N - 1}}})")
        latex = rf"$$\mathcal{{A}}^{{{output}}} = {body}, \qquad {g}$$"
        return Rendered(text, latex=latex)
    L, w = len(dec.layers), dec.window
    text = (f"generalized HT: window {w}, widths {dec.widths}, L={L}, patch order {list(dec.patch_order)}, {op.name}")
    latex = (r"$$\begin{aligned}"
             rf"\phi^{{0,j,\gamma}} &= F a^{{0,j,\gamma}} \quad (j < N,\ \gamma < r_0 = {dec.widths[0]})\\"
             rf"\phi^{{l,j,\gamma}} &= \sum_{{\alpha < r_{{l-1}}}} a^{{l,j,\gamma}}_\alpha\, "
             rf"\textstyle\bigotimes_g^{{{w}}}\ \phi^{{l-1,{w}j+i,\alpha}}\ (i < {w})\\"
             rf"\mathcal{{A}}^{{{output}}} &= \sum_{{\alpha < r_{{{L - 1}}}}} o^{{{output}}}_\alpha\,"
             rf"\textstyle\bigotimes_g^{{{w}}}\ \phi^{{{L - 1},i,\alpha}}\ (i < {w})"
             rf"\end{{aligned}}\qquad {g},\ \text{{widths}}\ {tuple(dec.widths)}$$")
    return Rendered(text, latex=latex)

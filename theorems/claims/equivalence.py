"""Claims ``equivalence.*``: networks realize their generalized decompositions (paper-notes C1).

- ``equivalence.shallow``: the shallow net's grid tensor equals the generalized CP of its weights;
- ``equivalence.deep``: the deep net's grid tensor equals the generalized HT of its weights,
  for window w and any patch order;
- ``equivalence.average``: average and sum pooling nets realize the same grid tensors
  (weights rescaled by the window sizes).

Proof, per instance: every weight and every entry of F is a symbol; the trusted
kernel computes the network by its forward pass and, independently, the generalized
CP / HT decomposition of its weights, and checks that every difference expands to 0.
That covers all weights at once.

>>> v = prove_equivalence_shallow(N=2, M=2, Z=1, activation="relu", pooling="max")
>>> v.status.value, v.method
('proved', 'decomposition')
"""

from __future__ import annotations

from symbolic.spec.network import deep, shallow

from theorems.claims.common import source, symbolic_F
from theorems.claims.verdict import Status, Timer, conclude

__all__ = ["prove_equivalence_shallow", "prove_equivalence_deep", "prove_equivalence_average", "average_to_sum"]


def _equal_cert(spec, outputs=(0,)):
    """The certificate names the symbolic network: the kernel computes both routes itself (its forward
    pass, and the generalized CP / HT decomposition of the weights) and compares them entrywise."""
    parts = [{"kind": "decomposition", "source": source(spec, y)} for y in outputs]
    return parts[0] if len(parts) == 1 else {"kind": "all", "parts": parts}


def prove_equivalence_shallow(*, N: int, M: int, Z: int = 2, activation: str = "linear", pooling: str = "product",
                              seed: int = 0):
    """A shallow net with symbolic weights and symbolic F equals its generalized CP decomposition."""
    t = Timer()
    spec = shallow(N=N, M=M, Z=Z, activation=activation, pooling=pooling, weights="symbolic", F=symbolic_F(M))
    inst = dict(N=N, M=M, Z=Z, activation=activation, pooling=pooling)
    return conclude("equivalence.shallow",
                    f"for all weights and F, the grid tensor of a shallow {activation}/{pooling} net equals "
                    "sum_z a^y_z (F a^{z,0}) (x)_g ... (x)_g (F a^{z,N-1})",
                    r"\mathcal{A}(h_y)=\sum_{z=1}^{Z}a^y_z\,(Fa^{z,1})\otimes_g\cdots\otimes_g(Fa^{z,N})",
                    inst, Status.PROVED, _equal_cert(spec), t, seed,
                    f"{M ** N} entries, each a symbolic identity in {N * M * Z + Z + M * M} variables")


def prove_equivalence_deep(*, N: int, M: int, widths=None, window: int = 2, patch_order=None,
                           activation: str = "linear", pooling: str = "product", shared: bool = False, seed: int = 0):
    """A deep net with symbolic weights equals its generalized HT decomposition (window, patch order)."""
    t = Timer()
    spec = deep(N=N, M=M, widths=widths, window=window, patch_order=patch_order, activation=activation,
                pooling=pooling, weights="symbolic", F=symbolic_F(M), shared=shared)
    inst = dict(N=N, M=M, widths=list(spec.widths), window=window, patch_order=list(spec.order),
                activation=activation, pooling=pooling, shared=shared)
    return conclude("equivalence.deep",
                    f"for all weights and F, the grid tensor of a deep {activation}/{pooling} net (window {window}, "
                    f"patch order {list(spec.order)}) equals its generalized hierarchical Tucker decomposition",
                    r"\phi^{l,j,\gamma}=\sum_{\alpha}a^{l,j,\gamma}_\alpha\,P\big(\sigma(\phi^{l-1,\cdot,\alpha}),\ldots\big)",
                    inst, Status.PROVED, _equal_cert(spec), t, seed, f"{M ** N} entries, symbolic identity")


def average_to_sum(spec):
    """The sum-pooling net with the same grid tensor as an average-pooling net: each pooling's 1/w
    moves into the next layer's weights (for a shallow net: the output weights, divided by N)."""
    import sympy

    from symbolic.spec.network import load_spec, spec_to_dict

    d = spec_to_dict(spec)
    d["pooling"] = "sum"

    def scale(x, w):
        return (sympy.sympify(x) / w) if isinstance(x, sympy.Basic) else _div(x, w)

    def mapn(a, f):
        return tuple(mapn(b, f) for b in a) if isinstance(a, tuple) else f(a)

    if spec.architecture == "shallow":
        hidden, output = spec.hidden, mapn(spec.output, lambda x: scale(x, spec.N))
        weights = {"hidden": _js(hidden), "output": _js(output)}
    else:
        layers = [spec.layers[0]] + [mapn(spec.layers[l], lambda x: scale(x, spec.window)) for l in range(1, spec.L)]
        output = mapn(spec.output, lambda x: scale(x, spec.window))
        weights = {"layers": [_js(l) for l in layers], "output": _js(output)}
    d["weights"] = weights
    for k in ("Z", "widths", "Y"):
        d.pop(k, None)
    return load_spec(d)


def _div(x, w):
    from fractions import Fraction

    q = Fraction(x) / w
    return int(q) if q.denominator == 1 else q


def _js(a):
    from symbolic.numbers import to_json_number

    return [_js(b) for b in a] if isinstance(a, tuple) else to_json_number(a)


#: The width of the shallow nets whose average/sum identity :func:`prove_equivalence_average` checks.
AVERAGE_Z = 2


def average_statement(*, N: int, M: int, architecture: str = "shallow", activation: str = "relu", seed: int = 0,
                      widths=None) -> dict:
    """The statement's instance of :func:`prove_equivalence_average`: the identity is checked for one width Z = 2
    (shallow) or the given widths (deep; default M per layer, window 2), and the statement says which."""
    inst = dict(N=N, M=M, architecture=architecture, activation=activation)
    if architecture == "shallow":
        inst["Z"] = AVERAGE_Z
    else:
        inst["widths"] = list(widths) if widths is not None else [M] * (N.bit_length() - 1)  # N = 2^L
    return inst


def prove_equivalence_average(*, N: int, M: int, architecture: str = "shallow", activation: str = "relu",
                              seed: int = 0, widths=None):
    """Average pooling = sum pooling with rescaled weights, for all weights (both directions)."""
    t = Timer()
    if architecture == "shallow":
        avg = shallow(N=N, M=M, Z=AVERAGE_Z, activation=activation, pooling="average", weights="symbolic",
                      F=symbolic_F(M))
    else:
        avg = deep(N=N, M=M, widths=widths, activation=activation, pooling="average", weights="symbolic",
                   F=symbolic_F(M))
    summ = average_to_sum(avg)
    cert = {"kind": "tensor_equality", "items": [source(avg), source(summ)]}
    inst = average_statement(N=N, M=M, architecture=architecture, activation=activation, widths=avg.widths
                             if architecture == "deep" else None)
    return conclude("equivalence.average",
                    "average-pooling and sum-pooling nets realize the same grid tensors: dividing the weights "
                    "after each pooling by its window size maps one onto the other (and multiplying maps back)",
                    r"\mathcal{A}_{\mathrm{avg}}(a)=\mathcal{A}_{\mathrm{sum}}(a/w)",
                    inst, Status.PROVED, cert, t, seed, "symbolic identity for all weights")

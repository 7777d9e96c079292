"""Generalized CP and generalized hierarchical Tucker decompositions (the paper's main objects).

A shallow network's grid tensor is the *generalized CP decomposition*
(paper-notes D7)

    A^y = sum_z a^y_z (F a^{z,0}) (x)_g (F a^{z,1}) (x)_g ... (x)_g (F a^{z,N-1}),

and a deep network's is the *generalized hierarchical Tucker decomposition*
(D8: the COLT eq. 5 recursion with (x) replaced by (x)_g, a^{0,j,a} by F a^{0,j,a}),
here in its window form: each node applies P(sigma(.), ..., sigma(.)) to its w
children at once, so no law of g is assumed. The tensor is built level by level
through generalized outer products; the circuit's forward pass
(:func:`symbolic.tensor.circuit_graph.forward`) is the independent second route.

Note: "GCP" in TensorLy or pyttb means generalized-*loss* CP. Here it is the
generalized tensor product of Cohen & Shashua (ICML 2016).

>>> from symbolic.spec.network import shallow
>>> s = shallow(N=2, M=2, Z=1, activation="relu", pooling="max",
...             weights={"hidden": [[[1, -1], [2, 0]]], "output": [[3]]})
>>> cp = decomposition(s)
>>> cp
GeneralizedCP(N=2, M=2, Z=1, Y=1, operator=operator('relu', 'max'))
>>> cp.to_tensor().entries()   # 3 * max(0, v0[d0], v1[d1]) with v0 = (1, -1), v1 = (2, 0)
(6, 3, 6, 0)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from symbolic.tensor.engines import ENGINES, get_engine
from symbolic.errors import DomainError
from symbolic.tensor.operators import Operator
from symbolic.spec.network import Spec
from symbolic.tensor.grid import GridTensor
from symbolic.limits import Limits, use_limits

if TYPE_CHECKING:
    from symbolic.tensor.engines.exact import ExactArithmetic

__all__ = ["GeneralizedCP", "GeneralizedHT", "decomposition", "cp_to_tensor", "ht_to_tensor", "grid_tensor",
           "grid_tensors", "binary_form_valid"]


@dataclass(frozen=True)
class GeneralizedCP:
    """Generalized CP: ``A^y = sum_z coefficients[y][z] * (F v^{z,0}) (x)_g ... (x)_g (F v^{z,N-1})``.

    ``vectors[z][i]`` is a^{z,i} (M entries; with sharing the same for every i).
    """

    operator: Operator
    F: tuple
    vectors: tuple
    coefficients: tuple
    N: int
    M: int

    @property
    def Z(self) -> int:
        return len(self.vectors)

    def to_tensor(self, output: int = 0, engine: str = "exact", modulus: int | None = None) -> GridTensor:
        return cp_to_tensor(self, output, engine, modulus)

    def __repr__(self):
        return (f"GeneralizedCP(N={self.N}, M={self.M}, Z={self.Z}, Y={len(self.coefficients)}, "
                f"operator={self.operator!r})")


@dataclass(frozen=True)
class GeneralizedHT:
    """Generalized hierarchical Tucker over a w-ary pooling tree with a patch order.

    ``layers[l][k]`` is the ``r_l x r_{l-1}`` (``r_0 x M`` at l = 0) matrix of
    node k of level l (with sharing, repeated); ``output`` is ``[Y][r_{L-1}]``.
    Position k of the tree reads patch ``patch_order[k]``.
    """

    operator: Operator
    F: tuple
    layers: tuple
    output: tuple
    window: int
    patch_order: tuple
    N: int
    M: int

    @property
    def widths(self) -> tuple:
        return tuple(len(lay[0]) for lay in self.layers)

    def to_tensor(self, output: int = 0, engine: str = "exact", modulus: int | None = None) -> GridTensor:
        return ht_to_tensor(self, output, engine, modulus)

    def __repr__(self):
        return (f"GeneralizedHT(N={self.N}, M={self.M}, window={self.window}, widths={self.widths}, "
                f"Y={len(self.output)}, operator={self.operator!r})")


def decomposition(spec: Spec):
    """The generalized CP (shallow) or HT (deep) decomposition of a spec's grid tensors."""
    F = spec.representation
    if spec.architecture == "shallow":
        vectors = tuple(tuple(spec.hidden_vector(z, i) for i in range(spec.N)) for z in range(spec.Z))
        return GeneralizedCP(spec.operator, F, vectors, spec.output, spec.N, spec.M)
    layers = tuple(
        tuple(spec.layer_matrix(l, k) for k in range(spec.N // spec.window**l)) for l in range(spec.L)
    )
    return GeneralizedHT(spec.operator, F, layers, spec.output, spec.window, spec.order, spec.N, spec.M)


def binary_form_valid(op: Operator, window: int = 3):
    """May a deep network with this operator be read as an *iterated binary* generalized product?

    Only when g is associative and sigma leaves pooled values unchanged, i.e. when the
    window form P(sigma(a_1), ..., sigma(a_w)) equals the iterated binary form; this is
    decided exactly by :mod:`symbolic.identity.operator_laws` (never assumed); a window of 2 is g itself,
    so the question is asked for ``window`` >= 3 (default 3). Returns the LawResult
    (``holds`` True/False with its certificate; None if undecided).

    >>> from symbolic.tensor.operators import operator
    >>> binary_form_valid(operator("relu", "max")).holds, binary_form_valid(operator("relu", "average")).holds
    (True, False)
    """
    from symbolic.identity.operator_laws import window_equals_iterated

    return window_equals_iterated(op, window)


def _levels(dec):
    """(weights per position, pool window) for each level, plus the output weights."""
    if isinstance(dec, GeneralizedCP):
        W = tuple(tuple(tuple(dec.vectors[z][i] for z in range(dec.Z))) for i in range(dec.N))
        return [(W, dec.N)], dec.coefficients, tuple(range(dec.N))
    return [(lay, dec.window) for lay in dec.layers], dec.output, dec.patch_order


def _dec_cost(dec, engine: str, outputs: int):
    """The cost (:mod:`symbolic.cost`) of contracting a decomposition, from its sizes and weights."""
    from symbolic.cost import l1_bits, grid_cost

    levels, out_w, _ = _levels(dec)
    cp = isinstance(dec, GeneralizedCP)
    widths = (dec.Z,) if cp else dec.widths
    op = dec.operator
    kw = dict(N=dec.N, M=dec.M, widths=widths, Y=len(out_w), window=None if cp else dec.window,
              architecture="shallow" if cp else "deep", activation=op.activation, pooling=op.pooling, outputs=outputs)
    if engine == "symbolic" or dec.M ** min(dec.N, 64) > (1 << 40):  # no weight scan for what is refused anyway
        return grid_cost(engine=engine, **kw)
    return grid_cost(engine=engine, level_bits=[l1_bits(W) for W, _ in levels], output_bits=l1_bits([out_w]),
                     F_bits=l1_bits([[[x] for row in dec.F for x in row]]), **kw)


def _contract(dec, engine: str, modulus: int | None, outputs=None, checked: bool = False) -> list:
    """The grid tensors of the outputs ``outputs`` (default all) of a decomposition; the cost is
    checked first (:mod:`symbolic.cost`) unless the caller did (``checked``)."""
    if engine not in ENGINES:
        raise DomainError(f"engine={engine!r} is not one of {ENGINES}")
    N, M = dec.N, dec.M
    if not checked:
        _dec_cost(dec, engine, len(dec.coefficients if isinstance(dec, GeneralizedCP) else dec.output)
                  if outputs is None else len(outputs)).check()
    op = dec.operator
    to_residues: tuple[ExactArithmetic, int] | None = None  # (exact engine, prime): exact values, then residues
    if engine == "modular" and not op.is_polynomial:
        p = get_engine("modular", modulus).p  # the modulus, validated
        to_residues = (get_engine("exact"), p)
    ar = to_residues[0] if to_residues is not None else get_engine(engine, modulus)
    levels, out_w, order = _levels(dec)
    if outputs is not None:
        out_w = tuple(out_w[y] for y in outputs)
    X = ar.rep(dec.F, N)
    fused = None
    for n, (W, w) in enumerate(levels):
        X = ar.conv(W, X)
        X = ar.activate(op.activation, X)
        if n == len(levels) - 1 and hasattr(ar, "pool_output"):  # top pooling and output in one product
            fused = ar.pool_output(op.pooling, X, w, out_w)
        if fused is None:
            X = ar.pool(op.pooling, X, w)
    X = fused if fused is not None else ar.conv(out_w, X)
    axes = tuple(np.argsort(order))
    if to_residues is not None:
        return to_residues[0].finish_mod(X, (M,) * N, axes, to_residues[1])
    return ar.finish(X, (M,) * N, axes)


def _check_output(output: int, Y: int) -> int:
    if isinstance(output, bool) or not isinstance(output, int) or not 0 <= output < Y:
        raise DomainError(f"output={output!r} is out of range: the network has Y={Y} outputs (0..{Y - 1})")
    return output


def cp_to_tensor(cp: GeneralizedCP, output: int = 0, engine: str = "exact", modulus: int | None = None) -> GridTensor:
    """The grid tensor of a generalized CP decomposition (one output; only that one is computed)."""
    return _contract(cp, engine, modulus, [_check_output(output, len(cp.coefficients))])[0]


def ht_to_tensor(ht: GeneralizedHT, output: int = 0, engine: str = "exact", modulus: int | None = None) -> GridTensor:
    """The grid tensor of a generalized HT decomposition (one output; only that one is computed)."""
    return _contract(ht, engine, modulus, [_check_output(output, len(ht.output))])[0]


def _checked_decomposition(spec: Spec, engine: str, outputs):
    from symbolic.cost import spec_grid_cost

    if spec.is_symbolic and engine != "symbolic":
        raise DomainError(f"engine={engine!r} needs numeric weights; this spec has symbolic "
                          "weights: use engine='symbolic'")
    if not spec.operator.is_exact and engine != "symbolic":
        raise DomainError(f"activation={spec.activation.spec_name!r} has no exact rational "
                          "values; use engine='symbolic'")
    if engine not in ENGINES:
        raise DomainError(f"engine={engine!r} is not one of {ENGINES}")
    spec_grid_cost(spec, engine, len(outputs) if outputs is not None else None).check()  # before F or any array
    return decomposition(spec)


def grid_tensors(spec: Spec, engine: str = "exact", modulus: int | None = None, *,
                 limits: Limits | None = None) -> list:
    """The grid tensors of every output of a network, computed through its decomposition.

    Parameters
    ----------
    spec : Spec
    engine : {"exact", "modular", "symbolic"}
        ``exact`` (default): integers after clearing denominators; ``modular``:
        residues modulo ``modulus`` (default the largest prime below 2^26);
        ``symbolic``: sympy expressions (tiny sizes; required for symbolic weights
        or tanh/sigmoid).
    limits : symbolic.limits.Limits, optional
        The resource limits of this call; default: the limits in force.

    Raises
    ------
    TooLarge
        Before any work, when the tensors would not fit the limits of :mod:`symbolic.cost`.
    """
    with use_limits(limits):
        return _contract(_checked_decomposition(spec, engine, None), engine, modulus, checked=True)


def grid_tensor(spec: Spec, output: int = 0, engine: str = "exact", modulus: int | None = None, *,
                limits: Limits | None = None) -> GridTensor:
    """Compute the grid tensor A^y of a network through its generalized decomposition.

    A[d_0, ..., d_{N-1}] = h_y(x^(d_0), ..., x^(d_{N-1})) on the template grid (ICML 2016 eq. (3);
    docs/paper-notes.md D2), computed as the generalized CP decomposition (eq. (4), shallow) or
    generalized HT decomposition (eq. (5), deep) with g(a, b) = P(sigma(a), sigma(b)). Only output
    ``y = output`` is computed. :func:`symbolic.tensor.circuit_graph.forward_tensor` is the
    independent route.

    Parameters
    ----------
    spec : Spec
        The network.
    output : int, default 0
        The output y, in 0..Y-1.
    engine : {"exact", "modular", "symbolic"}, default ``"exact"``
        ``exact``: integers after clearing denominators; ``modular``: residues modulo
        ``modulus``; ``symbolic``: sympy expressions (tiny sizes; required for symbolic weights
        or tanh/sigmoid).
    modulus : int, optional
        The prime of the ``modular`` engine (default the largest prime below 2^26).
    limits : symbolic.limits.Limits, optional
        The resource limits of this call (memory, grid entries); default: the limits in force
        (:func:`symbolic.limits.limits`). Work that would not fit is refused before it starts.

    Returns
    -------
    GridTensor
        Order N, shape (M, ..., M).

    Raises
    ------
    DomainError
        For an unknown engine or an output out of range.
    TooLarge
        Before any work, when the tensor would not fit the limits of :mod:`symbolic.cost`.

    Examples
    --------
    >>> from symbolic.spec.network import deep
    >>> s = deep(N=4, M=2, activation="linear", pooling="product", seed=3, low=-3, high=3)
    >>> A = grid_tensor(s)
    >>> A.shape, A == grid_tensor(s, engine="symbolic")
    ((2, 2, 2, 2), True)
    >>> grid_tensor(s, engine="modular").modulus
    67108859
    """
    with use_limits(limits):
        outputs = [_check_output(output, spec.Y)]
        return _contract(_checked_decomposition(spec, engine, outputs), engine, modulus, outputs, checked=True)[0]


_ = math  # math is used in doc examples of callers

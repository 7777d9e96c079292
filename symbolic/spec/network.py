"""Network specs: loading, validation, constructors and serialisation.

The JSON format is fixed by ``shared/spec-format.md`` (version 1). The loader
is the single gate: a :class:`Spec` is valid by construction, and everything
downstream trusts it. Errors name the field path, the value and what was
expected.

>>> s = load_spec({"architecture": "shallow", "N": 2, "M": 2, "activation": "relu",
...                "pooling": "max", "weights": {"hidden": [[[1, -1], [0, "1/2"]]], "output": [[3]]}})
>>> s.Z, s.Y, s.operator
(1, 1, operator('relu', 'max'))
>>> load_spec({"architecture": "deep", "N": 4, "M": 2, "activation": "relu", "pooling": "max",
...            "weights": {"layers": [[[[1, 0]]] * 4, [[[1]]] * 3], "output": [[1]]}})
Traceback (most recent call last):
...
symbolic.errors.SpecError: weights.layers[1]: expected 2 positions (N / w^1 = 2), got 3
>>> deep(N=4, M=2, activation="linear", pooling="product", seed=0).widths
(2, 2)
"""

from __future__ import annotations

import functools
import json
import random
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from symbolic.cost import MAX_SPEC_BYTES, validate_weights
from symbolic.errors import DomainError, SpecError
from symbolic.kernel.parse import ParseError, load_json, read_json_file
from symbolic.numbers import parse_exact, parse_symbolic, to_json_number
from symbolic.tensor.operators import Activation, Operator, Pooling, activation as _activation, pooling as _pooling
from symbolic.spec.fields import (LenOnly, array, validate_declared_weights, validate_nesting, contains_symbol_strings,
                                  int_field, width)

__all__ = ["Spec", "load_spec", "spec_to_dict", "dump_spec", "shallow", "deep", "tree_depth", "FIELDS"]

FIELDS = ("architecture", "N", "M", "activation", "pooling", "F", "window", "patch_order", "shared", "weights")
#: Extension fields, read only together with ``"weights": "symbolic"`` (the widths of the symbols).
SYMBOLIC_FIELDS = ("Z", "widths", "Y")
MAX_N = 64


@dataclass(frozen=True)
class Spec:
    """A validated network (see spec-format.md). Build with :func:`load_spec`, :func:`shallow` or :func:`deep`.

    Weights are nested tuples of ints, Fractions or sympy expressions:
    ``hidden`` is ``[Z][N][M]`` (``[Z][M]`` shared), ``layers[l]`` is
    ``[N/w^l][r_l][r_{l-1} or M]`` (position axis omitted when shared),
    ``output`` is ``[Y][Z or r_{L-1}]``.
    """

    architecture: str
    N: int
    M: int
    activation: Activation
    pooling: Pooling
    output: tuple
    hidden: tuple | None = None
    layers: tuple | None = None
    F: tuple | None = None
    window: int = 2
    patch_order: tuple | None = None
    shared: bool = False
    symbolic_weights: bool = field(default=False, compare=False)

    # -- derived ------------------------------------------------------------------
    # Invariant of every Spec that load_spec, shallow() and deep() build: ``hidden`` is set exactly when
    # architecture == "shallow" and ``layers`` exactly when architecture == "deep". The two properties
    # below read the array the architecture has, so callers need no None check of their own.
    @property
    def _hidden(self) -> tuple:
        assert self.hidden is not None, "a shallow Spec has hidden weights (invariant of the constructors)"
        return self.hidden

    @property
    def _layers(self) -> tuple:
        assert self.layers is not None, "a deep Spec has layers (invariant of the constructors)"
        return self.layers

    @property
    def operator(self) -> Operator:
        return Operator(self.activation, self.pooling)

    @property
    def Y(self) -> int:
        return len(self.output)

    @property
    def Z(self) -> int:
        """Hidden channels of a shallow net (``r_0`` of a deep one)."""
        return len(self._hidden) if self.architecture == "shallow" else self.widths[0]

    @property
    def L(self) -> int:
        """Number of hidden layers (1 for shallow)."""
        return 1 if self.architecture == "shallow" else len(self._layers)

    @property
    def widths(self) -> tuple:
        """``(Z,)`` for shallow, ``(r_0, ..., r_{L-1})`` for deep."""
        if self.architecture == "shallow":
            return (len(self._hidden),)
        return tuple(len(lay if self.shared else lay[0]) for lay in self._layers)

    @property
    def order(self) -> tuple:
        """The patch order (identity when not given)."""
        return self.patch_order if self.patch_order is not None else tuple(range(self.N))

    @property
    def representation(self) -> tuple:
        """``F`` as a tuple of rows (identity when not given)."""
        if self.F is not None:
            return self.F
        return tuple(tuple(1 if i == j else 0 for j in range(self.M)) for i in range(self.M))

    @functools.cached_property
    def is_symbolic(self) -> bool:
        """True when some weight or F entry is a sympy expression with free symbols (computed once)."""
        arrays = self.all_weights() + ((self.F,) if self.F is not None else ())  # the identity F has no symbols
        return any(type(x) is not int and type(x) is not Fraction and hasattr(x, "free_symbols") and x.free_symbols
                   for x in _flat(arrays))

    def all_weights(self) -> tuple:
        if self.architecture == "shallow":
            return (self.hidden, self.output)
        return tuple(self._layers) + (self.output,)

    def hidden_vector(self, z: int, i: int) -> tuple:
        """a^{z,i}: the 1x1 conv of channel z at patch i (shallow)."""
        return self._hidden[z] if self.shared else self._hidden[z][i]

    def layer_matrix(self, l: int, k: int) -> tuple:
        """Weights of layer l at position k: ``[r_l][r_{l-1} or M]`` (deep)."""
        return self._layers[l] if self.shared else self._layers[l][k]

    def to_dict(self) -> dict:
        return spec_to_dict(self)

    def __repr__(self):
        w = f"Z={self.Z}" if self.architecture == "shallow" else f"widths={self.widths}, window={self.window}"
        extra = ", shared" if self.shared else ""
        return (f"<Spec {self.architecture} N={self.N} M={self.M} {self.operator.name} {w}, Y={self.Y}{extra}>")


def _flat(x) -> list:
    """The leaves of nested tuples, in order (iterative, linear time)."""
    out, stack = [], [x]
    while stack:
        y = stack.pop()
        if type(y) is tuple:
            stack.extend(reversed(y))
        else:
            out.append(y)
    return out


# ----------------------------------------------------------------------------- loading


def load_spec(source) -> Spec:
    """Load and validate a spec from a dict, a JSON string, or a path to a JSON file.

    A spec describes one network of ICML 2016: the shallow net (Fig. 1, a generalized CP
    decomposition, eq. (4)) or the deep net (Fig. 2, a generalized HT decomposition, eq. (5)), with
    its activation, pooling, templates' representation matrix F and weights (docs/spec-format.md).
    A file holding ``{"spec": {...}, ...}`` (as in ``shared/examples``) is accepted too. Files and
    JSON text are read by :func:`symbolic.kernel.parse.read_json_file` / ``load_json`` (limits on
    size, nesting and digits); expression strings of symbolic specs by ``parse_expr``.

    Parameters
    ----------
    source : dict, str, bytes, pathlib.Path or Spec
        The spec as a dict, JSON text (starting with ``{``), or the path of a JSON file; a
        :class:`Spec` is returned unchanged.

    Returns
    -------
    Spec
        The validated, immutable spec.

    Raises
    ------
    SpecError
        With the field path, the offending value and what was expected (a misspelled field gets
        a "did you mean").

    Examples
    --------
    >>> s = load_spec({"architecture": "shallow", "N": 2, "M": 2, "activation": "relu",
    ...                "pooling": "max", "weights": {"hidden": [[[3, 3], [-3, 1]]], "output": [[1]]}})
    >>> s.N, s.M, s.Z, s.activation.spec_name, s.pooling.name
    (2, 2, 1, 'relu', 'max')
    >>> load_spec({"architecture": "shallow", "N": 2, "M": 2, "activation": "relu", "poolng": "max"})
    Traceback (most recent call last):
    ...
    symbolic.errors.SpecError: poolng: expected one of the fields ... did you mean 'pooling'?
    """
    if isinstance(source, Spec):
        return source
    from_text = isinstance(source, (str, bytes, Path))
    if from_text:
        is_path = isinstance(source, Path) or (isinstance(source, str) and not source.lstrip().startswith("{"))
        try:
            source = (read_json_file(source, max_bytes=MAX_SPEC_BYTES) if is_path
                      else load_json(source, field="json", max_bytes=MAX_SPEC_BYTES))
        except ParseError as e:
            if e.kind == "unreadable":
                raise SpecError("file", str(source), f"a readable JSON file ({e.detail})") from None
            if e.kind == "json" and e.detail:
                line, column, msg = e.detail
                raise SpecError(str(source) if is_path else "json", None, "valid JSON",
                                got=f"{msg.lower()} at line {line} column {column}") from None
            raise
    if not isinstance(source, dict):
        raise SpecError("spec", source, "a JSON object")
    if not from_text:  # JSON text was walked by load_json already; a Python dict may be nested (or cyclic) at will
        validate_nesting(source)
    if "spec" in source and "architecture" not in source:
        source = source["spec"]
        if not isinstance(source, dict):
            raise SpecError("spec", source, "a JSON object")
    return _load_dict(source)


def _load_dict(d: dict) -> Spec:
    symbolic = d.get("weights") == "symbolic"
    allowed = FIELDS + (SYMBOLIC_FIELDS if symbolic else ())
    if symbolic:
        wrong = "widths" if d.get("architecture") == "shallow" else "Z"
        if wrong in d:
            allowed = tuple(k for k in allowed if k != wrong)
    for k in d:
        if k not in allowed:
            raise SpecError(k, d[k], f"one of the fields {', '.join(allowed)}", got=f"an unknown field {k!r}",
                            choices=allowed, near=k)
    arch = d.get("architecture", "<missing>")
    if arch not in ("shallow", "deep"):
        raise SpecError("architecture", arch, "'shallow' or 'deep'", choices=("shallow", "deep"))
    N = int_field(d, "N", 1, hi=MAX_N)
    M = int_field(d, "M", 1, hi=1 << 16)
    try:
        act = _activation(d.get("activation", "<missing>"))
    except DomainError as e:
        a = d.get("activation", "<missing>")
        what = ("leaky_relu:p/q with an exact rational slope p/q (no decimals), e.g. leaky_relu:1/10"
                if isinstance(a, str) and a.startswith("leaky_relu") else
                "one of linear, relu, abs, square, leaky_relu:p/q, tanh, sigmoid")
        names = ("linear", "relu", "abs", "square", "leaky_relu", "tanh", "sigmoid")
        unknown = not (isinstance(a, str) and a.partition(":")[0] in names)  # a bad slope gets no suggestion
        raise SpecError("activation", a, what, choices=names if unknown else ()) from e
    try:
        pool = _pooling(d.get("pooling", "<missing>"))
    except (DomainError, TypeError):
        raise SpecError("pooling", d.get("pooling", "<missing>"), "one of product, max, sum, average",
                        choices=("product", "max", "sum", "average")) from None
    shared = d.get("shared", False)
    if not isinstance(shared, bool):
        raise SpecError("shared", shared, "true or false")
    window, order = 2, None
    if arch == "deep":
        window = int_field(d, "window", 2, default=2, hi=MAX_N)  # N = window^L <= 64
        L = _log(N, window)
        if L is None:
            raise SpecError("N", N, f"a power of window={window} for a deep network")
        if "patch_order" in d and d["patch_order"] is not None:
            po = d["patch_order"]
            if (not isinstance(po, list) or any(isinstance(x, bool) or not isinstance(x, int) for x in po)
                    or sorted(po) != list(range(N))):
                raise SpecError("patch_order", po, f"a permutation of 0..{N - 1}")
            order = tuple(po)
    else:
        for k in ("window", "patch_order"):
            if k in d:
                raise SpecError(k, d[k], "nothing: the field is for deep networks only")
    w = d.get("weights", "<missing>")
    if isinstance(w, dict):  # counted before any leaf is looked at
        validate_declared_weights(arch, w, N, M, window, shared)
    num_has_symbols = contains_symbol_strings(d.get("weights")) or contains_symbol_strings(d.get("F"))
    parse = parse_symbolic if (symbolic or num_has_symbols) else parse_exact
    F = None
    if "F" in d and d["F"] is not None:
        F = array(d["F"], "F", [(M, "rows (M)"), (M, "entries (M)")], parse)
    if symbolic:
        return _symbolic_spec(d, arch, N, M, act, pool, F, window, order, shared)
    if not isinstance(w, dict):
        raise SpecError("weights", w, "an object or the string 'symbolic'")
    expected_keys = ("hidden", "output") if arch == "shallow" else ("layers", "output")
    for k in w:
        if k not in expected_keys:
            raise SpecError(f"weights.{k}", w[k],
                            f"no such field for a {arch} network; expected {' and '.join(expected_keys)}")
    for k in expected_keys:
        if k not in w:
            raise SpecError(f"weights.{k}", "<missing>", f"a weight array (required for a {arch} network)")
    if arch == "shallow":
        Z = width(w["hidden"], "weights.hidden", "channels (Z)")
        dims = [(Z, "channels (Z)")] + ([] if shared else [(N, "positions (N)")]) + [(M, "entries (M)")]
        hidden = array(w["hidden"], "weights.hidden", dims, parse)
        width(w["output"], "weights.output", "outputs (Y)")
        output = array(w["output"], "weights.output", [(len(w["output"]), "outputs"), (Z, "entries (Z)")], parse)
        return Spec(arch, N, M, act, pool, output, hidden=hidden, F=F, shared=shared)
    layers_raw = w["layers"]
    if not isinstance(layers_raw, list) or len(layers_raw) != L:
        raise SpecError("weights.layers", LenOnly(len(layers_raw)) if isinstance(layers_raw, list) else layers_raw,
                        f"{L} layers (log_{window} N = log_{window} {N})")
    layers, prev = [], M
    for l, lay in enumerate(layers_raw):
        path = f"weights.layers[{l}]"
        npos = N // window**l
        if shared:
            r = width(lay, path, f"channels (r_{l})")
            dims = [(r, f"channels (r_{l})")]
        else:
            if not isinstance(lay, list) or len(lay) != npos:
                got = len(lay) if isinstance(lay, list) else lay
                raise SpecError(path, LenOnly(got) if isinstance(lay, list) else got,
                                f"{npos} positions (N / w^{l} = {npos})")
            r = width(lay[0], f"{path}[0]", f"channels (r_{l})")
            dims = [(npos, f"positions (N / w^{l} = {npos})"), (r, f"channels (r_{l})")]
        dims.append((prev, "entries (M)" if l == 0 else f"entries (r_{l - 1})"))
        layers.append(array(lay, path, dims, parse))
        prev = r
    width(w["output"], "weights.output", "outputs (Y)")
    output = array(w["output"], "weights.output", [(len(w["output"]), "outputs"), (prev, f"entries (r_{L - 1})")],
                   parse)
    return Spec(arch, N, M, act, pool, output, layers=tuple(layers), F=F, window=window, patch_order=order,
                shared=shared)


def _log(N: int, w: int):
    L, n = 0, 1
    while n < N:
        n *= w
        L += 1
    return L if n == N and L >= 1 else None


def tree_depth(N: int, window: int = 2) -> int:
    """L with N = window^L (L >= 1): the number of layers of a deep network.

    >>> tree_depth(16, 4), tree_depth(8)
    (2, 3)
    """
    L = _log(N, window) if isinstance(N, int) and isinstance(window, int) and window >= 2 else None
    if L is None:
        raise DomainError(f"N={N}: a deep network needs N = window^L with L >= 1 (window={window})")
    return L


def _symbolic_spec(d, arch, N, M, act, pool, F, window, order, shared) -> Spec:
    import sympy

    Y = int_field(d, "Y", 1, default=1)
    if arch == "shallow":
        Z = int_field(d, "Z", 1, default=M)
        validate_weights(arch, N=N, M=M, widths=(Z,), Y=Y, shared=shared, symbolic=True)
        if shared:
            hidden = tuple(tuple(sympy.Symbol(f"a_{z}_{j}") for j in range(M)) for z in range(Z))
        else:
            hidden = tuple(tuple(tuple(sympy.Symbol(f"a_{z}_{i}_{j}") for j in range(M)) for i in range(N))
                           for z in range(Z))
        output = tuple(tuple(sympy.Symbol(f"o_{y}_{z}") for z in range(Z)) for y in range(Y))
        return Spec(arch, N, M, act, pool, output, hidden=hidden, F=F, shared=shared, symbolic_weights=True)
    L = _log(N, window)
    widths = d.get("widths", [M] * L)
    if (not isinstance(widths, list) or len(widths) != L
            or any(isinstance(r, bool) or not isinstance(r, int) or r < 1 for r in widths)):
        raise SpecError("widths", widths, f"a list of {L} positive ints (r_0 .. r_{L - 1})")
    validate_weights(arch, N=N, M=M, widths=tuple(widths), Y=Y, window=window, shared=shared, symbolic=True)
    layers, prev = [], M
    for l, r in enumerate(widths):
        def mat(k):
            pre = f"w{l}_" if k is None else f"w{l}_{k}_"
            return tuple(tuple(sympy.Symbol(f"{pre}{c}_{a}") for a in range(prev)) for c in range(r))
        layers.append(mat(None) if shared else tuple(mat(k) for k in range(N // window**l)))
        prev = r
    output = tuple(tuple(sympy.Symbol(f"o_{y}_{c}") for c in range(prev)) for y in range(Y))
    return Spec(arch, N, M, act, pool, output, layers=tuple(layers), F=F, window=window, patch_order=order,
                shared=shared, symbolic_weights=True)


# ----------------------------------------------------------------------------- writing
def _json_array(x):
    if isinstance(x, tuple):
        if x and not isinstance(x[0], tuple):  # a row of numbers (arrays are regular): one level, no recursion
            return [to_json_number(y) for y in x]
        return [_json_array(y) for y in x]
    return to_json_number(x)


def spec_to_dict(spec: Spec) -> dict:
    """The spec as a JSON-ready dict in the format of docs/spec-format.md.

    The inverse of :func:`load_spec`: ``load_spec(spec_to_dict(s)) == s``. Exact rationals are
    written as strings (``"1/3"``), integers as numbers; defaults are left out.

    Parameters
    ----------
    spec : Spec
        A validated spec.

    Returns
    -------
    dict
        JSON-ready: only dicts, lists, strings and numbers.

    Examples
    --------
    >>> s = shallow(N=2, M=2, Z=1, activation="relu", pooling="max", seed=0, low=-3, high=3)
    >>> spec_to_dict(s)
    {'architecture': 'shallow', 'N': 2, 'M': 2, 'activation': 'relu', 'pooling': 'max',
     'weights': {'hidden': [[[3, 3], [-3, 1]]], 'output': [[0]]}}
    >>> load_spec(spec_to_dict(s)) == s
    True
    """
    d = {"architecture": spec.architecture, "N": spec.N, "M": spec.M,
         "activation": spec.activation.spec_name, "pooling": spec.pooling.name}
    if spec.F is not None:
        d["F"] = _json_array(spec.F)
    if spec.architecture == "deep":
        if spec.window != 2:
            d["window"] = spec.window
        if spec.patch_order is not None:
            d["patch_order"] = list(spec.patch_order)
    if spec.shared:
        d["shared"] = True
    if spec.symbolic_weights:
        d["weights"] = "symbolic"
        if spec.architecture == "shallow":
            d["Z"] = spec.Z
        else:
            d["widths"] = list(spec.widths)
        if spec.Y != 1:
            d["Y"] = spec.Y
        return d
    if spec.architecture == "shallow":
        d["weights"] = {"hidden": _json_array(spec.hidden), "output": _json_array(spec.output)}
    else:
        d["weights"] = {"layers": [_json_array(l) for l in spec._layers], "output": _json_array(spec.output)}
    return d


def dump_spec(spec: Spec, indent: int | None = None) -> str:
    """The spec as a JSON string."""
    return json.dumps(spec_to_dict(spec), indent=indent)


# ----------------------------------------------------------------------------- constructors
def _draw(rng: random.Random, low: int, high: int, denominators: tuple) -> object:
    q = Fraction(rng.randint(low, high), rng.choice(denominators))
    return int(q) if q.denominator == 1 else q


def _weights_arg(weights, low, high, denominators=(1,), seed=0):
    if weights not in ("random", "symbolic") and not isinstance(weights, dict):
        raise DomainError(f"weights={weights!r} is not one of 'random', 'symbolic' or a dict of weight arrays")
    if (isinstance(low, bool) or isinstance(high, bool) or not isinstance(low, int) or not isinstance(high, int)
        or low > high):
        raise DomainError(f"low={low!r}, high={high!r}: expected ints with low <= high")
    dens = denominators if isinstance(denominators, (tuple, list)) else None
    if not dens or any(isinstance(d, bool) or not isinstance(d, int) or d < 1 for d in dens):
        raise DomainError(f"denominators={str(denominators)[:40]}: expected a nonempty tuple of ints >= 1")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise DomainError(f"seed={seed!r}: expected an int >= 0")


def shallow(*, N: int, M: int, Z: int | None = None, activation="linear", pooling="product", weights="random",
            seed: int = 0, low: int = -1000, high: int = 1000, denominators=(1,), F=None,
            shared: bool = False, Y: int = 1) -> Spec:
    """Build a shallow network (ICML 2016, Fig. 1): Z hidden channels, then global pooling.

    Its grid tensor is the generalized CP decomposition (ICML 2016 eq. (4); docs/paper-notes.md D7)
    A^y = sum_{z=1}^{Z} a^y_z (F a^{z,1}) (x)_g ... (x)_g (F a^{z,N}), with g(a, b) = P(sigma(a), sigma(b)).

    Parameters
    ----------
    N : int
        Number of patches (>= 1).
    M : int
        Number of templates, the dimension of each mode of the grid tensor.
    Z : int, optional
        Hidden channels (default M).
    activation : str or Activation, default ``"linear"``
        sigma, as in a spec (``"relu"``, ``"leaky_relu:1/10"``, ...).
    pooling : str or Pooling, default ``"product"``
        P, as in a spec (``"product"``, ``"max"``, ``"sum"``, ``"average"``, ...).
    weights : ``"random"``, ``"symbolic"`` or dict, default ``"random"``
        ``"random"``: integers in [low, high] divided by one of ``denominators``, drawn with
        ``seed``; ``"symbolic"``: sympy symbols; or a dict ``{"hidden": ..., "output": ...}`` in the
        JSON layout of docs/spec-format.md.
    seed : int, default 0
        Seed of the random weights.
    low, high : int, default -1000, 1000
        Range of the random integer numerators.
    denominators : tuple of int, default (1,)
        Denominators of the random weights.
    F : sequence of sequences, optional
        The M x M representation matrix F_{ij} = f_j(x^(i)) (default: the identity).
    shared : bool, default False
        Coefficient sharing across locations (a^{z,i} = a^z).
    Y : int, default 1
        Number of outputs (symbolic weights).

    Returns
    -------
    Spec
        The validated, immutable spec.

    Raises
    ------
    SpecError
        For an invalid field (unknown activation or pooling, bad sizes or weights).

    Examples
    --------
    >>> s = shallow(N=4, M=2, Z=3, activation="relu", pooling="max", seed=0)
    >>> s.Z, len(s.hidden[0]), s.hidden == shallow(N=4, M=2, Z=3, activation="relu", pooling="max", seed=0).hidden
    (3, 4, True)
    """
    Z = M if Z is None else Z
    _weights_arg(weights, low, high, denominators, seed)
    d = {"architecture": "shallow", "N": N, "M": M, "activation": _name(activation), "pooling": _name(pooling)}
    if F is not None:
        d["F"] = _json_array(tuple(map(tuple, F)))
    if shared:
        d["shared"] = True
    if weights == "symbolic":
        d.update(weights="symbolic", Z=Z, Y=Y)
        return load_spec(d)
    if weights == "random":
        validate_weights("shallow", N=N, M=M, widths=(Z,), Y=Y, shared=shared)
        rng = random.Random(seed)
        dr = lambda: to_json_number(_draw(rng, low, high, tuple(denominators)))  # noqa: E731
        hid = [[dr() for _ in range(M)] for _ in range(Z)] if shared else [
            [[dr() for _ in range(M)] for _ in range(N)] for _ in range(Z)]
        weights = {"hidden": hid, "output": [[dr() for _ in range(Z)] for _ in range(Y)]}
    d["weights"] = weights
    return load_spec(d)


def deep(*, N: int, M: int, widths=None, window: int = 2, patch_order=None, activation="linear",
         pooling="product", weights="random", seed: int = 0, low: int = -1000, high: int = 1000,
         denominators=(1,), F=None, shared: bool = False, Y: int = 1) -> Spec:
    """Build a deep network (ICML 2016, Fig. 2): a pooling tree of window ``window`` over N = window^L patches.

    Its grid tensor is the generalized HT decomposition (ICML 2016 eq. (5); docs/paper-notes.md D8):
    each level computes phi^{l,j,gamma} = sum_alpha a^{l,j,gamma}_alpha phi^{l-1,.,alpha} (x)_g ... ,
    with g(a, b) = P(sigma(a), sigma(b)); window 4 is the quad tree of ICLR 2017.

    Parameters
    ----------
    N : int
        Number of patches, a power of ``window``.
    M : int
        Number of templates.
    widths : sequence of int, optional
        The widths r_0 .. r_{L-1} (default M each).
    window : int, default 2
        Pooling window size.
    patch_order : sequence of int, optional
        The pooling geometry: a permutation of 0..N-1; position k of the pooling tree reads patch
        ``patch_order[k]`` (default: the identity, contiguous windows).
    activation : str or Activation, default ``"linear"``
        sigma, as in a spec.
    pooling : str or Pooling, default ``"product"``
        P, as in a spec.
    weights : ``"random"``, ``"symbolic"`` or dict, default ``"random"``
        ``"random"``: integers in [low, high] divided by one of ``denominators``, drawn with
        ``seed``; ``"symbolic"``; or a dict ``{"layers": ..., "output": ...}`` in the JSON layout.
    seed : int, default 0
        Seed of the random weights.
    low, high : int, default -1000, 1000
        Range of the random integer numerators.
    denominators : tuple of int, default (1,)
        Denominators of the random weights.
    F : sequence of sequences, optional
        The M x M representation matrix (default: the identity).
    shared : bool, default False
        Coefficient sharing across locations (a^{l,j,gamma} = a^{l,gamma}).
    Y : int, default 1
        Number of outputs (symbolic weights).

    Returns
    -------
    Spec
        The validated, immutable spec.

    Raises
    ------
    DomainError
        If N is not a power of ``window``.
    SpecError
        For another invalid field.

    Examples
    --------
    >>> s = deep(N=8, M=2, widths=(3, 2, 2), activation="relu", pooling="max", seed=1)
    >>> s.L, s.widths, len(s.layers[1])
    (3, (3, 2, 2), 4)
    """
    L = _log(N, window) if isinstance(N, int) and isinstance(window, int) and window >= 2 and N >= 1 else None
    if L is None:
        raise DomainError(f"N={N!r} is not a power of window={window!r} (window >= 2)")
    widths = tuple([M] * L if widths is None else widths)
    _weights_arg(weights, low, high, denominators, seed)
    d = {"architecture": "deep", "N": N, "M": M, "activation": _name(activation), "pooling": _name(pooling)}
    if window != 2:
        d["window"] = window
    if patch_order is not None:
        d["patch_order"] = list(patch_order)
    if F is not None:
        d["F"] = _json_array(tuple(map(tuple, F)))
    if shared:
        d["shared"] = True
    if weights == "symbolic":
        d.update(weights="symbolic", widths=list(widths), Y=Y)
        return load_spec(d)
    if weights == "random":
        if len(widths) != L:
            raise DomainError(f"widths={widths!r}: expected {L} widths (log_{window} N)")
        validate_weights("deep", N=N, M=M, widths=widths, Y=Y, window=window, shared=shared)
        rng = random.Random(seed)
        dr = lambda: to_json_number(_draw(rng, low, high, tuple(denominators)))  # noqa: E731
        layers, prev = [], M
        for l, r in enumerate(widths):
            mat = lambda: [[dr() for _ in range(prev)] for _ in range(r)]  # noqa: E731
            layers.append(mat() if shared else [mat() for _ in range(N // window**l)])
            prev = r
        weights = {"layers": layers, "output": [[dr() for _ in range(prev)] for _ in range(Y)]}
    d["weights"] = weights
    return load_spec(d)


def _name(x):
    return x.spec_name if isinstance(x, Activation) else (x.name if isinstance(x, Pooling) else x)

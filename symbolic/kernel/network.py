"""The kernel's own reading of a network spec, and its own forward pass.

Independent of :mod:`symbolic.spec.network` and :mod:`symbolic.tensor.circuit_graph`: the spec dict is
validated here again (strictly: unknown fields refused), numbers are read by the
whitelist parser, and the grid tensor is evaluated point by point over the network's
layers (vectorised over grid points with numpy object arrays, or int64 residues
modulo a prime for polynomial operators).

>>> net = read_net({"architecture": "shallow", "N": 2, "M": 2, "activation": "relu",
...                 "pooling": "max", "weights": {"hidden": [[[1, -1], [2, 0]]], "output": [[3]]}})
>>> [int(x) for x in grid(net)[0]]
[6, 3, 6, 0]
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
from .lazy import sympy

from . import cost
from .failure import fail as _fail, need
from .parse import parse_expr, parse_rational

ACTIVATIONS = ("linear", "relu", "abs", "square", "tanh", "sigmoid")  # and leaky_relu:p/q
POOLINGS = ("product", "max", "sum", "average")
_FIELDS = {"architecture", "N", "M", "activation", "pooling", "F", "window", "patch_order", "shared", "weights",
           "Z", "widths", "Y"}
CHUNK = 1 << 20


def _fail_if(cond, msg):
    need(not cond, msg)


def _int(d, key, lo, hi, default=None):
    v = d.get(key, default)
    if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
        _fail(f"spec.{key}={v!r}: expected an int in [{lo}, {hi}]")
    return v


def _extremum(kind, args):
    """Max or Min in a canonical form (nested ones flattened, numbers merged, arguments sorted and
    distinct), without sympy's costly simplification: equal inputs give identical expressions."""
    flat, nums = [], []
    for a in args:
        for b in (a.args if isinstance(a, kind) else (a,)):
            if isinstance(b, (int, Fraction)) or (isinstance(b, sympy.Basic) and b.is_Rational):
                nums.append(sympy.Rational(str(b)) if not isinstance(b, sympy.Basic) else b)
            else:
                flat.append(b)
    if nums:
        flat.append((max if kind is sympy.Max else min)(nums))
    flat = sorted(set(flat), key=sympy.default_sort_key)
    return flat[0] if len(flat) == 1 else kind(*flat, evaluate=False)


def kmax(*args):
    """max of numbers, or a canonical sympy Max."""
    if not any(isinstance(a, sympy.Basic) and not a.is_Rational for a in args):
        return max(args)
    return _extremum(sympy.Max, args)


def kmin(*args):
    if not any(isinstance(a, sympy.Basic) and not a.is_Rational for a in args):
        return min(args)
    return _extremum(sympy.Min, args)


def activation(name: str):
    """(exact function or None, sympy function) of an activation name."""
    _fail_if(not isinstance(name, str), f"activation={name!r} is not a name")
    if name.startswith("leaky_relu:"):
        s = parse_rational(name.split(":", 1)[1], field="activation slope")
        big = s > 1  # x if x > 0 else s x: max(x, s x) for s <= 1 (negative slopes too), min(x, s x) for s > 1
        return ((lambda x: x if x > 0 else s * x),
                (lambda x: (kmin if big else kmax)(x, sympy.Rational(s.numerator, s.denominator) * x)))
    table = {"linear": (lambda x: x, lambda x: x),
             "relu": (lambda x: x if x > 0 else 0, lambda x: kmax(x, sympy.Integer(0))),
             "abs": (abs, lambda x: sympy.Abs(x)),
             "square": (lambda x: x * x, lambda x: x**2),
             "tanh": (None, lambda x: sympy.tanh(x)),
             "sigmoid": (None, lambda x: 1 / (1 + sympy.exp(-x)))}
    _fail_if(name not in table, f"activation={name!r} is not one of {ACTIVATIONS + ('leaky_relu:p/q',)}")
    return table[name]


def is_identity(name: str) -> bool:
    """sigma(x) = x by the kernel's own definition (``linear``, and ``leaky_relu:1``)."""
    exact, symbolic = activation(name)
    if name == "linear":
        return True
    if exact is not None and (exact(-1) != -1 or exact(2) != 2):  # an exact point where sigma(x) != x
        return False
    x = sympy.Symbol("x")
    return sympy.expand(symbolic(x) - x) == 0


def pool(name: str, values: list):
    """P over a window of values (numbers, sympy expressions or numpy object arrays)."""
    if name == "product":
        return math.prod(values[1:], start=values[0])
    if name == "max":
        if any(isinstance(v, sympy.Basic) for v in values):
            return kmax(*values)
        out = values[0]
        for v in values[1:]:
            out = np.maximum(out, v) if isinstance(out, np.ndarray) else max(out, v)
        return out
    total = sum(values[1:], start=values[0])
    if name == "sum":
        return total
    if name == "average":
        return total * Fraction(1, len(values)) if not isinstance(total, sympy.Basic) else total / len(values)
    _fail(f"pooling={name!r} is not one of {POOLINGS}")


@dataclass(frozen=True)
class Net:
    """A network as the kernel reads it: layers of weight arrays (exact numbers or sympy)."""

    architecture: str
    N: int
    M: int
    activation: str
    pooling: str
    F: tuple | None
    window: int
    order: tuple
    shared: bool
    layers: tuple  # per layer: per position (or one, shared): per channel: weight vector
    output: tuple  # per y: weight vector
    symbolic: bool  # weights are symbols ("weights": "symbolic")

    @property
    def widths(self) -> tuple:
        return tuple(len(lay[0]) for lay in self.layers)

    @property
    def Y(self) -> int:
        return len(self.output)

    def weights(self):
        """Every weight (and F entry), flattened."""
        out = [x for lay in self.layers for pos in lay for ch in pos for x in ch]
        out += [x for row in self.output for x in row]
        return out + ([x for row in self.F for x in row] if self.F else [])

    def family(self) -> dict:
        """What a statement about a family of networks fixes (everything but the weight values)."""
        d = {"architecture": self.architecture, "N": self.N, "M": self.M, "activation": self.activation,
             "pooling": self.pooling, "shared": self.shared}
        if self.architecture == "deep":
            d.update(window=self.window, patch_order=list(self.order), widths=list(self.widths))
        else:
            d["Z"] = self.widths[0]
        return d


def _array(x, dims, path, parse):
    if not dims:
        return parse(x, path)
    if not isinstance(x, list) or len(x) != dims[0]:
        _fail(f"{path}: expected a list of {dims[0]}, got {type(x).__name__}"
              + (f" of {len(x)}" if isinstance(x, list) else ""))
    return tuple(_array(y, dims[1:], f"{path}[{i}]", parse) for i, y in enumerate(x))


def _number(x, path):
    if type(x) is int and -(1 << 60) < x < 1 << 60:  # most weights: a small int is itself (no digits to count)
        return x
    if isinstance(x, (bool, float)) or not isinstance(x, (int, str)):
        _fail(f"{path}={x!r}: expected an exact number (int or 'p/q')")
    q = parse_rational(x, field=path)
    return q.numerator if q.denominator == 1 else q


def _expression(x, path):
    if isinstance(x, str) and any(c.isalpha() for c in x):
        e = parse_expr(x, field=path)
        cost.expansion(e, path)  # a weight such as (a1 + ... + a9)^64 is refused before anything expands it
        return e
    q = _number(x, path)
    return sympy.Rational(q.numerator, q.denominator) if isinstance(q, Fraction) else sympy.Integer(q)


def read_net(d, field: str = "spec") -> Net:
    """Validate a spec dict (the format of docs/spec-format.md) and read it into a :class:`Net`."""
    _fail_if(not isinstance(d, dict), f"{field}: expected a spec object")
    extra = set(d) - _FIELDS
    _fail_if(extra, f"{field}: unknown fields {sorted(extra)}")
    arch = d.get("architecture")
    _fail_if(arch not in ("shallow", "deep"), f"{field}.architecture={arch!r}: expected shallow or deep")
    N, M = _int(d, "N", 1, 64), _int(d, "M", 1, 4096)
    act, pl = d.get("activation"), d.get("pooling")
    activation(act)
    _fail_if(pl not in POOLINGS, f"{field}.pooling={pl!r}: expected one of {POOLINGS}")
    shared = d.get("shared", False)
    _fail_if(not isinstance(shared, bool), f"{field}.shared={shared!r}: expected true or false")
    symbolic = d.get("weights") == "symbolic"
    _fail_if(not symbolic and {"Z", "widths", "Y"} & set(d),
             f"{field}: Z, widths and Y are fields of symbolic specs only")
    has_symbols = symbolic

    def contains_names(x):
        if isinstance(x, list):
            return any(contains_names(y) for y in x)
        return isinstance(x, str) and any(c.isalpha() for c in x)

    w = d.get("weights")
    _fail_if(not symbolic and not isinstance(w, dict), f"{field}.weights: expected an object or 'symbolic'")
    if not symbolic and (contains_names(w.get("hidden", w.get("layers"))) or contains_names(w.get("output"))
                         or contains_names(d.get("F"))):
        has_symbols = True
    parse = _expression if has_symbols else _number
    _fail_if("F" in d and d["F"] is None, f"{field}.F=None: expected an M x M matrix (omit F for the identity)")
    F = _array(d["F"], [M, M], f"{field}.F", parse) if "F" in d else None
    window, order = 2, tuple(range(N))
    if arch == "deep":
        window = _int(d, "window", 2, 64, default=2)
        L = round(math.log(N, window)) if N > 1 else 0
        _fail_if(L < 1 or window**L != N, f"{field}.N={N}: a deep network needs N = window^L (window={window})")
        po = d.get("patch_order")
        _fail_if("patch_order" in d and po is None,
                 f"{field}.patch_order=None: expected a permutation of 0..{N - 1} (omit it for the identity)")
        if po is not None:
            if not isinstance(po, list) or any(isinstance(x, bool) or not isinstance(x, int) for x in po) \
                    or sorted(po) != list(range(N)):
                _fail(f"{field}.patch_order={po!r}: expected a permutation of 0..{N - 1}")
            order = tuple(po)
        sizes = [(N // window**l, window) for l in range(L)]
    else:
        _fail_if("window" in d or "patch_order" in d,
                 f"{field}: window and patch_order are fields of deep networks only")
        sizes = [(N, N)]
    if symbolic:
        return _symbolic_net(d, field, arch, N, M, act, pl, F, window, order, shared, sizes)
    keys = ("hidden", "output") if arch == "shallow" else ("layers", "output")
    _fail_if(set(w) != set(keys), f"{field}.weights: expected exactly the fields {keys}, got {sorted(w)}")
    raw = [w["hidden"]] if arch == "shallow" else w["layers"]
    _fail_if(not isinstance(raw, list) or len(raw) != len(sizes), f"{field}.weights: expected {len(sizes)} layers")
    layers, prev = [], M
    for l, (lay, (npos, _)) in enumerate(zip(raw, sizes)):
        path = f"{field}.weights.{'hidden' if arch == 'shallow' else f'layers[{l}]'}"
        if arch == "shallow":  # [Z][N][M] -> per position, per channel
            Z = len(lay) if isinstance(lay, list) else 0
            a = _array(lay, [Z, M] if shared else [Z, N, M], path, parse)
            lay_t = (a,) if shared else tuple(tuple(a[z][i] for z in range(Z)) for i in range(N))
        else:
            inner = lay if shared else (lay[0] if isinstance(lay, list) and lay else None)
            r = len(inner) if isinstance(inner, list) else 0
            a = _array(lay, [r, prev] if shared else [npos, r, prev], path, parse)
            lay_t = (a,) if shared else a
        _fail_if(not lay_t[0], f"{path}: a layer needs at least one channel")
        layers.append(lay_t)
        prev = len(lay_t[0])
    out = w["output"]
    Y = len(out) if isinstance(out, list) else 0
    output = _array(out, [Y, prev], f"{field}.weights.output", parse)
    _fail_if(Y < 1, f"{field}.weights.output: at least one output")
    return Net(arch, N, M, act, pl, F, window, order, shared, tuple(layers), output, False)


def _symbolic_net(d, field, arch, N, M, act, pl, F, window, order, shared, sizes) -> Net:
    S = sympy.Symbol
    layers: Any  # a tuple per layer (built as a list for deep nets)
    _symbol_count(d, arch, N, M, shared, sizes)
    Y = _int(d, "Y", 1, 64, default=1)
    if arch == "shallow":
        _fail_if("widths" in d, f"{field}.widths: a field of deep networks")
        Z = _int(d, "Z", 1, 4096, default=M)
        if shared:
            layers = ((tuple(tuple(S(f"a_{z}_{j}") for j in range(M)) for z in range(Z)),),)
        else:
            layers = (tuple(tuple(tuple(S(f"a_{z}_{i}_{j}") for j in range(M)) for z in range(Z))
                            for i in range(N)),)
        widths = [Z]
    else:
        _fail_if("Z" in d, f"{field}.Z: a field of shallow networks")
        widths = d.get("widths", [M] * len(sizes))
        if not isinstance(widths, list) or len(widths) != len(sizes) or \
                any(isinstance(r, bool) or not isinstance(r, int) or not 1 <= r <= 4096 for r in widths):
            _fail(f"{field}.widths={widths!r}: expected {len(sizes)} positive ints")
        layers, prev = [], M
        for l, r in enumerate(widths):
            def mat(k, l=l, r=r, prev=prev):
                pre = f"w{l}_" if k is None else f"w{l}_{k}_"
                return tuple(tuple(S(f"{pre}{c}_{a}") for a in range(prev)) for c in range(r))
            layers.append((mat(None),) if shared else tuple(mat(k) for k in range(sizes[l][0])))
            prev = r
        layers = tuple(layers)
    output = tuple(tuple(S(f"o_{y}_{c}") for c in range(widths[-1])) for y in range(Y))
    return Net(arch, N, M, act, pl, F, window, order, shared, layers, output, True)


def _symbol_count(d, arch, N, M, shared, sizes):
    """Refuse a symbolic network with more weights than the kernel's budget, before a symbol is made."""
    Y = d.get("Y", 1) if isinstance(d.get("Y", 1), int) else 1
    if arch == "shallow":
        Z = d.get("Z", M) if isinstance(d.get("Z", M), int) else M
        count = Z * M * (1 if shared else N) + Y * Z
    else:
        widths = d.get("widths", [M] * len(sizes))
        widths = widths if isinstance(widths, list) and all(isinstance(r, int) for r in widths) else [M] * len(sizes)
        count, prev = 0, M
        for (npos, _), r in zip(sizes, widths):
            count += (1 if shared else npos) * max(r, 0) * prev
            prev = max(r, 0)
        count += Y * prev
    cost.symbols(count)


def substitute(net: Net, point: dict) -> Net:
    """The net with every symbol replaced by an exact rational of ``point`` (all symbols required)."""
    def sub(x):
        if isinstance(x, tuple):
            return tuple(sub(y) for y in x)
        if isinstance(x, sympy.Basic):
            v = x.xreplace(point)
            _fail_if(not v.is_Rational, f"the point does not give a rational value to {x}")
            return int(v) if v.is_Integer else Fraction(int(v.p), int(v.q))
        return x
    return Net(net.architecture, net.N, net.M, net.activation, net.pooling, sub(net.F) if net.F else None,
               net.window, net.order, net.shared, sub(net.layers), sub(net.output), False)


def is_numeric(net: Net) -> bool:
    basic = sympy.Basic
    return not any(isinstance(x, basic) for x in net.weights())


def entry_size(net: Net) -> int:
    """An upper bound on the expression-tree size of one symbolic grid entry (1 for numeric weights):
    every layer's convolution sums its fan-in, every pooling joins its window."""
    if is_numeric(net):
        return 1
    size, fan_in = 1, net.M
    w = net.N if net.architecture == "shallow" else net.window
    for lay in net.layers:
        size = fan_in * (size + 1) + 1
        size = w * size + 1
        fan_in = len(lay[0])
    return fan_in * (size + 1)


def entry_bits(net: Net) -> int:
    """An upper bound of the order of the bit size of one exact grid entry: the entries are (piecewise)
    polynomials in the weights whose degree the layers multiply (a convolution adds one weight, square doubles,
    product pooling multiplies by the window), times the bits of one weight written over the common
    denominator L of all weights (an entry of degree d is an integer polynomial in the w L over L^d: a sum of
    fractions with distinct denominators has all of them in its denominator), plus the bits of the sums."""
    ws = [Fraction(x) for x in net.weights()]
    B = max((w.numerator.bit_length() for w in ws), default=1) + 2 * cost.lcm_bits(w.denominator for w in ws)
    d, terms = 0, 0
    w = net.N if net.architecture == "shallow" else net.window
    fan_in = net.M
    for lay in net.layers:
        d, terms = d + 1, terms + fan_in.bit_length()
        if net.activation == "square":
            d, terms = 2 * d, 2 * terms
        if net.pooling == "product":
            d, terms = w * d, w * terms
        fan_in = len(lay[0])
    return (d + 1) * B + terms + fan_in.bit_length()


def grid(net: Net, modulus: int | None = None) -> list:
    """The grid tensors (one flat row-major array per output) by the forward pass.

    A neuron sees a block of patches (its receptive field); below the last pooling it is evaluated
    once per distinct input of its block (the templates of its patches, row-major, first child
    slowest), the last pooling and the output layer once per grid point, in chunks of ``CHUNK``
    points, so that memory stays bounded. ``modulus``: evaluate modulo a prime below 2^26 (int64
    residues; polynomial operators, weights without that prime in a denominator).
    """
    N, M = net.N, net.M
    cost.grid_points(M, N, net.Y, "modular" if modulus is not None else "exact" if is_numeric(net) else "symbolic",
                     entry_size(net), entry_bits(net) if modulus is None and is_numeric(net) else 0, len(net.weights()))
    exact, symb = activation(net.activation)
    numeric = is_numeric(net) and exact is not None
    if modulus is not None:
        p = modulus
        _fail_if(net.activation not in ("linear", "square") or net.pooling == "max" or not numeric or type(p) is not int
                 or not 2 <= p < 1 << 26 or any(Fraction(x).denominator % p == 0 for x in net.weights()),
                 f"modular evaluation needs a polynomial operator, numeric weights and a prime below 2^26 that "
                 f"divides no denominator of the weights (prime={p!r})")
        cv = lambda x: Fraction(x).numerator * pow(Fraction(x).denominator, -1, p) % p  # noqa: E731
        conv = lambda vec, xs: sum((cv(w) * x % p for w, x in zip(vec, xs)),  # noqa: E731
                                   start=np.zeros(len(xs[0]), np.int64)) % p
        act = (lambda x: x) if net.activation == "linear" else (lambda x: x * x % p)
        pl = lambda c: (functools.reduce(lambda a, b: a * b % p, c) if net.pooling == "product" else  # noqa: E731
                        sum(c) % p * (pow(len(c), -1, p) if net.pooling == "average" else 1) % p).ravel()  # type: ignore[union-attr]
    else:
        cv = lambda x: x  # noqa: E731
        conv = lambda vec, xs: sum((w * x for w, x in zip(vec, xs) if w != 0),  # noqa: E731
                                   start=np.zeros(len(xs[0]), object))
        act = np.frompyfunc(exact if numeric else symb, 1, 1)
        pl = lambda c: _pool_vec(net.pooling, [x.ravel() for x in np.broadcast_arrays(*c)])  # noqa: E731
    # symbolic linear combinations are expanded as they are built, so that equal functions of the
    # weights give identical expressions inside Max/Min (cheap: their arguments are atoms or sums)
    norm = (lambda v: v) if modulus is not None or numeric else normalizer(net.activation)
    F = net.F or tuple(tuple(int(i == j) for j in range(M)) for i in range(M))
    Farr = np.array([[cv(x) for x in row] for row in F], dtype=np.int64 if modulus else object)
    vecs = [[Farr[:, j] for j in range(M)]] * N  # per position, per channel: values over the M templates
    w = N if net.architecture == "shallow" else net.window
    for l, lay in enumerate(net.layers):
        acts = [[act(norm(conv(vec, xs))) for vec in (lay[0] if net.shared else lay[k])] for k, xs in enumerate(vecs)]
        K = len(acts[0][0])
        if l < len(net.layers) - 1:  # a pooled neuron at every input of its block (child 0 slowest)
            vecs = [[pl(_outer(c)) for c in zip(*acts[j * w:(j + 1) * w])] for j in range(len(acts) // w)]
    B = K ** (w - 1)  # grid points per value of child 0
    out, step = [np.empty(M**N, np.int64 if modulus else object) for _ in net.output], max(1, CHUNK // B)
    for a in range(0, K, step):  # the last pooling and the output layer, for the values a.. of child 0
        top = [pl(_outer((c[0][a:a + step],) + c[1:])) for c in zip(*acts)]
        for o, vec in zip(out, net.output):
            o[a * B:(a + step) * B] = conv(vec, top)
    inv = [net.order.index(i) for i in range(N)]  # tree position of each patch
    return [o.reshape((M,) * N).transpose(inv).ravel() for o in out]


def _outer(cols):
    """The values of w children, broadcast to every combination of their inputs (child 0 slowest)."""
    return [x.reshape((-1,) + (1,) * (len(cols) - 1 - t)) for t, x in enumerate(cols)]


def normalizer(act: str):
    """Elementwise expansion of symbolic values before a piecewise activation (none before linear or
    square, where expanding nested products would only cost time)."""
    if act in ("linear", "square"):
        return lambda v: v
    return np.frompyfunc(lambda e: sympy.expand(e) if isinstance(e, sympy.Basic) else e, 1, 1)


def _pool_vec(name, cols):
    if any(isinstance(x, sympy.Basic) for c in cols for x in c[:1]):
        return np.array([pool(name, list(v)) for v in zip(*cols)], dtype=object)
    return pool(name, cols)

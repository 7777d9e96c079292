"""Hypothesis strategies for network specs (property tests and counterexample search).

:func:`specs` draws valid :class:`~symbolic.spec.network.Spec` objects by drawing a JSON
dict in the format of ``spec-format.md`` (:func:`spec_dicts`) and loading it with
:func:`~symbolic.spec.network.load_spec`, so every drawn spec has also passed the loader.
Drawn specs cover both architectures, every exact activation (``leaky_relu:p/q``
with a drawn slope) and every pooling, windows 2 to 4, random patch orders
(pooling geometries), coefficient sharing, random representation matrices F,
rational weights written ``"p/q"`` and several outputs.

Order of simplicity
-------------------
Choices are drawn in this order, so that Hypothesis shrinks a failing spec
towards, first, *fewer patches* (N), then *smaller M*, then *smaller widths*
(Z or r_0..r_{L-1}, and fewer outputs), then *smaller |weights|* and *fewer
nonzero weights* (every numerator shrinks towards 0, every denominator towards
1). Categorical choices (architecture, activation, pooling, window) come first and
shrink towards the first option given (``shallow``, ``linear``, ``product``);
patch orders shrink towards the identity and F towards "absent" (the identity).
Hypothesis shrinks the whole sequence of choices (shorter first), so a network
with fewer weights wins: a shared network counts as simpler than an unshared one
(``shared`` shrinks towards True).
A shrunk counterexample is therefore the smallest, replayable network
(``spec_to_dict`` of it is plain JSON).

>>> from hypothesis import find, settings
>>> find(specs(architecture="deep", windows=(2,)), lambda s: s.N >= 4,
...      settings=settings(database=None, derandomize=True))
<Spec deep N=4 M=1 linear/product widths=(1, 1), window=2, Y=1, shared>
"""

from __future__ import annotations

from fractions import Fraction

from symbolic.errors import BackendUnavailable, DomainError
from symbolic.numbers import to_json_number
from symbolic.tensor.operators import POOLINGS, activation as _activation, pooling as _pooling
from symbolic.spec.network import MAX_N, load_spec

try:
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover - hypothesis is a test extra
    raise BackendUnavailable("symbolic.spec.strategies needs hypothesis: pip install 'convac[test]'") from None

__all__ = ["specs", "spec_dicts", "numbers", "EXACT_ACTIVATIONS", "LEAKY", "ARCHITECTURES"]

ARCHITECTURES = ("shallow", "deep")
#: Stands for ``leaky_relu`` with a drawn exact slope p/q (the sentinel of ``operators.ACTIVATIONS``).
LEAKY = "leaky_relu:p/q"
#: The activations with exact rational values, in shrinking order.
EXACT_ACTIVATIONS = ("linear", "relu", "abs", "square", LEAKY)
_SLOPE_DENOMINATORS = (10, 2, 3, 1)


def _options(value, name: str, allowed=None) -> tuple:
    """A parameter given as one value or a collection of values, as a nonempty tuple."""
    if isinstance(value, (str, int, bool)):
        opts = (value,)
    else:
        try:
            opts = tuple(value)
        except TypeError:
            raise DomainError(f"{name}={value!r}: expected a value or a collection of values") from None
    if not opts:
        raise DomainError(f"{name}={value!r}: expected at least one option")
    if allowed is not None:
        for o in opts:
            if o not in allowed:
                raise DomainError(f"{name}={value!r}: {o!r} is not one of {allowed}")
    return opts


def _ints(value, name: str, lo: int) -> tuple:
    opts = _options(value, name)
    for o in opts:
        if isinstance(o, bool) or not isinstance(o, int) or o < lo:
            raise DomainError(f"{name}={value!r}: expected ints >= {lo}")
    return tuple(sorted(set(opts)))


def numbers(weight_range=(-10, 10), denominators=(1, 2, 3, 4)):
    """Exact spec numbers as written in JSON: ints, or ``"p/q"`` strings.

    The numerator is drawn from ``weight_range`` (shrinking towards 0), then the
    denominator from ``denominators`` (shrinking towards the first, normally 1).
    """
    lo, hi = _range(weight_range)
    dens = _ints(denominators, "denominators", 1)
    if 1 in dens:  # shrink towards integers
        dens = (1,) + tuple(d for d in dens if d != 1)
    return st.tuples(st.integers(lo, hi), st.sampled_from(dens)).map(lambda pq: to_json_number(Fraction(*pq)))


def _range(weight_range) -> tuple:
    try:
        lo, hi = weight_range
    except (TypeError, ValueError):
        raise DomainError(f"weight_range={weight_range!r}: expected a pair (low, high) of ints") from None
    if any(isinstance(x, bool) or not isinstance(x, int) for x in (lo, hi)) or lo > hi:
        raise DomainError(f"weight_range={weight_range!r}: expected ints with low <= high")
    return lo, hi


def _tri(value, name: str):
    if value is not None and not isinstance(value, bool):
        raise DomainError(f"{name}={value!r}: expected True, False or None (drawn)")
    return value


def spec_dicts(architecture=ARCHITECTURES, activations=EXACT_ACTIVATIONS, poolings=POOLINGS, N=None, M=(1, 2, 3),
               max_width: int = 3, windows=(2, 3, 4), shared=None, weight_range=(-10, 10), *,
               denominators=(1, 2, 3, 4), F=None, patch_order=None, max_outputs: int = 3,
               max_entries: int = 256, max_N: int = 9):
    """Spec dicts in the JSON format of spec-format.md (see :func:`specs` for the parameters)."""
    archs = _options(architecture, "architecture", ARCHITECTURES)
    acts = _options(activations, "activations")
    for a in acts:
        if a != LEAKY:
            try:
                _activation(a)
            except DomainError as e:
                raise DomainError(f"activations={activations!r}: {e}") from None
    pools = _options(poolings, "poolings")
    for p in pools:
        _pooling(p)
    Ms = _ints(M, "M", 1)
    wins = _ints(windows, "windows", 2)
    for name, v in (("max_width", max_width), ("max_outputs", max_outputs), ("max_entries", max_entries),
                    ("max_N", max_N)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise DomainError(f"{name}={v!r}: expected an int >= 1")
    num = numbers(weight_range, denominators)
    shared, F, patch_order = _tri(shared, "shared"), _tri(F, "F"), _tri(patch_order, "patch_order")
    Ns = _ints(N, "N", 1) if N is not None else tuple(range(1, min(max_N, MAX_N) + 1))
    fits = lambda n: Ms[0] ** n <= max_entries  # noqa: E731  (some M fits)
    shapes = {}  # architecture -> list of (N, L, window), fewest patches first
    if "shallow" in archs:
        shapes["shallow"] = [(n, 1, n) for n in Ns if fits(n)]
    if "deep" in archs:
        deep_shapes = []
        for w in wins:
            n, L = w, 1
            while n <= max(Ns):
                if n in Ns and fits(n):
                    deep_shapes.append((n, L, w))
                n, L = n * w, L + 1
        shapes["deep"] = sorted(deep_shapes)
    archs = tuple(a for a in archs if shapes[a])
    if not archs:
        raise DomainError(f"N={N!r}, M={M!r}, windows={windows!r}, max_entries={max_entries}: no network fits "
                          "(deep needs N a power of a window; M^N must be <= max_entries)")

    @st.composite
    def draw_dict(draw):
        arch = draw(st.sampled_from(archs))
        act = draw(st.sampled_from(acts))
        if act == LEAKY:
            p, q = draw(st.integers(-3, 3)), draw(st.sampled_from(_SLOPE_DENOMINATORS))
            act = _activation(f"leaky_relu:{Fraction(p, q)}").spec_name
        pool = draw(st.sampled_from(pools))
        n, L, w = draw(st.sampled_from(shapes[arch]))
        m = draw(st.sampled_from([m for m in Ms if m**n <= max_entries]))
        # a shared network has fewer weights (a shorter choice sequence): make it the simpler value too
        sh = (not draw(st.booleans())) if shared is None else shared
        widths = [draw(st.integers(1, max_width)) for _ in range(L)]
        Y = draw(st.integers(1, max_outputs))
        d = {"architecture": arch, "N": n, "M": m, "activation": act, "pooling": pool}
        if arch == "deep":
            if w != 2 or draw(st.booleans()):
                d["window"] = w
            if patch_order is not False and n > 1:
                order = draw(st.permutations(range(n)))
                if patch_order or order != list(range(n)):
                    d["patch_order"] = list(order)
        if sh or draw(st.booleans()):
            d["shared"] = sh
        if F or (F is None and draw(st.booleans())):
            d["F"] = [[draw(num) for _ in range(m)] for _ in range(m)]

        def arr(*shape):
            if not shape:
                return draw(num)
            return [arr(*shape[1:]) for _ in range(shape[0])]

        if arch == "shallow":
            Z = widths[0]
            hidden = arr(Z, m) if sh else arr(Z, n, m)
            d["weights"] = {"hidden": hidden, "output": arr(Y, Z)}
        else:
            layers, prev = [], m
            for l, r in enumerate(widths):
                layers.append(arr(r, prev) if sh else arr(n // w**l, r, prev))
                prev = r
            d["weights"] = {"layers": layers, "output": arr(Y, prev)}
        return d

    return draw_dict()


def specs(architecture=ARCHITECTURES, activations=EXACT_ACTIVATIONS, poolings=POOLINGS, N=None, M=(1, 2, 3),
          max_width: int = 3, windows=(2, 3, 4), shared=None, weight_range=(-10, 10), **kwargs):
    """Valid specs, drawn as JSON dicts and loaded with :func:`~symbolic.spec.network.load_spec`.

    Every parameter is one value or a collection of allowed values; the first
    option is the one a failing example shrinks towards.

    Parameters
    ----------
    architecture : "shallow", "deep" or both
    activations : names as in a spec (``"relu"``, ``"leaky_relu:1/10"``); ``"leaky_relu:p/q"``
        (:data:`LEAKY`) draws the slope. Default: every exact activation.
    poolings : default every pooling (product, max, sum, average).
    N : int or collection of ints, or None (any N <= ``max_N`` that fits; deep N are powers of a window).
    M : int or collection of ints (default 1, 2, 3).
    max_width : widths Z (shallow) and r_l (deep) are drawn in 1..max_width.
    windows : pooling windows of deep networks (default 2, 3, 4).
    shared : True, False or None (drawn).
    weight_range : (low, high): numerators of weights and F entries.
    denominators : keyword; denominators of weights (default 1, 2, 3, 4; 1 is the simplest).
    F : keyword; True (always a random F), False (never) or None (drawn).
    patch_order : keyword; True (always written), False (never) or None (drawn; identity when shrunk).
    max_outputs : keyword; Y is drawn in 1..max_outputs (default 3).
    max_entries : keyword; only (N, M) with M^N <= max_entries are drawn (default 256).
    max_N : keyword; the largest N when ``N`` is None (default 9).
    """
    return spec_dicts(architecture, activations, poolings, N, M, max_width, windows, shared, weight_range,
                      **kwargs).map(load_spec)

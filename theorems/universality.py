"""Claims ``universality.*``: which networks realize every grid tensor (paper-notes C2-C5), and the
general decision procedure behind ``convac check universality`` (design.md section 6).

Universality on an instance (N, M) is a statement about all M^N-entry tensors:

- *yes* is proved by M^N realizable tensors that are linearly independent (a
  certified rank, recomputed by the forward pass): every tensor is then a linear
  combination, which the output layer realizes with one channel per basis tensor;
  an explicit target is also realized, as a worked construction.
- *no* is proved by a nonzero linear functional phi with phi(A(w)) = 0 for every
  weight w (an identity over symbolic weights, recomputed by the forward pass),
  and an explicit tensor with phi != 0, which no network of the family realizes.

:func:`decide_universality` answers the question for any activation and pooling,
shallow or deep, shared or not (``convac check universality``): candidates for *yes*
are drawn and kept when independent; for *no*, kernel vectors of the span found are
proved to vanish for all weights (structurally, else by case analysis over sign and
order regions). For deep nets the functional is proved on a shallow net over the w
top-level blocks ("super-patches"), which covers every width at once.

>>> v = check_universality_convac(N=2, M=2)
>>> v.status.value, v.detail
('proved', 'shallow: 4 one-hot tensors, rank 4 = M^N (certified); target realized')
"""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

import numpy as np

from symbolic.decompositions import grid_tensor, grid_tensors
from symbolic.errors import DomainError
from symbolic.operators import operator as make_operator
from symbolic.rank import exact_rank
from symbolic.spec import deep, load_spec, shallow, tree_depth

from .common import apply, inverse, one_hot, random_invertible_F, source
from .verdict import Status, Timer, conclude

__all__ = ["universality_json", "check_universality_convac", "check_universality_relu_max", "check_universality_relu_avg",
           "decide_universality", "stack_spec"]


def _indices(M, N):
    return list(itertools.product(range(M), repeat=N))


def stack_spec(architecture, N, M, activation, pooling, F, vectors, window=2):
    """A network with one channel per entry of ``vectors`` (each a list of N vectors v^{z,i})
    and one output per channel (output y reads channel y only), so output y is the
    single-channel tensor of channel y. Hidden weights are F^{-1} v so that F a = v.
    For deep nets the channels are carried up the tree by identity matrices (deep nets
    contain shallow ones channel-wise, paper-notes C5)."""
    Finv = inverse(F)
    Z = len(vectors)
    ident = [[1 if i == j else 0 for j in range(Z)] for i in range(Z)]
    base = {"N": N, "M": M, "activation": activation, "pooling": pooling, "F": _js(F)}
    if architecture == "shallow":
        hidden = [[_js(apply(Finv, vectors[z][i])) for i in range(N)] for z in range(Z)]
        return load_spec(dict(base, architecture="shallow", weights={"hidden": hidden, "output": ident}))
    L = tree_depth(N, window)
    layer0 = [[_js(apply(Finv, vectors[z][k])) for z in range(Z)] for k in range(N)]
    layers = [layer0] + [[ident for _ in range(N // window**l)] for l in range(1, L)]
    d = dict(base, architecture="deep", weights={"layers": layers, "output": ident})
    if window != 2:
        d["window"] = window
    return load_spec(d)


def _js(a):
    from symbolic.numbers import to_json_number

    return [_js(b) for b in a] if isinstance(a, (list, tuple)) else to_json_number(a)


def _stack_matrix(spec):
    rows = [list(t.entries()) for t in grid_tensors(spec)]
    return np.array(rows, dtype=object)


def _rank_cert(spec, seed):
    A = _stack_matrix(spec)
    r = exact_rank(A, seed=seed, lower_bound_only=True)
    cert = {"kind": "matricization_rank", "source": {"stack": [source(spec, y) for y in range(spec.Y)]},
            "certificate": r.certificate.lower.to_dict()}
    return r.rank, cert


def _target(M, N, seed):
    rng = random.Random(seed)
    return [rng.randint(-9, 9) for _ in range(M**N)]


def _realize_target(spec, coefficients):
    """The same network with one output: sum_z coefficients[z] * channel z."""
    d = spec.to_dict()
    d["weights"]["output"] = [_js(coefficients)]
    return load_spec(d)


def _basis_claim(claim, statement, latex, architecture, N, M, activation, pooling, vectors, coeffs_of_target,
                 what, seed, window=2):
    t = Timer()
    F = random_invertible_F(M, seed)
    spec = stack_spec(architecture, N, M, activation, pooling, F, vectors, window)
    k, rank_cert = _rank_cert(spec, seed)
    H = _target(M, N, seed)
    target_spec = _realize_target(spec, coeffs_of_target(H))
    eq = {"kind": "tensor_equality", "items": [source(target_spec), {"tensor": {"shape": [M] * N, "entries": H}}]}
    status = Status.PROVED if k == M**N else Status.INCONCLUSIVE
    inst = dict(N=N, M=M, architecture=architecture, F=_js(F))
    if architecture == "deep":
        inst["window"] = window
    detail = f"{architecture}: {len(vectors)} {what} tensors, rank {k}{' = M^N' if k == M ** N else ''} (certified); target realized"
    return conclude(claim, statement, latex, inst, status, {"kind": "all", "parts": [rank_cert, eq]}, t, seed, detail)


def check_universality_convac(*, N: int, M: int, architecture: str = "shallow", window: int = 2, seed: int = 0):
    """ConvACs with F invertible realize every grid tensor: shallow with Z = M^N channels
    (one-hot terms F a^{z,i} = e_{d_i}); deep with widths M^N (channel-wise, C5)."""
    idx = _indices(M, N)
    vectors = [[[1 if j == d[i] else 0 for j in range(M)] for i in range(N)] for d in idx]
    return _basis_claim(
        "universality.convac",
        f"with F invertible, {architecture} ConvACs (linear/product) realize every tensor in R^(M^N): "
        "Z = M^N one-hot terms are linearly independent",
        r"\forall\mathcal{A}\in\mathbb{R}^{M\times\cdots\times M}\ \exists\,a:\ \mathcal{A}(h_y)=\mathcal{A}",
        architecture, N, M, "linear", "product", vectors, lambda H: H, "one-hot", seed, window)


def check_universality_relu_max(*, N: int, M: int, architecture: str = "shallow", window: int = 2, seed: int = 0):
    """Claim 4: shallow ReLU/max nets realize every tensor with Z = M^N + 1: T(1, ..., 1) = 1 and
    T(1 - e_{j_1}, ..., 1 - e_{j_N}) = 1 - E^(j); deep nets contain them channel-wise."""
    idx = _indices(M, N)
    ones = [[1] * M for _ in range(N)]
    vectors = [ones] + [[[0 if j == d[i] else 1 for j in range(M)] for i in range(N)] for d in idx]

    def coeffs(H):  # H = (sum_j H_j) T(1) - sum_j H_j T(1 - e_j)
        return [sum(H)] + [-h for h in H]

    return _basis_claim(
        "universality.relu_max",
        f"(Claim 4) with F invertible, {architecture} ReLU/max nets realize every tensor: Z = M^N + 1 "
        "terms (a constant and constant-minus-one-hot) span R^(M^N)",
        r"\mathcal{H}=\Big(\sum_j\mathcal{H}_j\Big)T(\mathbf{1},\ldots,\mathbf{1})-\sum_j\mathcal{H}_j\,T(\mathbf{1}-e_{j_1},\ldots,\mathbf{1}-e_{j_N})",
        architecture, N, M, "relu", "max", vectors, coeffs, "constant / constant-minus-one-hot", seed, window)


# ---------------------------------------------------------------------------------- no
def _second_difference(M, N, first):
    """phi(A) = A[x, y] - A[x', y] - A[x, y'] + A[x', y'] across the split of modes ``first`` | rest,
    with x = 0.., x' = first mode set to 1, y = 0.., y' = first other mode set to 1."""
    rest = [i for i in range(N) if i not in first]
    base = [0] * N
    def at(fx, fy):
        d = list(base)
        if fx:
            d[first[0]] = 1
        if fy:
            d[rest[0]] = 1
        return d
    return [[at(0, 0), 1], [at(1, 0), -1], [at(0, 1), -1], [at(1, 1), 1]]


def _functional_claim(claim, statement, latex, spec, coefficients, witness_index, seed, inst, detail):
    t = Timer()
    M, N = spec.M, spec.N
    N, M = inst["N"], inst["M"]
    cert = {"kind": "vanishing_functional", "source": source(spec), "coefficients": coefficients,
            "witness": one_hot(M, N, tuple(witness_index))}
    if inst["architecture"] == "deep":
        cert["reduction"] = "super-patch"
    return conclude(claim, statement, latex, inst, Status.PROVED, cert, t, seed, detail)


def check_universality_relu_avg(*, N: int, M: int, architecture: str = "shallow", widths=None, seed: int = 0):
    """ReLU/average nets are not universal: a functional vanishing on every realizable tensor
    (for all weights), and a one-hot tensor outside."""
    if N < 2 or M < 2:
        raise DomainError(f"N={N}, M={M}: non-universality needs N >= 2 and M >= 2 (M^N <= 2 is trivial)")
    if architecture == "shallow":
        spec = shallow(N=N, M=M, Z=2, activation="relu", pooling="average", weights="symbolic")
        first = [0]
        why = "shallow grid tensors are additively separable, sum_i w^i(d_i)"
    else:  # any widths: the super-patch reduction (two top-level blocks of N/2 patches)
        tree_depth(N, 2)
        spec = shallow(N=2, M=M ** (N // 2), Z=1, activation="relu", pooling="average", weights="symbolic")
        first = list(range(N // 2))
        why = "deep grid tensors split as U(first half) + V(second half): rank [A]_halves <= 2"
    coeffs = _second_difference(M, N, first)
    inst = dict(N=N, M=M, architecture=architecture)
    return _functional_claim(
        "universality.relu_avg",
        f"{architecture} ReLU/average nets are not universal: {why}; the functional "
        "A[x,y] - A[x',y] - A[x,y'] + A[x',y'] vanishes for all weights, and a one-hot tensor has value 1",
        r"\varphi(\mathcal{A})=\mathcal{A}_{x,y}-\mathcal{A}_{x',y}-\mathcal{A}_{x,y'}+\mathcal{A}_{x',y'}\equiv 0",
        spec, coeffs, coeffs[0][0], seed, inst, why + "; phi(one-hot) = 1")


# ------------------------------------------------------------------- the general decision
#
# Realizable tensors.  The output layer is linear and widths are unbounded, so the set of
# tensors a family realizes is the linear span of its single-channel tensors:
#
# - shallow: T(v)[d] = P_i sigma(v^i_{d_i}) over all v in R^(N x M) (F invertible, so F a
#   ranges over all of R^M; we take F = identity);
# - deep: the top level pools w blocks of N/w patches: every output is a linear combination
#   of P_k sigma(x_k(d_{B_k})), where x_k is *some* function of block k's indices, built by
#   the lower levels.  Whatever the lower widths and weights, these tensors are realized by
#   a shallow net over w "super-patches" with M^(N/w) templates (block indices, row-major):
#   a functional that vanishes on that shallow family vanishes on every deep network, for
#   all widths.  With sharing, x_k is one function for every block (a shared shallow net).
#
# "yes" needs M^N realizable tensors that are independent: they are drawn (structured
# candidates, then random ones) and their independence is certified by a rank lower bound
# the checker recomputes by the forward pass of each network.  "no" needs a functional: a
# kernel vector of the span found, proved to vanish for all weights (canonical / expanded
# zero; for piecewise-linear operators, else by case analysis, :mod:`symbolic.identity`).

_P = 2147483629  # a prime below 2^31: products of two residues fit in int64


class _Span:
    """Rows kept in echelon form modulo a prime; ``add`` says whether a row is new.

    Independent modulo p implies independent over Q (a nonzero minor mod p is nonzero),
    so the rows kept are linearly independent tensors.
    """

    def __init__(self, n: int):
        self.n, self.rows, self.pivots = n, [], []

    def add(self, ints) -> bool:
        v = np.array([int(x) % _P for x in ints], dtype=np.int64)
        for r, p in zip(self.rows, self.pivots):
            if v[p]:
                v = (v - v[p] * r) % _P
        nz = np.flatnonzero(v)
        if not len(nz):
            return False
        p = int(nz[0])
        v = v * pow(int(v[p]), _P - 2, _P) % _P
        self.rows.append(v)
        self.pivots.append(p)
        return True


def _unit(M, j, value=1, rest=0):
    return [Fraction(value if k == j else rest) for k in range(M)]


def _structured(N, M, shared):
    """One-hot, constant and complement-of-one-hot layer-0 vectors (the constructions of
    universality.convac and Claim 4)."""
    if shared:
        out = [[_unit(M, j)] * N for j in range(M)] + [[_unit(M, j, 0, 1)] * N for j in range(M)]
        return out + [[[Fraction(1)] * M] * N]
    idx = _indices(M, N)
    out = [[_unit(M, d[i]) for i in range(N)] for d in idx]
    out += [[[Fraction(1)] * M for _ in range(N)]]
    out += [[_unit(M, d[i], 0, 1) for i in range(N)] for d in idx]
    return out


def _random_vectors(rng, N, M, shared, wide):
    lo, hi = (-1000, 1000) if wide else (-3, 3)
    v = [[Fraction(rng.randint(lo, hi)) for _ in range(M)] for _ in range(1 if shared else N)]
    return v * N if shared else v


def _candidate_specs(architecture, N, M, activation, pooling, window, shared, rng, samples):
    """(spec, random?) for single-channel networks (structured first), then random ones; deep
    families also get random multi-channel networks (widths <= M), whose tensors are realizable too."""
    for v in _structured(N, M, shared):
        yield _single(architecture, N, M, activation, pooling, v, window, shared), False
    L = _levels(N, window) if architecture == "deep" else 1
    for k in range(samples):
        if architecture == "deep" and k % 3 == 2:
            ws = [rng.randint(1, max(2, M)) for _ in range(L)]
            yield deep(N=N, M=M, widths=ws, window=window, activation=activation, pooling=pooling,
                       seed=rng.randrange(1 << 30), low=-4, high=4, shared=shared), True
        else:
            yield _single(architecture, N, M, activation, pooling, _random_vectors(rng, N, M, shared, k % 2 == 1),
                          window, shared), True


_levels = tree_depth


def _sample_span(specs, full: int, patience: int):
    """Keep the networks whose tensors are new (independent of the ones kept).

    Returns (kept specs, their rows as exact Fractions).  Stops at ``full`` rows, or after
    ``patience`` consecutive random candidates that added nothing."""
    span, kept, rows, idle = _Span(full), [], [], 0
    for spec, is_random in specs:
        t = grid_tensor(spec)
        if span.add(t.data.flat):
            kept.append(spec)
            rows.append([Fraction(int(x), t.denominator) for x in t.data.flat])
            idle = 0
        elif is_random:
            idle += 1
        if len(rows) == full or idle >= patience:
            break
    return kept, rows


def _kernel(rows, full: int, limit: int):
    """Up to ``limit`` kernel vectors of the rows (exact, over Q), sparsest first, as
    integer coefficient lists."""
    from math import lcm

    import flint

    if not rows:
        return [[1 if k == j else 0 for k in range(full)] for j in range(min(limit, full))]
    A = flint.fmpq_mat(len(rows), full, [flint.fmpq(x.numerator, x.denominator) for r in rows for x in r])
    R, rank = A.rref()
    pivots, r = [], 0
    for c in range(full):
        if r < rank and R[r, c] != 0:
            pivots.append(c)
            r += 1
    vecs = []
    for f in (c for c in range(full) if c not in set(pivots)):
        v = [Fraction(0)] * full
        v[f] = Fraction(1)
        for i, p in enumerate(pivots):
            x = R[i, f]
            if x != 0:
                v[p] = -Fraction(int(x.p), int(x.q))
        den = lcm(*(q.denominator for q in v))
        vecs.append([int(q * den) for q in v])
    vecs.sort(key=lambda v: (sum(1 for x in v if x), sum(abs(x) for x in v)))
    return vecs[:limit]


def _coefficients(vec, shape_M, order):
    idx = _indices(shape_M, order)
    return [[list(idx[n]), c] for n, c in enumerate(vec) if c]


def prove_functional(sym, coefficients, *, max_regions: int = 4096):
    """A certificate that sum_d c_d A_d = 0 for every weight of the symbolic spec ``sym``, or None.

    The sum is built from the kernel's own forward pass (so the kernel re-checks exactly this
    expression): it expands to 0, or, for piecewise-linear operators, a case analysis over the
    sign and order regions (:func:`symbolic.identity.prove_zero`) proves it, and its
    certificate (regions with their LP evidence) goes into ``identity``.  The witness is a
    one-hot tensor at an index with a nonzero coefficient: sum_d c_d W_d = c != 0, so no
    network of the family realizes it.

    >>> from symbolic.spec import shallow
    >>> s = shallow(N=2, M=2, Z=1, activation="relu", pooling="sum", weights="symbolic")
    >>> prove_functional(s, [[[0, 0], 1], [[0, 1], -1], [[1, 0], -1], [[1, 1], 1]])["kind"]
    'vanishing_functional'
    >>> prove_functional(s, [[[0, 0], 1]]) is None
    True
    """
    import sympy

    from symbolic.identity import prove_zero
    from symbolic.kernel.sources import apply_functional, tensor_of

    M, N = sym.M, sym.N
    witness_index = tuple(max(coefficients, key=lambda c: abs(c[1]))[0])
    cert = {"kind": "vanishing_functional", "source": source(sym), "coefficients": coefficients,
            "witness": one_hot(M, N, witness_index)}
    total = apply_functional([(tuple(i), Fraction(c)) for i, c in coefficients], tensor_of(cert["source"]), M)
    if sympy.expand(total) == 0:
        return cert
    if not sym.operator.is_exact:
        return None
    r = prove_zero(total, sorted(total.free_symbols, key=str), max_regions=max_regions)
    return dict(cert, identity=r.certificate) if r.holds else None


def _super_index(s, M, b):
    """Block index s (row-major over b patches) as the tuple of its patch indices."""
    out = []
    for _ in range(b):
        s, r = divmod(s, M)
        out.append(r)
    return tuple(reversed(out))


def _to_original(coefficients, M, b):
    """Coefficients over super-patch indices (s_0, ..., s_{w-1}) as coefficients over the N patches."""
    return [[[d for s in idx for d in _super_index(s, M, b)], c] for idx, c in coefficients]


def universality_answer(verdict) -> bool | None:
    """True (universal, proved), False (not universal, proved) or None (undecided).

    >>> universality_answer(decide_universality(activation="relu", pooling="sum", N=2, M=2))
    False
    """
    if verdict.status is not Status.PROVED:
        return None
    return {"proved": True, "refuted": False}.get(verdict.result()["status"])


def decide_universality(*, activation: str, pooling: str, architecture: str = "shallow", N: int, M: int,
                        window: int = 2, shared: bool = False, widths=None, samples: int = 200, seed: int = 0,
                        max_functionals: int = 12, max_regions: int = 4096):
    """Decide whether networks of a family realize every M^N grid tensor (unbounded widths).

    Returns a Verdict of the claim ``universality`` whose detail starts with the answer:

    - ``answer yes`` (proved): M^N realizable tensors, each given by a network (the
      certificate's ``stack`` of sources), whose independence is certified (a rank lower
      bound M^N, recomputed by the forward pass);
    - ``answer no`` (proved): a nonzero functional that vanishes for all weights (for deep
      families on the super-patch reduction, so for all widths), and an explicit tensor
      (the ``witness``) on which it is nonzero, so no network realizes it;
    - ``answer unknown`` (inconclusive): neither within ``samples`` random candidates and
      ``max_functionals`` kernel vectors.

    Parameters
    ----------
    activation, pooling : names as in a spec (``leaky_relu:1/10``; tanh and sigmoid are
        decided only where a symbolic functional exists).
    architecture : ``shallow`` or ``deep`` (window ``window``, N a power of it).
    shared : coefficient sharing.
    widths : deep only: widths of the extra, direct check of the functional on a symbolic
        deep net (default M each); the answer does not depend on them.

    >>> v = decide_universality(activation="abs", pooling="max", N=2, M=2)
    >>> v.status.value, v.detail.split(":")[0]
    ('proved', 'answer yes')
    >>> v = decide_universality(activation="abs", pooling="sum", N=2, M=2)
    >>> v.status.value, v.detail.split(":")[0], v.certificate["kind"]
    ('proved', 'answer no', 'vanishing_functional')
    """
    t = Timer()
    if architecture not in ("shallow", "deep"):
        raise DomainError(f"architecture={architecture!r} is not one of ('shallow', 'deep')")
    for name, val, lo in (("N", N, 1), ("M", M, 1), ("window", window, 2), ("samples", samples, 0)):
        if isinstance(val, bool) or not isinstance(val, int) or val < lo:
            raise DomainError(f"{name}={val!r}: expected an int >= {lo}")
    if M**N > 4096:
        raise DomainError(f"N={N}, M={M}: M^N = {M ** N:,} tensor entries; universality is decided up to 4096")
    op = make_operator(activation, pooling)
    activation = op.activation.spec_name
    L = _levels(N, window) if architecture == "deep" else 1
    rng = random.Random(seed)
    full = M**N
    inst = dict(activation=activation, pooling=pooling, architecture=architecture, N=N, M=M, shared=shared)
    if architecture == "deep":
        inst["window"] = window
    family = f"{'shared ' if shared else ''}{architecture} {op.name} nets"
    typed = dict(type="universality", architecture=architecture, N=N, M=M, activation=activation, pooling=pooling,
                 shared=shared, **({"window": window} if architecture == "deep" else {}))
    patience = max(40, 2 * full) if full <= 64 else 64
    # 1. realizable tensors of the family itself
    rows = None
    if op.is_exact:
        kept, rows = _sample_span(_candidate_specs(architecture, N, M, activation, pooling, window, shared, rng,
                                                   samples), full, patience)
        if len(rows) == full:
            A = np.array([list(grid_tensor(s).entries()) for s in kept], dtype=object)
            r = exact_rank(A, seed=seed, lower_bound_only=True)
            cert = {"kind": "matricization_rank", "source": {"stack": [source(s) for s in kept]},
                    "certificate": r.certificate.lower.to_dict()}
            status = Status.PROVED if r.rank == full else Status.INCONCLUSIVE
            return conclude("universality", f"{family} realize every tensor of R^(M^N)", "", inst, status, cert, t,
                            seed, f"answer {'yes' if status is Status.PROVED else 'unknown'}: {r.rank} linearly "
                            f"independent realizable tensors (rank certified; M^N = {full}), each realized by "
                            "the network given in the certificate", typed=typed)
    # 2. a functional, proved to vanish for all weights
    if architecture == "shallow":
        red_N, red_M, b = N, M, 1
    else:
        b = N // window
        red_N, red_M = window, M**b
    sym = shallow(N=red_N, M=red_M, Z=1, activation=activation, pooling=pooling, weights="symbolic", shared=shared)
    if architecture == "deep" or rows is None:
        # the span of the (over-approximating) reduced family; for tanh/sigmoid, of an exact
        # stand-in with the same pooling, whose kernel vectors are then tried symbolically
        stand_in = activation if op.is_exact else "relu"
        _, rows = _sample_span(_candidate_specs("shallow", red_N, red_M, stand_in, pooling, 2, shared, rng, samples),
                               full, patience)
    found = len(rows)
    cert = None
    for vec in _kernel(rows, full, max_functionals) if found < full else []:
        coeffs = _coefficients(vec, red_M, red_N)
        cert = prove_functional(sym, coeffs, max_regions=max_regions)
        if cert is not None:
            break
    if cert is None:
        why = (f"{op.activation.spec_name} has transcendental values, so realizable tensors cannot be certified "
               "independent by exact rank" if not op.is_exact else
               f"a span of dimension {found} < {full} was found, but no functional was proved to vanish for all weights"
               if found < full else "the reduced family spans everything, but no deep construction reached full rank")
        return conclude("universality", f"{family}: universality undecided", "", inst, Status.INCONCLUSIVE, None, t,
                        seed, f"answer unknown: {why}", typed=typed)
    coefficients = cert["coefficients"]
    witness_index = tuple(max(coefficients, key=lambda c: abs(c[1]))[0])
    original = _to_original(coefficients, M, b) if architecture == "deep" else coefficients
    unrealizable = one_hot(M, N, tuple(d for s in witness_index for d in _super_index(s, M, b))) \
        if architecture == "deep" else cert["witness"]
    if architecture == "deep":  # the reduced family's functional, stated on the deep indices
        cert = dict(cert, coefficients=original, witness=unrealizable, reduction="super-patch")
    detail = (f"answer no: a functional with {len(coefficients)} terms vanishes on every realizable tensor "
              f"(proved for all weights{', all widths' if architecture == 'deep' else ''}; "
              f"{cert_method(cert)}); the one-hot tensor at {tuple(max(original, key=lambda c: abs(c[1]))[0])} "
              f"is not realizable; span found: dimension {found} < {full}")
    return conclude("universality", f"{family} are not universal on R^(M^N)", "", inst, Status.PROVED, cert, t, seed,
                    detail, typed=typed, typed_status="refuted")


def cert_method(cert) -> str:
    return "case analysis over sign and order regions" if "identity" in cert else "expands to 0"


def _single(architecture, N, M, activation, pooling, v, window, shared):
    """A one-channel network whose layer-0 vectors are v (F = identity); deep nets carry the
    channel up the tree with weight 1."""
    if architecture == "shallow":
        w = {"hidden": [_js(v[0])] if shared else [_js(v)], "output": [[1]]}
        return load_spec({"architecture": "shallow", "N": N, "M": M, "activation": activation, "pooling": pooling,
                          "shared": shared, "weights": w})
    L = _levels(N, window)
    layer0 = [_js(v[0])] if shared else [[_js(v[k])] for k in range(N)]
    layers = [layer0] + [([[1]] if shared else [[[1]] for _ in range(N // window**l)]) for l in range(1, L)]
    return load_spec({"architecture": "deep", "N": N, "M": M, "activation": activation, "pooling": pooling,
                      "window": window, "shared": shared, "weights": {"layers": layers, "output": [[1]]}})


def universality_json(verdict, *, question: str, extra: dict | None = None) -> dict:
    """The JSON answer of ``convac check universality`` for a Verdict of
    :func:`theorems.universality.decide_universality`."""
    from .universality import universality_answer

    cert = verdict.certificate
    out = {"question": question, **verdict.instance, "answer": universality_answer(verdict),
           "status": "proved" if verdict.status.value == "proved" else "inconclusive",
           "detail": verdict.detail, "seconds": round(verdict.seconds, 3), "seed": verdict.seed,
           "certificate": cert}
    if out["answer"] is False and cert:
        out["functional"] = cert.get("coefficients")
        out["unrealizable"] = cert.get("witness")
    if out["answer"] is True and cert:
        out["networks"] = [s["spec"] for s in cert["source"]["stack"]]
    out.update(extra or {})
    out["results"] = [verdict.result()]
    return out

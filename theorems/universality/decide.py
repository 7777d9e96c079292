"""The general decision behind ``convac check universality`` (design.md section 6): do the networks of
a family (any activation and pooling, shallow or deep, shared or not) realize every grid tensor?

Candidates for *yes* are drawn and kept when independent (modulo a prime, python-flint); for tanh and
sigmoid with product or max pooling, M^N structured networks with rational weights are proposed and the
kernel certifies their independence with an arb determinant (``arb_independence``, up to M^N = 512); for *no*,
kernel vectors of the span found are proved to vanish for all weights (structurally, else by case
analysis over sign and order regions). For deep nets the functional is proved on a shallow net over
the w top-level blocks ("super-patches"), which covers every width at once.

>>> v = decide_universality(activation="relu", pooling="max", N=2, M=2)
>>> universality_answer(v), v.status.value
(True, 'proved')
"""

from __future__ import annotations

import random
from fractions import Fraction

import numpy as np

from symbolic.tensor.decompositions import grid_tensor
from symbolic.errors import DomainError
from symbolic.tensor.operators import operator as make_operator
from symbolic.rank.exact import exact_rank
from symbolic.spec.network import Spec, deep, load_spec, shallow, tree_depth

from theorems.claims.common import one_hot, source
from theorems.universality.claims import indices as _indices, js as _js
from theorems.claims.verdict import Status, Timer, conclude

__all__ = ["decide_universality", "universality_answer", "universality_json", "prove_functional", "cert_method"]


_P = 2147483629  # a prime below 2^31: products of two residues fit in int64


def _new_rows(kept: list, batch: list, n: int) -> list:
    """Which rows of ``batch`` (residue lists of length n) are independent of ``kept`` and of the batch
    rows before them, modulo the prime: the pivot columns of rref([kept; batch]^T) (python-flint
    ``nmod_mat``), i.e. the greedy choice in order.

    Independent modulo p implies independent over Q (a nonzero minor mod p is nonzero),
    so the rows kept are linearly independent tensors.

    >>> _new_rows([[1, 2, 3]], [[2, 4, 6], [0, 1, 0], [1, 3, 3]], 3)
    [1]
    """
    import flint

    rows = kept + batch
    R, rank = flint.nmod_mat(n, len(rows), [r[j] for j in range(n) for r in rows], _P).rref()
    e = np.array([int(x) for x in R.entries()], dtype=np.int64).reshape(n, len(rows))[:rank]
    pivots = (e != 0).argmax(axis=1)
    return [int(c) - len(kept) for c in pivots if c >= len(kept)]


ARB_LIMIT = 512  # M^N of the arb route: the 512 x 512 ball determinant takes ~3 s (729: ~9 s, 1024: ~25 s)


def _arb_vectors(activation, pooling, M, a):
    """Layer-0 vectors of the arb route's network for index tuple ``a`` (one channel, F = identity), chosen
    so that the M^N tensors are independent.

    - tanh/product: v_i = e_(a_i); tanh(0) = 0, so the tensor is a multiple of the one-hot tensor at a
      (deep nets too: tanh keeps zeros); the stack is diagonal.
    - sigmoid/product: v_i = 2 e_(a_i) - 1, so sigma(v_i) = s(-1) 1 + (s(1) - s(-1)) e_(a_i); shallow stacks
      are Kronecker powers of the invertible s(-1) J + (s(1) - s(-1)) I (deep ones: the kernel decides).
    - max: v_i = 2 - 3 e_(a_i) (value -1 at a_i, 2 elsewhere); sigma is increasing, so the tensor is
      hi J - (hi - lo) e_a with hi > lo, and the stack hi J - (hi - lo) I has the nonzero eigenvalues
      -(hi - lo) and (M^N - 1) hi + lo (hi > 0, and hi + lo > 0 for tanh: tanh(2) > tanh(1)).

    >>> _arb_vectors("tanh", "max", 3, (0, 2))
    [[-1, 2, 2], [2, 2, -1]]
    """
    if pooling == "max":
        hit, rest = -1, 2
    else:
        hit, rest = (1, 0) if activation == "tanh" else (1, -1)
    return [[hit if j == ai else rest for j in range(M)] for ai in a]


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


def _sample_span(specs, full: int, patience: int, batch: int = 16):
    """Keep the networks whose tensors are new (independent of the ones kept).

    Returns (kept specs, their rows as exact Fractions).  Stops at ``full`` rows, or after
    ``patience`` consecutive random candidates that added nothing.  Candidates are tested ``batch``
    at a time (one rref each); the networks kept are the ones the one-at-a-time greedy choice keeps."""
    specs = iter(specs)
    kept: list[Spec] = []
    rows: list[list[Fraction]] = []  # the kept tensors' entries, exact
    residues: list[list[int]] = []  # the same modulo _P, for the batched rref
    idle = 0
    while len(rows) < full and idle < patience:
        chunk = [c for _, c in zip(range(batch), specs)]
        if not chunk:
            break
        tensors = [grid_tensor(spec) for spec, _ in chunk]
        res = [[int(x) % _P for x in t.data.flat] for t in tensors]
        new = set(_new_rows(residues, res, full))
        for n, ((spec, is_random), t) in enumerate(zip(chunk, tensors)):
            if n in new:
                kept.append(spec)
                residues.append(res[n])
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


def prove_functional(sym, coefficients, *, max_regions: int = 4096) -> dict | None:
    """A certificate that sum_d c_d A_d = 0 for every weight of the symbolic spec ``sym``, or None.

    The sum is built from the kernel's own forward pass (so the kernel re-checks exactly this
    expression): it expands to 0, or, for piecewise-linear operators, a case analysis over the
    sign and order regions (:func:`symbolic.identity.decide.prove_zero`) proves it, and its
    certificate (regions with their LP evidence) goes into ``identity``.  The witness is a
    one-hot tensor at an index with a nonzero coefficient: sum_d c_d W_d = c != 0, so no
    network of the family realizes it.

    >>> from symbolic.spec.network import shallow
    >>> s = shallow(N=2, M=2, Z=1, activation="relu", pooling="sum", weights="symbolic")
    >>> prove_functional(s, [[[0, 0], 1], [[0, 1], -1], [[1, 0], -1], [[1, 1], 1]])["kind"]
    'vanishing_functional'
    >>> prove_functional(s, [[[0, 0], 1]]) is None
    True
    """
    import sympy

    from symbolic.identity.decide import prove_zero
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
      bound M^N, recomputed by the forward pass; for tanh and sigmoid an arb determinant
      excluding 0, up to M^N = :data:`ARB_LIMIT`);
    - ``answer no`` (proved): a nonzero functional that vanishes for all weights (for deep
      families on the super-patch reduction, so for all widths), and an explicit tensor
      (the ``witness``) on which it is nonzero, so no network realizes it;
    - ``answer unknown`` (inconclusive): neither within ``samples`` random candidates and
      ``max_functionals`` kernel vectors.

    Parameters
    ----------
    activation, pooling : names as in a spec (``leaky_relu:1/10``; tanh and sigmoid: yes by
        arb-certified realizations with product and max pooling, no by a symbolic functional).
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
    >>> v = decide_universality(activation="tanh", pooling="max", architecture="deep", N=4, M=2)
    >>> v.status.value, v.detail.split(":")[0], v.certificate["kind"]
    ('proved', 'answer yes', 'arb_independence')
    """
    t = Timer()
    if architecture not in ("shallow", "deep"):
        raise DomainError(f"architecture={architecture!r} is not one of ('shallow', 'deep')")
    for name, val, lo in (("N", N, 1), ("M", M, 1), ("window", window, 2), ("samples", samples, 0), ("seed", seed, 0)):
        if isinstance(val, bool) or not isinstance(val, int) or val < lo:
            raise DomainError(f"{name}={val!r}: expected an int >= {lo}")
    if M**N > 4096:
        raise DomainError(f"N={N}, M={M}: M^N = {M ** N:,} tensor entries; universality is decided up to 4096")
    op = make_operator(activation, pooling)
    activation = op.activation.spec_name
    if architecture == "deep":
        _levels(N, window)  # N must be a power of the window
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
            assert r.certificate is not None  # method 'auto' always certifies the lower bound (a minor)
            cert = {"kind": "matricization_rank", "source": {"stack": [source(s) for s in kept]},
                    "certificate": r.certificate.lower.to_dict()}
            status = Status.PROVED if r.rank == full else Status.INCONCLUSIVE
            return conclude("universality", f"{family} realize every tensor of R^(M^N)", "", inst, status, cert, t,
                            seed, f"answer {'yes' if status is Status.PROVED else 'unknown'}: {r.rank} linearly "
                            f"independent realizable tensors (rank certified; M^N = {full}), each realized by "
                            "the network given in the certificate", typed=typed)
    # 1b. tanh, sigmoid: M^N structured networks, independent by an arb determinant (the kernel's ladder)
    if not op.is_exact and pooling in ("product", "max") and not shared:
        if full > ARB_LIMIT:
            return conclude("universality", f"{family}: universality undecided", "", inst, Status.INCONCLUSIVE, None,
                            t, seed, f"answer unknown: M^N = {full} is above the arb route's limit of {ARB_LIMIT} "
                            f"(missing: a certified {full} x {full} arb determinant, or a structural proof that the "
                            "M^N structured networks' tensors are independent)", typed=typed)
        specs = [_single(architecture, N, M, activation, pooling, _arb_vectors(activation, pooling, M, a), window,
                         False) for a in _indices(M, N)]
        cert = {"kind": "arb_independence", "source": {"stack": [source(s) for s in specs]}}
        v = conclude("universality", f"{family} realize every tensor of R^(M^N)", "", inst, Status.PROVED, cert, t,
                     seed, f"answer yes: {full} linearly independent realizable tensors (rational weights; the arb "
                     "ball of their determinant excludes 0), each realized by the network given in the certificate",
                     typed=typed)
        if v.status is Status.PROVED:
            return v
        return conclude("universality", f"{family}: universality undecided", "", inst, Status.INCONCLUSIVE, None, t,
                        seed, f"answer unknown: {v.detail.split('; answer yes')[0]}", typed=typed)
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
    functional: dict | None = None
    for vec in _kernel(rows, full, max_functionals) if found < full else []:
        coeffs = _coefficients(vec, red_M, red_N)
        functional = prove_functional(sym, coeffs, max_regions=max_regions)
        if functional is not None:
            break
    if functional is None:
        why = (f"{op.activation.spec_name} has transcendental values, so realizable tensors cannot be certified "
               "independent by exact rank" if not op.is_exact else
               f"a span of dimension {found} < {full} was found, but no functional was proved to vanish for all weights"
               if found < full else "the reduced family spans everything, but no deep construction reached full rank")
        return conclude("universality", f"{family}: universality undecided", "", inst, Status.INCONCLUSIVE, None, t,
                        seed, f"answer unknown: {why}", typed=typed)
    cert = functional
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
    :func:`decide_universality`."""
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

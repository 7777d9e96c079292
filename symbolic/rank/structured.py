"""Structured rank of a ConvAC matricization: [A]_I = P diag(g) Q^T with Kronecker-structured P, Q.

For a ConvAC (numeric weights, linear activation, product pooling; deep of any window and patch order, or
shallow), every block of the pooling tree (a convolution's output at one position) has channel tensors
whose matricizations share factors: ``[chi_c]_I = P diag(delta_c) Q^T``.  A maximal block whose patches
all lie on one side keeps its channel vectors V as P (or Q) with delta_c = e_c (when it has no more
channels than rows; else P = identity and delta_c = V[:, c]); product pooling takes Kronecker products of
the children's P, Q and delta on the support S of the deltas; a convolution mixes the deltas only.  At the
root, A = P diag(g) Q^T with g exact (|S| entries, never M^N), so

- rank A <= #{s : g_s != 0} (an identity), and
- rank A = #{s : g_s != 0} when the channel vectors of the one-sided blocks have full column rank (an
  r x r minor nonzero modulo a prime: the certificate's *pivots*) and the supports project injectively
  (then P and Q are column selections of Kronecker products of full-column-rank matrices).

The trusted kernel (:mod:`symbolic.kernel.kronecker`) derives the same factors from the weights with its
own code and checks the pivots; this module only proposes the certificate.  The odd-even rank of
``deep --N 16 --M 4 --widths 4,4,4,4`` (65536 x 65536) is certified in about a second.

>>> from symbolic.spec.network import deep
>>> r = structured_rank(deep(N=4, M=3, widths=(3, 2), seed=0), (0, 2))
>>> r.rank, r.exact, r.certificate.to_dict()["certificate"], r.certificate.to_dict()["inner"]
(9, True, 'kronecker', 9)
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from types import SimpleNamespace

import numpy as np

__all__ = ["KroneckerCertificate", "structured_rank", "applies"]


def _bits(xs) -> int:
    """The most bits of the numerator and denominator of exact numbers (an int's denominator: 1 bit)."""
    out = max((abs(x) for x in xs if type(x) is int), default=0).bit_length() + 1
    for x in xs:
        if type(x) is not int:
            q = Fraction(x)
            out = max(out, q.numerator.bit_length() + q.denominator.bit_length())
    return out


@dataclass(frozen=True)
class KroneckerCertificate:
    """rank [A]_I = k: the prime, the pivot rows of every one-sided block in the diagonal form (in the
    kernel's order: depth first, child 0 first), the inner size |S| and k = #{s : g_s != 0}."""

    k: int
    inner: int
    prime: int
    pivots: tuple  # ((level, position, rows), ...)

    @property
    def lower(self):
        return SimpleNamespace(k=self.k, prime=self.prime, kind="kronecker")

    @property
    def upper(self):
        return SimpleNamespace(k=self.k, kind="kronecker", inner=self.inner)

    def to_dict(self) -> dict:
        return {"certificate": "kronecker", "k": self.k, "inner": self.inner, "prime": self.prime,
                "pivots": [[l, b, list(rows)] for l, b, rows in self.pivots]}


def applies(spec) -> bool:
    """Numeric weights, a linear activation and product pooling (rational weights and F)."""
    def exact(x):
        return all(exact(y) for y in x) if isinstance(x, tuple) else type(x) in (int, Fraction)

    arrays = spec.all_weights() + ((spec.F,) if spec.F is not None else ())
    return (spec.activation.spec_name == "linear" and spec.pooling.name == "product" and not spec.is_symbolic
            and all(exact(a) for a in arrays))


class _Skip(Exception):
    """Not a structured case; the message says why (``structured_rank(..., reasons=[])`` collects it)."""


def _mod(X, p) -> np.ndarray:
    X = np.asarray(X, dtype=object)
    if all(type(x) is int for x in X.flat):
        return (X % p).astype(np.int64)
    flat = [int(Fraction(x).numerator * pow(Fraction(x).denominator, -1, p) % p) for x in X.flat]
    return np.array(flat, dtype=np.int64).reshape(X.shape)


def _kr(mats, p=None):
    """Khatri-Rao product (columnwise Kronecker, first factor slowest)."""
    out = mats[0]
    for m in mats[1:]:
        out = (out[:, None, :] * m[None, :, :]).reshape(-1, m.shape[1])
        if p:
            out %= p
    return out


def _matmul_mod(X, Y, p):
    out = np.zeros((X.shape[0], Y.shape[1]), dtype=np.int64)
    for a in range(0, X.shape[1], 2048):
        out = (out + X[:, a:a + 2048] @ Y[a:a + 2048]) % p
    return out


class _Net:
    def __init__(self, spec, rows):
        self.spec, self.I, self.M, self.N = spec, set(rows), spec.M, spec.N
        self.w = spec.N if spec.architecture == "shallow" else spec.window
        self.L = spec.L
        self.F = np.array(spec.representation, dtype=object)
        # the memory of exact entries: a bound on their bits per layer (a product of w children adds their bits,
        # a convolution of r channels adds the weights' bits and log2 r), the kernel's estimate of the same steps
        weights = [x for a in spec.all_weights() for x in np.asarray(a, dtype=object).flat]
        self.fractions = any(type(x) is not int for x in weights + list(self.F.flat))
        bw = _bits(weights)
        b = _bits(list(self.F.flat)) + bw + self.M.bit_length() + 1
        self.bits = [b]
        widths = spec.widths if spec.architecture == "deep" else (spec.Z,)
        for r in widths[:-1]:
            b = self.w * b + bw + r.bit_length() + 1
            self.bits.append(b)
        self.bits.append(self.w * b + bw + widths[-1].bit_length() + 1)

    def check_memory(self, entries: int, bits: int | None, what: str):
        """Refuse a step of ``entries`` exact entries of ``bits`` bits (None: int64 residues) over --max-memory."""
        from symbolic.cost import object_entry_bytes, validate_entries

        one = 8 if bits is None else (2 * object_entry_bytes(bits) + 48 if self.fractions else object_entry_bytes(bits))
        validate_entries(entries, one, f"the structured route: {what}", grid=False)

    def W(self, l, k):
        s = self.spec
        if s.architecture == "shallow":
            return np.array([s.hidden_vector(z, k) for z in range(s.Z)], dtype=object)
        return np.array(s.layer_matrix(l, k), dtype=object)

    def side(self, l, k):
        n = self.w ** l
        sides = {self.spec.order[i] in self.I for i in range(k * n, k * n + n)}
        return "mixed" if len(sides) > 1 else ("I" if sides == {True} else "J")

    def vectors(self, l, k, p=None):
        W = self.W(l, k)
        R = self.M ** (self.w ** l)
        self.check_memory(R * (W.shape[0] + W.shape[1]), None if p else self.bits[l],
                          f"the channel vectors of block ({l}, {k}) ({R:,} x {W.shape[0]})")
        X = (_mod(self.F, p) if p else self.F) if l == 0 else \
            _kr([self.vectors(l - 1, self.w * k + t, p) for t in range(self.w)], p)
        return _matmul_mod(X, _mod(W, p).T, p) if p else X.dot(W.T)

    def block(self, l, k, diag_blocks):
        side = self.side(l, k)
        if side != "mixed":
            W = self.W(l, k)
            if W.shape[0] <= self.M ** (self.w ** l):
                diag_blocks.append((l, k))
                return side, W.shape[0], None
            return side, self.M ** (self.w ** l), self.vectors(l, k).T
        kids = [self.block(l - 1, self.w * k + t, diag_blocks) for t in range(self.w)]
        return ("mixed",) + self.pool(kids, self.W(l, k), self.bits[l], f"block ({l}, {k})")

    def pool(self, kids, W, bits, what):
        diag = [kid for kid in kids if kid[2] is None]
        dense = [kid for kid in kids if kid[2] is not None]
        for other in ("I", "J"):
            wide = [kid for kid in dense if kid[0] == other]
            if wide:
                r, R = wide[0][2].shape
                raise _Skip(f"a one-sided block ({other} side) has {r} channels on {R} rows (more channels than "
                            "rows, e.g. r_0 > M) and a sibling on the other side: the channel matricizations of "
                            "their pool are not diagonal in one basis")
            if diag and all(kid[0] == other for kid in diag):
                raise _Skip(f"a mixed block whose one-sided children with diagonal form all lie on the {other} side: "
                            "the inner indices of the other side do not determine its channel")
        E = int(np.prod([kid[1] for kid in dense])) if dense else 1
        K = E * (W.shape[1] if diag else 1)
        self.check_memory(E * W.shape[1] + W.shape[0] * K, bits, f"the cores of {what} (inner size {K:,})")
        cols = _kr([kid[2].T for kid in dense]) if dense else np.ones((1, W.shape[1]), dtype=object)
        if diag:
            return K, (W[:, :, None] * cols.T[None, :, :]).reshape(W.shape[0], K)
        return K, W.dot(cols.T)


def structured_rank(spec, rows, output: int = 0, *, seed: int = 0, notes=None, reasons: list | None = None):
    """The certified rank of [A^output]_rows by the structured route (module docstring), or None when it
    does not apply (operator, supports, sizes, or a one-sided block without full column rank); then
    ``reasons``, a list, receives one line saying why.

    >>> from symbolic.spec.network import deep
    >>> why = []
    >>> structured_rank(deep(N=4, M=2, widths=(3, 2), seed=0), (0, 2), reasons=why) is None, why[0][:40]
    (True, 'a one-sided block (I side) has 3 channel')
    """
    from symbolic.rank.exact import RankResult, _pivots, random_prime

    def skip(reason):
        if reasons is not None:
            reasons.append(reason)

    if not applies(spec) or spec.N < 2:
        return skip(f"not a ConvAC with numeric weights ({spec.activation.spec_name} activation, "
                    f"{spec.pooling.name} pooling{', symbolic weights' if spec.is_symbolic else ''}, N={spec.N})")
    notes = notes or (lambda text: None)
    net = _Net(spec, rows)
    diag_blocks: list = []
    try:
        kids = [net.block(net.L - 1, t, diag_blocks) for t in range(net.w)]
        if all(kid[0] == kids[0][0] != "mixed" for kid in kids):
            return skip("the rows are all or none of the modes")
        K, g = net.pool(kids, np.array([spec.output[output]], dtype=object), net.bits[-1], "the root")
    except _Skip as e:
        return skip(str(e))
    k = int(np.count_nonzero(g[0] != 0))
    notes(f"structured route: inner size {K:,}, {k:,} nonzero core entries, {len(diag_blocks)} one-sided blocks")
    for attempt in range(4):
        p = random_prime(seed, attempt)
        pivots = []
        try:
            for l, b in diag_blocks:
                V = net.vectors(l, b, p)
                r, piv = _pivots(np.ascontiguousarray(V.T), p)
                if r < V.shape[1]:  # not of full column rank: the dense route decides
                    return skip(f"the channel vectors of block ({l}, {b}) have rank {r} < {V.shape[1]} modulo {p}")
                pivots.append((l, b, tuple(piv)))
        except (ZeroDivisionError, ValueError):  # p divides a denominator
            continue
        except _Skip as e:
            return skip(str(e))
        cert = KroneckerCertificate(k, K, p, tuple(pivots))
        statement = (f"[A]_I = P diag(g) Q^T with Kronecker-structured P, Q of full column rank (minors of "
                     f"{len(pivots)} one-sided blocks nonzero mod {p}) and g with {k} nonzero entries of the inner "
                     f"size {K}, so rank = {k}")
        return RankResult(k, k, k, cert, "structured", True, statement)
    return skip("4 primes divided a denominator of the weights; try another seed")

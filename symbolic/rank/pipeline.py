"""The certified rank of a matricization: the pipeline behind ``convac rank``.

``convac rank SPEC --partition P`` computes rank [A^y]_I of a network's grid tensor with a
certificate (symbolic.rank.certificates) and reports it beside the structural upper bounds of
:mod:`symbolic.rank.bounds`.  Routes, fastest first:

1. *modular*: the grid tensor modulo a random prime p in [2^25, 2^26) (the modular engine),
   then the rank of the residues (python-flint ``nmod_mat``): a k x k minor nonzero mod p
   proves rank >= k over Q.  When k = min(rows, cols) the trivial upper bound meets it and
   the rank is exact without ever building the exact tensor.  For a large square ConvAC
   matricization whose structural bounds allow full rank, the full-rank certificate is
   proposed at once and handed to the rank checker (one elimination instead of two).  From 1024 rows on the
   prime is below 2^21 and ranks go to the kernel's exact float64 elimination
   (:mod:`symbolic.kernel.blas_elimination`); a square matrix of a polynomial net whose structural bounds allow
   full rank is then only proposed at full rank, and the kernel's forward pass and elimination verify it
   before it is returned (a refusal falls back to the computed rank).
2. *factors*: when the structural bounds are below min(rows, cols) and the net has integer
   weights, a polynomial activation and product or sum pooling, the factors [A]_I = U V read off the
   decomposition (:mod:`symbolic.rank.factors`), checked modulo primes whose product exceeds the proven
   entry bound (:mod:`symbolic.tensor.multimodular`): both bounds without the exact tensor, for any partition.
3. *exact*: otherwise, when k is below min(rows, cols), the exact tensor (integers) and an exact
   factorization A = A[:, C] V of inner size k (the upper bound), with the same prime.
4. *symbolic* weights: the generic rank at a random wide-range point (Schwartz-Zippel), the
   structural bounds as the generic upper bound (they hold for all weights), and for tiny
   matrices the rank over the field of rational functions, for comparison.

Every certificate is verified before it is printed: by :func:`symbolic.rank.certificates.check_rank_certificate`
against the computed matrix, or (factors) against the modular engine's residues modulo each prime, and then,
at every size, by the trusted kernel (its own forward pass, or its own structured factors), under the run's
``--max-memory`` / ``--max-entries``.  0. *structured* (ConvACs, from 2^16 grid points, :mod:`symbolic.rank.structured`)
comes before the routes below when it applies.
:func:`matricization_rank` returns the answer as a typed :class:`RankAnswer`.  ``convac rank --json`` writes the answer
file that ``convac recheck`` re-verifies with the trusted kernel (:mod:`symbolic.kernel`),
which recomputes the tensor by its own forward pass.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from symbolic.errors import CertificateError, DomainError, ShapeError
from symbolic.limits import Limits, use_limits

__all__ = ["matricization_rank", "RankAnswer", "rank_answer", "rank_result", "flint_threads", "Notes", "NOTE_ENTRIES"]


#: Grid tensors with at least this many entries get progress notes on stderr.
NOTE_ENTRIES = 1 << 18


#: Matrices with at most this many entries also get the rank over the field of rational functions.
FRACTION_FIELD_ENTRIES = 64


#: Time limit of that computation (sympy's fraction-field elimination can blow up even on 4 x 4).
FRACTION_FIELD_SECONDS = 3.0


_PRIME_ATTEMPTS = 4


#: Formerly the largest answer the kernel re-verified before it was returned; now every answer is (kept for callers).
KERNEL_POINTS = 1 << 20

#: From this many grid points on, the structured route (:mod:`symbolic.rank.structured`) is tried first.
STRUCTURED_POINTS = 1 << 16


class Notes:
    """Progress notes on stderr, for large runs only; ``beat`` (a :class:`theorems.present.report.progress`
    heartbeat) learns the current stage for its line every 10 s."""

    def __init__(self, enabled: bool, prefix: str = "convac rank", beat=None):
        self.enabled, self.prefix, self.start, self.beat = enabled, prefix, time.perf_counter(), beat

    def __call__(self, text: str):
        if self.beat is not None:
            self.beat.note = text
        if self.enabled:
            sys.stderr.write(f"{self.prefix}: [{time.perf_counter() - self.start:6.1f} s] {text}\n")
            sys.stderr.flush()


def _partition_label(partition) -> str:
    return partition if isinstance(partition, str) else ",".join(str(int(i)) for i in partition)


class _TimeUp(Exception):
    pass


def _time_limited(fn, seconds: float):
    """fn() or None when it takes longer than ``seconds`` (SIGALRM; no limit off the main thread)."""
    import signal
    import threading

    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        return fn()

    def _alarm(signum, frame):
        raise _TimeUp

    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn()
    except _TimeUp:
        return None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def rank_answer(spec, partition, *, output: int = 0, engine: str | None = None, lower_bound_only: bool = False,
                seed: int = 0, notes=None, kernel_check: bool = True, propose: bool = True) -> dict:
    """The JSON answer of ``convac rank`` (see the module docstring for the routes).

    Parameters
    ----------
    spec : Spec
    partition : str or sequence of int
        ``odd-even``, ``halves``, ``"0,3"`` or a sequence of modes (the row modes I).
    output : int
    engine : None, "exact" or "modular"
        None: modular first, then the factors or the exact tensor when an upper bound below
        min(rows, cols) is needed.  "modular": only the residues modulo one prime (exact only for
        full rank).  "exact": the exact tensor (and the factorization A = A[:, C] V).
    lower_bound_only : bool
        The fastest certified lower bound (the trivial upper bound).
    seed : int
        Chooses the prime (and, for symbolic weights, the point).
    propose : bool
        Large square matrices of polynomial nets whose structural bounds allow full rank: propose the full-rank
        certificate and let the kernel's elimination verify it (one elimination, no prover pass); False, or a
        refusal by the kernel, computes the rank by the prover first.

    Examples
    --------
    >>> from symbolic.spec.network import deep
    >>> a = rank_answer(deep(N=4, M=2, widths=(2, 1), seed=1), "halves")
    >>> a["shape"], a["rank"], a["lower"], a["upper"], a["exact"], a["certificate"]["upper"]["kind"]
    ([4, 4], 1, 1, 1, True, 'factors')
    >>> a["bounds"]
    {'trivial': 4, 'widths': 1, 'min_cut': 1}
    """
    from symbolic.rank.bounds import VALIDITY, bounds as structural_bounds
    from symbolic.cost import spec_rank_cost
    from symbolic.rank.matricization import parse_partition
    from symbolic.spec.network import spec_to_dict

    t0 = time.perf_counter()
    if engine not in (None, "exact", "modular", "structured"):
        raise DomainError(f"engine={engine!r} is not one of ('exact', 'modular', 'structured')")
    if isinstance(output, bool) or not isinstance(output, int) or not 0 <= output < spec.Y:
        raise DomainError(f"output={output!r} is out of range: the network has Y={spec.Y} outputs (0..{spec.Y - 1})")
    N, M = spec.N, spec.M
    if N < 2:
        raise ShapeError(f"N={N}: a matricization needs at least two modes")
    rows = parse_partition(partition, N)
    cols = tuple(i for i in range(N) if i not in rows)
    symbolic = spec.is_symbolic or not spec.operator.is_exact
    use_modular = engine == "modular" or (engine is None and spec.operator.is_polynomial)
    first = "symbolic" if symbolic else ("modular" if use_modular else "exact")
    shape = (M ** len(rows), M ** len(cols))
    notes = notes or Notes(M**N >= NOTE_ENTRIES)
    structured, spec_dict = None, spec_to_dict(spec)
    if not symbolic and not lower_bound_only and (engine == "structured" or engine is None
                                                  and M**N >= STRUCTURED_POINTS):
        from symbolic.rank.structured import structured_rank

        why: list = []
        structured = structured_rank(spec, rows, output, seed=seed, notes=notes, reasons=why)  # A is never formed
        if structured is None and engine == "structured":
            raise DomainError(f"engine='structured' does not apply: {why[0] if why else 'not a structured case'}; "
                              "use the default engine")
    if structured is not None:
        # the structural bounds this answer shows are the kernel's own derivation (symbolic.kernel.linalg, from
        # the spec), which it derives again when it verifies the answer: the structured route builds no circuit
        # graph (the prover's graph-based bounds agree with the kernel's: tests/symbolic/test_min_cut.py,
        # tests/kernel/test_linalg.py)
        from symbolic.kernel.linalg import structural_bounds as kernel_bounds
        from symbolic.kernel.sources import net_of

        bnds = kernel_bounds(net_of({"spec": spec_dict, "output": output}), rows)
    else:
        from symbolic.tensor.circuit_graph import circuit

        bnds = structural_bounds(spec, rows, output, G=circuit(spec))
    # a proposal costs the prover nothing: the kernel's own cost model, under this run's limits, governs it
    proposal = (structured is None and not symbolic and not lower_bound_only and propose and kernel_check
                and _proposal_applies(spec, shape, bnds, engine))
    if structured is None and not proposal:
        spec_rank_cost(spec, rows, first, output).check()  # before the tensor or the matrix
    if structured is None and first == "modular" and engine is None and not lower_bound_only \
            and min(bnds.values()) < min(shape) and not _factors_apply(spec):
        spec_rank_cost(spec, rows, "exact", output).check()  # rank < full: the exact route will be needed too
    answer = {
        "spec": spec_dict,
        "output": output,
        "partition": _partition_label(partition),
        "rows": list(rows),
        "cols": list(cols),
        "shape": list(shape),
    }
    if structured is not None:
        result, extra = (structured, structured.certificate), {"engine": "structured", "method": "kronecker",
                                                                "prime": structured.certificate.prime}
    elif symbolic:
        result, extra = _symbolic_rank(spec, rows, output, seed, bnds, notes)
    elif proposal:
        result, extra = _full_rank_proposal(shape[0], seed, notes)
    else:
        result, extra = _numeric_rank(spec, rows, output, engine, lower_bound_only, seed, bnds, notes)
    r, cert = result
    answer.update(rank=r.rank, lower=r.lower, upper=r.upper, exact=r.exact)
    answer.update(extra)
    answer["statement"] = r.statement
    answer["certificate"] = cert.to_dict()
    answer["certificate_verified"] = True
    answer["bounds"] = bnds
    answer["bounds_valid_for"] = {k: VALIDITY[k] for k in bnds}
    best = min(bnds.values())
    if r.lower > best:  # pragma: no cover - would be a bug in a bound or a certificate
        raise CertificateError(f"certified rank {r.lower} exceeds the structural bound {best}: a bug, please report")
    # the trusted kernel re-derives the statement itself, at every size, before the answer is returned (under the
    # limits of this run: an answer the kernel cannot afford to verify is refused, never returned unverified)
    from symbolic.kernel import cost as kernel_cost
    from symbolic.kernel.recheck import check_result
    from symbolic.limits import limits

    if not kernel_check:  # the caller has the kernel verify a statement that contains this certificate
        answer["kernel_verified"] = False
        answer["seconds"] = round(time.perf_counter() - t0, 3)
        return answer
    notes("re-verifying the answer with the trusted kernel")
    lim = limits()
    with kernel_cost.budget(kernel_cost.Budget(memory=lim.max_memory, entries=lim.max_entries)):
        line = check_result(rank_result(answer))
    if not line.ok and not line.malformed and extra.get("method") == PROPOSAL:  # rank < n mod p: compute it
        notes(f"the kernel refused the full-rank proposal ({line.reason}); computing the rank")
        return rank_answer(spec, partition, output=output, engine=engine, lower_bound_only=lower_bound_only,
                           seed=seed, notes=notes, kernel_check=kernel_check, propose=False)
    if not line.ok:  # pragma: no cover - would be a bug in a prover
        raise CertificateError(f"the kernel did not verify the answer ({line.reason}): a bug, please report")
    answer["kernel_verified"] = True
    answer["seconds"] = round(time.perf_counter() - t0, 3)
    return answer


def _verify(matrix, cert, notes):
    from symbolic.rank.certificates import check_rank_certificate

    notes("verifying the certificate with the rank checker")
    try:
        check_rank_certificate(matrix, cert)
    except CertificateError as e:  # pragma: no cover - a bug in the rank backends
        raise CertificateError(f"internal error, the computed certificate did not verify: {e}") from None


#: ``method`` of an answer whose full-rank certificate was proposed and verified by the kernel alone.
PROPOSAL = "full-rank proposal"


def _proposal_applies(spec, shape, bnds, engine) -> bool:
    """A square matrix from ``BLAS_SIDE`` rows on, of a net the kernel evaluates modulo a prime (polynomial
    operator: linear or square activation, product, sum or average pooling), whose structural bounds allow full
    rank."""
    from symbolic.rank.nmod import BLAS_SIDE

    return (engine in (None, "modular") and shape[0] == shape[1] >= BLAS_SIDE and min(bnds.values()) == shape[0]
            and spec.operator.is_polynomial)


def _full_rank_proposal(n, seed, notes):
    """rank = n, proposed: the whole matrix nonsingular modulo a prime below 2^21 (lower bound), n = min(rows,
    cols) (upper); nothing is computed here: the kernel's forward pass and elimination verify it."""
    from symbolic.rank.certificates import RankCertificate, RankLowerBound, RankUpperBound
    from symbolic.rank.exact import RankResult, small_prime

    p = small_prime(seed)
    notes(f"proposing rank {n} (structural bounds allow it); the kernel verifies it by elimination modulo {p}")
    cert = RankCertificate(RankLowerBound(n, tuple(range(n)), tuple(range(n)), p), RankUpperBound(n, "trivial"))
    stmt = (f"the whole {n} x {n} matrix is nonsingular mod {p} (the kernel's elimination), so rank >= {n}; "
            f"rank <= min(rows, cols) = {n}")
    r = RankResult(n, n, n, cert, "modular", True, stmt)
    return (r, cert), {"engine": "modular", "method": PROPOSAL, "prime": p}


def _modular_tensor(spec, output, seed, attempt0, notes, small=False):
    from symbolic.tensor.decompositions import grid_tensor
    from symbolic.rank.exact import random_prime, small_prime

    last = None
    for attempt in range(attempt0, attempt0 + _PRIME_ATTEMPTS):
        p = small_prime(seed, attempt) if small else random_prime(seed, attempt)
        notes(f"grid tensor modulo p = {p} ({spec.M ** spec.N:,} entries, modular engine)")
        try:
            return grid_tensor(spec, output, engine="modular", modulus=p), p
        except (DomainError, ShapeError) as e:  # p divides a denominator of the weights: next prime
            last = e
    raise DomainError(f"no usable prime after {_PRIME_ATTEMPTS} attempts ({last}); try another --seed")


def _try_full_rank(m, p, notes):
    """Propose rank = n for a square residue matrix and check its certificate by the definition: the whole
    matrix has a nonzero determinant mod p (python-flint, the residues copied in without a Python list)."""
    from symbolic.rank.certificates import RankCertificate, RankLowerBound, RankUpperBound
    from symbolic.rank.exact import RankResult
    from symbolic.rank.nmod import nonsingular

    n = m.matrix.shape[0]
    cert = RankCertificate(RankLowerBound(n, tuple(range(n)), tuple(range(n)), p), RankUpperBound(n, "trivial"))
    notes(f"checking the full-rank certificate: the determinant of the {n} x {n} matrix modulo {p}")
    if m.modulus != p or not nonsingular(m.matrix, p):
        notes("not of full rank modulo p; computing the rank")
        return None
    stmt = f"the whole {n} x {n} matrix is nonsingular mod {p}, so rank >= {n}; rank <= min(rows, cols) = {n}"
    return RankResult(n, n, n, cert, "modular", True, stmt)


def _factors_apply(spec) -> bool:
    from symbolic.tensor.multimodular import supports

    return supports(spec)


def _numeric_rank(spec, rows, output, engine, lower_bound_only, seed, bnds, notes):
    from symbolic.rank.bounds import is_convac
    from symbolic.tensor.decompositions import grid_tensor
    from symbolic.rank.matricization import matricize
    from symbolic.rank.exact import exact_rank

    n_min = None
    p = None
    small = min(spec.M ** len(rows), spec.M ** (spec.N - len(rows)))
    if engine is None and not lower_bound_only and min(bnds.values()) < small and _factors_apply(spec):
        from symbolic.rank.factors import factor_certificate

        r = factor_certificate(spec, rows, output, seed=seed, notes=notes)  # verified modulo every prime
        if r is not None:
            return (r, r.certificate), {"engine": "multimodular", "method": r.method,
                                        "prime": r.certificate.lower.prime}
    use_modular = engine == "modular" or (engine is None and spec.operator.is_polynomial)
    if use_modular:
        from symbolic.rank.nmod import BLAS_SIDE

        side = min(spec.M ** len(rows), spec.M ** (spec.N - len(rows)))  # float64 elimination: a prime < 2^21
        T, p = _modular_tensor(spec, output, seed, 0, notes, small=side >= BLAS_SIDE)
        m = matricize(T, rows)
        n, c = m.matrix.shape
        n_min = min(n, c)
        r = None
        if n == c and n >= 256 and is_convac(spec) and min(bnds.values()) == n:
            r = _try_full_rank(m, p, notes)  # verified already when it is not None
            if r is not None:
                return (r, r.certificate), {"engine": "modular", "method": r.method, "prime": p}
        notes(f"rank of the {n} x {c} residue matrix modulo {p} (python-flint)")
        r = exact_rank(m, seed=seed, lower_bound_only=True)
        if r.lower == n_min or lower_bound_only or engine == "modular":
            _verify(m, r.certificate, notes)
            return (r, r.certificate), {"engine": "modular", "method": r.method, "prime": r.certificate.lower.prime}
        notes(f"rank {r.lower} < {n_min} modulo p: building the exact tensor for an exact upper bound")
    from symbolic.cost import spec_rank_cost

    spec_rank_cost(spec, rows, "exact", output).check()
    notes(f"exact grid tensor ({spec.M ** spec.N:,} entries, exact engine)")
    E = grid_tensor(spec, output, engine="exact")
    me = matricize(E, rows)
    notes(f"exact rank of the {me.matrix.shape[0]} x {me.matrix.shape[1]} matrix (python-flint)")
    r = exact_rank(me, seed=seed, lower_bound_only=lower_bound_only, prime=p)
    if r.certificate.upper.kind != "multimodular":  # its check is t ranks mod p, as long as the proof: the kernel's
        _verify(me, r.certificate, notes)           # verification, always next, is the one check it gets
    return (r, r.certificate), {"engine": "exact", "method": r.method, "prime": r.certificate.lower.prime}


def _symbolic_rank(spec, rows, output, seed, bnds, notes):
    from symbolic.tensor.decompositions import grid_tensor
    from symbolic.rank.matricization import matricize
    from symbolic.rank.exact import generic_rank, rank_over_fraction_field

    notes(f"symbolic grid tensor ({spec.M ** spec.N:,} entries, sympy)")
    T = grid_tensor(spec, output, engine="symbolic")
    m = matricize(T, rows)
    r = generic_rank(m.matrix, seed=seed)
    _verify(m, r.certificate, notes)
    best = min(bnds.values())
    generic = {
        "lower": r.lower,
        "upper": best,
        "exact": r.lower == best,
        "statement": (r.statement + "; the structural bounds hold for all weights, so the generic rank is "
                      + (f"exactly {r.lower}" if r.lower == best else f"between {r.lower} and {best}")),
    }
    if m.matrix.size <= FRACTION_FIELD_ENTRIES and spec.is_symbolic and r.lower < best:  # else it is implied
        notes("rank over the field of rational functions (sympy DomainMatrix)")
        try:
            generic["fraction_field_rank"] = _time_limited(lambda: rank_over_fraction_field(m.matrix).rank,
                                                           FRACTION_FIELD_SECONDS)
        except DomainError:  # entries outside QQ(symbols), e.g. with max or relu
            generic["fraction_field_rank"] = None
    return (r, r.certificate), {"engine": "symbolic", "method": r.method, "prime": r.certificate.lower.prime,
                                "generic": generic}


def rank_result(a: dict, seed: int = 0) -> dict:
    """A rank answer as the kernel reads it: the typed statement (spec, output, rows), the proved
    bounds, the structural bounds and the certificate; every other field is derived from these."""
    return {"statement": {"type": "rank", "spec": a["spec"], "output": a["output"], "rows": a["rows"],
                          "partition": a["partition"]},
            "status": "proved", "lower": a["lower"], "upper": a["upper"], "bounds": a["bounds"],
            "certificate": a["certificate"], "seconds": a.get("seconds", 0.0), "seed": seed}


@contextlib.contextmanager
def flint_threads():
    """Let python-flint use every core for the duration (its LU is about 20% faster on two cores)."""
    import flint

    old = flint.ctx.threads
    flint.ctx.threads = max(1, min(os.cpu_count() or 1, 8))
    try:
        yield
    finally:
        flint.ctx.threads = old


@dataclass(frozen=True, eq=False)
class RankAnswer:
    """The certified rank of a matricization, as :func:`matricization_rank` returns it.

    ``rank`` is the certified lower bound (exact when ``exact``); ``lower <= rank [A^y]_I <= upper``;
    ``certificate`` is the :class:`symbolic.rank.certificates.RankCertificate`; ``bounds`` the structural
    upper bounds by name; ``details`` every field of the answer (shape, engine, prime, statement,
    seconds, ...).  Deeply immutable: ``bounds`` and ``details`` are frozen (:func:`symbolic.frozen.freeze`),
    so changing any nested field raises ``TypeError``.  :meth:`to_dict` is exactly the result object of
    ``convac rank --json``, built fresh.

    Parameters
    ----------
    rank : int
        The certified lower bound on rank [A^y]_I; the rank itself when ``exact``.
    lower, upper : int
        Certified bounds, ``lower <= rank [A^y]_I <= upper``.
    exact : bool
        ``lower == upper``.
    certificate : RankCertificate or KroneckerCertificate
        The minor (lower bound) and the upper-bound evidence, checkable by the kernel.
    bounds : Mapping
        The structural upper bounds by name (:func:`symbolic.rank.bounds.bounds`).
    seed : int
        The seed that chose the primes.
    details : Mapping
        Every field of the answer (shape, rows, engine, prime, statement, seconds, ...).

    Returns
    -------
    RankAnswer
        Built by :func:`matricization_rank`; not meant to be constructed by hand.

    Examples
    --------
    >>> from symbolic import deep, matricization_rank
    >>> r = matricization_rank(deep(N=4, M=2, widths=(2, 1), seed=1), "halves")
    >>> r.rank, r.lower, r.upper, r.exact, dict(r.bounds)
    (1, 1, 1, True, {'trivial': 4, 'widths': 1, 'min_cut': 1})
    >>> r.to_dict()["status"]
    'proved'
    """

    rank: int
    lower: int
    upper: int
    exact: bool
    certificate: object
    bounds: Mapping
    seed: int
    details: Mapping

    def __post_init__(self):
        from symbolic.frozen import freeze

        object.__setattr__(self, "bounds", freeze(dict(self.bounds)))
        object.__setattr__(self, "details", freeze(dict(self.details)))

    def to_dict(self) -> dict:
        """The result object of ``convac rank --json`` (statement, status, bounds, certificate), which the
        trusted kernel (``convac recheck``) re-verifies: fresh plain dicts and lists."""
        from symbolic.frozen import thaw

        return rank_result(thaw(self.details), seed=self.seed)

    def __repr__(self):
        d = self.details
        value = f"{self.rank}" if self.exact else f"in [{self.lower}, {self.upper}]"
        return (f"RankAnswer(rank [A^{d['output']}]_{tuple(d['rows'])} {'=' if self.exact else ''} {value}, "
                f"{d['shape'][0]} x {d['shape'][1]}, upper bound: {self.certificate.upper.kind}, "
                f"prime {self.certificate.lower.prime})").replace("  ", " ")

    def _repr_markdown_(self):  # pragma: no cover - notebooks
        d = self.details
        rows = [("rank", f"{self.rank}" + (" (exact)" if self.exact else f" (upper bound {self.upper})")),
                ("matrix", f"{d['shape'][0]} x {d['shape'][1]}, rows I = {d['rows']}"),
                ("lower bound", f"a {self.lower} x {self.lower} minor nonzero mod {self.certificate.lower.prime}"),
                ("upper bound", self.certificate.upper.kind),
                ("structural bounds", ", ".join(f"{k} {v}" for k, v in self.bounds.items())),
                ("engine", f"{d['engine']} ({d['method']}), {d['seconds']:.2f} s")]
        return "| quantity | value |\n|---|---|\n" + "\n".join(f"| {a} | {b} |" for a, b in rows)


def matricization_rank(spec, partition, *, output: int = 0, engine: str | None = None, seed: int = 0,
                       lower_bound_only: bool = False, notes=None, kernel_check: bool = True,
                       limits: Limits | None = None) -> RankAnswer:
    """The certified rank of [A^output]_I of a network's grid tensor (the routes of the module docstring).

    rank [A^y]_I of the matricization (ICLR 2017 eq. (1)) of the grid tensor (ICML 2016 eq. (3)):
    for the odd/even partition it bounds a shallow net's channels from below (Z >= rank for
    ConvACs, COLT 2016 Thm 1), and ICLR 2017 Thm 1 bounds it for every partition of a deep ConvAC.
    The lower bound is certified by a nonzero minor, the upper bound by a factorization or an
    exact elimination, and the trusted kernel re-verifies both.

    Parameters
    ----------
    spec : Spec, dict, str or pathlib.Path
        The network, or anything :func:`symbolic.spec.network.load_spec` reads (a path, JSON text, a dict).
    partition : str or sequence of int
        ``odd-even``, ``halves``, ``"0,3"`` or the row modes I (0-based).
    output : int, default 0
        The output y.
    engine : {None, "exact", "modular", "structured"}, default None
        As in :func:`rank_answer`: None chooses (modular first, exact or factors when an upper
        bound below min(rows, cols) is needed).
    seed : int, default 0
        Chooses the primes (and, for symbolic weights, the point).
    lower_bound_only : bool, default False
        The fastest certified lower bound (with the trivial upper bound).
    notes : Notes, optional
        Progress notes on stderr (default: only for large grid tensors).
    kernel_check : bool, default True
        True: the trusted kernel re-verifies the answer before it is returned.  False only
        for callers that have the kernel verify a statement containing this certificate (a catalog claim's
        witness, re-verified once by :func:`theorems.claims.verdict.conclude`).
    limits : symbolic.limits.Limits, optional
        The resource limits of this call (memory, grid entries); default: the limits in force
        (:func:`symbolic.limits.limits`). Work that would not fit is refused before it starts.

    Returns
    -------
    RankAnswer
        Frozen: ``rank``, ``lower``, ``upper``, ``exact``, the ``certificate``, the structural
        ``bounds``; ``to_dict()`` is the ``convac rank --json`` result.

    Raises
    ------
    SpecError
        If ``spec`` is not a valid spec.
    DomainError
        For an unknown engine or an output out of range.
    ShapeError
        For a malformed partition.
    TooLarge
        Before any work, when the matrix would not fit the limits of :mod:`symbolic.cost`.

    Examples
    --------
    >>> from symbolic import deep, matricization_rank
    >>> r = matricization_rank(deep(N=4, M=3, widths=(3, 2), seed=0), "halves")
    >>> r.rank, r.exact, r.certificate.upper.kind, r.to_dict()["status"]
    (2, True, 'factors', 'proved')
    >>> r  # doctest: +ELLIPSIS
    RankAnswer(rank [A^0]_(0, 1) = 2, 9 x 9, upper bound: factors, prime ...)
    """
    with use_limits(limits):
        from symbolic.rank.certificates import from_dict
        from symbolic.spec.network import Spec, load_spec

        if not isinstance(spec, Spec):
            spec = load_spec(spec)
        a = rank_answer(spec, partition, output=output, engine=engine, lower_bound_only=lower_bound_only, seed=seed,
                        notes=notes, kernel_check=kernel_check)
        c = a["certificate"]
        if c["certificate"] == "kronecker":
            from symbolic.rank.structured import KroneckerCertificate

            cert = KroneckerCertificate(c["k"], c["inner"], c["prime"],
                                        tuple((l, b, tuple(r)) for l, b, r in c["pivots"]))
        else:
            cert = from_dict(c)
        return RankAnswer(a["rank"], a["lower"], a["upper"], a["exact"], cert,
                          MappingProxyType(dict(a["bounds"])), seed, MappingProxyType(a))

"""``convac rank`` and ``convac recheck``: certified matricization ranks, re-verified independently.

``convac rank SPEC --partition P`` computes rank [A^y]_I of a network's grid tensor with a
certificate (symbolic.certificates) and reports it beside the structural upper bounds of
:mod:`symbolic.bounds`.  Routes, fastest first:

1. *modular*: the grid tensor modulo a random prime p in [2^25, 2^26) (the modular engine),
   then the rank of the residues (python-flint ``nmod_mat``): a k x k minor nonzero mod p
   proves rank >= k over Q.  When k = min(rows, cols) the trivial upper bound meets it and
   the rank is exact without ever building the exact tensor.  For a large square ConvAC
   matricization whose structural bounds allow full rank, the full-rank certificate is
   proposed at once and handed to the trusted checker (one elimination instead of two).
2. *exact*: when k is below min(rows, cols), the exact tensor (integers) and an exact
   factorization A = A[:, C] V of inner size k (the upper bound), with the same prime.
3. *symbolic* weights: the generic rank at a random wide-range point (Schwartz-Zippel), the
   structural bounds as the generic upper bound (they hold for all weights), and for tiny
   matrices the rank over the field of rational functions, for comparison.

Every certificate is verified by :func:`symbolic.certificates.check_rank_certificate`
against the computed matrix before it is printed.  ``convac recheck FILE`` re-verifies the
certificates of a saved ``--json`` answer (of ``rank`` or ``verify``) by the independent
route: the grid tensor recomputed by the circuit's forward pass.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import sys
import time

from symbolic.errors import CertificateError, ConvacError, DomainError, ShapeError

from .report import table

__all__ = ["register", "rank_answer", "recheck", "cmd_rank", "cmd_recheck"]

#: Grid tensors with at least this many entries get progress notes on stderr.
NOTE_ENTRIES = 1 << 18
#: Matrices with at most this many entries also get the rank over the field of rational functions.
FRACTION_FIELD_ENTRIES = 64
#: Time limit of that computation (sympy's fraction-field elimination can blow up even on 4 x 4).
FRACTION_FIELD_SECONDS = 3.0
#: Above this many grid points ``recheck`` runs the forward pass in chunks, with progress.
CHUNK_POINTS = 1 << 16
#: Seconds between two progress notes of a long forward pass.
PROGRESS_SECONDS = 10.0
_PRIME_ATTEMPTS = 4


# ----------------------------------------------------------------------------- helpers
class _Notes:
    """Progress notes on stderr, for large runs only."""

    def __init__(self, enabled: bool, prefix: str = "convac rank"):
        self.enabled, self.prefix, self.start = enabled, prefix, time.perf_counter()

    def __call__(self, text: str):
        if self.enabled:
            sys.stderr.write(f"{self.prefix}: [{time.perf_counter() - self.start:6.1f} s] {text}\n")
            sys.stderr.flush()


def _output_index(text, Y: int) -> int:
    try:
        y = int(text)
    except (TypeError, ValueError):
        raise ConvacError(f"--output: expected an int in 0..{Y - 1}, got {text!r}") from None
    if not 0 <= y < Y:
        raise ConvacError(f"--output: {y} is out of range; the network has Y={Y} outputs (0..{Y - 1})")
    return y


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


def _upper_words(cert) -> str:
    u = cert.upper
    if u.kind == "trivial":
        return "trivial: min(rows, cols)"
    return f"exact factorization A = A[:, C] V with {len(u.cols)} columns C"


# ----------------------------------------------------------------------------- rank
def rank_answer(spec, partition, *, output: int = 0, engine: str | None = None, lower_bound_only: bool = False,
                seed: int = 0, notes=None) -> dict:
    """The JSON answer of ``convac rank`` (see the module docstring for the routes).

    Parameters
    ----------
    spec : Spec
    partition : str or sequence of int
        ``odd-even``, ``halves``, ``"0,3"`` or a sequence of modes (the row modes I).
    output : int
    engine : None, "exact" or "modular"
        None: modular first, exact only when an exact upper bound is needed.  "modular":
        only the residues (exact only for full rank).  "exact": the exact tensor.
    lower_bound_only : bool
        The fastest certified lower bound (the trivial upper bound).
    seed : int
        Chooses the prime (and, for symbolic weights, the point).

    Examples
    --------
    >>> from symbolic.spec import deep
    >>> a = rank_answer(deep(N=4, M=2, widths=(2, 1), seed=1), "halves")
    >>> a["shape"], a["rank"], a["lower"], a["upper"], a["exact"], a["certificate"]["upper"]["kind"]
    ([4, 4], 1, 1, 1, True, 'factorization')
    >>> a["bounds"]
    {'trivial': 4, 'widths': 1, 'min_cut': 1}
    """
    from symbolic.bounds import VALIDITY, bounds as structural_bounds
    from symbolic.circuit import circuit
    from symbolic.matricize import parse_partition
    from symbolic.spec import spec_to_dict

    t0 = time.perf_counter()
    if engine not in (None, "exact", "modular"):
        raise DomainError(f"engine={engine!r} is not one of ('exact', 'modular')")
    if isinstance(output, bool) or not isinstance(output, int) or not 0 <= output < spec.Y:
        raise DomainError(f"output={output!r} is out of range: the network has Y={spec.Y} outputs (0..{spec.Y - 1})")
    N, M = spec.N, spec.M
    if N < 2:
        raise ShapeError(f"N={N}: a matricization needs at least two modes")
    rows = parse_partition(partition, N)
    cols = tuple(i for i in range(N) if i not in rows)
    shape = (M ** len(rows), M ** len(cols))
    notes = notes or _Notes(M**N >= NOTE_ENTRIES)
    G = circuit(spec)
    bnds = structural_bounds(spec, rows, output, G=G)
    answer = {
        "spec": spec_to_dict(spec),
        "output": output,
        "partition": _partition_label(partition),
        "rows": list(rows),
        "cols": list(cols),
        "shape": list(shape),
    }
    symbolic = spec.is_symbolic or not spec.operator.is_exact
    if symbolic:
        result, extra = _symbolic_rank(spec, rows, output, seed, bnds, notes)
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
    answer["seconds"] = round(time.perf_counter() - t0, 3)
    return answer


def _verify(matrix, cert, notes):
    from symbolic.certificates import check_rank_certificate

    notes("verifying the certificate with the trusted checker")
    try:
        check_rank_certificate(matrix, cert)
    except CertificateError as e:  # pragma: no cover - a bug in the rank backends
        raise CertificateError(f"internal error, the computed certificate did not verify: {e}") from None


def _modular_tensor(spec, output, seed, attempt0, notes):
    from symbolic.decompositions import grid_tensor
    from symbolic.rank import random_prime

    last = None
    for attempt in range(attempt0, attempt0 + _PRIME_ATTEMPTS):
        p = random_prime(seed, attempt)
        notes(f"grid tensor modulo p = {p} ({spec.M ** spec.N:,} entries, modular engine)")
        try:
            return grid_tensor(spec, output, engine="modular", modulus=p), p
        except (DomainError, ShapeError) as e:  # p divides a denominator of the weights: next prime
            last = e
    raise DomainError(f"no usable prime after {_PRIME_ATTEMPTS} attempts ({last}); try another --seed")


def _try_full_rank(m, p, notes):
    """Propose rank = n for a square residue matrix and let the trusted checker decide."""
    from symbolic.certificates import RankCertificate, RankLowerBound, RankUpperBound, check_rank_certificate
    from symbolic.rank import RankResult

    n = m.matrix.shape[0]
    cert = RankCertificate(RankLowerBound(n, tuple(range(n)), tuple(range(n)), p), RankUpperBound(n, "trivial"))
    notes(f"checking the full-rank certificate ({n} x {n} minor modulo {p}) with the trusted checker")
    try:
        check_rank_certificate(m, cert)
    except CertificateError:
        notes("not of full rank modulo p; computing the rank")
        return None
    stmt = f"the whole {n} x {n} matrix is nonsingular mod {p}, so rank >= {n}; rank <= min(rows, cols) = {n}"
    return RankResult(n, n, n, cert, "modular", True, stmt)


def _numeric_rank(spec, rows, output, engine, lower_bound_only, seed, bnds, notes):
    from symbolic.bounds import is_convac
    from symbolic.decompositions import grid_tensor
    from symbolic.matricize import matricize
    from symbolic.rank import exact_rank

    n_min = None
    p = None
    use_modular = engine == "modular" or (engine is None and spec.operator.is_polynomial)
    if use_modular:
        T, p = _modular_tensor(spec, output, seed, 0, notes)
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
    notes(f"exact grid tensor ({spec.M ** spec.N:,} entries, exact engine)")
    E = grid_tensor(spec, output, engine="exact")
    me = matricize(E, rows)
    notes(f"exact rank of the {me.matrix.shape[0]} x {me.matrix.shape[1]} matrix (python-flint)")
    r = exact_rank(me, seed=seed, lower_bound_only=lower_bound_only, prime=p)
    _verify(me, r.certificate, notes)
    return (r, r.certificate), {"engine": "exact", "method": r.method, "prime": r.certificate.lower.prime}


def _symbolic_rank(spec, rows, output, seed, bnds, notes):
    from symbolic.decompositions import grid_tensor
    from symbolic.matricize import matricize
    from symbolic.rank import generic_rank, rank_over_fraction_field

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
        "statement": (r.statement + f"; the structural bounds hold for all weights, so the generic rank is "
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


def _text(spec, a) -> str:
    cert = a["certificate"]
    lower = cert["lower"]
    rows = [
        ["network", repr(spec)],
        ["output", a["output"]],
        ["partition", a["partition"]],
        ["row modes I", ", ".join(map(str, a["rows"]))],
        ["column modes J", ", ".join(map(str, a["cols"]))],
        ["matrix shape", f"{a['shape'][0]} x {a['shape'][1]}"],
        ["rank", f"{a['rank']}" + (" (exact)" if a["exact"] else f" (certified lower bound; upper {a['upper']})")],
        ["lower bound", f"{a['lower']}  (a {lower['k']} x {lower['k']} minor nonzero mod {lower['prime']})"],
        ["upper bound", f"{a['upper']}  ({_upper_words(_cert(cert))})"],
        ["exact", "yes" if a["exact"] else "no"],
        ["certificate", "rank (lower: minor mod p; upper: " + cert["upper"]["kind"] + "), verified by the trusted checker"],
        ["prime", lower["prime"]],
        ["engine", f"{a['engine']} ({a['method']})"],
        ["seconds", f"{a['seconds']:.2f}"],
    ]
    if "generic" in a:
        g = a["generic"]
        rows.insert(7, ["generic rank", f"{g['lower']}" + ("" if g["exact"] else f" .. {g['upper']}")
                        + (" (exact: meets the structural bound)" if g["exact"] else "")])
        if "fraction_field_rank" in g:
            ff = g["fraction_field_rank"]
            rows.insert(8, ["rank over QQ(w)", "not computed (time limit or non-rational entries)" if ff is None else ff])
        if lower.get("point"):
            pt = lower["point"]
            shown = ", ".join(f"{k}={v}" for k, v in list(pt.items())[:4]) + (", ..." if len(pt) > 4 else "")
            rows.append(["point", shown])
    out = [f"convac rank: {repr(spec)}, output {a['output']}", table(rows, ["quantity", "value"]), ""]
    brows = [[k, v, a["bounds_valid_for"][k]] for k, v in a["bounds"].items()]
    out.append("structural upper bounds (valid for all weights):")
    out.append(table(brows, ["bound", "value", "valid for"]))
    out.append("")
    out.append((a["generic"]["statement"] if "generic" in a else a["statement"]) + ".")
    return "\n".join(out)


def _cert(d):
    from symbolic.certificates import from_dict

    return from_dict(d)


@contextlib.contextmanager
def _flint_threads():
    """Let python-flint use every core for the duration (its LU is about 20% faster on two cores)."""
    import flint

    old = flint.ctx.threads
    flint.ctx.threads = max(1, min(os.cpu_count() or 1, 8))
    try:
        yield
    finally:
        flint.ctx.threads = old


def cmd_rank(args) -> int:
    from .cli import read_spec

    spec = read_spec(args.spec)
    y = _output_index(args.output, spec.Y)
    notes = _Notes(False) if args.quiet else None
    with _flint_threads():
        a = rank_answer(spec, args.partition, output=y, engine=args.engine, lower_bound_only=args.lower_bound_only,
                        seed=args.seed, notes=notes)
    print(json.dumps(a) if args.json else _text(spec, a))
    return 0


# ----------------------------------------------------------------------------- recheck
def _read_json(path: str):
    if path == "-":
        text = sys.stdin.read()
        where = "stdin"
    else:
        try:
            with open(path) as f:
                text = f.read()
        except OSError as e:
            raise ConvacError(f"FILE {path!r}: cannot be read ({e.strerror})") from None
        where = path
    if not text.strip():
        raise ConvacError(f"FILE {where}: empty; expected the --json answer of `convac rank` or `convac verify`")
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise ConvacError(f"FILE {where}: not JSON (line {e.lineno} column {e.colno}: {e.msg})") from None


def _is_rank_answer(obj) -> bool:
    return isinstance(obj, dict) and "spec" in obj and "rows" in obj and isinstance(obj.get("certificate"), dict) \
        and obj["certificate"].get("certificate") == "rank"


def _items(obj, label: str = ""):
    """(label, kind, payload) for every certificate in a JSON answer."""
    if isinstance(obj, list):
        out = []
        for n, x in enumerate(obj):
            out += _items(x, f"{label}[{n}]")
        return out
    if not isinstance(obj, dict):
        return []
    if _is_rank_answer(obj):
        name = f"rank [A^{obj.get('output', 0)}]_{obj.get('partition', obj['rows'])}"
        return [(label + name if not label else f"{label} {name}", "rank", obj)]
    if "kind" in obj:  # a bare theorem certificate
        return [(label or f"certificate ({obj['kind']})", "theorem", obj)]
    if isinstance(obj.get("results"), list):
        out = []
        for n, res in enumerate(obj["results"]):
            if not isinstance(res, dict):
                continue
            name = str(res.get("claim", f"result {n}"))
            inst = res.get("instance")
            if inst is not None:
                name += f" {json.dumps(inst, separators=(',', ':')) if not isinstance(inst, str) else inst}"
            cert = res.get("certificate")
            if isinstance(cert, dict) and _is_rank_answer(cert):
                out.append((name, "rank", cert))
            elif isinstance(cert, dict):
                out.append((name, "theorem", cert))
            else:
                out.append((name, "none", res))
        return out
    return []


def _claims_consistent(a: dict, spec) -> None:
    """The numbers an answer states must be the ones its certificate proves (and the recomputed bounds)."""
    from symbolic.certificates import from_dict
    from symbolic.matricize import parse_partition

    cert = from_dict(a["certificate"])
    k, u = cert.lower.k, cert.upper.k
    rows = parse_partition(a["rows"], spec.N)
    if list(rows) != list(a["rows"]):
        raise CertificateError(f"rows {a['rows']} are not in increasing order")
    if "partition" in a and parse_partition(a["partition"], spec.N) != rows:
        raise CertificateError(f"partition {a['partition']!r} does not give rows {a['rows']}")
    cols = [i for i in range(spec.N) if i not in rows]
    if "cols" in a and list(a["cols"]) != cols:
        raise CertificateError(f"cols {a['cols']} are not the complement {cols} of the rows")
    shape = [spec.M ** len(rows), spec.M ** len(cols)]
    if "shape" in a and list(a["shape"]) != shape:
        raise CertificateError(f"shape {a['shape']} differs from {shape}")
    for key, want in (("rank", k), ("lower", k), ("upper", u), ("exact", k == u)):
        if key in a and a[key] != want:
            raise CertificateError(f"the answer says {key}={a[key]!r}, its certificate states {want!r}")
    from symbolic.bounds import bounds

    got = bounds(spec, rows, a.get("output", 0))
    if "bounds" in a and dict(a["bounds"]) != got:
        raise CertificateError(f"structural bounds {a['bounds']} differ from the recomputed {got}")
    if "generic" in a and a["generic"].get("upper") != min(got.values()):
        raise CertificateError(f"generic upper bound {a['generic'].get('upper')} differs from {min(got.values())}")
    if k > min(got.values()):
        raise CertificateError(f"the certified rank {k} exceeds the structural upper bound {min(got.values())}")


def _forward_matrix(spec, rows, output, prime, residues_only: bool, notes):
    """[A^y]_rows by the circuit's forward pass, in chunks of grid points (progress on stderr)."""
    import numpy as np

    from symbolic.circuit import circuit, forward
    from symbolic.matricize import matricize_array

    G = circuit(spec)
    N, M = spec.N, spec.M
    total = M**N
    data = np.empty(total, dtype=np.int64 if residues_only else object)
    pts_iter = itertools.product(range(M), repeat=N)
    done, t0, shown = 0, time.perf_counter(), None
    while done < total:
        chunk = list(itertools.islice(pts_iter, CHUNK_POINTS))
        vals = forward(G, chunk)[output]
        if residues_only:
            data[done:done + len(chunk)] = [_residue(v, prime) for v in vals]
        else:
            data[done:done + len(chunk)] = vals
        done += len(chunk)
        now = time.perf_counter()
        if shown is None or now - shown >= PROGRESS_SECONDS or done == total:  # the first, then every few seconds
            shown = now
            notes(f"forward pass {done:,}/{total:,} grid points ({100 * done / total:.1f}%, about "
                  f"{(now - t0) / done * (total - done):.0f} s left)")
    return matricize_array(data.reshape((M,) * N), rows)


def _residue(x, p: int) -> int:
    from fractions import Fraction

    if isinstance(x, int):
        return x % p
    q = Fraction(x)
    if q.denominator % p == 0:
        raise CertificateError(f"prime={p} divides the denominator of an entry")
    return q.numerator * pow(q.denominator, -1, p) % p


def _check_rank_answer(a: dict, notes) -> None:
    from symbolic.certificates import check_rank_certificate, from_dict
    from symbolic.checker import check_certificate
    from symbolic.spec import load_spec

    try:
        spec = load_spec(a["spec"])
    except ConvacError as e:
        raise CertificateError(f"the embedded spec does not load: {e}") from None
    y = a.get("output", 0)
    if isinstance(y, bool) or not isinstance(y, int) or not 0 <= y < spec.Y:
        raise CertificateError(f"output={y!r} is not an output of the network (Y={spec.Y})")
    try:
        _claims_consistent(a, spec)
        cert = from_dict(a["certificate"])
    except (KeyError, TypeError, ValueError, ShapeError) as e:
        if isinstance(e, CertificateError):
            raise
        raise CertificateError(f"malformed answer ({type(e).__name__}: {e})") from None
    if spec.M**spec.N <= CHUNK_POINTS or spec.is_symbolic:
        if spec.M**spec.N >= NOTE_ENTRIES // 16:
            notes(f"forward pass over {spec.M ** spec.N:,} grid points")
        check_certificate({"kind": "matricization_rank", "source": {"spec": a["spec"], "output": y},
                           "rows": list(a["rows"]), "certificate": a["certificate"]})
        return
    residues_only = cert.upper.kind == "trivial"
    A = _forward_matrix(spec, tuple(a["rows"]), y, cert.lower.prime, residues_only, notes)
    notes("checking the certificate with the trusted checker")
    check_rank_certificate(A, cert, modulus=cert.lower.prime if residues_only else None)


def recheck(obj, *, out=None, notes=None) -> int:
    """Re-verify every certificate of a JSON answer; print one line each; 0 if all hold, 1 otherwise.

    >>> from symbolic.spec import shallow
    >>> a = rank_answer(shallow(N=2, M=2, Z=1, seed=0), "0")
    >>> recheck(a)
    ok      rank [A^0]_0: rank 1 (exact)
    0
    >>> a["rank"] = 2                       # a claim the certificate does not prove
    >>> recheck(a)
    FAILED  rank [A^0]_0: the answer says rank=2, its certificate states 1
    1
    """
    from symbolic.checker import check_certificate

    out = out or sys.stdout
    items = _items(obj)
    if not any(kind != "none" for _, kind, _ in items):
        raise ConvacError("FILE: no certificate found; expected the --json answer of `convac rank` or `convac verify`")
    notes = notes or _Notes(True, "convac recheck")
    failed = 0
    for n, (label, kind, payload) in enumerate(items):
        if kind == "none":
            print(f"-       {label}: no certificate (status {payload.get('status', '?')})", file=out)
            continue
        try:
            if kind == "rank":
                _check_rank_answer(payload, notes)
                what = f"rank {payload.get('rank')}" + (" (exact)" if payload.get("exact") else " (lower bound)")
            else:
                check_certificate(payload)
                what = payload.get("kind", "")
        except CertificateError as e:
            failed += 1
            print(f"FAILED  {label}: {e}", file=out)
        else:
            print(f"ok      {label}: {what}", file=out)
    return 1 if failed else 0


def cmd_recheck(args) -> int:
    obj = _read_json(args.file)
    return recheck(obj, notes=_Notes(not args.quiet, "convac recheck"))


# ----------------------------------------------------------------------------- registration
def register(sub) -> None:
    """Add the ``rank`` and ``recheck`` subcommands to the ``convac`` parser."""
    r = sub.add_parser("rank", help="the exact, certified rank of a matricization of a network's grid tensor",
                       description="The rank of [A^y]_I with a certificate (verified before it is printed) and the "
                                   "structural upper bounds (trivial, widths, min-cut).")
    r.add_argument("spec", help="spec file (JSON) or - for standard input")
    r.add_argument("--partition", "-p", default="odd-even",
                   help="row modes I: odd-even (default), halves, or a comma list such as 0,3")
    r.add_argument("--output", default="0", help="output index y (default 0)")
    r.add_argument("--json", action="store_true", help="print the answer as JSON (re-checkable by `convac recheck`)")
    r.add_argument("--lower-bound-only", action="store_true",
                   help="the fastest certified lower bound (residues mod p; upper bound min(rows, cols))")
    r.add_argument("--engine", choices=["exact", "modular"], default=None,
                   help="default: modular, then exact only when an exact upper bound is needed")
    r.add_argument("--seed", type=int, default=0, help="chooses the prime (and the point for symbolic weights)")
    r.add_argument("--quiet", "-q", action="store_true", help="no progress notes on stderr")
    r.set_defaults(func=cmd_rank)

    c = sub.add_parser("recheck", help="re-verify the certificates of a saved --json answer (rank or verify)",
                       description="Recomputes each matrix from the embedded spec by the circuit's forward pass and "
                                   "checks every certificate. Exit 0 if all hold, 1 if one fails, 2 on bad input.")
    c.add_argument("file", help="a --json answer of `convac rank` or `convac verify`, or - for standard input")
    c.add_argument("--quiet", "-q", action="store_true", help="no progress notes on stderr")
    c.set_defaults(func=cmd_recheck)


"""Benchmark of ``convac rank`` against the float pipeline, and of flint against sympy (not a test).

Run:  python benchmarks/bench_rank.py [--N 8] [--M 8] [--width 8] [--small 256] [--skip-float] [--skip-sympy]

(a) A deep ConvAC, N = 8, M = 8, widths 8, 8, 8, weights drawn from [-1000, 1000]
    (``deep(..., seed=0)``), written to a temporary JSON file.  Whole-process wall time of

    - ``convac rank SPEC --partition odd-even --json`` (a subprocess; certified, verified), and
    - a float pipeline (a ``python -c`` subprocess): the same grid tensor in numpy float64 by a
      level-by-level contraction, then ``numpy.linalg.matrix_rank`` of the 4096 x 4096
      odd-even matricization (a float rank: it may be wrong).

    Prints both times, their ratio and both ranks.  OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE
    (set on some machines for old OpenBLAS builds; they slow a current numpy) are removed from
    the float run's environment only, if set; the script says whether it did, and which BLAS
    kernel numpy then ran (threadpoolctl, when installed).
(b) A random 256 x 256 integer matrix: ``exact_rank(method="flint")`` (certified) against
    sympy's ``DomainMatrix.rank()`` over ZZ and ``exact_rank(method="sympy")``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

#: The float pipeline, run as ``python -c FLOAT_PIPELINE SPEC [odd-even|halves]``; prints {"rank": r, "seconds": s,
#: "blas": ...}.
FLOAT_PIPELINE = r"""
import json, sys, time
from fractions import Fraction
import numpy as np
d = json.load(open(sys.argv[1]))
N, M, w = d["N"], d["M"], d.get("window", 2)
num = lambda x: float(Fraction(x)) if isinstance(x, str) else float(x)
arr = lambda a: np.vectorize(num, otypes=[float])(np.array(a, dtype=object))
F = arr(d["F"]) if "F" in d else np.eye(M)
order = d.get("patch_order", list(range(N)))
X = np.broadcast_to(F.T[None], (N, M, M)).copy()      # (positions, channels, K): X[k, j, d] = F[d, j]
for W in d["weights"]["layers"]:
    X = np.matmul(arr(W), X)                          # 1x1 convolution; linear activation
    P, C, K = X.shape
    B = X.reshape(P // w, w, C, K)
    X = B[:, 0]
    for t in range(1, w):                             # product pooling: outer products of the window
        X = (X[:, :, :, None] * B[:, t][:, :, None, :]).reshape(P // w, C, -1)
out = arr(d["weights"]["output"]) @ X[0]
A = out[0].reshape((M,) * N).transpose(tuple(int(i) for i in np.argsort(order)))
part = sys.argv[2] if len(sys.argv) > 2 else "odd-even"  # odd-even or halves
rows = tuple(range(0, N, 2)) if part == "odd-even" else tuple(range(N // 2))
cols = tuple(i for i in range(N) if i not in rows)
mat = np.ascontiguousarray(A.transpose(rows + cols)).reshape(M ** len(rows), M ** len(cols))
t = time.perf_counter()
r = int(np.linalg.matrix_rank(mat))
blas = None
try:
    from threadpoolctl import threadpool_info
    blas = [(i.get("internal_api"), i.get("architecture"), i.get("num_threads")) for i in threadpool_info()]
except ImportError:
    blas = "threadpoolctl not installed"
print(json.dumps({"rank": r, "rank_seconds": time.perf_counter() - t, "shape": list(mat.shape), "blas": blas}))
"""


def _convac():
    exe = Path(sys.executable).parent / "convac"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "theorems.cli"]


def _run(cmd, env=None):
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    dt = time.perf_counter() - t
    if p.returncode != 0:
        raise SystemExit(f"command failed ({p.returncode}): {' '.join(cmd[:3])} ...\n{p.stderr}")
    return p.stdout, p.stderr, dt


def bench_4096(N: int, M: int, width: int, skip_float: bool):
    from symbolic.spec.network import deep, dump_spec

    spec = deep(N=N, M=M, widths=(width,) * _levels(N), seed=0, low=-1000, high=1000)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "deep_convac.json"
        path.write_text(dump_spec(spec))
        print(f"(a) {spec!r}, weights in [-1000, 1000], seed 0; odd-even matricization "
              f"{M ** (N // 2)} x {M ** (N - N // 2)}")
        times = {}
        for engine in ("default", "modular"):  # the structured route (a ConvAC's default), then the dense one
            flags = [] if engine == "default" else ["--engine", "modular"]
            out, err, times[engine] = _run(_convac() + ["rank", str(path), "--partition", "odd-even", "--json",
                                                        *flags])
            a = json.loads(out)["results"][0]  # the answer envelope: one typed rank result
            rank = a["lower"] if a["lower"] == a["upper"] else f"{a['lower']}..{a['upper']}"
            c = a["certificate"]
            kind = "kronecker (structured)" if c["certificate"] == "kronecker" else f"{c['upper']['kind']} upper bound"
            print(f"  convac rank --json {' '.join(flags):<17s} {times[engine]:8.2f} s  rank {rank} "
                  f"(exact={a['lower'] == a['upper']}, certificate {kind}, in-process {a['seconds']:.2f} s)")
        t_convac = times["default"]
        if skip_float:
            return
        env = dict(os.environ)
        removed = [k for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if env.pop(k, None) is not None]
        out, _, t_float = _run([sys.executable, "-c", FLOAT_PIPELINE, str(path)], env=env)
        f = json.loads(out)
        print(f"  float64 pipeline            {t_float:8.2f} s  rank {f['rank']} (matrix_rank alone "
              f"{f['rank_seconds']:.2f} s; a float rank, not certified)")
        print(f"  ratio convac / float        {t_convac / t_float:8.2f}    (target <= 1.5, stretch < 1)")
        print(f"  ratio --engine modular / float {times['modular'] / t_float:5.2f}    (the dense route)")
        print("  float run environment: "
              f"{'unset ' + ', '.join(removed) if removed else 'OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE were not set; nothing unset'}; "  # noqa: E501
              f"BLAS: {f['blas']}")


def _levels(N: int) -> int:
    L = 0
    while N > 1:
        N //= 2
        L += 1
    return L


def bench_small(n: int, skip_sympy: bool):
    import numpy as np
    from sympy import ZZ
    from sympy.polys.matrices import DomainMatrix

    from symbolic.rank.certificates import check_rank_certificate
    from symbolic.rank.exact import exact_rank

    B = np.random.default_rng(1).integers(-1000, 1001, (n, n)).astype(object)
    print(f"\n(b) a random {n} x {n} integer matrix, entries in [-1000, 1000]")
    t = time.perf_counter()
    r = exact_rank(B, method="flint")
    t_flint = time.perf_counter() - t
    check_rank_certificate(B, r.certificate)
    print(f"  exact_rank(method='flint')  {t_flint:8.3f} s  rank {r.rank} (exact={r.exact}, certified)")
    if skip_sympy:
        return
    dM = DomainMatrix.from_list(B.tolist(), ZZ)
    t = time.perf_counter()
    k = dM.rank()
    t_dm = time.perf_counter() - t
    print(f"  sympy DomainMatrix.rank()   {t_dm:8.3f} s  rank {k} (uncertified)")
    t = time.perf_counter()
    rs = exact_rank(B, method="sympy")
    t_sy = time.perf_counter() - t
    print(f"  exact_rank(method='sympy')  {t_sy:8.3f} s  rank {rs.rank} (certified)")
    print(f"  speed-up flint vs DomainMatrix.rank  {t_dm / t_flint:8.0f}x   (target >= 100x)")
    print(f"  speed-up flint vs exact_rank(sympy)  {t_sy / t_flint:8.0f}x")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--N", type=int, default=8)
    ap.add_argument("--M", type=int, default=8)
    ap.add_argument("--width", type=int, default=8)
    ap.add_argument("--small", type=int, default=256)
    ap.add_argument("--skip-float", action="store_true")
    ap.add_argument("--skip-sympy", action="store_true")
    ap.add_argument("--skip-big", action="store_true")
    args = ap.parse_args(argv)
    import flint
    import numpy
    import sympy

    print(f"python {sys.version.split()[0]}, numpy {numpy.__version__}, python-flint {flint.__version__}, "
          f"sympy {sympy.__version__}, {os.cpu_count()} cores\n")
    if not args.skip_big:
        bench_4096(args.N, args.M, args.width, args.skip_float)
    bench_small(args.small, args.skip_sympy)


if __name__ == "__main__":
    main()

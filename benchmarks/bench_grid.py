"""Timings of the grid tensor of a deep network: exact vs modular engine vs a numpy float64 pipeline (not a test).

Run:  python benchmarks/bench_grid.py [--N 8] [--M 6] [--widths 6,6,6] [--activation linear] [--pooling product]
                                     [--low -1000] [--high 1000] [--seed 0] [--repeat 3]

The network is ``symbolic.spec.network.deep(N, M, widths, seed=seed, low=low, high=high)``
(integer weights drawn from [low, high]). The same level-by-level contraction
(1x1 convolution, activation, generalized outer product over each pooling window,
then the dense output) is written below with float64 numpy arrays, independently
of the engines. Each route is timed best-of-``repeat``; the table gives seconds and
the ratios modular/float and exact/float (the issue's aim: modular within 2x of
float64). The float tensor is then compared with the exact one: the maximum
relative error over nonzero entries, the normwise relative error, and whether the
float values, rounded to the nearest integer, reproduce the exact (integer) tensor.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from symbolic.tensor.decompositions import decomposition, grid_tensor  # noqa: E402
from symbolic.spec.network import deep  # noqa: E402


def _floats(rows) -> np.ndarray:
    a = np.array(rows, dtype=object)
    return np.array([float(x) for x in a.flat], dtype=np.float64).reshape(a.shape)


def _sigma(name: str, slope: float):
    return {
        "linear": lambda x: x,
        "relu": lambda x: np.maximum(x, 0.0),
        "abs": np.abs,
        "square": np.square,
        "leaky_relu": lambda x: np.where(x > 0, x, slope * x),
    }[name]


def _pool(name: str, X: np.ndarray, w: int) -> np.ndarray:
    """(P, C, K) -> (P / w, C, K^w): P over each window, as a generalized outer product (last index fastest)."""
    P, C, K = X.shape
    blocks = X.reshape(P // w, w, C, K)
    out = blocks[:, 0]
    for t in range(1, w):
        a, b = out[:, :, :, None], blocks[:, t][:, :, None, :]
        if name == "product":
            out = a * b
        elif name == "max":
            out = np.maximum(a, b)
        else:
            out = a + b
        out = out.reshape(P // w, C, -1)
    return out / w if name == "average" else out


def float_prepare(spec):
    """The spec's numbers as float64 arrays (outside the timed part, as the engines' parsing is not either)."""
    ht = decomposition(spec)
    layers = [np.stack([_floats(m) for m in lay]) for lay in ht.layers]  # (positions, r_l, r_{l-1})
    return _floats(ht.F), layers, _floats(ht.output), ht


def float_grid(F, layers, out, ht, y: int = 0) -> np.ndarray:
    """The grid tensor of output y in float64, level by level (row-major, d_0 slowest)."""
    act = ht.operator.activation
    sigma = _sigma(act.name, float(act.slope) if act.slope is not None else 0.0)
    pool = ht.operator.pooling.name
    N, M = ht.N, ht.M
    X = np.broadcast_to(F.T[None], (N, M, M)).copy()  # X[k, j, d] = F[d][j]
    for W in layers:
        X = sigma(np.matmul(W, X))
        X = _pool(pool, X, ht.window)
    T = (out[y] @ X[0]).reshape((M,) * N)
    return np.ascontiguousarray(T.transpose(tuple(np.argsort(ht.patch_order))))


def best_of(repeat: int, fn):
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), result


def compare(exact, flt: np.ndarray) -> dict:
    """Relative errors of the float tensor against the exact one."""
    ex = np.array([float(e) for e in exact.entries()]).reshape(exact.shape)  # correctly rounded exact values
    diff = np.abs(flt - ex)
    nz = ex != 0
    per_entry = float((diff[nz] / np.abs(ex[nz])).max()) if nz.any() else 0.0
    normwise = float(np.linalg.norm(diff.ravel()) / max(np.linalg.norm(ex.ravel()), 1e-300))
    if exact.denominator == 1:
        rounded = np.rint(flt).ravel()
        agree = (sum(1 for e, f in zip(exact.data.flat, rounded) if int(e) == int(f)) if np.isfinite(rounded).all()
                 else 0)
    else:
        agree = None
    return {"per_entry": per_entry, "normwise": normwise, "agree": agree, "max_abs": float(np.abs(ex).max())}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--N", type=int, default=8)
    ap.add_argument("--M", type=int, default=6)
    ap.add_argument("--widths", default="6,6,6")
    ap.add_argument("--window", type=int, default=2)
    ap.add_argument("--activation", default="linear")
    ap.add_argument("--pooling", default="product")
    ap.add_argument("--low", type=int, default=-1000)
    ap.add_argument("--high", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)

    import flint
    import sympy

    widths = tuple(int(x) for x in args.widths.split(","))
    spec = deep(N=args.N, M=args.M, widths=widths, window=args.window, activation=args.activation,
                pooling=args.pooling, seed=args.seed, low=args.low, high=args.high)
    print(f"machine: {platform.platform()}, {platform.machine()}, {platform.processor() or '?'}, "
          f"{os.cpu_count()} cpus; Python {platform.python_version()}")
    print(f"numpy {np.__version__}, sympy {sympy.__version__}, python-flint {flint.__version__}")
    print(f"network: {spec!r}, weights in [{args.low}, {args.high}], seed {args.seed}; "
          f"grid tensor of {args.M ** args.N:,} entries; best of {args.repeat}\n")

    prepared = float_prepare(spec)
    t_float, flt = best_of(args.repeat, lambda: float_grid(*prepared))
    t_mod, mod = best_of(args.repeat, lambda: grid_tensor(spec, engine="modular"))
    t_exact, exact = best_of(args.repeat, lambda: grid_tensor(spec, engine="exact"))

    rows = [("float64 (numpy)", t_float, 1.0), ("modular (mod p)", t_mod, t_mod / t_float),
            ("exact (ints)", t_exact, t_exact / t_float)]
    print(f"{'route':<18} {'seconds':>10} {'ratio to float64':>18}")
    print(f"{'-' * 18} {'-' * 10} {'-' * 18}")
    for name, t, r in rows:
        print(f"{name:<18} {t:>10.4f} {r:>17.2f}x")
    aim = "met" if t_mod <= 2 * t_float else "NOT met"
    print(f"\nmodular/float = {t_mod / t_float:.2f}, exact/float = {t_exact / t_float:.2f} "
          f"(aim: modular within 2x of float64: {aim})")

    assert mod == exact.reduce_mod(mod.modulus), "modular engine disagrees with the exact tensor mod p"
    print(f"check: modular == exact mod {mod.modulus}: yes")
    c = compare(exact, flt)
    print(f"float64 vs exact: max |entry| = {c['max_abs']:.3e}, max relative error over nonzero entries = "
          f"{c['per_entry']:.3e}, normwise relative error = {c['normwise']:.3e}")
    if c["agree"] is not None:
        n = exact.size
        verdict = "agrees with" if c["agree"] == n else "DISAGREES with"
        print(f"float64 rounded to integers {verdict} the exact tensor: {c['agree']:,} of {n:,} entries equal")
    return 0


if __name__ == "__main__":
    sys.exit(main())

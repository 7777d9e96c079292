"""Exact at scale (issue 11): certified ranks, their rechecks and the numpy float pipeline, side by side.

Run:  python benchmarks/bench_scale.py [--skip-float] [--skip-n16] [--skip-slow-nmod] [--skip-sweep]
                                        [--largest M] [--markdown]
      python benchmarks/bench_scale.py --structured [--markdown]     (issue 23)

``--structured``: the odd-even ranks of deep ConvACs (weights in [-1000, 1000], seed 0) at 256^2 (N=8, M=4),
1024^2 (N=4, M=32), 4096^2 (N=8, M=8) and 6561^2 (N=16, M=3), each by the default route (structured), the
dense modular route and the float pipeline (errors counted), each a whole process (start-up included), and
both pipelines once more *in one warm process* (imports done: ``matricization_rank``, kernel-verified, against
the float pipeline's code run in the same process); then N=16 M=4 and N=32 M=2 (65536^2, never formed) and
N=8 M=11 (14641^2), rank and recheck; the dense route past the structured one: the deep square/product net
N=8, M=11 (14641^2, ``--max-entries 2^28 --max-memory 6G``: the full-rank proposal verified by the kernel's
float64 elimination, :mod:`symbolic.kernel.blas_elimination`), rank and recheck; and ``convac verify --size
large --jobs 2`` (``--skip-large-sweep`` skips it).  Ratios of that one run are printed at the end.

Every case runs in its own subprocess; the script measures its wall time and its peak RSS
(``os.wait4``'s resource usage of that child), all in one run, so ratios compare like with like:

- ``convac rank --json`` of the deep ConvAC N=8, M=8, widths 8,8,8, weights in [-1000, 1000]
  (``convac spec deep --N 8 --M 8 --widths 8,8,8 --low -1000 --high 1000 --seed 0``), partitions
  odd-even (4096 x 4096, full rank: residues and one determinant mod p) and halves (4096 x 4096 of
  rank 8: factors U V off the decomposition, checked modulo primes), and ``convac recheck`` of each
  answer (the trusted kernel's own forward pass mod p);
- odd-even once more with ``CONVAC_NO_FAST_NMOD=1`` (python-flint's public constructors instead of the
  version-checked memmove into its nmod_mat);
- the deep ConvAC N=16, M=3 (6561 x 6561 odd-even) with ``--max-entries 2^26``, and its recheck;
- the float64 pipeline of ``benchmarks/bench_rank.py`` (numpy tensor + ``numpy.linalg.matrix_rank``) on
  the same matricizations: its time, RSS and whether its rank equals the certified one;
- ``--largest M``: deep ConvAC N=8, M, widths M (an M^4 x M^4 odd-even matricization), rank and recheck;
- the medium sweep of the catalog, ``convac verify --size medium`` with ``--jobs 1`` and ``--jobs 2``
  (every result kernel-verified; targets: at most 90 s with ``--jobs 2``, at least 1.6x faster).

``--markdown`` prints the README table.
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
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_rank import FLOAT_PIPELINE  # noqa: E402


def _convac() -> list:
    exe = Path(sys.executable).parent / "convac"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "theorems.cli"]


def measure(cmd, env=None, stdout_path=None, check=True) -> dict:
    """Run cmd; its wall time (s), peak RSS (MB), exit status and standard output (``check``: a nonzero exit
    status stops the benchmark)."""
    out = open(stdout_path, "w") if stdout_path else subprocess.PIPE
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE, text=True, env=env)
    text = "" if stdout_path else p.stdout.read()
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    dt = time.perf_counter() - t
    p.returncode = os.waitstatus_to_exitcode(status)
    if stdout_path:
        out.close()
        text = Path(stdout_path).read_text()
    if p.returncode != 0 and check:
        raise SystemExit(f"command failed ({p.returncode}): {' '.join(map(str, cmd))}\n{err[-2000:]}")
    return {"seconds": dt, "rss_mb": usage.ru_maxrss / 1024, "stdout": text, "status": p.returncode}


def spec_file(tmp: Path, name: str, N: int, M: int, widths, seed: int = 0, extra=()) -> Path:
    path = tmp / f"{name}.json"
    r = measure(_convac() + ["spec", "deep", "--N", str(N), "--M", str(M), "--widths", ",".join(map(str, widths)),
                             "--low", "-1000", "--high", "1000", "--seed", str(seed), *extra])
    path.write_text(r["stdout"])
    return path


def rank_case(tmp: Path, spec: Path, partition: str, extra=(), env=None) -> dict:
    out = tmp / f"{spec.stem}_{partition}_{len(extra)}_{'slow' if env else 'fast'}.json"
    r = measure(_convac() + ["rank", str(spec), "-p", partition, "--json", "-q", *extra], env=env, stdout_path=out)
    res = json.loads(r["stdout"])["results"][0]
    c = res["certificate"]
    r.update(answer=out, lower=res["lower"], upper=res["upper"],
             upper_kind="kronecker" if c["certificate"] == "kronecker" else c["upper"]["kind"])
    return r


def recheck_case(answer: Path, extra=()) -> dict:
    r = measure(_convac() + ["recheck", str(answer), *extra])
    r["ok"] = r["stdout"].strip().splitlines()[-1].startswith("1 of 1 statements verified")
    return r


def float_case(spec: Path, partition: str) -> dict:
    env = dict(os.environ)
    for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        env.pop(k, None)
    r = measure([sys.executable, "-c", FLOAT_PIPELINE, str(spec), partition], env=env)
    r["rank"] = json.loads(r["stdout"])["rank"]
    return r


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--skip-float", action="store_true")
    ap.add_argument("--skip-n16", action="store_true")
    ap.add_argument("--skip-slow-nmod", action="store_true")
    ap.add_argument("--largest", type=int, default=0, help="also deep ConvAC N=8 with this M (and widths M)")
    ap.add_argument("--skip-sweep", action="store_true", help="skip the medium sweep with --jobs 1 and 2")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--structured", action="store_true",
                    help="issue 23 only: exact vs float at 256^2..6561^2, structured vs dense, the largest ranks")
    ap.add_argument("--skip-large-sweep", action="store_true", help="--structured: skip convac verify --size large")
    ap.add_argument("--skip-dense-largest", action="store_true",
                    help="--structured: skip the dense N=8 M=11 square/product rank and recheck")
    args = ap.parse_args(argv)
    if args.structured:
        return structured_main(args)
    import flint
    import numpy

    print(f"python {sys.version.split()[0]}, numpy {numpy.__version__}, python-flint {flint.__version__}, "
          f"{os.cpu_count()} cores")
    rows = []  # (case, what, seconds, rss, result)

    def row(case, what, r, result):
        rows.append((case, what, r["seconds"], r["rss_mb"], result))
        print(f"  {case:<34s} {what:<34s} {r['seconds']:8.1f} s {r['rss_mb']:8.0f} MB  {result}", flush=True)

    def rank_text(r):
        k = r["lower"] if r["lower"] == r["upper"] else f"{r['lower']}..{r['upper']}"
        return f"rank {k} certified (upper: {r['upper_kind']})"

    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        m8 = spec_file(tmp, "m8", 8, 8, (8, 8, 8))
        got = {}
        for part in ("odd-even", "halves"):
            r = got[part] = rank_case(tmp, m8, part)
            row(f"N=8 M=8 {part}", "convac rank --json", r, rank_text(r))
            c = got[part + " recheck"] = recheck_case(r["answer"])
            row(f"N=8 M=8 {part}", "convac recheck", c, "verified" if c["ok"] else "FAILED")
            if not args.skip_float:
                f = got[part + " float"] = float_case(m8, part)
                row(f"N=8 M=8 {part}", "numpy float64 + matrix_rank", f,
                    f"rank {f['rank']} ({'right' if f['rank'] == r['lower'] == r['upper'] else 'WRONG'})")
        if not args.skip_slow_nmod:
            env = dict(os.environ, CONVAC_NO_FAST_NMOD="1")
            r = got["slow nmod"] = rank_case(tmp, m8, "odd-even", env=env)
            row("N=8 M=8 odd-even", "rank, public flint constructors", r, rank_text(r))
        if not args.skip_n16:
            n16 = spec_file(tmp, "n16", 16, 3, (3, 3, 3, 3))
            r = got["n16"] = rank_case(tmp, n16, "odd-even", ("--max-entries", "2^26"))
            row("N=16 M=3 odd-even", "convac rank --json", r, rank_text(r))
            c = got["n16 recheck"] = recheck_case(r["answer"])
            row("N=16 M=3 odd-even", "convac recheck", c, "verified" if c["ok"] else "FAILED")
            if not args.skip_float:
                f = float_case(n16, "odd-even")
                row("N=16 M=3 odd-even", "numpy float64 + matrix_rank", f,
                    f"rank {f['rank']} ({'right' if f['rank'] == r['lower'] == r['upper'] else 'WRONG'})")
        if args.largest:
            M = args.largest
            big = spec_file(tmp, f"m{M}", 8, M, (M, M, M))
            r = rank_case(tmp, big, "odd-even", ("--max-entries", "2^32", "--max-memory", "16G"))
            row(f"N=8 M={M} odd-even", "convac rank --json", r, rank_text(r))
            c = recheck_case(r["answer"])
            row(f"N=8 M={M} odd-even", "convac recheck", c, "verified" if c["ok"] else "FAILED")

        if not args.skip_sweep:
            for jobs in (1, 2):
                r = got[f"sweep {jobs}"] = measure(_convac() + ["verify", "--size", "medium", "--jobs", str(jobs),
                                                              "--quiet"])
                proved = r["stdout"].strip().splitlines()[-1].split(" ", 1)[0]
                row("medium sweep", f"convac verify --jobs {jobs}", r, f"{proved} proved")

    oe, h = got["odd-even"]["seconds"], got["halves"]["seconds"]
    print("\nratios (targets of issue 11):")
    print(f"  halves / odd-even rank time      {h / oe:6.2f}   (<= 2; halves peak RSS "
          f"{got['halves']['rss_mb']:.0f} MB, <= 1500)")
    print(f"  recheck / rank, odd-even         {got['odd-even recheck']['seconds'] / oe:6.2f}   (<= 2)")
    print(f"  recheck / rank, halves           {got['halves recheck']['seconds'] / h:6.2f}")
    if "slow nmod" in got:
        print(f"  public / memmove flint constructors, odd-even rank  {got['slow nmod']['seconds'] / oe:6.2f}")
    if "n16" in got:
        print(f"  N=16 M=3 rank                    {got['n16']['seconds']:6.1f} s (<= 300 s, <= 4096 MB: "
              f"{got['n16']['rss_mb']:.0f} MB)")
    if "odd-even float" in got:
        print(f"  odd-even rank / float pipeline   {oe / got['odd-even float']['seconds']:6.2f}")
    if "sweep 2" in got:
        print(f"  medium sweep --jobs 2            {got['sweep 2']['seconds']:6.1f} s (<= 90 s); --jobs 1 / --jobs 2 "
              f"{got['sweep 1']['seconds'] / got['sweep 2']['seconds']:.2f} (>= 1.6)")
    if args.markdown:
        print("\n| case | what | seconds | peak RSS | result |\n|---|---|---|---|---|")
        for case, what, s, rss, result in rows:
            print(f"| {case} | {what} | {s:.1f} | {rss:,.0f} MB | {result} |")


#: (name, N, M, widths): odd-even matricizations 256^2, 1024^2, 4096^2, 6561^2 (float pipeline beside them)
FLOAT_SIZES = (("256^2", 8, 4, (4, 4, 4)), ("1024^2", 4, 32, (32, 32)), ("4096^2", 8, 8, (8, 8, 8)),
               ("6561^2", 16, 3, (3, 3, 3, 3)))
#: past the dense limit (65536^2), and the 14641^2 that took the dense route 12 min
LARGEST = (("N=16 M=4", 16, 4, (4, 4, 4, 4)), ("N=32 M=2", 32, 2, (2, 2, 2, 2, 2)), ("N=8 M=11", 8, 11, (11, 11, 11)))


#: One warm process: imports and one warm-up run of each pipeline on a small net (argv[4], which loads the modules
#: both routes import lazily), then the certified rank (kernel-verified) and the float pipeline's code, timed.
IN_PROCESS = r"""
import contextlib, io, json, sys, time
import numpy
from symbolic import matricization_rank
spec, part, float_code, warm = sys.argv[1:5]
code = compile(float_code, "float_pipeline", "exec")

def run_float(path):
    sys.argv, buf = ["float", path, part], io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(code, {"__name__": "__main__"})
    return json.loads(buf.getvalue())["rank"]

matricization_rank(warm, part)
run_float(warm)
t = time.perf_counter()
r = matricization_rank(spec, part)
certified = time.perf_counter() - t
assert r.details["kernel_verified"]
t = time.perf_counter()
float_rank = run_float(spec)
flt = time.perf_counter() - t
print(json.dumps({"certified": certified, "float": flt, "rank": r.rank, "exact": r.exact, "float_rank": float_rank}))
"""


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def structured_main(args):
    """Issue 23: every ratio measured in this one run."""
    rows, ratios = [], []
    print(f"{os.cpu_count()} cores, load average at start {load_average()}", flush=True)

    def row(case, what, r, result):
        rows.append((case, what, r["seconds"], r["rss_mb"], result))
        print(f"  {case:<22s} {what:<40s} {r['seconds']:8.2f} s {r['rss_mb']:8.0f} MB  {result}  "
              f"(load {load_average()})", flush=True)

    def text(r):
        return f"rank {r['lower']}" + ("" if r["lower"] == r["upper"] else f"..{r['upper']}") + f" ({r['upper_kind']})"

    wrong = 0
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        warm_spec = spec_file(tmp, "warm", 16, 2, (2, 2, 2, 2))  # 2^16 points: the structured route, in a blink
        for name, N, M, widths in FLOAT_SIZES:
            spec = spec_file(tmp, f"f{N}_{M}", N, M, widths)
            big = ("--max-entries", "2^26") if M**N > 1 << 24 else ()
            r = rank_case(tmp, spec, "odd-even", big)
            row(name, "convac rank (default: structured)", r, text(r))
            dense = rank_case(tmp, spec, "odd-even", big + ("--engine", "modular"))
            row(name, "convac rank --engine modular (dense)", dense, text(dense))
            f = float_case(spec, "odd-even")
            ok = f["rank"] == r["lower"] == r["upper"]
            wrong += not ok
            row(name, "numpy float64 + matrix_rank", f, f"rank {f['rank']} ({'right' if ok else 'WRONG'})")
            env = dict(os.environ)
            if big:
                env.update(CONVAC_MAX_ENTRIES="2^26")
            w = measure([sys.executable, "-c", IN_PROCESS, str(spec), "odd-even", FLOAT_PIPELINE, str(warm_spec)],
                        env=env)
            warm = json.loads(w["stdout"])
            row(name, "in one process: certified (kernel-verified)",
                {"seconds": warm["certified"], "rss_mb": w["rss_mb"]}, f"rank {warm['rank']}")
            row(name, "in one process: float pipeline", {"seconds": warm["float"], "rss_mb": w["rss_mb"]},
                f"rank {warm['float_rank']} ({'right' if warm['float_rank'] == warm['rank'] else 'WRONG'})")
            ratios.append((f"{name}: certified / float, whole processes", r["seconds"] / f["seconds"]))
            ratios.append((f"{name}: certified / float, in one process", warm["certified"] / warm["float"]))
            ratios.append((f"{name}: structured / dense", r["seconds"] / dense["seconds"]))
            assert (dense["lower"], dense["upper"]) == (r["lower"], r["upper"]), "structured and dense disagree"
        for name, N, M, widths in LARGEST:
            spec = spec_file(tmp, f"l{N}_{M}", N, M, widths)
            r = rank_case(tmp, spec, "odd-even")
            row(name, "convac rank --json", r, text(r))
            c = recheck_case(r["answer"])
            row(name, "convac recheck", c, "verified" if c["ok"] else "FAILED")
            ratios.append((f"{name}: recheck / rank", c["seconds"] / r["seconds"]))
        if not args.skip_dense_largest:  # the dense route where the structured one does not apply
            name, lim = "N=8 M=11 square/product", ("--max-entries", "2^28", "--max-memory", "6G")
            spec = spec_file(tmp, "sq11", 8, 11, (11, 11, 11), extra=("--activation", "square"))
            r = rank_case(tmp, spec, "odd-even", lim)
            row(name, "convac rank --json (dense, float64 BLAS)", r, text(r))
            c = recheck_case(r["answer"], lim)
            row(name, "convac recheck", c, "verified" if c["ok"] else "FAILED")
            ratios.append((f"{name}: recheck / rank", c["seconds"] / r["seconds"]))
        if not args.skip_large_sweep:
            lim = ("--max-entries", "2^26", "--max-memory", "8G")  # the two N=16, M=3 ranks; geometry N=16 is refused
            r = measure(_convac() + ["verify", "--size", "large", "--jobs", "2", "--quiet", *lim], check=False)
            summary = next((x for x in r["stdout"].splitlines() if " proved (" in x), "(no summary)")
            row("large sweep", "convac verify --size large --jobs 2 " + " ".join(lim), r,
                f"exit {r['status']}: {summary.split(';')[0]}")
    print(f"\nfloat pipeline errors: {wrong} of {len(FLOAT_SIZES)} sizes (whole processes)")
    for what, x in ratios:
        print(f"  {what:<52s} {x:6.2f}")
    print(f"load average at the end {load_average()}")
    if args.markdown:
        print("\n| case | what | seconds | peak RSS | result |\n|---|---|---|---|---|")
        for case, what, sec, rss, result in rows:
            print(f"| {case} | {what} | {sec:.2f} | {rss:,.0f} MB | {result} |")


if __name__ == "__main__":
    main()

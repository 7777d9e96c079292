"""Exact at scale (issue 11): certified ranks, their rechecks and the numpy float pipeline, side by side.

Run:  python benchmarks/bench_scale.py [--skip-float] [--skip-n16] [--skip-slow-nmod] [--skip-sweep]
                                        [--largest M] [--markdown]
      python benchmarks/bench_scale.py --structured [--repeat 5] [--sizes 256^2 ...] [--markdown]     (issue 23)

``--structured``: the odd-even ranks of deep ConvACs (weights in [-1000, 1000], seed 0) at 256^2 (N=8, M=4), 1024^2
(N=4, M=32), 4096^2 (N=8, M=8) and 6561^2 (N=16, M=3), each by the default route (structured), the dense modular
route and the float pipeline (errors counted), each a whole process (start-up included; beside them the floor of any
such process, ``python -c 'import numpy, flint'``, which does nothing else), and both pipelines once more *in one
warm process* (imports done: ``matricization_rank``, kernel-verified, against the float pipeline's code run in the
same process); then N=16 M=4 and N=32 M=2 (65536^2, never formed), N=8 M=11 (14641^2) and N=8 M=32 (2^20 x 2^20),
rank and recheck; the dense route past the structured one: the deep square/product net N=8, M=11 (14641^2,
``--max-entries 2^28 --max-memory 6G``: the full-rank proposal verified by the kernel's float64 elimination,
:mod:`symbolic.kernel.blas_elimination`), rank and recheck; and ``convac verify --size large --jobs 2``
(``--skip-large-sweep`` skips it). Ratios of that one run are printed at the end.

Every case that takes under 10 s (whole processes) is run ``--repeat`` times (default 5), and so is the in-process
comparison up to 1024^2 (alternating certified and float runs): rows give the median, the best and the number of
runs; ratios are printed of the medians, of the bests and (whole processes) of the CPU seconds (user + system of
the child and its threads, from ``os.wait4``), which a busy machine disturbs less than wall time.  The children
cache their byte-code in a temporary ``PYTHONPYCACHEPREFIX`` (``--no-bytecode-cache``: the environment as it is;
with ``PYTHONDONTWRITEBYTECODE=1`` every start recompiles convac's modules).  ``--sizes`` runs only those sizes of
the float comparison and nothing after it.

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
import statistics
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
    return {"seconds": dt, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024, "stdout": text,
            "status": p.returncode}


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
    ap.add_argument("--repeat", type=int, default=5,
                    help="--structured: repetitions of every case under 10 s (median and best reported; default 5)")
    ap.add_argument("--no-bytecode-cache", action="store_true",
                    help="--structured: leave PYTHONDONTWRITEBYTECODE as it is (default: cache in a temporary prefix)")
    ap.add_argument("--sizes", nargs="+", choices=[x[0] for x in FLOAT_SIZES],
                    help="--structured: only these sizes of the float comparison (and nothing after it)")
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
#: past the dense limit (65536^2), the 14641^2 that took the dense route 12 min, and 2^20 x 2^20 (1.7 GB)
LARGEST = (("N=16 M=4", 16, 4, (4, 4, 4, 4)), ("N=32 M=2", 32, 2, (2, 2, 2, 2, 2)), ("N=8 M=11", 8, 11, (11, 11, 11)),
           ("N=8 M=32", 8, 32, (32, 32, 32)))


#: One warm process: imports and one warm-up run of each pipeline on a small net (argv[4], which loads the modules
#: both routes import lazily), then ``argv[5]`` alternating timed runs of the certified rank (kernel-verified) and
#: of the float pipeline's code; every repetition's seconds are printed, the caller takes the median and the best.
IN_PROCESS = r"""
import contextlib, io, json, sys, time
import numpy
from symbolic import matricization_rank
spec, part, float_code, warm, reps = sys.argv[1:6]
code = compile(float_code, "float_pipeline", "exec")

def run_float(path):
    sys.argv, buf = ["float", path, part], io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(code, {"__name__": "__main__"})
    return json.loads(buf.getvalue())["rank"]

matricization_rank(warm, part)
run_float(warm)
certified, flt = [], []
for _ in range(int(reps)):
    t = time.perf_counter()
    r = matricization_rank(spec, part)
    certified.append(time.perf_counter() - t)
    assert r.details["kernel_verified"]
    t = time.perf_counter()
    float_rank = run_float(spec)
    flt.append(time.perf_counter() - t)
print(json.dumps({"certified": certified, "float": flt, "rank": r.rank, "exact": r.exact, "float_rank": float_rank}))
"""


def summary(seconds: list) -> dict:
    """The median (``seconds``), the best and the number of repetitions of a list of timings."""
    return {"seconds": statistics.median(seconds), "best": min(seconds), "runs": len(seconds)}


def repeated(case, repeat: int, slow: float = 10.0) -> dict:
    """Run ``case()`` (a measurement: a dict with ``seconds`` and ``rss_mb``) once, and ``repeat - 1`` more times
    when that run took under ``slow`` seconds; the first run's fields, with the median seconds, the best, the
    number of runs and the largest peak RSS."""
    first = case()
    runs = [first] + ([case() for _ in range(repeat - 1)] if first["seconds"] < slow else [])
    out = dict(first, **summary([r["seconds"] for r in runs]))
    out["rss_mb"] = max(r["rss_mb"] for r in runs)
    out["cpu"] = statistics.median(r["cpu"] for r in runs)
    return out


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def bytecode_cache(tmp: Path, keep: bool) -> str:
    """Let the child processes cache their byte-code in ``tmp`` (``PYTHONPYCACHEPREFIX``), as any installed package
    has its ``.pyc`` files, unless ``keep``: under ``PYTHONDONTWRITEBYTECODE=1`` and without caches every start
    compiles convac's own modules from source again (about 0.15 s of CPU).  Returns what was done, for the log."""
    if keep:
        return f"byte-code: environment unchanged (PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE')})"
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    return "byte-code cached in a temporary PYTHONPYCACHEPREFIX (filled by the warm-up runs)"


def structured_main(args):
    """Issue 23: every ratio measured in this one run."""
    rows, ratios = [], []
    print(f"{os.cpu_count()} cores, load average at start {load_average()}; cases under 10 s repeated "
          f"{args.repeat} times (median and best)", flush=True)

    def row(case, what, r, result):
        rows.append((case, what, r["seconds"], r.get("cpu"), r["rss_mb"], result))
        cpu = f"{r['cpu']:7.2f} s CPU" if r.get("cpu") is not None else " " * 13
        print(f"  {case:<22s} {what:<40s} {r['seconds']:8.2f} s {cpu} {r['rss_mb']:7.0f} MB  {result}  "
              f"(load {load_average()})", flush=True)

    def text(r):
        return f"rank {r['lower']}" + ("" if r["lower"] == r["upper"] else f"..{r['upper']}") + f" ({r['upper_kind']})"

    def rep_text(r):
        return f"median of {r['runs']}, best {r['best']:.3f} s" if r["runs"] > 1 else "1 run"

    wrong = 0
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        print(bytecode_cache(tmp, args.no_bytecode_cache), flush=True)
        warm_spec = spec_file(tmp, "warm", 16, 2, (2, 2, 2, 2))  # 2^16 points: the structured route, in a blink
        rank_case(tmp, warm_spec, "odd-even")  # warm-up: the file cache (and the byte-code cache)
        float_case(warm_spec, "odd-even")
        # the floor of a whole process: an interpreter that imports what convac's exact work imports (numpy and
        # python-flint), doing nothing else; set beside each size's float pipeline
        floor = repeated(lambda: measure([sys.executable, "-c", "import numpy, flint"]), args.repeat)
        row("start-up", "python -c 'import numpy, flint'", floor, rep_text(floor))
        for name, N, M, widths in FLOAT_SIZES:
            if args.sizes and name not in args.sizes:
                continue
            spec = spec_file(tmp, f"f{N}_{M}", N, M, widths)
            big = ("--max-entries", "2^26") if M**N > 1 << 24 else ()
            r = repeated(lambda: rank_case(tmp, spec, "odd-even", big), args.repeat)
            row(name, "convac rank (default: structured)", r, f"{text(r)}; {rep_text(r)}")
            dense = repeated(lambda: rank_case(tmp, spec, "odd-even", big + ("--engine", "modular")), args.repeat)
            row(name, "convac rank --engine modular (dense)", dense, f"{text(dense)}; {rep_text(dense)}")
            f = repeated(lambda: float_case(spec, "odd-even"), args.repeat)
            ok = f["rank"] == r["lower"] == r["upper"]
            wrong += not ok
            row(name, "numpy float64 + matrix_rank", f,
                f"rank {f['rank']} ({'right' if ok else 'WRONG'}); {rep_text(f)}")
            env = dict(os.environ)  # the structured route never forms the tensor: the default limits suffice
            reps = args.repeat if M**N <= 1 << 20 else 1  # from 4096^2 on one run takes seconds: noise is small
            w = measure([sys.executable, "-c", IN_PROCESS, str(spec), "odd-even", FLOAT_PIPELINE, str(warm_spec),
                         str(reps)], env=env)
            warm = json.loads(w["stdout"])
            cert, flt = summary(warm["certified"]), summary(warm["float"])
            row(name, "in one process: certified (kernel-verified)",
                {"seconds": cert["seconds"], "rss_mb": w["rss_mb"]}, f"rank {warm['rank']}; {rep_text(cert)}")
            row(name, "in one process: float pipeline", {"seconds": flt["seconds"], "rss_mb": w["rss_mb"]},
                f"rank {warm['float_rank']} ({'right' if warm['float_rank'] == warm['rank'] else 'WRONG'}); "
                f"{rep_text(flt)}")
            ratios.append((f"{name}: certified / float, whole processes (medians)", r["seconds"] / f["seconds"]))
            ratios.append((f"{name}: certified / float, whole processes (best)", r["best"] / f["best"]))
            ratios.append((f"{name}: certified / float, whole processes (CPU, medians)", r["cpu"] / f["cpu"]))
            ratios.append((f"{name}: import numpy, flint / float, whole processes (medians)",
                           floor["seconds"] / f["seconds"]))
            ratios.append((f"{name}: certified / float, in one process (medians)", cert["seconds"] / flt["seconds"]))
            ratios.append((f"{name}: certified / float, in one process (best)", cert["best"] / flt["best"]))
            ratios.append((f"{name}: structured / dense (medians)", r["seconds"] / dense["seconds"]))
            assert (dense["lower"], dense["upper"]) == (r["lower"], r["upper"]), "structured and dense disagree"
        for name, N, M, widths in () if args.sizes else LARGEST:
            spec = spec_file(tmp, f"l{N}_{M}", N, M, widths)
            r = rank_case(tmp, spec, "odd-even")
            row(name, "convac rank --json", r, text(r))
            c = recheck_case(r["answer"])
            row(name, "convac recheck", c, "verified" if c["ok"] else "FAILED")
            ratios.append((f"{name}: recheck / rank", c["seconds"] / r["seconds"]))
        if not args.skip_dense_largest and not args.sizes:  # the dense route where the structured one does not apply
            name, lim = "N=8 M=11 square/product", ("--max-entries", "2^28", "--max-memory", "6G")
            spec = spec_file(tmp, "sq11", 8, 11, (11, 11, 11), extra=("--activation", "square"))
            r = rank_case(tmp, spec, "odd-even", lim)
            row(name, "convac rank --json (dense, float64 BLAS)", r, text(r))
            c = recheck_case(r["answer"], lim)
            row(name, "convac recheck", c, "verified" if c["ok"] else "FAILED")
            ratios.append((f"{name}: recheck / rank", c["seconds"] / r["seconds"]))
        if not args.skip_large_sweep and not args.sizes:
            lim = ("--max-entries", "2^26", "--max-memory", "8G")  # the two N=16, M=3 ranks; geometry N=16 is refused
            r = measure(_convac() + ["verify", "--size", "large", "--jobs", "2", "--quiet", *lim], check=False)
            line = next((x for x in r["stdout"].splitlines() if " proved (" in x), "(no summary)")
            row("large sweep", "convac verify --size large --jobs 2 " + " ".join(lim), r,
                f"exit {r['status']}: {line.split(';')[0]}")
    sizes = len(args.sizes or FLOAT_SIZES)
    print(f"\nfloat pipeline errors: {wrong} of {sizes} sizes (whole processes)")
    for what, x in ratios:
        print(f"  {what:<62s} {x:6.3f}")
    print(f"load average at the end {load_average()}")
    if args.markdown:
        print("\n| case | what | seconds | CPU seconds | peak RSS | result |\n|---|---|---|---|---|---|")
        for case, what, sec, cpu, rss, result in rows:
            print(f"| {case} | {what} | {sec:.3f} | {'' if cpu is None else f'{cpu:.2f}'} | {rss:,.0f} MB | {result} |")


if __name__ == "__main__":
    main()

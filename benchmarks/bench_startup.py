"""Start-up time of the command line (issue 22): ``convac --help`` and ``convac recheck --help`` against
``python -c pass``, each the median of several fresh processes, all measured in the same run.

    python benchmarks/bench_startup.py [--runs 9] [--convac PATH]

The console script is the ``convac`` beside this Python (a venv's bin/), else the one on PATH, else
``python -m theorems.cli``. Issue 22's target: ``convac --help`` under 0.5 s on an idle machine. The load
average is printed with the figures, since on a busy machine every process starts slower.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import time


def _convac() -> list[str]:
    here = pathlib.Path(sys.executable).with_name("convac")
    if here.exists():
        return [str(here)]
    found = shutil.which("convac")
    return [found] if found else [sys.executable, "-m", "theorems.cli"]


def median_seconds(cmd: list[str], runs: int) -> float:
    """The median wall-clock time of ``runs`` fresh runs of ``cmd`` (output discarded; it must exit 0)."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=9, help="runs of each command; the median is reported (default 9)")
    p.add_argument("--convac", default=None, help="the convac executable (default: beside this Python)")
    args = p.parse_args(argv)
    convac = [args.convac] if args.convac else _convac()
    cases = [("python -c pass", [sys.executable, "-c", "pass"]),
             ("convac --help", convac + ["--help"]),
             ("convac recheck --help", convac + ["recheck", "--help"]),
             ("convac --version", convac + ["--version"])]
    median_seconds(cases[1][1], 1)  # warm the file cache and the byte-code
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"start-up, median of {args.runs} runs; {os.cpu_count()} cores, load average {load:.2f} at the start")
    base = None
    for name, cmd in cases:
        s = median_seconds(cmd, args.runs)
        base = s if base is None else base
        extra = "" if s is base else f"   (+{s - base:.3f} s over python -c pass)"
        print(f"  {name:<24} {s:6.3f} s{extra}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Response time of every control of the explorer at N <= 8, M <= 3 (target: the numbers within 1 s).

Each control is set from Python, as a click sets it, on a deep N=8, M=3 relu/max net (shallow for Z),
and the script waits for the views. Per change it prints the seconds until: the numbers (certified
rank, bounds, shallow Z, table) are on screen; the pictures (heatmaps); the circuit drawing; the
badges (laws, universality, depth; cached per pair, so most changes reuse them). The browser's own
rendering is not included (tests/test_browser.py measures a change end to end in Chromium).

    python benchmarks/bench_explore.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics

# (control, value) in turn; each change starts from the state the previous one left
CHANGES = [
    ("N", 4), ("N", 8), ("M", 2), ("M", 3), ("seed", 1), ("seed", 2),
    ("partition", "halves"), ("partition", (0, 1, 4)), ("partition", "odd-even"),
    ("activation", "square"), ("pooling", "sum"), ("activation", "leaky_relu:1/10"), ("pooling", "max"),
    ("activation", "relu"), ("weights", "construction"), ("weights", "random"), ("widths", "2,2,2"), ("widths", ""),
    ("Y", 2), ("output", 1), ("output", 0), ("Y", 1), ("window", 2), ("patch_order", "0,2,1,3,4,6,5,7"),
    ("patch_order", ""), ("architecture", "shallow"), ("Z", 2), ("Z", 3), ("architecture", "deep"),
    ("weights", "symbolic"), ("N", 4), ("M", 2), ("weights", "random"), ("N", 8), ("M", 3),
    ("N", 32),  # refused by the cost guard: nothing computed
    ("N", 8),
]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=1, help="passes over the controls (default 1)")
    args = ap.parse_args(argv)
    from theorems.explore import Explorer

    ex = Explorer(architecture="deep", N=8, M=3, activation="relu", pooling="max", seed=0)
    ex.wait(300)
    rows = []
    for rep in range(args.repeat):
        for name, value in CHANGES:
            ex.set(**{name: value})
            ok = ex.wait(300)
            t = dict(ex.timings)
            rows.append((name, value, ex.refused, t, ok, ex.choice))
    ex.close()
    print(f"explorer response times (seconds after the change; {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f})")
    print(f"{'control':>12} {'value':>18} {'N':>3} {'M':>2} {'numbers':>8} {'pictures':>8} "
          f"{'circuit':>8} {'badges':>8}")
    numbers = []
    for name, value, refused, t, ok, c in rows:
        def f(k):
            return f"{t[k]:8.2f}" if k in t else f"{'-':>8}"
        if refused:
            print(f"{name:>12} {str(value):>18} {c.N:>3} {c.M:>2}  refused: {refused[:90]}")
            continue
        numbers.append(t.get("numbers", float("nan")))
        print(f"{name:>12} {str(value):>18} {c.N:>3} {c.M:>2} {f('numbers')} {f('views')} {f('circuit')} "
              f"{f('verdicts')}" + ("" if ok else "  (timed out)"))
    within = sum(1 for x in numbers if x <= 1.0)
    print(f"numbers on screen within 1 s: {within} of {len(numbers)} changes; median "
          f"{statistics.median(numbers):.2f} s, "
          f"max {max(numbers):.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Response time of every control of the explorer at N <= 8, M <= 3 (target: every cheap view within 1 s).

Each control is set from Python, as a click sets it, on a deep N=8, M=3 relu/max net (shallow for Z),
and the script waits for everything the change started. Per change it prints the seconds after the
change until:

* ``set``: the interface is free again (the kernel thread returns from the change; the work runs in
  worker processes);
* ``numbers``: the certified rank (its certificate checked by the rank checker), the structural bounds,
  the shallow Z forced, the table and the LaTeX expansion are on screen;
* ``pictures``: the heatmaps (SVG drawn from the exact data);
* ``circuit``: the circuit drawing (SVG; reused when what it shows did not change);
* ``cheap``: the latest of those: every immediate view updated (the 1 s target);

and, for the certified work that runs in the background without blocking the interface:

* ``kernel``: the trusted kernel has re-verified the rank (the rank view then says so);
* ``badges``: laws, universality and depth are all shown (``cached``: reused, each badge is computed
  once per pair and size; ``new``: computed in the background job, which has a cancel button).

The browser's own rendering is not included (tests/test_browser.py measures a change end to end in
Chromium). The machine may be shared: the load average is printed before and after.

    python benchmarks/bench_explore.py [--repeat 1]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

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
    ("seed", 1),  # seen before: shown again from the cache
]


def _f(x) -> str:
    return f"{x:7.2f}" if isinstance(x, float) else f"{'-':>7}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=1, help="passes over the controls (default 1)")
    args = ap.parse_args(argv)
    from theorems.explore import Explorer, model

    load0 = os.getloadavg()
    ex = Explorer(architecture="deep", N=8, M=3, activation="relu", pooling="max", seed=0)
    ex.wait(600)
    rows = []
    for _ in range(args.repeat):
        for name, value in CHANGES:
            t0 = time.perf_counter()
            ex.set(**{name: value})
            set_s = time.perf_counter() - t0
            ok = ex.wait(600)
            t = dict(ex.timings, set=set_s)
            rows.append((name, value, ex.refused, t, ok, ex.choice))
    ex.close()
    load1 = os.getloadavg()
    print(f"explorer response times, seconds after the change ({os.cpu_count()} cores; load average "
          f"{load0[0]:.1f} before, {load1[0]:.1f} after; 1-minute averages)")
    print(f"{'control':>12} {'value':>16} {'N':>2} {'M':>2} | {'set':>7} {'numbers':>7} {'pictures':>8} "
          f"{'circuit':>7} {'cheap':>7} | {'kernel':>7} {'badges':>7}")
    cheap, sets, badges_new, kernel = [], [], [], []
    for name, value, refused, t, ok, c in rows:
        sets.append(t["set"])
        if refused:
            by = "by the cost guard, at once" if model.refusal(c) else "by the library, in the worker"
            print(f"{name:>12} {str(value):>16} {c.N:>2} {c.M:>2} | {_f(t['set'])}  refused {by}: {refused[:60]}")
            continue
        parts = [t.get(k) for k in ("numbers", "pictures", "circuit")]
        worst = max((p for p in parts if isinstance(p, float)), default=None)
        cheap.append(worst)
        kernel.append(t.get("kernel"))
        how = "cached" if t.get("verdicts_cached") else "new"
        if not t.get("verdicts_cached") and isinstance(t.get("verdicts"), float):
            badges_new.append(t["verdicts"])
        print(f"{name:>12} {str(value):>16} {c.N:>2} {c.M:>2} | {_f(t['set'])} {_f(t.get('numbers'))} "
              f"{_f(t.get('pictures')):>8} {_f(t.get('circuit'))} {_f(worst)} | {_f(t.get('kernel'))} "
              f"{_f(t.get('verdicts'))} {how}" + ("" if ok else "  (timed out)"))
    cheap = [x for x in cheap if x is not None]
    within = sum(1 for x in cheap if x <= 1.0)
    print(f"every cheap view (numbers, pictures, circuit) updated within 1 s: {within} of {len(cheap)} changes; "
          f"median {statistics.median(cheap):.2f} s, max {max(cheap):.2f} s")
    print(f"interface free again (set returns): max {max(sets):.3f} s")
    kernel = [x for x in kernel if x is not None]
    print(f"background: the kernel's re-verification of the rank done after median {statistics.median(kernel):.2f} s,"
          f" max {max(kernel):.2f} s")
    if badges_new:
        print(f"background: badges computed for {len(badges_new)} new (pair, size) keys: median "
              f"{statistics.median(badges_new):.1f} s, max {max(badges_new):.1f} s (cancellable; reused afterwards)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

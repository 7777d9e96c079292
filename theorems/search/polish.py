"""The one polishing pass after Hypothesis's shrinker (:func:`theorems.search.counterexample.find_counterexample`): each
weight moved towards 0 (0 first, then integers of smaller magnitude), in the order of the weights, while
the network still violates the conjecture. Hypothesis's shrinker is heuristic; this pass makes
"smaller |weights|, fewer nonzero weights" hold weight by weight. It is the only shrinker besides
Hypothesis's."""

from __future__ import annotations

import math
import time
from fractions import Fraction


from symbolic.errors import ConvacError
from symbolic.spec.network import Spec, load_spec, spec_to_dict

__all__ = ["polish", "OutOfTime"]


class OutOfTime(Exception):
    pass


def polish(spec: Spec, violated, deadline, max_calls: int = 2000) -> Spec:
    """A last greedy pass along the same order: move each weight towards 0 (0 first, then
    integers of smaller magnitude) while the network still violates the conjecture.
    Hypothesis's shrinker is heuristic; this makes "smaller |weights|, fewer nonzero
    weights" hold weight by weight."""
    d = spec_to_dict(spec)
    if not isinstance(d.get("weights"), dict):
        return spec
    leaves = []

    def walk(x, path):
        if isinstance(x, list):
            for n, y in enumerate(x):
                walk(y, path + (n,))
        else:
            leaves.append(path)

    for key in sorted(d["weights"]):
        walk(d["weights"][key], (key,))

    def get(w, path):
        for p in path:
            w = w[p]
        return w

    def put(w, path, value):
        for p in path[:-1]:
            w = w[p]
        w[path[-1]] = value

    calls, changed = 0, True
    while changed:
        changed = False
        for path in leaves:
            q = Fraction(get(d["weights"], path))
            if q == 0:
                continue
            sign = 1 if q > 0 else -1
            for c in [0] + [sign * k for k in range(1, math.ceil(abs(q)))]:
                if calls >= max_calls or (deadline is not None and time.perf_counter() > deadline):
                    put(d["weights"], path, _json_number(q))
                    return load_spec(d)
                put(d["weights"], path, c)
                calls += 1
                try:
                    ok = violated(load_spec(d))
                except (ConvacError, OutOfTime):
                    ok = False
                if ok:
                    changed = True
                    break
            else:
                put(d["weights"], path, _json_number(q))
    return load_spec(d)


def _json_number(q: Fraction):
    return q.numerator if q.denominator == 1 else f"{q.numerator}/{q.denominator}"

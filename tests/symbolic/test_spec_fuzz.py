"""Fuzzing the spec loader (issue 13): arbitrary JSON values, and valid specs mutated (a number, a type,
a nesting level, huge sizes, expressions, deletions).

Every outcome of ``load_spec`` is a Spec or a ConvacError whose message is one short line, within
1 s (and the same through JSON text); never another exception, never a hang.
"""

from __future__ import annotations

import json
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symbolic.errors import ConvacError
from symbolic.spec.network import Spec, load_spec
from symbolic.spec.strategies import spec_dicts

SECONDS = 2.0  # CPU seconds (generous): the machine is shared, so never wall-clock
FUZZ = settings(max_examples=int(__import__("os").environ.get("FUZZ_EXAMPLES", 300)), deadline=None,
                suppress_health_check=list(HealthCheck), database=None)

HUGE = [10**9, 10**18, 2**64, 10**300, -(10**9), 65536, 1 << 30, 10**999, 10**1001]
LEAVES = (st.none() | st.booleans() | st.integers() | st.sampled_from(HUGE)
          | st.floats(allow_nan=True, allow_infinity=True)
          | st.text(max_size=20)
          | st.sampled_from(["1/0", "3/4", "-2", "a", "x*9**9**9", "(" * 60 + "a" + ")" * 60, "2^64^64",
                             "__import__('os')", "relu(a)+b^2", "exp(exp(exp(exp(exp(a)))))", "1e999", "nan",
                             "leaky_relu:1/10", "leaky_relu:1e99999999", "product", "max", "symbolic", "shallow",
                             "deep", "9" * 1200, "a" * 25000]))
JSON = st.recursive(LEAVES, lambda kids: st.lists(kids, max_size=5) | st.dictionaries(st.text(max_size=8), kids,
                                                                                       max_size=5), max_leaves=40)
FIELD_NAMES = ["architecture", "N", "M", "activation", "pooling", "F", "window", "patch_order", "shared",
               "weights", "Z", "widths", "Y", "spec", "hidden", "output", "layers"]


def assert_outcome(source):
    t = time.process_time()
    try:
        out = load_spec(source)
    except ConvacError as e:
        msg = str(e)
        assert msg and "\n" not in msg and len(msg) < 1000, msg[:2000]
    else:
        assert isinstance(out, Spec)
    cpu_seconds = time.process_time() - t
    assert cpu_seconds < SECONDS, (cpu_seconds, str(source)[:300])


def _paths(x, prefix=()):
    """Every path into a JSON value (keys and list indices)."""
    yield prefix
    if isinstance(x, dict):
        for k, v in x.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(x, list):
        for i, v in enumerate(x):
            yield from _paths(v, prefix + (i,))


def _get(x, path):
    for k in path:
        x = x[k]
    return x


def _set(root, path, value):
    if not path:
        return value
    _get(root, path[:-1])[path[-1]] = value
    return root


@st.composite
def mutated_specs(draw):
    d = draw(spec_dicts(max_entries=64))
    d = json.loads(json.dumps(d))
    for _ in range(draw(st.integers(1, 3))):
        paths = list(_paths(d))
        path = draw(st.sampled_from(paths))
        old = _get(d, path) if path or True else d
        kind = draw(st.sampled_from(["value", "huge", "type", "nest", "wrap", "delete", "add", "dup"]))
        if kind == "value":
            new = draw(JSON)
        elif kind == "huge":
            new = draw(st.sampled_from(HUGE))
        elif kind == "type":
            new = (str(old) if not isinstance(old, str) else [old]) if draw(st.booleans()) else [old, old]
        elif kind == "nest":
            new = [old]
        elif kind == "wrap":
            new = {"a": old}
        elif kind == "dup":
            new = old + old if isinstance(old, list) else old
        elif kind == "delete":
            if path:
                parent = _get(d, path[:-1])
                if isinstance(parent, dict):
                    del parent[path[-1]]
                elif isinstance(parent, list):
                    parent.pop(path[-1])
            continue
        else:  # add a field (symbolic sizes among them)
            key = draw(st.sampled_from(FIELD_NAMES))
            if isinstance(old, dict):
                old[key] = draw(st.sampled_from(HUGE) | JSON)
            continue
        d = _set(d, path, new)
    return d


@FUZZ
@given(JSON)
def test_arbitrary_json_values(value):
    assert_outcome(value)
    assert_outcome(json.dumps(value)) if not isinstance(value, str) else assert_outcome(value)


@FUZZ
@given(st.dictionaries(st.sampled_from(FIELD_NAMES), JSON | st.sampled_from(HUGE), max_size=8))
def test_arbitrary_objects_with_spec_fields(d):
    assert_outcome(d)


@FUZZ
@given(mutated_specs())
def test_mutated_specs(d):
    assert_outcome(d)
    assert_outcome(json.dumps(d))


@FUZZ
@given(st.sampled_from(["shallow", "deep"]), st.sampled_from(["Z", "Y", "widths", "M", "N"]),
       st.sampled_from(HUGE + [0, -1, 2, 3]), st.booleans())
def test_symbolic_specs_with_huge_sizes(arch, field, size, shared):
    d = {"architecture": arch, "N": 4, "M": 2, "activation": "relu", "pooling": "max", "weights": "symbolic",
         "shared": shared}
    d[field] = [size, 1] if field == "widths" else size
    assert_outcome(d)


@settings(max_examples=50, deadline=None, database=None)
@given(st.text(max_size=200) | st.binary(max_size=200).map(lambda b: b.decode("latin-1")))
def test_arbitrary_text(text):
    if text.lstrip().startswith("{"):
        assert_outcome(text)
    else:  # a path: almost surely missing, refused in one line
        assert_outcome("/nonexistent/" + text.replace("\x00", ""))

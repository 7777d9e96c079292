"""The package-level API of symbolic (issues 10 and 22): ``from symbolic import ...`` gives the functions
themselves, with their real signatures, whatever was imported first: no package-level name is a module
(the modules are named after the mathematics: circuit_graph, matricization, rank_bounds), and no module
is callable."""

import json
import subprocess
import sys

import pytest

NAMES = ["load_spec", "shallow", "deep", "circuit", "forward_tensor", "grid_tensor", "matricize", "exact_rank",
         "bounds", "matricization_rank", "spec_to_dict"]

CODE = r"""
import json, sys
first = sys.argv[1]
if first == "submodules":
    # bound to the package before the names
    import symbolic.tensor.circuit_graph, symbolic.rank.matricization, symbolic.rank.bounds
from symbolic import circuit, matricize, bounds, deep, grid_tensor, forward_tensor, matricization_rank
s = deep(N=4, M=2, widths=(2, 1), seed=3)
A = grid_tensor(s)
same = A == forward_tensor(circuit(s))
m = matricize(A, "halves")
r = matricization_rank(s, "halves")
print(json.dumps({"same": bool(same), "shape": list(m.matrix.shape), "rank": r.rank, "bounds": bounds(s, (0, 1))}))
"""


@pytest.mark.parametrize("first", ["names", "submodules"])
def test_names_are_callable_whatever_was_imported_first(first):
    out = subprocess.run([sys.executable, "-c", CODE, first], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    d = json.loads(out.stdout)
    assert d["same"] and d["shape"] == [4, 4]
    assert d["rank"] <= min(d["bounds"].values())  # the certified rank within every structural bound


def test_every_public_name_resolves():
    import symbolic

    assert sorted(symbolic.__all__) == sorted(NAMES + ["RankAnswer"])
    for name in symbolic.__all__:
        assert callable(getattr(symbolic, name)), name


def test_signatures_are_real_and_no_module_is_callable():
    import inspect
    import types

    import symbolic
    import symbolic.tensor.circuit_graph  # noqa: F401 - imported first on purpose
    import symbolic.rank.matricization  # noqa: F401
    import symbolic.rank.bounds  # noqa: F401

    for name in symbolic.__all__:
        obj = getattr(symbolic, name)
        assert not isinstance(obj, types.ModuleType), name
        if inspect.isfunction(obj):
            params = inspect.signature(obj).parameters
            assert list(params) != ["args", "kwargs"], name  # the real signature, not (*args, **kwargs)
    assert list(inspect.signature(symbolic.matricize).parameters) == ["tensor", "rows"]
    for mod in (symbolic.tensor.circuit_graph, symbolic.rank.matricization, symbolic.rank.bounds):
        assert type(mod) is types.ModuleType and not callable(mod)


def test_modules_stay_modules():
    import symbolic.tensor.circuit_graph as c
    import symbolic.rank.matricization as m

    assert c.forward_tensor is not None and m.parse_partition("odd-even", 4) == (0, 2)

"""Every public result type is deeply immutable (issue 22): no dict, list or set is reachable from a live
result object, changing a nested field raises, and ``to_dict()`` builds fresh plain data each time."""

import json

import pytest

from symbolic import deep, matricization_rank
from symbolic.frozen import FrozenDict, FrozenList, freeze, mutable_paths, thaw


def _results():
    from theorems import decide_depth, decide_laws, decide_universality, find_counterexample, rank_bound, Family, \
        verify_catalog

    yield "RankAnswer", matricization_rank(deep(N=4, M=3, widths=(3, 2), seed=0), "halves")
    yield "Sweep", verify_catalog(only=["laws"])
    yield "Laws", decide_laws("relu", "max")
    yield "Universality", decide_universality(activation="abs", pooling="max", architecture="shallow", N=2, M=2)
    yield "DepthEfficiency", decide_depth("linear", "product", N=4, M=2)
    fam = Family(architecture="shallow", activation="relu", pooling="max", N=4, M=2, widths=(1,))
    yield "SearchResult", find_counterexample(rank_bound("odd-even", "Z"), fam, budget=150, seed=0)
    yield "Family", fam
    from theorems.depth.boxes import find_box

    yield "Box", find_box("relu", "max", N=4, M=2)


RESULTS = dict(_results())


@pytest.mark.parametrize("name", sorted(RESULTS))
def test_no_mutable_container_is_reachable(name):
    assert mutable_paths(RESULTS[name], name) == []


@pytest.mark.parametrize("name", sorted(RESULTS))
def test_to_dict_is_fresh_plain_data(name):
    r = RESULTS[name]
    a, b = r.to_dict(), r.to_dict()
    assert a == b and json.dumps(a, default=str) == json.dumps(b, default=str)

    def plain(x):
        assert not isinstance(x, (FrozenDict, FrozenList)), type(x)
        if isinstance(x, dict):
            [plain(v) for v in x.values()]
        elif isinstance(x, (list, tuple)):
            [plain(v) for v in x]
    plain(a)
    if isinstance(a, dict) and a:  # changing the copy leaves the live object alone
        a.clear()
        assert r.to_dict() == b


def test_the_reviewers_mutation_raises():
    r = RESULTS["RankAnswer"]
    with pytest.raises(TypeError):
        r.details["certificate"]["lower"]["k"] = 99
    with pytest.raises(TypeError):
        r.details["rows"].append(5)
    with pytest.raises(TypeError):
        r.bounds["factors"] = 0
    assert r.to_dict()["certificate"]["lower"]["k"] == r.rank


def test_verdict_fields_are_frozen():
    v = RESULTS["Universality"].verdict
    assert mutable_paths(v) == []
    with pytest.raises(TypeError):
        v.certificate["kind"] = "forged"


def test_freeze_thaw_round_trip():
    x = {"a": [1, {"b": {2, 3}}], "c": (4, [5])}
    f = freeze(x)
    assert mutable_paths(f) == [] and f == x and thaw(f) == {"a": [1, {"b": frozenset({2, 3})}], "c": (4, [5])}
    assert freeze(f) is f
    import pickle
    import copy
    assert pickle.loads(pickle.dumps(f)) == f and copy.deepcopy(f) is f


def test_universality_has_an_informative_repr():
    from theorems.api import Universality

    assert repr(RESULTS["Universality"]) == "Universality(abs/max, shallow, N=2, M=2: universal (proved))"
    assert repr(Universality(verdict=None)) == "Universality(undecided)"

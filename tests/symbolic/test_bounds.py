"""Tests of symbolic/rank/bounds.py: every bound holds, and each is attained where it should be.

Validity: on random specs (every operator, Hypothesis) the exact rank of [A]_I never
exceeds a reported bound.  Attainment: the golden examples' ranks (computed independently,
tests/data/examples) lie below the bounds and equal them where the structure forces it;
generic wide-range ConvACs attain the min-cut bound for odd-even and halves.
"""

import json
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from symbolic.rank.bounds import VALIDITY, bounds, is_convac, min_cut, min_cut_bound, trivial_bound, widths_bound
from symbolic.rank.bounds import iclr_upper_bound
from symbolic.tensor.circuit_graph import circuit
from symbolic.tensor.decompositions import grid_tensor
from symbolic.errors import ShapeError
from symbolic.rank.matricization import matricize, parse_partition
from symbolic.rank.exact import exact_rank
from symbolic.spec.network import deep, load_spec, shallow
from symbolic.spec.strategies import specs

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"
FILES = sorted(EXAMPLES.glob("*.json")) if EXAMPLES.is_dir() else []


def _rank(spec, rows, output=0):
    r = exact_rank(matricize(grid_tensor(spec, output), rows))
    assert r.exact
    return r.rank


def _partitions(N, seed):
    rng = random.Random(seed)
    out = ["odd-even", "halves"]
    for _ in range(2):
        out.append(sorted(rng.sample(range(N), rng.randint(1, N - 1))))
    return out


# ------------------------------------------------------------------------------ validity
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(specs(N=(2, 3, 4, 8, 9), M=(1, 2, 3), max_entries=512))
def test_rank_never_exceeds_a_bound_any_operator(spec):
    """Every operator: the rank is at most every bound that is reported for it."""
    A = grid_tensor(spec)
    for P in _partitions(spec.N, spec.N * 31 + spec.M):
        k = exact_rank(matricize(A, P)).rank
        b = bounds(spec, P)
        assert set(b) == ({"trivial", "widths", "min_cut"} if is_convac(spec) else {"trivial", "widths"})
        for name, value in b.items():
            assert k <= value, (name, value, k, P)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(specs(activations="linear", poolings="product", N=(2, 4, 8, 9), M=(2, 3), max_entries=6561,
             weight_range=(-1000, 1000), max_width=4, max_outputs=2))
def test_rank_never_exceeds_the_min_cut_convac(spec):
    """ConvACs with wide-range weights, any pooling geometry, window and sharing."""
    G = circuit(spec)
    for y in range(spec.Y):
        A = grid_tensor(spec, y)
        for P in _partitions(spec.N, spec.N + y):
            k = exact_rank(matricize(A, P)).rank
            mc = min_cut_bound(G, P, y)
            assert k <= mc <= trivial_bound(spec.N, spec.M, P)
            assert k <= widths_bound(G, P, y)


# ------------------------------------------------------------------------------ examples
@pytest.mark.skipif(not FILES, reason=f"golden examples not found at {EXAMPLES}")
@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_examples_ranks_and_bounds(path):
    data = json.loads(path.read_text())
    s = load_spec(data["spec"])
    for P in ("odd-even", "halves"):
        k = _rank(s, P)
        assert k == data["ranks"][P]
        assert all(k <= v for v in bounds(s, P).values())


@pytest.mark.skipif(not FILES, reason=f"golden examples not found at {EXAMPLES}")
def test_examples_attain_the_structural_bounds():
    """Where the structure forces the rank, the examples reach the bound exactly."""
    attained = {}
    for path in FILES:
        data = json.loads(path.read_text())
        s = load_spec(data["spec"])
        for P in ("odd-even", "halves"):
            b = bounds(s, P)
            if data["ranks"][P] == min(b.values()):
                attained[(path.stem, P)] = min(b, key=b.get)
    # relu/sum halves: a sum of a function of x_I and one of x_J (rank <= 2), attained
    assert ("deep_relu_sum_N8_M2", "halves") in attained
    # shallow relu/average: additively separable, rank <= 2 for every partition, attained
    assert ("shallow_relu_avg_N4_M3", "odd-even") in attained and ("shallow_relu_avg_N4_M3", "halves") in attained
    # ConvACs reach their min-cut (halves: r_{L-1} = 2)
    assert ("deep_convac_shared_N4_M2", "odd-even") in attained and ("deep_convac_shared_N4_M2", "halves") in attained
    assert ("shallow_convac_N3_M2", "odd-even") in attained


# ------------------------------------------------------------------------------ attainment
@pytest.mark.parametrize("N, M, widths, window", [
    (4, 3, (2, 2), 2), (8, 2, (2, 2, 2), 2), (8, 3, (2, 3, 2), 2), (8, 2, (3, 1, 2), 2), (9, 2, (2, 2), 3),
    (4, 2, (3,), 4),
])
def test_generic_convac_attains_the_min_cut(N, M, widths, window):
    s = deep(N=N, M=M, widths=widths, window=window, seed=N + M)
    for P in ("odd-even", "halves"):
        assert _rank(s, P) == min_cut_bound(circuit(s), P)


def test_known_values():
    s = deep(N=8, M=4, widths=(4, 3, 2), seed=0)
    # COLT 2016: odd-even generic rank min(r_0, M)^(N/2); halves at most r_{L-1}
    assert min_cut_bound(circuit(s), "odd-even") == 4**4 == _rank(s, "odd-even")
    assert widths_bound(s, "halves") == 2 == min_cut_bound(s, "halves") == _rank(s, "halves")
    assert trivial_bound(8, 4, "odd-even") == 256 and trivial_bound(5, 3, [0, 1]) == 9
    # a shallow ConvAC: rank <= Z for every partition
    sh = shallow(N=4, M=3, Z=2, seed=0)
    assert bounds(sh, "0,3") == {"trivial": 9, "widths": 2, "min_cut": 2}
    assert _rank(sh, "0,3") == 2


def test_min_cut_beats_the_recursion_through_a_narrow_middle_layer():
    s = deep(N=8, M=8, widths=(8, 1, 8), seed=0)
    G = circuit(s)
    b, cut = min_cut(G, "halves")
    assert b == 1 and widths_bound(G, "halves") == 8
    assert all(item[-1] == 1 for item in cut)


def test_cut_lists_what_it_cuts():
    s = deep(N=8, M=3, widths=(2, 2, 2), seed=0)
    b, cut = min_cut(circuit(s), "odd-even")
    prod = 1
    for item in cut:
        assert item[0] in ("bond", "copy")
        prod *= item[-1]
    assert prod == b == 16


def test_widths_bound_matches_iclr_for_deep_convacs():
    for seed, (N, M, widths) in enumerate([(8, 3, (2, 2, 2)), (8, 2, (4, 3, 2)), (4, 3, (3, 1))]):
        s = deep(N=N, M=M, widths=widths, seed=seed)
        for P in _partitions(N, seed):
            I = parse_partition(P, N)
            assert widths_bound(s, P) <= iclr_upper_bound(N, M, 2, list(widths), list(range(N)), list(I))


def test_min_cut_is_not_reported_for_other_operators():
    """A ReLU/max net with one channel: the only bond between the patches has dimension 1,
    yet the rank is 2, so no cut bound holds for it (the module docstring's example)."""
    s = deep(N=2, M=2, widths=(1,), activation="relu", pooling="max",
             weights={"layers": [[[[0, 2]], [[1, 3]]]], "output": [[1]]})
    assert list(grid_tensor(s).entries()) == [1, 3, 2, 3]
    assert _rank(s, "0") == 2
    assert min_cut_bound(circuit(s), "0") is None and min_cut(s, "0") is None
    assert bounds(s, "0") == {"trivial": 2, "widths": 2}
    for act, pool in [("relu", "sum"), ("linear", "sum"), ("square", "product"), ("relu", "product"), ("abs", "max")]:
        assert min_cut_bound(shallow(N=2, M=2, activation=act, pooling=pool, seed=0), "0") is None
    assert is_convac(shallow(N=2, M=2, activation="leaky_relu:1", pooling="product", seed=0))


def test_sum_pooling_halves_rank_at_most_two():
    for act in ("relu", "abs", "square", "linear"):
        s = deep(N=8, M=2, widths=(3, 3, 3), activation=act, pooling="sum", seed=1)
        assert widths_bound(s, "halves") == 2
        assert _rank(s, "halves") <= 2
        sh = shallow(N=4, M=3, Z=3, activation=act, pooling="average", seed=2)
        assert widths_bound(sh, "0,2") == 2 and _rank(sh, "0,2") <= 2


def test_validity_table_and_errors():
    assert set(VALIDITY) == {"trivial", "widths", "min_cut"}
    s = shallow(N=3, M=2, seed=0)
    with pytest.raises(ShapeError):
        widths_bound(s, "0", output=4)
    with pytest.raises(ShapeError):
        bounds(s, "0,9")

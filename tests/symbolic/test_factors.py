"""Factor matrices [A]_I = U V read off the decompositions, on every partition of small nets (N <= 4)
and a sample of the partitions at N = 8 and 9."""

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from symbolic.rank.bounds import bounds
from symbolic.tensor.decompositions import grid_tensor
from symbolic.rank.factors import factor_certificate, factor_matrices
from symbolic.kernel.recheck import check_result
from symbolic.rank.matricization import matricize
from symbolic.rank.exact import exact_rank
from symbolic.spec.network import deep, shallow, spec_to_dict

NETS = [deep(N=4, M=3, widths=(3, 2), seed=0), deep(N=8, M=2, widths=(2, 2, 2), seed=1, low=-9, high=9),
        deep(N=4, M=2, seed=2, activation="square"), deep(N=9, M=2, window=3, widths=(2, 2), seed=3),
        deep(N=4, M=3, seed=4, patch_order=(2, 0, 3, 1), widths=(2, 1)), deep(N=4, M=2, shared=True, seed=5),
        shallow(N=4, M=3, Z=2, seed=6), shallow(N=3, M=2, Z=2, seed=7, activation="square"),
        shallow(N=4, M=2, Z=3, seed=8, shared=True), deep(N=4, M=3, pooling="sum", activation="square", seed=9),
        deep(N=8, M=2, widths=(2, 3, 2), pooling="sum", seed=10), shallow(N=4, M=2, Z=2, pooling="sum", seed=11)]


def _partitions(N):
    return [rows for r in range(1, N) for rows in itertools.combinations(range(N), r)]


def test_every_partition_of_small_nets():
    for spec in NETS:
        A = grid_tensor(spec)
        parts = _partitions(spec.N)
        for rows in parts if spec.N <= 4 else parts[::11]:  # N = 8, 9: every 11th of the 254 or 510
            f = factor_matrices(spec, rows)
            m = matricize(A, rows).matrix
            assert all(type(x) is int for x in f.U.flat) and all(type(x) is int for x in f.V.flat)
            assert (f.U.dot(f.V) == m).all(), (spec, rows)
            b = bounds(spec, rows)  # product pooling: as small as the scope recursion (the min cut can be smaller)
            assert f.k <= (max(1, min(b["trivial"], b["widths"])) if spec.pooling.name == "product" else b["trivial"])


def _result(spec, rows, r):
    return {"statement": {"type": "rank", "spec": spec_to_dict(spec), "output": 0, "rows": list(rows)},
            "status": "proved", "lower": r.lower, "upper": r.upper, "bounds": bounds(spec, rows),
            "certificate": r.certificate.to_dict()}


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(NETS[:6]), st.data(), st.integers(0, 100))
def test_certificates_are_exact_and_kernel_verified(spec, data, seed):
    rows = data.draw(st.sampled_from(_partitions(spec.N)))
    r = factor_certificate(spec, rows, seed=seed)
    m = matricize(grid_tensor(spec), rows)
    if r is None:  # U or V not of full inner rank modulo the prime: the factors are not minimal
        assert exact_rank(m).rank < factor_matrices(spec, rows).k
        return
    assert r.rank == exact_rank(m).rank  # the second route: python-flint's exact rank
    line = check_result(_result(spec, rows, r))
    assert line.ok, line.reason


def test_non_polynomial_or_rational_nets_have_no_factors():
    assert factor_matrices(deep(N=4, M=2, activation="relu", pooling="max"), (0, 1)) is None
    assert factor_matrices(deep(N=4, M=2, denominators=(2,)), (0, 1)) is None
    assert factor_matrices(deep(N=4, M=2, pooling="average"), (0, 1)) is None


def test_too_large_cores_give_none():
    spec = deep(N=8, M=2, seed=0)
    assert factor_matrices(spec, (0, 2, 4, 6), max_entries=16) is None
    assert np.array_equal(factor_matrices(spec, (0, 1, 2, 3)).U.dot(factor_matrices(spec, (0, 1, 2, 3)).V),
                          matricize(grid_tensor(spec), (0, 1, 2, 3)).matrix)

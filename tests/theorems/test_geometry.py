"""Tests of theorems/claims/geometry.py: ICLR 2017 Theorem 1 on instances.

Second routes: each partition's witness rank is recomputed from the certificate's network by
python-flint (exact rank over Q); the lower bound min(r_0, M)^S is recomputed here, S counted
directly as the first-level windows meeting both I and J; the upper bound of the halves is the
top width (the theorem's recursion with pure children).
"""

from __future__ import annotations

import pytest

from symbolic.tensor.decompositions import grid_tensor
from symbolic.rank.matricization import matricize_array, parse_partition
from symbolic.spec.network import load_spec
from theorems.claims.geometry import prove_geometry
from theorems.claims.verdict import Status


def _ranks(A):
    """The exact rank over Q by python-flint (the certificates used minors mod p and a factorization)."""
    import flint

    return flint.fmpz_mat([[int(x) for x in row] for row in A.tolist()]).rank()


def _S(N, w, order, rows):
    """First-level windows (w consecutive tree positions, holding patches order[...]) meeting I and J."""
    I = set(rows)
    return sum(1 for k in range(0, N, w) if 0 < len(I & set(order[k:k + w])) < w)


@pytest.mark.parametrize("N, M, w, order", [(4, 2, 2, None), (8, 2, 2, None), (4, 3, 2, [2, 0, 3, 1]),
                                            (4, 2, 4, None), (8, 2, 2, "random")])
def test_witness_ranks_lie_between_the_bounds(N, M, w, order):
    v = prove_geometry(N=N, M=M, window=w, patch_order=order, seed=3)
    assert v.status is Status.PROVED and v.checked
    parts = v.certificate["parts"]
    witnesses, bounds = parts[0::2], parts[1::2]
    every = 2 ** (N - 1) - 1 if N <= 8 else 3  # every partition up to complement (N <= 8)
    assert len(witnesses) == len(v.instance["partitions"]) == every
    assert len({frozenset(w["rows"]) if 0 in w["rows"] else frozenset(range(N)) - frozenset(w["rows"])
                for w in witnesses}) == every
    r0, top = v.instance["widths"][0], v.instance["widths"][-1]
    order = v.instance["patch_order"]
    for P, wit, b in zip(v.instance["partitions"], witnesses, bounds):
        rows = list(parse_partition(P, N))
        assert wit["rows"] == rows == b["rows"]
        spec = load_spec(wit["source"]["spec"])
        rank = _ranks(matricize_array(grid_tensor(spec).to_numpy(), rows))
        assert min(r0, M) ** _S(N, w, order, rows) <= rank <= b["bound"] <= M ** min(len(rows), N - len(rows))
        if P == "halves" and order == sorted(order):
            assert b["bound"] == min(M ** (N // 2), top)


def test_odd_even_attains_the_lower_bound_and_halves_stays_low():
    v = prove_geometry(N=8, M=2, partitions=["odd-even", "halves"], seed=1)
    spec = load_spec(v.certificate["parts"][0]["source"]["spec"])
    A = grid_tensor(spec).to_numpy()
    assert _ranks(matricize_array(A, (0, 2, 4, 6))) == 2 ** 4  # every first-level window meets both sides
    assert _ranks(matricize_array(A, (0, 1, 2, 3))) <= 2  # r_{L-1} = M = 2


def test_every_partition_up_to_complement_is_required():
    """At N <= 8 the claim quantifies over every partition: dropping one (with its two parts) is rejected, and
    so is an edited upper bound."""
    import copy
    import json

    from symbolic.kernel.recheck import check_result

    res = json.loads(json.dumps(prove_geometry(N=4, M=2, window=2).result()))
    assert check_result(res).ok
    m = copy.deepcopy(res)
    m["statement"]["instance"]["partitions"] = m["statement"]["instance"]["partitions"][:-1]
    m["certificate"]["parts"] = m["certificate"]["parts"][:-2]
    assert not check_result(m).ok
    m = copy.deepcopy(res)
    m["certificate"]["parts"][1]["bound"] += 1
    assert not check_result(m).ok

"""The kernel's structured rank check (symbolic.kernel.kronecker): agreement with its own dense forward pass,
and every forgery of a genuine certificate refused."""

import copy

import flint
import numpy as np
import pytest

from symbolic.errors import ConvacError
from symbolic.kernel import kronecker
from symbolic.kernel.linalg import matricize
from symbolic.kernel.network import grid, read_net
from symbolic.kernel.recheck import check_result
from symbolic.rank.pipeline import rank_answer, rank_result
from symbolic.spec.network import deep, spec_to_dict

P = 33554393


def _dense_rank(net, rows):
    A = matricize(np.asarray(grid(net)[0]), net.N, net.M, rows)
    return flint.fmpq_mat(A.shape[0], A.shape[1], [int(x) for x in A.ravel()]).rank()


@pytest.mark.parametrize("seed", range(8))
def test_kernel_derivation_agrees_with_its_dense_forward_pass(seed):
    N, M, widths, w = [(4, 2, (2, 2), 2), (8, 2, (2, 2, 1), 2), (4, 3, (3,), 4), (9, 2, (2, 2), 3)][seed % 4]
    spec = deep(N=N, M=M, widths=widths, window=w, seed=seed, low=-20, high=20)
    net = read_net(spec_to_dict(spec))
    for rows in (list(range(0, N, 2)), list(range(N // 2))):
        try:
            k, K, pure, tree = kronecker.derive(net, rows, 0, P)
        except ConvacError:
            continue
        assert k <= K
        full = all(flint.nmod_mat(*tree.vectors(l, b, P).shape, tree.vectors(l, b, P).ravel().tolist(), P).rank()
                   == tree.W(l, b).shape[0] for l, b, _ in pure)
        assert (_dense_rank(net, rows) == k) if full else (_dense_rank(net, rows) <= k)


def _genuine():
    a = rank_answer(deep(N=8, M=2, widths=(2, 2, 2), seed=3, low=-30, high=30), "odd-even", engine="structured")
    return rank_result(a)


def test_genuine_is_accepted():
    line = check_result(_genuine())
    assert line.ok, line.reason


@pytest.mark.parametrize("forge", [
    lambda r: r["certificate"].update(k=r["certificate"]["k"] + 1),
    lambda r: r.update(lower=r["lower"] + 1, upper=r["upper"] + 1),
    lambda r: r["certificate"].update(inner=r["certificate"]["inner"] - 1),
    lambda r: r["certificate"].update(prime=r["certificate"]["prime"] + 2),
    lambda r: r["certificate"]["pivots"][0][2].__setitem__(0, r["certificate"]["pivots"][0][2][1]),
    lambda r: r["certificate"]["pivots"].pop(),
    lambda r: r["certificate"].update(extra=1),
    lambda r: r["statement"].update(rows=[0, 1, 2, 3], partition="halves"),
    lambda r: r["statement"]["spec"]["weights"]["output"].__setitem__(0, [0, 0]),
    lambda r: r["statement"]["spec"].update(pooling="sum"),
])
def test_forgeries_are_refused(forge):
    r = copy.deepcopy(_genuine())
    forge(r)
    assert not check_result(r).ok


def test_a_rank_deficient_block_is_refused():
    """A leaf whose channel vectors are dependent (equal rows of W0): no full column rank, no lower bound."""
    d = spec_to_dict(deep(N=4, M=2, widths=(2, 2), seed=1, low=-9, high=9))
    d["weights"]["layers"][0][0] = [[1, 2], [2, 4]]
    net = read_net(d)
    k, K, pure, tree = kronecker.derive(net, [0, 2], 0, P)
    with pytest.raises(ConvacError, match="minor"):
        kronecker.check(net, [0, 2], 0, {"certificate": "kronecker", "k": k, "inner": K, "prime": P,
                                         "pivots": [[l, b, list(range(tree.W(l, b).shape[0]))] for l, b, _ in pure]})

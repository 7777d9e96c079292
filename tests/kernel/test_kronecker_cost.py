"""The structured route's memory estimate (symbolic.kernel.kronecker, Cost; symbolic.rank.structured): the bits it
assumes bound every exact entry it makes, the prover and the kernel compute the same bound by their own code, and
work over ``--max-memory`` is refused with its size before it starts (never rejected as false, never handed to the
dense route)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from symbolic.errors import TooLarge
from symbolic.kernel import cost as kernel_cost
from symbolic.kernel import kronecker
from symbolic.kernel.network import read_net
from symbolic.limits import Limits, use_limits
from symbolic.rank.pipeline import matricization_rank
from symbolic.rank.structured import _Net, structured_rank
from symbolic.spec.network import deep, shallow, spec_to_dict

P = 33554393


def _bits(x) -> int:
    q = Fraction(x)
    return q.numerator.bit_length() + q.denominator.bit_length()


nets = st.one_of(
    st.builds(lambda N, M, r, seed, low, den: deep(N=N, M=M, widths=(r,) * {4: 2, 8: 3}[N], seed=seed, low=-low,
                                                     high=low, denominators=den),
              st.sampled_from([4, 8]), st.integers(2, 3), st.integers(1, 3), st.integers(0, 99),
              st.sampled_from([1, 9, 1000]), st.sampled_from([(1,), (1, 3), (7,)])),
    st.builds(lambda N, M, Z, seed, low: shallow(N=N, M=M, Z=Z, seed=seed, low=-low, high=low),
              st.sampled_from([2, 4]), st.integers(2, 3), st.integers(1, 3), st.integers(0, 99),
              st.sampled_from([1, 1000])),
)


@settings(max_examples=40, deadline=None)
@given(nets, st.data())
def test_the_assumed_bits_bound_every_exact_entry_and_both_sides_agree(spec, data):
    rows = sorted(data.draw(st.sets(st.integers(0, spec.N - 1), min_size=1, max_size=spec.N - 1)))
    net = read_net(spec_to_dict(spec))
    tree = kronecker._Tree(net, rows)
    assert tree.bits == _Net(spec, rows).bits  # two implementations of one bound
    seen = []
    pool = tree.pool

    def recording(kids, W, what, bits):
        K, delta = pool(kids, W, what, bits)
        seen.append((bits, max((_bits(x) for x in delta.flat), default=0)))
        for kid in kids:
            if kid[2] is not None:
                seen.append((bits, max(_bits(x) for x in kid[2].flat)))
        return K, delta

    tree.pool = recording
    pure: list = []
    try:
        kids = [tree.block(tree.L - 1, t, pure, P) for t in range(tree.w)]
        tree.pool(kids, np.array([net.output[0]], dtype=object), "the root", tree.bits[-1])
    except Exception as e:  # not a structured case (the kernel says why): nothing was made
        assert "kronecker" in str(e)
        assume(False)  # Hypothesis fails the test (unsatisfiable) if too few examples are structured
    assert seen and all(actual <= bound for bound, actual in seen), seen


def test_the_kernel_refuses_over_its_memory_budget_and_accepts_within_it():
    spec = deep(N=8, M=4, widths=(4, 4, 4), seed=0)
    net = read_net(spec_to_dict(spec))
    rows = [0, 2, 4, 6]
    cert = matricization_rank(spec, "odd-even").certificate.to_dict()
    with kernel_cost.budget(kernel_cost.Budget(memory=1 << 12)):
        with pytest.raises(TooLarge, match=r"not re-checked: memory of the (cores|channel vectors) .*kronecker.*"
                                           r"--max-memory 1G lifts it"):
            kronecker.check(net, rows, 0, cert)
    assert kronecker.check(net, rows, 0, cert) == (256, 256)


def test_the_prover_refuses_over_max_memory_with_the_size_and_never_falls_to_the_dense_route():
    spec = deep(N=16, M=4, widths=(4, 4, 4, 4), seed=1)  # 65536 x 65536; its root's cores take about 20 MiB
    with use_limits(Limits(max_memory=1 << 20)):
        with pytest.raises(TooLarge, match=r"the structured route: the cores of the root \(inner size 65,536\) would "
                                           r"need about .* entries at \d+ bytes each\); the limit is 1 MiB"):
            structured_rank(spec, tuple(range(0, 16, 2)))
        with pytest.raises(TooLarge, match="the structured route"):
            matricization_rank(spec, "odd-even")
    r = matricization_rank(spec, "odd-even")
    assert (r.rank, r.exact, r.details["engine"]) == (65536, True, "structured")

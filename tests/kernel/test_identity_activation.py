"""leaky_relu:1 is the identity: the kernel's structural bounds treat it as linear, as the prover's do.

Found by the red team (issue 18): ``convac rank`` on a leaky_relu:1 ConvAC printed "the kernel did not
verify the answer" because the prover derived the min-cut bound (valid for every identity activation)
and the kernel did not.  Two routes: the prover's bounds (symbolic.rank.bounds) and the kernel's
(symbolic.kernel.linalg.structural_bounds) agree on every partition, and the answer rechecks.
"""

import itertools

import pytest

from symbolic import matricization_rank
from symbolic.rank.bounds import bounds as prover_bounds
from symbolic.kernel.linalg import structural_bounds
from symbolic.kernel.network import is_identity, read_net
from symbolic.kernel.recheck import recheck
from symbolic.spec.network import deep, shallow, spec_to_dict


def test_identity_activations():
    assert is_identity("linear") and is_identity("leaky_relu:1") and is_identity("leaky_relu:2/2")
    assert not any(is_identity(a) for a in ("relu", "abs", "square", "leaky_relu:1/10", "leaky_relu:2", "tanh"))


@pytest.mark.parametrize("make", [lambda a: deep(N=4, M=2, activation=a, pooling="product", seed=3),
                                  lambda a: shallow(N=4, M=2, Z=2, activation=a, pooling="product", seed=3)])
def test_kernel_and_prover_bounds_agree_for_leaky_relu_1(make):
    spec = make("leaky_relu:1")
    net = read_net(spec_to_dict(spec))
    for k in (1, 2):
        for rows in itertools.combinations(range(4), k):
            assert structural_bounds(net, list(rows)) == prover_bounds(spec, list(rows))
    answer = matricization_rank(spec, "odd-even")
    report = recheck({"convac": 1, "command": "rank", "results": [answer.to_dict()]})
    assert report.exit_code == 0, report.render()

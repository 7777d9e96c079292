"""The structured route (symbolic.rank.structured, symbolic.kernel.kronecker) on the cases added for issue 23:
rational weights (the residues of p-integral fractions, beside the integer fast path) and, against the dense
exact route, every size where both fit."""

from fractions import Fraction

import pytest

from symbolic.rank.pipeline import rank_answer
from symbolic.rank.structured import structured_rank
from symbolic.spec.network import deep, load_spec, spec_to_dict


def _with_fractions(spec, denominator: int):
    """The same net with every weight of layer 0 divided by ``denominator`` (weights 'p/q' in the spec)."""
    d = spec_to_dict(spec)
    d["weights"]["layers"][0] = [[[str(Fraction(x, denominator)) for x in ch] for ch in pos]
                                 for pos in d["weights"]["layers"][0]]
    return load_spec(d)


@pytest.mark.parametrize("denominator", [1, 2, 7])
@pytest.mark.parametrize("rows", [(0, 2), (0, 1), (1, 3)])
def test_rational_weights_agree_with_the_exact_route(denominator, rows):
    spec = _with_fractions(deep(N=4, M=3, widths=(3, 2), seed=5, low=-9, high=9), denominator)
    s = structured_rank(spec, rows)
    dense = rank_answer(spec, list(rows), engine="exact")
    assert s is not None, "a ConvAC with r_0 <= M is a structured case"
    assert (s.lower, s.upper) == (dense["lower"], dense["upper"])
    a = rank_answer(spec, list(rows), engine="structured")
    assert a["kernel_verified"] and a["certificate"]["certificate"] == "kronecker" and a["rank"] == dense["rank"]

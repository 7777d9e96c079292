"""The structured route (symbolic.rank.structured, symbolic.kernel.kronecker) on the cases added for issue 23:
rational weights (the residues of p-integral fractions, beside the integer fast path) and, against the dense
exact route, every size where both fit."""

from fractions import Fraction

import pytest

from symbolic.errors import DomainError
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


def test_wide_layer_zero_is_refused_with_its_reason():
    """r_0 > M with a one-patch block beside a block of the other side (odd-even): the channel vectors V (M x r_0)
    cannot have full column rank, the pool's channel matricizations V_a diag(w) V_b^T are not diagonal in one
    basis, so the structured route says so and the default route takes the dense one (kernel-verified)."""
    spec = deep(N=4, M=2, widths=(3, 2), seed=2, low=-9, high=9)
    why = []
    assert structured_rank(spec, (0, 2), reasons=why) is None
    assert "3 channels on 2 rows" in why[0] and "r_0 > M" in why[0]
    with pytest.raises(DomainError, match="does not apply: a one-sided block"):
        rank_answer(spec, "odd-even", engine="structured")
    a, exact = rank_answer(spec, "odd-even"), rank_answer(spec, "odd-even", engine="exact")
    assert a["kernel_verified"] and a["certificate"]["certificate"] == "rank"
    assert (a["lower"], a["upper"]) == (exact["lower"], exact["upper"]) == (4, 4)


def test_wide_layer_zero_inside_a_one_sided_block_stays_structured():
    """r_0 > M is no obstacle when the layer-0 blocks lie inside larger one-sided blocks (halves, N=8): there the
    kernel multiplies out their channel vectors; structured and exact agree."""
    spec = deep(N=8, M=2, widths=(3, 2, 2), seed=1, low=-9, high=9)
    for rows in [(0, 1, 2, 3), (0, 1, 4, 5)]:
        a = rank_answer(spec, list(rows), engine="structured")
        exact = rank_answer(spec, list(rows), engine="exact")
        assert a["kernel_verified"] and (a["lower"], a["upper"]) == (exact["lower"], exact["upper"])


def test_other_operators_name_the_operator():
    why = []
    assert structured_rank(deep(N=4, M=2, activation="square", seed=0), (0, 2), reasons=why) is None
    assert "square activation" in why[0]

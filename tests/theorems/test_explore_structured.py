"""The explorer past the dense sizes: a ConvAC's certified rank by the structured route (A = P diag(g) Q^T, never
formed), shown with its certificate, where the grid tensor cannot be formed (it used to refuse the whole choice on
the grid tensor's size); other operators at those sizes are still refused before any work, with the size."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("ipywidgets", reason="the explorer needs the explore extra: pip install '.[test]'")

from symbolic import deep, matricization_rank  # noqa: E402
from theorems.explore import model  # noqa: E402


def _text(html: str) -> str:
    return re.sub("<[^>]+>", "", html)


@pytest.mark.parametrize("N, M", [(16, 4), (32, 2)])
def test_a_convac_past_the_dense_sizes_shows_its_certified_structured_rank(ex, N, M):
    L = {16: 4, 32: 5}[N]
    ex.set(N=N, M=M, activation="linear", pooling="product", widths=(M,) * L, weights="random", seed=0,
           partition="odd-even")
    assert ex.wait(120, verdicts=False) and ex.refused is None
    want = matricization_rank(deep(N=N, M=M, widths=(M,) * L, seed=0), "odd-even")  # the library, by itself
    assert (ex.shown["rank"], ex.shown["exact"]) == (want.rank, True) == (M ** (N // 2), True)
    view = _text(ex.rank_view.value)
    assert "structured: [A]I = P diag(g) QT, never formed" in view and "re-verified by the trusted kernel" in view
    assert f"g has {want.rank:,} nonzero entries" in view
    assert ex.views["rank"]["engine"] == "structured" and ex.views["rank"]["kernel_verified"] is True


def test_other_operators_at_those_sizes_are_refused_with_the_size(ex):
    ex.set(N=16, M=4, activation="relu", pooling="max", widths=(4, 4, 4, 4))
    assert ex.wait(60, verdicts=False)
    assert ex.refused.startswith("N=16, M=4: the grid tensor has 4,294,967,296 entries")


def test_structured_is_a_convac_with_numeric_weights_from_the_routes_size():
    assert model.structured(model.Choice(N=16, M=4, activation="linear", pooling="product"))
    assert not model.structured(model.Choice(N=16, M=4, activation="linear", pooling="product", weights="symbolic"))
    assert not model.structured(model.Choice(N=16, M=4, activation="relu", pooling="max"))
    assert not model.structured(model.Choice(N=8, M=2, activation="linear", pooling="product"))  # dense is fine there

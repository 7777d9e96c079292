"""Bad arguments to the Python API's builders and rank functions: one ConvacError naming the argument, the value and
what is allowed, never a ZeroDivisionError or numpy's ValueError from deep inside (deep(denominators=(0,)) and
exact_rank of ragged rows once leaked those)."""

from __future__ import annotations

import pytest

from symbolic import deep, exact_rank, shallow
from symbolic.errors import DomainError, ShapeError


@pytest.mark.parametrize("build", [deep, lambda **kw: shallow(Z=2, **kw)], ids=["deep", "shallow"])
@pytest.mark.parametrize("kw, error", [
    ({"denominators": (0,)}, "denominators=(0,): expected a nonempty tuple of ints >= 1"),
    ({"denominators": ()}, "denominators=(): expected a nonempty tuple of ints >= 1"),
    ({"denominators": (1, -3)}, "denominators=(1, -3): expected a nonempty tuple of ints >= 1"),
    ({"denominators": 7}, "denominators=7: expected a nonempty tuple of ints >= 1"),
    ({"denominators": (True,)}, "denominators=(True,): expected a nonempty tuple of ints >= 1"),
    ({"seed": -1}, "seed=-1: expected an int >= 0"),
    ({"seed": "a"}, "seed='a': expected an int >= 0"),
    ({"seed": 1.5}, "seed=1.5: expected an int >= 0"),
])
def test_builders_refuse_bad_random_weight_arguments(build, kw, error):
    with pytest.raises(DomainError) as e:
        build(N=4, M=2, **kw)
    assert str(e.value) == error


def test_good_denominators_and_seeds_are_reproducible():
    a = deep(N=4, M=2, denominators=[1, 3], seed=2)
    assert a == deep(N=4, M=2, denominators=(1, 3), seed=2)
    assert all(x.denominator in (1, 3) for lay in a.all_weights() for pos in lay for ch in pos
               for x in (ch if isinstance(ch, tuple) else (ch,)) if hasattr(x, "denominator"))


@pytest.mark.parametrize("rows", [[[1, 2], [3]], [[1], [2, 3], [4]]])
def test_exact_rank_refuses_ragged_rows_in_one_line(rows):
    with pytest.raises(ShapeError, match=r"^matrix: rows of different lengths .*; expected a 2-D array$"):
        exact_rank(rows)

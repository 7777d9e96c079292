"""freeze and thaw (symbolic.frozen): thaw(freeze(x)) == x, freshly built (no list or dict shared with the frozen
value), for nested plain data; the fast paths for rows of scalars give the same as the element-wise ones."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from symbolic.frozen import FrozenDict, FrozenList, freeze, thaw

scalars = st.one_of(st.integers(), st.text(max_size=3), st.booleans(), st.none(),
                    st.fractions().map(Fraction), st.floats(allow_nan=False))
data = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4), st.tuples(inner, inner),
                                                     st.dictionaries(st.text(max_size=3), inner, max_size=3)),
                    max_leaves=30)


def _containers(x, out):
    if isinstance(x, (list, dict)):
        out.append(id(x))
    for v in (x.values() if isinstance(x, dict) else x if isinstance(x, (list, tuple)) else ()):
        _containers(v, out)
    return out


@settings(max_examples=200, deadline=None)
@given(data)
def test_thaw_of_freeze_is_the_value_built_fresh(x):
    f = freeze(x)
    back = thaw(f)
    assert back == x
    assert not set(_containers(back, [])) & set(_containers(f, []))  # nothing shared with the frozen value
    assert not any(isinstance(c, (FrozenList, FrozenDict)) for c in _walk(back))


def _walk(x):
    yield x
    for v in (x.values() if isinstance(x, dict) else x if isinstance(x, (list, tuple)) else ()):
        yield from _walk(v)

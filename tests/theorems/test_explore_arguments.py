"""Explorer.set and Explorer.search from Python: a value the widget would change (clamp 0 to 1, truncate 2.5) or
refuse with a traitlets traceback is refused in one line naming the control, the value and what is allowed, and
nothing changes (no control moves, no recomputation)."""

from __future__ import annotations

import pytest

pytest.importorskip("ipywidgets", reason="the explorer needs the explore extra: pip install '.[test]'")

from symbolic.errors import ConvacError  # noqa: E402


@pytest.mark.parametrize("values, error", [
    ({"M": 0}, "M=0: expected an int in [1, 64]"),
    ({"M": 2.5}, "M=2.5: expected an int in [1, 64]"),
    ({"M": "3"}, "M='3': expected an int in [1, 64]"),
    ({"N": True}, "N=True: expected an int in [1, 64]"),
    ({"N": 1024}, "N=1024: expected an int in [1, 64]"),
    ({"seed": 1.0}, "seed=1.0: expected an int"),
    ({"partition": "zz"}, "partition='zz': expected one of ['odd-even', 'halves', 'custom']"),
    ({"pooling": "maxx"}, "pooling='maxx': expected one of ['product', 'max', 'sum', 'average']"),
    ({"architecture": "mid"}, "architecture='mid': expected one of ['shallow', 'deep']"),
    ({"M": 3, "weights": "banana"}, "weights='banana': expected one of"),
])
def test_a_value_the_widget_would_change_is_refused_and_nothing_moves(ex, values, error):
    before = {k: w.value for k, w in ex.controls.items()}
    shown = dict(ex.shown)
    with pytest.raises(ConvacError) as e:
        ex.set(**values)
    assert str(e.value).startswith(error)
    assert {k: w.value for k, w in ex.controls.items()} == before and ex.shown == shown


def test_free_text_controls_still_take_any_text(ex):
    ex.set(activation="maxout")  # a Combobox: its options are suggestions; the model refuses the name
    assert ex.wait(60) and ex.refused.startswith("activation='maxout' is not one of")
    ex.set(activation="relu", widths=(2, 2))
    assert ex.wait(60) and ex.refused is None and ex.shown["rank"] is not None


@pytest.mark.parametrize("kw, error", [({"bound": 3}, "bound=3: expected a str"),
                                       ({"bound": "Z", "budget": 0}, "budget=0: expected an int in [1, 100000]"),
                                       ({"bound": "Z", "seed": -1}, "seed=-1: expected an int >= 0")])
def test_search_arguments_are_checked_before_a_search_starts(ex, kw, error):
    with pytest.raises(ConvacError, match=f"^{error.replace('[', '.').replace(']', '.')}$"):
        ex.search(**kw)
    assert ex._jobs.get("search") is None  # no search was started

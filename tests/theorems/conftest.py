"""Fixtures shared by the explorer's tests."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def ex():
    """One explorer per test module (deep relu/max, N=4, M=2, no pictures), ready, closed after the module."""
    pytest.importorskip("ipywidgets", reason="the explorer needs the explore extra: pip install '.[test]'")
    from theorems.explore import Explorer

    e = Explorer(architecture="deep", N=4, M=2, activation="relu", pooling="max", pictures=False)
    assert e.wait(120)
    yield e
    e.close()

"""The versions an answer records, by two routes: the ``.dist-info`` directory names that
``symbolic.versions`` reads (one listing per path entry) and importlib.metadata."""

from importlib import metadata

from symbolic import versions as v


def test_every_installed_distribution_reads_the_same_by_both_routes():
    found = v._dist_infos()
    assert {"convac", "python_flint", "sympy", "numpy"} <= set(found)
    for name, version in found.items():
        assert metadata.version(name) == version, name


def test_the_answer_versions_are_importlib_metadata_s():
    got = v.versions()
    for dist in ("python-flint", "sympy", "hypothesis"):
        assert got[dist] == metadata.version(dist)
    assert got["convac"] == metadata.version("convac")


def test_a_missing_distribution_reads_none():
    assert v._installed("no-such-distribution-convac-test") is None

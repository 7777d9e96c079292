"""Tests of theorems/search/rank_bound.py: a conjectured rank bound searched for counterexamples.

Second routes: a counterexample's rank is recomputed by python-flint from its spec and its bound
evaluated here from the family's parameters; a true bound (a shallow ConvAC has rank <= Z) is
never reported as true, only inconclusive; every answer re-verifies with the kernel.
"""

from __future__ import annotations

from fractions import Fraction as Q

import flint
import pytest

from symbolic.tensor.decompositions import grid_tensor
from symbolic.errors import ConvacError, DomainError
from symbolic.kernel.recheck import recheck
from symbolic.rank.matricization import matricize_array
from symbolic.spec.network import load_spec
from theorems.search.rank_bound import rank_bound_answer
from theorems.claims.verdict import answer


def _rank(spec, rows):
    A = matricize_array(grid_tensor(spec).to_numpy(), rows)
    return flint.fmpq_mat([[flint.fmpq(Q(x).numerator, Q(x).denominator) for x in r] for r in A.tolist()]).rank()


def _search(**kw):
    base = dict(architecture="shallow", activation="relu", pooling="max", N=4, M=2, widths=(1,),
                partition="odd-even", bound="Z", examples=40, seed=0)
    return rank_bound_answer(**{**base, **kw})


@pytest.mark.parametrize("kw, bound_of", [
    (dict(), lambda fam: fam["Z"]),
    (dict(architecture="deep", widths=(1, 1), bound="r0"), lambda fam: fam["widths"][0]),
])
def test_a_counterexample_has_a_rank_above_the_bound(kw, bound_of):
    a = _search(**kw)
    assert a["status"] == "refuted"
    ce = a["counterexample"]
    spec = load_spec(ce["spec"])
    res = a["results"][0]
    fam = res["statement"]["family"]
    assert (spec.architecture, spec.activation.spec_name, spec.pooling.name, spec.N, spec.M) == \
        (fam["architecture"], fam["activation"], fam["pooling"], fam["N"], fam["M"])
    rank = _rank(spec, ce["rows"])
    assert rank == ce["rank"] > bound_of(fam)
    assert res["status"] == "refuted" and res["seed"] == 0
    assert recheck(answer("search", a["results"])).exit_code == 0


def test_a_true_bound_is_only_ever_inconclusive():
    a = _search(activation="linear", pooling="product", widths=(2,), examples=20)  # rank [A] <= Z for ConvACs
    assert a["status"] == "inconclusive" and a["counterexample"] is None
    res = a["results"][0]
    assert res["status"] == "inconclusive" and res["certificate"] is None
    report = recheck(answer("search", a["results"]))
    assert report.exit_code == 0 and report.lines[0].status == "inconclusive"


def test_undefined_symbols_and_partitions_are_refused():
    with pytest.raises(DomainError, match="r1 not defined") as e:
        _search(bound="r1")
    assert "defined: L, M, N, Z, r0, w" in str(e.value)
    with pytest.raises(ConvacError):
        _search(partition="0,9")

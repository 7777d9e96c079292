"""Forger, class 6 (issue 18): rank 0 is an ordinary answer with an ordinary certificate.

``convac rank`` on a shallow relu/product net whose every channel has a dead unit (its grid tensor is 0)
answers rank 0 and the answer passes recheck; forged rank-0 claims on nonzero tensors, and forged lower
bounds on the zero tensor, are rejected.
"""

from __future__ import annotations

import copy
import json
import pathlib
import subprocess
import sys

import pytest

from symbolic.rank.pipeline import rank_answer, rank_result
from symbolic.spec.network import load_spec

from .forgers import assert_accepted, assert_rejected, envelope, genuine, run_limited

DEAD = {"architecture": "shallow", "N": 2, "M": 2, "activation": "relu", "pooling": "product",
        "weights": {"hidden": [[[-1, -2], [3, 4]], [[1, 2], [-3, -5]]], "output": [[2, 3]]}}


def _rank0():
    a = rank_answer(load_spec(DEAD), "0")
    assert a["lower"] == a["upper"] == 0
    return rank_result(a)


def test_convac_rank_of_a_dead_network_passes_recheck(tmp_path):
    spec = tmp_path / "dead.json"
    spec.write_text(json.dumps(DEAD))
    convac = str(pathlib.Path(sys.executable).parent / "convac")
    p = subprocess.run([convac, "rank", str(spec), "--partition", "0", "--json"], capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 0, p.stderr
    a = json.loads(p.stdout)
    assert a["results"][0]["lower"] == a["results"][0]["upper"] == 0
    r = run_limited(a)
    assert r["rc"] == 0 and "= 0" in r["stdout"], r


def test_rank0_in_process():
    assert "= 0" in assert_accepted(envelope("rank", _rank0()))


def _factorization0():
    return {"certificate": "rank_upper_bound", "k": 0, "kind": "factorization", "cols": [], "V": []}


@pytest.mark.parametrize("n", range(3))
def test_rank0_claimed_for_a_nonzero_tensor(n):
    res = copy.deepcopy(genuine("rank")["results"][n])
    res["lower"] = res["upper"] = 0
    res["certificate"]["lower"] = {"certificate": "rank_lower_bound", "k": 0, "rows": [], "cols": [],
                                   "prime": res["certificate"]["lower"]["prime"]}
    res["certificate"]["upper"] = _factorization0()
    assert_rejected(envelope("rank", res), why="rank 0 of a nonzero tensor")


MUTANTS = {
    "lower 1": lambda r: (r.update(lower=1), r["certificate"]["lower"].update(k=1, rows=[0], cols=[0])),
    "upper k 1 no cols": lambda r: r["certificate"]["upper"].update(k=1),
    "V not empty": lambda r: r["certificate"]["upper"].update(V=[[0, 0]]),
    "V null": lambda r: r["certificate"]["upper"].update(V=None),
    "cols [0] k 0": lambda r: r["certificate"]["upper"].update(cols=[0]),
    "k false": lambda r: r["certificate"]["upper"].update(k=False),
    "lower k false": lambda r: r["certificate"]["lower"].update(k=False),
    "lower rows [0]": lambda r: r["certificate"]["lower"].update(rows=[0]),
    "upper 1": lambda r: r.update(upper=1),
    "lower -1": lambda r: (r.update(lower=-1), r["certificate"]["lower"].update(k=-1)),
    "bounds 0": lambda r: r.update(bounds={k: 0 for k in r["bounds"]}),
    "trivial 0": lambda r: r["certificate"].update(upper={"certificate": "rank_upper_bound", "k": 0,
                                                          "kind": "trivial"}),
    "factors 0": lambda r: r["certificate"].update(upper={"certificate": "rank_upper_bound", "k": 0, "kind": "factors",
                                                          "U": [], "V": [], "primes": [101]}),
    "output 1": lambda r: r["statement"].update(output=1),
    "weights revived": lambda r: r["statement"]["spec"]["weights"]["hidden"][0].__setitem__(0, [1, 2]),
}


@pytest.mark.parametrize("what", sorted(MUTANTS))
def test_rank0_mutants(what):
    res = _rank0()
    MUTANTS[what](res)
    assert_rejected(envelope("rank", res), why=what)

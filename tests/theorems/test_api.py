"""Tests of theorems/api.py: typed results whose ``to_dict()`` is exactly the command's ``--json``.

The CLI is run in-process (theorems.cli.main) and its printed JSON compared with the library
result, the timings (``seconds``) aside; the typed accessors (``holds``, ``answer``,
``summary``) are recomputed from the results; every answer re-verifies with the kernel.
"""

from __future__ import annotations

import collections
import dataclasses
import json

import pytest

from theorems.api import Laws, Sweep, Universality, decide_laws, decide_universality, recheck, verify_catalog
from theorems.cli import main


def _cli_json(capsys, argv):
    capsys.readouterr()
    code = main(argv)
    out = capsys.readouterr()
    assert out.out, f"convac {' '.join(argv)} printed nothing (exit {code}); stderr: {out.err[-500:]}"
    return code, json.loads(out.out)


def _timeless(ans):
    ans = json.loads(json.dumps(ans))
    for r in ans["results"]:
        r.pop("seconds", None)
    return ans


def test_verify_only_laws_is_the_cli_answer(capsys):
    s = verify_catalog(only=["laws"])
    code, cli = _cli_json(capsys, ["verify", "--only", "laws", "--json", "--quiet"])
    assert code == 0
    assert _timeless(s.to_dict()) == _timeless(cli)
    counts = collections.Counter(r["status"] for r in cli["results"])
    assert s.summary == {**{k: counts.get(k, 0) for k in ("proved", "tested", "refuted", "inconclusive")},
                         "total": len(cli["results"])}
    assert recheck(s).exit_code == 0 and recheck(cli).exit_code == 0
    assert s.size == "small" and s.seed == 0


@pytest.mark.parametrize("act, pool", [("relu", "max"), ("relu", "average"), ("tanh", "max"), ("square", "sum")])
def test_check_laws_is_the_cli_answer(capsys, act, pool):
    L = decide_laws(act, pool)
    code, cli = _cli_json(capsys, ["check", "laws", "--activation", act, "--pooling", pool, "--json"])
    assert code == 0 and L.to_dict() == cli
    assert L.holds == {r["statement"]["law"]: r["status"] == "proved" for r in cli["results"]}
    assert recheck(L).exit_code == 0


@pytest.mark.parametrize("argv, kwargs, expected", [
    (["--activation", "abs", "--pooling", "max", "--architecture", "shallow", "--N", "2", "--M", "2"],
     dict(activation="abs", pooling="max", architecture="shallow", N=2, M=2), True),
    (["--activation", "relu", "--pooling", "average", "--architecture", "shallow", "--N", "2", "--M", "2"],
     dict(activation="relu", pooling="average", architecture="shallow", N=2, M=2), False),
])
def test_check_universality_is_the_cli_answer(capsys, argv, kwargs, expected):
    U = decide_universality(**kwargs)
    code, cli = _cli_json(capsys, ["check", "universality", *argv, "--json"])
    assert _timeless(U.to_dict()) == _timeless(cli)
    assert U.answer is expected
    assert cli["results"][0]["status"] == ("proved" if expected else "refuted")
    assert recheck(U).exit_code == 0


def test_results_are_frozen_and_print_nothing(capsys):
    L = decide_laws("relu", "sum")
    assert capsys.readouterr().out == ""
    for obj, name in ((L, "activation"), (Sweep(rows=()), "size"), (Universality(verdict=None), "verdict")):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(obj, name, None)
    assert isinstance(L, Laws)


def test_recheck_accepts_dicts_and_results():
    L = decide_laws("relu", "max")
    assert recheck(L).exit_code == recheck(L.to_dict()).exit_code == 0
    bad = L.to_dict()
    bad["results"][0]["status"] = "refuted"
    assert recheck(bad).exit_code == 1


def test_limits_are_arguments_of_every_computing_function():
    """Issue 22: ``limits=`` on the public functions, never the environment; refusals name the size."""
    import pytest

    from symbolic import deep, grid_tensor, matricization_rank
    from symbolic.errors import TooLarge
    from symbolic.limits import Limits, limits
    from theorems import decide_depth, decide_universality, recheck, verify_catalog

    tiny = Limits(max_entries=8)
    s = deep(N=4, M=2, seed=0)
    for call in (lambda: grid_tensor(s, limits=tiny), lambda: matricization_rank(s, "odd-even", limits=tiny),
                 lambda: decide_universality(activation="relu", pooling="max", N=2, M=3, limits=tiny),
                 lambda: decide_depth("linear", "product", N=4, M=2, limits=tiny)):
        with pytest.raises(TooLarge, match=r"8"):
            call()
    assert limits() == Limits()  # restored after each call, refused or not
    ans = matricization_rank(s, "odd-even")
    assert recheck(ans).exit_code == 0  # a RankAnswer is rechecked as it is
    with pytest.raises(TooLarge, match=r"forward pass \(M=2, N=4\): 16, over the kernel's limit of 8"):
        recheck(ans, limits=tiny)
    rows = verify_catalog(only=["depth.convac.generic"], limits=tiny).rows
    fits = [r for r in rows if r["instance"]["M"] ** r["instance"]["N"] <= 8]
    assert [r["status"] for r in fits] == ["proved"] and len(rows) > len(fits)
    assert all(r["status"] == "inconclusive" and "the limit is 8 entries" in r["detail"] for r in rows if r not in fits)

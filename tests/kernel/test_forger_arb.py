"""Forger: ``arb_independence`` universality certificates (tanh and sigmoid families, issue 19 item 5).

Genuine answers of ``convac check universality`` for tanh/product (shallow) and sigmoid/max (deep) pass; every
mutant is rejected with one line: a weight tampered so that two networks are equal (the determinant ball
contains 0), networks of another activation than the statement's, the wrong route for the activation (a tanh
family by exact rank, an exact family by balls), a stack of the wrong size, a statement with another window,
patch order or activation, and a stack too large to check (refused cheaply, before any network is read).
"""

from __future__ import annotations

import copy
import functools
import json

import pytest

from theorems.universality.decide import decide_universality, universality_json

from .forgers import assert_accepted, assert_refused_cheaply, assert_rejected, envelope, genuine, verdict


@functools.cache
def _genuine_json(act, pl, arch, N) -> str:
    v = decide_universality(activation=act, pooling=pl, architecture=arch, N=N, M=2)
    assert v.status.value == "proved" and v.certificate["kind"] == "arb_independence", v.detail
    return json.dumps(universality_json(v, question="")["results"][0])


def _res(act="tanh", pl="product", arch="shallow", N=2) -> dict:
    return json.loads(_genuine_json(act, pl, arch, N))


def _reason(res) -> str:
    code, text = verdict(envelope("check universality", res))
    assert code in (1, 2), text
    line = next(x for x in text.splitlines() if "FAILED" in x or "malformed" in x.lower() or "error" in x.lower())
    return line


@pytest.mark.parametrize("args", [("tanh", "product", "shallow", 2), ("sigmoid", "max", "deep", 4),
                                  ("sigmoid", "product", "shallow", 2), ("tanh", "max", "deep", 4)])
def test_genuine_answers_pass(args):
    assert_accepted(envelope("check universality", _res(*args)))


def test_a_tampered_weight_making_two_networks_equal():
    res = _res()
    stack = res["certificate"]["source"]["stack"]
    stack[0]["spec"]["weights"]["hidden"] = copy.deepcopy(stack[1]["spec"]["weights"]["hidden"])
    assert "contains 0" in _reason(res)


def test_a_weight_tampered_in_a_deep_net():
    res = _res("sigmoid", "max", "deep", 4)
    stack = res["certificate"]["source"]["stack"]
    stack[3]["spec"]["weights"] = copy.deepcopy(stack[5]["spec"]["weights"])
    assert "contains 0" in _reason(res)


def test_networks_of_another_activation_than_the_statement():
    res = _res("tanh", "product", "shallow", 2)
    res["statement"]["activation"] = "sigmoid"  # the certificate's networks stay tanh
    assert "activation='tanh', the statement says 'sigmoid'" in _reason(res)
    res = _res("sigmoid", "max", "deep", 4)
    for s in res["certificate"]["source"]["stack"]:
        s["spec"]["activation"] = "tanh"  # networks switched, statement sigmoid
    assert "the statement says 'sigmoid'" in _reason(res)


def test_a_tanh_family_is_never_proved_by_exact_rank():
    res = _res()
    res["certificate"]["kind"] = "matricization_rank"
    res["certificate"]["certificate"] = {"certificate": "rank_lower_bound", "k": 4, "rows": [0, 1, 2, 3],
                                         "cols": [0, 1, 2, 3], "prime": 101}
    assert "proved by arb_independence only" in _reason(res)


def test_an_exact_family_is_never_proved_by_balls():
    res = copy.deepcopy(next(r for r in genuine("universality")["results"] if r["status"] == "proved"))
    assert res["statement"]["activation"] == "abs"
    res["certificate"] = {"kind": "arb_independence", "source": res["certificate"]["source"]}
    assert "proved by matricization_rank only" in _reason(res)


@pytest.mark.parametrize("change", ["drop", "duplicate", "extra"])
def test_a_stack_of_the_wrong_size(change):
    res = _res()
    stack = res["certificate"]["source"]["stack"]
    if change == "drop":
        stack.pop()
    elif change == "duplicate":
        stack.append(copy.deepcopy(stack[0]))
    else:
        res["certificate"]["precision"] = 1024
    assert_rejected(envelope("check universality", res), why=change)


@pytest.mark.parametrize("field,value", [("window", 4), ("patch_order", [1, 0, 2, 3]), ("patch_order", [0, 2, 1, 3]),
                                         ("activation", "tanh"), ("pooling", "product"), ("N", 2), ("M", 3),
                                         ("architecture", "shallow"), ("shared", True)])
def test_a_statement_with_another_geometry_or_operator(field, value):
    res = _res("sigmoid", "max", "deep", 4)
    res["statement"][field] = value
    if field == "architecture":
        for k in ("window", "patch_order"):
            res["statement"].pop(k, None)
    reason = _reason(res)
    assert "\n" not in reason and len(reason) < 400, reason


def test_a_stack_too_large_to_check_is_refused_before_reading_it():
    """N = 12, M = 2: 4,096 networks; the 4,096^3 determinant is refused before any network is read."""
    res = _res()
    N = 12
    one = res["certificate"]["source"]["stack"][0]
    one["spec"].update(N=N, weights={"hidden": [[[1, 0]] * N], "output": [[1]]})
    res["statement"]["N"] = N
    res["certificate"]["source"]["stack"] = [one] * 2**N
    r = assert_refused_cheaply(envelope("check universality", res))
    assert "arb determinant" in r["stdout"] + r["stderr"]


def _paths(x, path=()):
    items = x.items() if isinstance(x, dict) else enumerate(x) if isinstance(x, list) else ()
    for k, v in items:
        yield path + (k,)
        yield from _paths(v, path + (k,))


def test_wrong_types_in_every_field():
    """Every field of a genuine tanh answer (statement and certificate), replaced by a value of another type
    (null, true, a float, a string with a letter, a list, an object): rejected, one line, no crash."""
    base = envelope("check universality", _res())
    accepted, count = [], 0
    for p in _paths(base):
        x = json.loads(json.dumps(base))
        parent = functools.reduce(lambda o, k: o[k], p[:-1], x)
        old = parent[p[-1]]
        for new in (None, True, 1.5, "q", [7], {"x": 1}):
            if type(new) is type(old) or isinstance(new, (list, dict)) and isinstance(old, (list, dict)):
                continue
            parent[p[-1]] = new
            count += 1
            code, text = verdict(x)
            if code not in (1, 2):
                accepted.append(("/".join(map(str, p)), new))
        parent[p[-1]] = old
    assert count > 300 and not accepted, (count, accepted[:20])

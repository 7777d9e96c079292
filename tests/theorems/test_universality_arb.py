"""Universality of tanh and sigmoid families by arb-certified realizations (issue 19, item 5).

tanh and sigmoid with product or max pooling, shallow and deep, non-shared, are universal: the prover's M^N
structured networks (theorems/universality/decide.py ``_arb_vectors``) are certified independent by the
kernel's arb determinant.  Each answer is re-verified once more from its JSON, the same certificate does not
prove "not universal", the answer file passes ``convac recheck``, and the networks are checked to realize
independent tensors by a second route (the prover's own sympy grid tensors, evaluated with mpmath).
"""

from __future__ import annotations

import json

import mpmath
import pytest

from symbolic.kernel.recheck import check_result
from symbolic.spec.network import load_spec
from symbolic.tensor.decompositions import grid_tensor
from theorems.cli import main
from theorems.universality.decide import ARB_LIMIT, decide_universality, universality_answer

CASES = [(act, pl, arch, N, M, w) for act in ("tanh", "sigmoid") for pl in ("product", "max")
         for arch, N, M, w in (("shallow", 1, 3, 2), ("shallow", 2, 2, 2), ("shallow", 3, 2, 2), ("shallow", 2, 3, 2),
                               ("deep", 2, 2, 2), ("deep", 4, 2, 2), ("deep", 4, 2, 4))]


@pytest.mark.parametrize("act,pl,arch,N,M,w", CASES)
def test_universal_by_arb_independence(act, pl, arch, N, M, w):
    v = decide_universality(activation=act, pooling=pl, architecture=arch, N=N, M=M, window=w)
    assert v.status.value == "proved" and v.checked and universality_answer(v) is True, v.detail
    assert v.certificate["kind"] == "arb_independence" and v.detail.startswith("answer yes")
    stack = v.certificate["source"]["stack"]
    assert len(stack) == M**N and all(s["spec"]["activation"] == act for s in stack)
    res = json.loads(json.dumps(v.result()))
    assert res["statement"]["activation"] == act and res["status"] == "proved"
    line = check_result(res)
    assert line.ok, line.reason
    assert check_result(dict(res, status="refuted")).ok is False


@pytest.mark.parametrize("act,pl,arch,N,M", [("tanh", "max", "shallow", 2, 2), ("sigmoid", "product", "deep", 4, 2)])
def test_second_route_the_stack_has_full_numerical_rank(act, pl, arch, N, M):
    """The prover's own grid tensors (sympy expressions), evaluated with mpmath at 100 digits: the stack's
    determinant is far from 0 (evidence only; the kernel's arb determinant is the proof)."""
    v = decide_universality(activation=act, pooling=pl, architecture=arch, N=N, M=M)
    with mpmath.workdps(100):
        rows = [[mpmath.mpf(str(e.evalf(110))) if hasattr(e, "evalf") else mpmath.mpf(e)
                 for e in grid_tensor(load_spec(s["spec"]), engine="symbolic").entries()]
                for s in v.certificate["source"]["stack"]]
        assert abs(mpmath.det(mpmath.matrix(rows))) > mpmath.mpf(10) ** -30


def test_deep_tanh_at_256_entries():
    v = decide_universality(activation="tanh", pooling="product", architecture="deep", N=8, M=2)
    assert v.status.value == "proved" and v.checked and v.certificate["kind"] == "arb_independence"


def test_above_the_limit_the_answer_is_unknown_with_the_missing_argument():
    v = decide_universality(activation="sigmoid", pooling="max", N=6, M=3)
    assert 3**6 > ARB_LIMIT and v.status.value == "inconclusive" and v.certificate is None
    assert f"above the arb route's limit of {ARB_LIMIT}" in v.detail and "missing" in v.detail


def test_json_answer_passes_convac_recheck(capsys, tmp_path):
    rc = main(["check", "universality", "--activation", "sigmoid", "--pooling", "max", "--architecture", "deep",
               "--N", "4", "--M", "2", "--json"])
    out, _ = capsys.readouterr()
    assert rc == 0
    a = json.loads(out)
    assert a["results"][0]["certificate"]["kind"] == "arb_independence"
    p = tmp_path / "a.json"
    p.write_text(out)
    rc = main(["recheck", str(p)])
    out, _ = capsys.readouterr()
    assert rc == 0 and out.splitlines()[-1] == "1 of 1 statements verified", out


def test_text_answer_names_the_arb_determinant(capsys):
    rc = main(["check", "universality", "--activation", "tanh", "--pooling", "max", "--N", "2", "--M", "2"])
    out, err = capsys.readouterr()
    assert rc == 0 and "answer: yes (proved" in out and not err, (out, err)
    assert "arb ball of the 4 x 4 determinant" in out and "re-verified by the trusted kernel" in out

"""The claim catalog: every claim proved on its small instances, every false variant refuted,
and tampered certificates rejected by the trusted kernel (statement first: a result must prove
exactly its typed statement with its status)."""

import copy
import json
import re
import subprocess
import sys
from fractions import Fraction

import pytest

from symbolic.kernel.recheck import check_result, recheck
from theorems.claims.catalog import CATALOG, get_claim, instances
from theorems.run.sweep import run_sweep, summary
from theorems.claims.variants import FALSE_VARIANTS
from theorems.claims.verdict import Status, answer

IDS = ["laws", "equivalence.shallow", "equivalence.deep", "equivalence.average", "universality.convac",
       "universality.relu_max", "universality.relu_avg", "sharing", "depth.convac.shallow_bound",
       "depth.convac.generic", "depth.relu_max.term_bound", "depth.relu_max.exists", "depth.relu_max.incomplete",
       "geometry"]


def test_catalog_has_exactly_the_issue_ids():
    assert [c.id for c in CATALOG] == IDS


def test_the_light_id_list_is_the_catalog():
    # theorems.claims.ids serves --help without importing the claims; it must name the same claims, in order
    from theorems.claims.ids import CLAIM_IDS

    assert list(CLAIM_IDS) == [c.id for c in CATALOG]


@pytest.fixture(scope="module")
def small_sweep():
    return run_sweep("small", jobs=2, seed=0, show_progress=False)


def test_small_sweep_proves_every_claim(small_sweep):
    s = summary(small_sweep)
    bad = [(r["claim"], r["instance"], r["detail"]) for r in small_sweep if r["status"] != "proved"]
    assert not bad
    assert s["claims_proved"] == 14 and s["all_proved"]
    assert all(r["checked"] for r in small_sweep)
    # every result is plain JSON and re-verifies on its own, as the claim it names
    for r in small_sweep[::7]:
        res = json.loads(json.dumps(r["result"]))
        assert res["statement"] == {"type": "claim", "claim": r["claim"], "instance": r["instance"]}
        assert res["status"] == "proved" and res["certificate"] == r["certificate"]
        line = check_result(res)
        assert line.ok, (r["claim"], line.reason)
    ans = answer("verify", [r["result"] for r in small_sweep], summary=True)
    assert ans["summary"] == {"proved": len(small_sweep), "tested": 0, "refuted": 0, "inconclusive": 0,
                              "total": len(small_sweep)}


def test_small_instances_cover_the_small_grid():
    Ns = {i.get("N") for _, i in instances("small") if "N" in i}
    Ms = {i.get("M") for _, i in instances("small") if "M" in i}
    assert Ns == {2, 4} and Ms == {2, 3}


@pytest.mark.parametrize("name", list(FALSE_VARIANTS))
def test_false_variants_are_refuted(name):
    v = FALSE_VARIANTS[name](seed=0)
    assert v.status is Status.REFUTED, v.detail
    assert v.checked and v.certificate
    res = v.result()
    assert res["status"] == "refuted" and check_result(res).ok
    assert check_result(dict(res, status="proved")).ok is False  # a counterexample proves nothing


@pytest.mark.parametrize("seed", [1, 2])
def test_false_variants_refuted_for_other_seeds(seed):
    for f in FALSE_VARIANTS.values():
        assert f(seed=seed).status is Status.REFUTED


# ------------------------------------------------------------------- tampering
def _first(claim_id, **match):
    claim = get_claim(claim_id)
    inst = next(i for i in claim.small if all(i.get(k) == v for k, v in match.items()))
    return claim.check(**inst, seed=0)


def _find(cert, kind):
    if cert.get("kind") == kind:
        return cert
    for p in cert.get("parts", []):
        got = _find(p, kind)
        if got:
            return got
    return None


def _result(v):
    """A verdict's result, checked by the kernel untampered, as a fresh copy to tamper with."""
    res = v.result()
    line = check_result(res)
    assert v.checked and line.ok, line.reason
    return copy.deepcopy(res)


def _rejected(res, reason=None):
    line = check_result(res)
    assert line.ok is False, "the kernel accepted a tampered result"
    assert reason is None or re.search(reason, line.reason), line.reason
    assert recheck(answer("verify", [res])).exit_code == (2 if line.malformed else 1)  # 2: outside the schema


def test_tampered_tensor_entry_rejected():
    v = _first("universality.convac", N=2, M=2)
    res = _result(v)
    eq = _find(res["certificate"], "tensor_equality")
    e = eq["items"][1]["tensor"]["entries"]
    e[0] = str(Fraction(e[0]) + 1)  # the target no longer is the tensor of the network
    _rejected(res, "does not realize the target")


def test_tampered_decomposition_source_rejected():
    """equivalence.shallow: the forward pass = the generalized CP, for all weights and all F."""
    v = _first("equivalence.shallow", N=2, M=2, activation="relu", pooling="max")
    for tamper, reason in (
        (lambda s: s.pop("F"), "F must be symbolic"),  # only for F = identity
        (lambda s: s.update(pooling="sum"), "pooling"),  # another operator than the instance's
        (lambda s: s.update(weights={"hidden": [[[1, 0], [0, 1]], [[2, 1], [1, 1]]], "output": [[1, 1]]}),
         "symbolic"),  # one network, not all weights
    ):
        res = _result(v)
        tamper(res["certificate"]["source"]["spec"])
        _rejected(res, reason)


def test_tampered_weight_in_universality_target_rejected():
    v = _first("universality.convac", N=2, M=2)
    res = _result(v)
    eq = _find(res["certificate"], "tensor_equality")
    out = eq["items"][0]["spec"]["weights"]["output"]
    out[0][0] = str(Fraction(out[0][0]) + 1)
    _rejected(res, "does not realize the target")


def test_tampered_rank_prime_and_index_rejected():
    v = _first("depth.convac.generic", N=4, M=3)
    for field, new in (("prime", 4), ("rows", None)):
        res = _result(v)
        cert = res["certificate"]
        if field == "rows":
            cert["certificate"]["rows"][0] = cert["certificate"]["rows"][1]
        else:
            cert["certificate"]["prime"] = new
        _rejected(res, "repeated index" if field == "rows" else "prime")


def test_tampered_functional_rejected():
    v = _first("universality.relu_avg", N=2, M=2, architecture="shallow")
    res = _result(v)
    res["certificate"]["coefficients"][0][1] = "2"
    _rejected(res, "does not expand to 0")


def test_functional_on_universal_family_rejected():
    """The same functional does not vanish on ReLU/max nets: the kernel must say so."""
    v = _first("universality.relu_avg", N=2, M=2, architecture="shallow")
    res = _result(v)
    res["certificate"]["source"]["spec"]["pooling"] = "max"
    _rejected(res, "pooling")  # not the claim's family
    # stated for the ReLU/max family itself, the functional is checked and fails
    st = {"type": "universality", "architecture": "shallow", "N": 2, "M": 2, "activation": "relu", "pooling": "max",
          "shared": False}
    _rejected({"statement": st, "status": "refuted", "certificate": res["certificate"]}, "does not expand to 0")


def test_invariance_of_unshared_net_rejected():
    v = _first("sharing", N=2, M=2, architecture="shallow", activation="linear")
    res = _result(v)
    res["certificate"]["source"]["spec"].pop("shared")
    _rejected(res, "shared")


def test_box_identity_on_wider_box_rejected():
    v = _first("depth.relu_max.incomplete", N=4, M=2)
    res = _result(v)
    box = res["certificate"]["parts"][1]["box"]  # parts: the witness, the box
    box[next(iter(box))] = ["-2", "2"]
    _rejected(res, "not resolved|changes|differ")


def test_box_must_be_open():
    v = _first("depth.relu_max.incomplete", N=4, M=2)
    res = _result(v)
    box = res["certificate"]["parts"][1]["box"]
    box[next(iter(box))] = ["1", "1"]
    _rejected(res, "empty or a point")


def test_factorization_with_wrong_factor_rejected():
    v = _first("depth.convac.shallow_bound", N=2, M=2)
    res = _result(v)
    res["certificate"]["parts"][0]["V"][0][0] = "0"
    _rejected(res, "U V")
    res = _result(_first("depth.convac.shallow_bound", N=4, M=2))
    parts = res["certificate"]["parts"]  # the partition {0} | {1, 2, 3} left out (both of its sides)
    res["certificate"]["parts"] = [p for p in parts if p["rows"] not in ([0], [1, 2, 3])]
    assert len(res["certificate"]["parts"]) == len(parts) - 2
    _rejected(res, "not covered")


def test_law_counterexample_tampered():
    v = FALSE_VARIANTS["relu_average_associative"]()
    res = _result(v)
    assert res["statement"]["type"] == "law" and res["status"] == "refuted"
    res["certificate"]["point"] = {"a": 1, "b": 1, "c": 1}
    _rejected(res, "not proved different")


def test_laws_claim_tampered():
    v = _first("laws")
    res = _result(v)
    part = next(p for p in res["certificate"]["parts"] if not p["holds"])
    part["holds"] = True  # relu/average associativity stated as a fact of the claim
    _rejected(res)
    res = _result(v)
    res["certificate"]["parts"].pop()  # a fact missing
    _rejected(res, "missing facts|not one of")


def test_symbolic_factorization_bound_tampered():
    v = _first("geometry", N=4, M=3, window=2)
    res = _result(v)
    sb = _find(res["certificate"], "symbolic_factorization")
    sb["bound"] -= 1
    _rejected(res, "the checked factorization has inner size")


def test_max_term_rows_bound_tampered():
    v = _first("depth.relu_max.term_bound", N=4, M=2)
    res = _result(v)
    res["certificate"]["bound"] = 4  # M |rows|: true but not the tightest proved bound, 3
    _rejected(res, "max_term_rows")


def test_status_and_claim_swapped():
    """Statement first: a certificate proves its own claim, with its own status, and nothing else."""
    v = _first("universality.relu_avg", N=2, M=2, architecture="shallow")
    res = _result(v)
    _rejected(dict(res, status="refuted"), "status must be proved")
    res["statement"]["claim"] = "sharing"
    _rejected(res, "missing \\['activation', 'pooling'\\]")  # another claim's instance: malformed
    res["statement"]["instance"].update(activation="relu", pooling="average")
    _rejected(res)  # a well-formed sharing statement: the certificate does not prove it


# ------------------------------------------------------------------- command line
def run(*args):
    return subprocess.run([sys.executable, "-m", "theorems.cli", *args], capture_output=True, text=True)


def test_verify_json_shape_and_exit_code():
    r = run("verify", "--only", "laws", "depth.relu_max.exists", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert set(out) == {"convac", "command", "results", "summary", "versions"} and out["command"] == "verify"
    first = out["results"][0]
    assert set(first) == {"statement", "status", "certificate", "seconds", "seed"}
    assert first["statement"]["type"] == "claim" and first["statement"]["claim"] == "laws"
    assert {r["statement"]["claim"] for r in out["results"]} == {"laws", "depth.relu_max.exists"}
    n = len(out["results"])
    assert out["summary"] == {"proved": n, "tested": 0, "refuted": 0, "inconclusive": 0, "total": n}
    assert recheck(out).exit_code == 0
    out["summary"]["proved"] -= 1  # the summary is recomputed by the kernel
    assert recheck(out).exit_code == 1


@pytest.mark.parametrize("fmt, marker", [("markdown", "| claim |"), ("latex", "\\begin{tabular}")])
def test_verify_formats(fmt, marker):
    r = run("verify", "--only", "laws", "--format", fmt)
    assert r.returncode == 0 and marker in r.stdout


def test_verify_unknown_claim_is_one_line():
    r = run("verify", "--only", "nonsense")
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "nonsense" in r.stderr
    assert "Traceback" not in r.stderr


def test_show():
    r = run("show", "depth.relu_max.incomplete")
    assert r.returncode == 0 and "open box" in r.stdout and "small instances" in r.stdout


def test_variants_command():
    r = run("verify", "--variants", "--json")
    assert r.returncode == 0
    out = json.loads(r.stdout)
    assert out["command"] == "verify --variants" and len(out["results"]) == len(FALSE_VARIANTS)
    assert all(x["status"] == "refuted" for x in out["results"])
    n = len(FALSE_VARIANTS)
    assert out["summary"] == {"proved": 0, "tested": 0, "refuted": n, "inconclusive": 0, "total": n}
    assert recheck(out).exit_code == 0


def test_every_instance_refused_for_size_still_carries_a_statement_the_kernel_validates():
    """A result refused before work (TooLarge under the run's limits) is listed by recheck, not rejected as
    malformed: its statement is the claim's statement instance (F, a random patch order, the partitions
    written out), which the kernel validates like any other. Before, 372 of the 481 large instances were
    malformed when refused (raw catalog instances with nulls and unresolved fields)."""
    from symbolic.kernel.recheck import check_result
    from theorems.claims.catalog import CATALOG

    for c in CATALOG:
        for inst in c.instances("large"):
            res = {"statement": {"type": "claim", "claim": c.id, "instance": c.statement_instance(inst, 0)},
                   "status": "inconclusive", "certificate": None, "seconds": 1.0, "seed": 0}
            line = check_result(res)
            assert not line.malformed, (c.id, inst, line.reason)


@pytest.mark.parametrize("cid", ["geometry", "universality.convac", "universality.relu_max", "equivalence.average",
                                 "sharing"])
def test_the_statement_instance_is_the_one_the_prover_writes(cid):
    """Two routes: the claim's statement instance, resolved without proving, against the proved verdict's."""
    from theorems.claims.catalog import get_claim

    c = get_claim(cid)
    for inst in c.instances("small"):
        for seed in (0, 3):
            assert c.statement_instance(inst, seed) == c.check(**inst, seed=seed).result()["statement"]["instance"]


def test_no_statement_is_checked_twice_in_a_sweep():
    """recheck refuses an answer that states the same thing twice; the large geometry list once held the
    medium instance's identity order."""
    import json

    from theorems.claims.catalog import CATALOG

    for c in CATALOG:
        seen = [json.dumps(c.statement_instance(i, 0), sort_keys=True) for i in c.instances("large")]
        assert len(seen) == len(set(seen)), c.id

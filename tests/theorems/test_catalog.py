"""The claim catalog: every claim proved on its small instances, every false variant refuted,
and tampered certificates rejected by the trusted checker."""

import copy
import json
import subprocess
import sys

import pytest

from symbolic.checker import check_certificate, verified
from symbolic.errors import CertificateError
from theorems.catalog import CATALOG, get_claim, instances
from theorems.cli_verify import run_sweep, summary
from theorems.variants import FALSE_VARIANTS
from theorems.verdict import Status

IDS = ["laws", "equivalence.shallow", "equivalence.deep", "equivalence.average", "universality.convac",
       "universality.relu_max", "universality.relu_avg", "sharing", "depth.convac.shallow_bound",
       "depth.convac.generic", "depth.relu_max.term_bound", "depth.relu_max.exists", "depth.relu_max.incomplete",
       "geometry"]


def test_catalog_has_exactly_the_issue_ids():
    assert [c.id for c in CATALOG] == IDS


@pytest.fixture(scope="module")
def small_sweep():
    return run_sweep("small", jobs=2, seed=0, show_progress=False)


def test_small_sweep_proves_every_claim(small_sweep):
    s = summary(small_sweep)
    bad = [(r["claim"], r["instance"], r["detail"]) for r in small_sweep if r["status"] != "proved"]
    assert not bad
    assert s["claims_proved"] == 14 and s["all_proved"]
    assert all(r["checked"] for r in small_sweep)
    # every certificate is plain JSON and re-verifies on its own
    for r in small_sweep[::7]:
        check_certificate(json.loads(json.dumps(r["certificate"])))


def test_small_instances_cover_the_small_grid():
    Ns = {i.get("N") for _, i in instances("small") if "N" in i}
    Ms = {i.get("M") for _, i in instances("small") if "M" in i}
    assert Ns == {2, 4} and Ms == {2, 3}


@pytest.mark.parametrize("name", list(FALSE_VARIANTS))
def test_false_variants_are_refuted(name):
    v = FALSE_VARIANTS[name](seed=0)
    assert v.status is Status.REFUTED, v.detail
    assert v.checked and v.certificate


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


def test_tampered_tensor_entry_rejected():
    v = _first("equivalence.shallow", N=2, M=2, activation="relu", pooling="max")
    cert = copy.deepcopy(v.certificate)
    cert["items"][1]["tensor"]["entries"][0] = "0"
    with pytest.raises(CertificateError, match="differs"):
        check_certificate(cert)


def test_tampered_weight_in_universality_target_rejected():
    v = _first("universality.convac", N=2, M=2)
    cert = copy.deepcopy(v.certificate)
    eq = _find(cert, "tensor_equality")
    eq["items"][0]["spec"]["weights"]["output"][0][0] += 1
    assert not verified(cert)


def test_tampered_rank_prime_and_index_rejected():
    v = _first("depth.convac.generic", N=4, M=3)
    for field, new in (("prime", 4), ("rows", None)):
        cert = copy.deepcopy(v.certificate)
        if field == "rows":
            cert["certificate"]["rows"][0] = cert["certificate"]["rows"][1]
        else:
            cert["certificate"]["prime"] = new
        assert not verified(cert), field


def test_tampered_functional_rejected():
    v = _first("universality.relu_avg", N=2, M=2, architecture="shallow")
    cert = copy.deepcopy(v.certificate)
    cert["coefficients"][0][1] = "2"
    with pytest.raises(CertificateError, match="does not expand to 0"):
        check_certificate(cert)


def test_functional_on_universal_family_rejected():
    """The same functional does not vanish on ReLU/max nets: the checker must say so."""
    v = _first("universality.relu_avg", N=2, M=2, architecture="shallow")
    cert = copy.deepcopy(v.certificate)
    cert["source"]["spec"]["pooling"] = "max"
    assert not verified(cert)


def test_invariance_of_unshared_net_rejected():
    v = _first("sharing", N=2, M=2, architecture="shallow", activation="linear")
    cert = copy.deepcopy(v.certificate)
    cert["source"]["spec"].pop("shared")
    assert not verified(cert)


def test_box_identity_on_wider_box_rejected():
    v = _first("depth.relu_max.incomplete", N=2, M=2)
    cert = copy.deepcopy(v.certificate)
    name = next(iter(cert["box"]))
    cert["box"][name] = ["-2", "2"]
    with pytest.raises(CertificateError, match="not resolved|changes|differ"):
        check_certificate(cert)


def test_box_must_be_open():
    v = _first("depth.relu_max.incomplete", N=2, M=2)
    cert = copy.deepcopy(v.certificate)
    name = next(iter(cert["box"]))
    cert["box"][name] = ["1", "1"]
    with pytest.raises(CertificateError, match="empty or a point"):
        check_certificate(cert)


def test_factorization_with_wrong_factor_rejected():
    v = _first("depth.convac.shallow_bound", N=2, M=2)
    cert = copy.deepcopy(v.certificate)
    cert["parts"][0]["V"][0][0] = "0"
    assert not verified(cert)


def test_law_counterexample_tampered():
    v = FALSE_VARIANTS["relu_average_associative"]()
    cert = copy.deepcopy(v.certificate)
    cert["certificate"]["point"] = {"a": 1, "b": 1, "c": 1}
    with pytest.raises(CertificateError, match="both sides equal"):
        check_certificate(cert)


def test_structural_bound_tampered():
    v = _first("geometry", N=4, M=3, window=2)
    cert = copy.deepcopy(v.certificate)
    sb = _find(cert, "structural_bound")
    sb["bound"] -= 1
    with pytest.raises(CertificateError, match="formula gives"):
        check_certificate(cert)


def test_max_term_rows_bound_tampered():
    v = _first("depth.relu_max.term_bound", N=4, M=2)
    cert = copy.deepcopy(v.certificate)
    cert["bound"] = 3
    assert not verified(cert)


# ------------------------------------------------------------------- command line
def run(*args):
    return subprocess.run([sys.executable, "-m", "theorems.cli", *args], capture_output=True, text=True)


def test_verify_json_shape_and_exit_code():
    r = run("verify", "--only", "laws", "depth.relu_max.exists", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert set(out) == {"results", "summary"}
    first = out["results"][0]
    assert {"claim", "instance", "status", "seconds", "certificate"} <= set(first)
    assert out["summary"]["all_proved"] is True


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
    assert out["summary"]["all_refuted"] and all(x["status"] == "refuted" for x in out["results"])

"""The forger: genuine answers of every command pass ``recheck``; systematic mutants of them fail.

(a) fresh answers of rank, check laws, check universality, search, verify (one instance per
claim) and verify --variants are accepted, every statement verified;
(b) every mutant is rejected, unless an independent oracle (the prover-side pipeline, not the
kernel) shows that the mutated answer still states something true: statuses, booleans,
numbers +-1, primes made composite / 2 / huge, indices out of range or repeated, kinds, types
and claim ids swapped, certificates swapped between results, numeric weights where symbolic
ones are required, literal tensors where specs are required, extra and missing fields;
(c) injection strings in string fields are refused with exit 2, run nothing, and are fast.
"""

from __future__ import annotations

import copy
import json
import time

import numpy as np
import pytest
import sympy

from symbolic.kernel.parse import ParseError
from symbolic.kernel.recheck import recheck
from theorems.claims.verdict import answer

INFO = {"seconds", "seed", "tried"}


# ----------------------------------------------------------------------------- genuine answers
@pytest.fixture(scope="module")
def genuine():
    from symbolic.spec.network import deep, shallow
    from theorems.claims.catalog import CATALOG
    from theorems.claims.laws import laws_answer
    from theorems.search.rank_bound import rank_bound_answer
    from theorems.universality.decide import universality_json
    from symbolic.rank.pipeline import rank_answer, rank_result
    from theorems.universality.decide import decide_universality
    from theorems.claims.variants import FALSE_VARIANTS

    out = {}
    out["rank"] = answer("rank", [rank_result(rank_answer(s, p)) for s, p in (
        (deep(N=4, M=2, activation="relu", pooling="max", seed=1), "odd-even"),
        (deep(N=4, M=2, widths=(2, 1), seed=1), "halves"),
        (shallow(N=4, M=2, Z=1, activation="relu", pooling="sum", seed=2), "0,3"),
        (deep(N=4, M=2, weights="symbolic"), "odd-even"))])
    out["laws"] = answer("check laws", [r for a, p in (("relu", "max"), ("square", "sum"), ("relu", "sum"),
                                                         ("tanh", "max")) for r in laws_answer(a, p)["results"]])
    out["universality"] = answer("check universality", [
        universality_json(decide_universality(activation=a, pooling=p, architecture=arch, N=N, M=2),
                          question="")["results"][0]
        for a, p, arch, N in (("abs", "max", "shallow", 2), ("relu", "average", "shallow", 2),
                              ("relu", "sum", "deep", 4))])
    out["search"] = answer("search", rank_bound_answer(architecture="shallow", activation="relu", pooling="max", N=4,
                                                       M=2, widths=(1,), partition="odd-even", bound="Z",
                                                       examples=100)["results"])
    small = {}
    for c in CATALOG:
        inst = c.instances("small")[0]
        small[c.id] = c.check(**inst, seed=0).result()
    out["verify"] = answer("verify", list(small.values()), summary=True)
    out["variants"] = answer("verify --variants", [f(seed=0).result() for f in FALSE_VARIANTS.values()],
                             summary=True)
    return json.loads(json.dumps(out))


def _accepted(obj) -> bool:
    try:
        return recheck(obj).exit_code == 0
    except ParseError:
        return False


@pytest.mark.parametrize("name", ["rank", "laws", "universality", "search", "verify", "variants"])
def test_genuine_answers_pass(genuine, name):
    r = recheck(copy.deepcopy(genuine[name]))
    assert r.exit_code == 0, r.render()
    assert all(x.ok for x in r.lines) and len(r.lines) == len(genuine[name]["results"])
    assert all(x.status in ("proved", "refuted") for x in r.lines)


# ----------------------------------------------------------------------------- mutations
def _paths(x, path=()):
    yield path, x
    if isinstance(x, dict):
        for k, v in x.items():
            yield from _paths(v, path + (k,))
    elif isinstance(x, list):
        for i, v in enumerate(x):
            yield from _paths(v, path + (i,))


def _set(obj, path, value):
    """A copy of obj with the value at path replaced (or deleted): only the containers along the path are
    copied, the rest is shared with obj (never mutated: test_mutants_are_rejected checks the original)."""
    if not path:
        return value
    out = copy.copy(obj)
    if len(path) == 1:
        if value is _DELETE:
            del out[path[0]]
        else:
            out[path[0]] = value
    else:
        out[path[0]] = _set(obj[path[0]], path[1:], value)
    return out


_DELETE = object()
_OTHER = {"status": ["proved", "refuted", "tested", "inconclusive"],
          "type": ["rank", "law", "universality", "rank_bound", "claim"],
          "kind": ["all", "law", "identity", "counterexample", "matricization_rank", "vanishing_functional",
                   "invariance", "decomposition", "factorization", "box_identity", "max_term_rows", "structural_bound",
                   "tensor_equality"],
          "law": ["commutativity", "associativity", "pooled_fixed"],
          "activation": ["linear", "relu", "abs", "square"], "pooling": ["product", "max", "sum", "average"],
          "architecture": ["shallow", "deep"], "method": ["expansion", "case-analysis"],
          "certificate": ["rank", "rank_lower_bound", "rank_upper_bound"]}


def _mutants(ans):
    """(description, mutant, oracle key or None) for every systematic mutation of an answer."""
    from theorems.claims.catalog import CATALOG

    claim_ids = [c.id for c in CATALOG]
    results = ans["results"]
    for path, x in list(_paths(ans)):
        if not path or path[-1] in INFO or (len(path) >= 1 and path[-1] == "command") or path == ("convac",):
            continue
        key = path[-1]
        where = "/".join(map(str, path))
        if isinstance(x, bool):
            yield f"{where}: flip", _set(ans, path, not x), None
        elif isinstance(x, int):
            for d in (1, -1):
                yield f"{where}: {x}{d:+d}", _set(ans, path, x + d), path
            if key == "prime":
                yield f"{where}: composite", _set(ans, path, x * 3), None
                yield f"{where}: 2", _set(ans, path, 2), path
                yield f"{where}: huge prime", _set(ans, path, 2**89 - 1), None
        elif isinstance(x, str):
            for alt in _OTHER.get(key, []):
                if alt != x:
                    yield f"{where}: {x} -> {alt}", _set(ans, path, alt), None
            if key == "claim":
                for alt in claim_ids:
                    if alt != x:
                        yield f"{where}: claim -> {alt}", _set(ans, path, alt), None
            if x == "symbolic" and key == "weights":
                yield f"{where}: numeric zeros", _set(ans, path, "0"), None
            if key in ("bound", "partition"):
                yield f"{where}: {x} -> {x}+1", _set(ans, path, x + "+1"), None
        elif isinstance(x, list) and len(x) > 1 and all(isinstance(i, int) and not isinstance(i, bool) for i in x) \
                and key in ("rows", "cols", "patch_order"):
            yield f"{where}: repeated index", _set(ans, path, x[:-1] + [x[0]]), None
            yield f"{where}: index out of range", _set(ans, path, x[:-1] + [10**6]), None
            yield f"{where}: negative index", _set(ans, path, [-1] + x[1:]), None
        if isinstance(x, dict) and key == "spec" and x.get("weights") != "symbolic":
            yield f"{where}: a literal tensor instead of a spec", _set(ans, path[:-1], {"tensor": {
                "shape": [x["M"]] * x["N"], "entries": [0] * x["M"] ** x["N"]}}), None
        if isinstance(x, dict) and path[-2:-1] == ("results",) or (len(path) == 2 and path[0] == "results"):
            yield f"{where}: extra field", _set(ans, path + ("note",), "also proves P = NP"), None
            for k in ("statement", "status", "certificate"):
                yield f"{where}: without {k}", _set(ans, path + (k,), _DELETE), None
    if len(results) > 1:  # certificates swapped between results, and a duplicated result
        for i in range(len(results) - 1):
            j = i + 1
            if json.dumps(results[i]["certificate"]) != json.dumps(results[j]["certificate"]):
                m = copy.deepcopy(ans)
                m["results"][i]["certificate"], m["results"][j]["certificate"] = \
                    m["results"][j]["certificate"], m["results"][i]["certificate"]
                yield f"certificates of results {i} and {j} swapped", m, None
        m = copy.deepcopy(ans)
        m["results"].append(copy.deepcopy(m["results"][0]))
        yield "a duplicated result", m, None


_ORACLE: dict = {}


def _result_true(res) -> bool:
    """Is this result's assertion true?  Decided by the prover-side route (symbolic.tensor.decompositions,
    symbolic.rank.exact, symbolic.identity.operator_laws, theorems.*), never by the kernel's checks of the
    certificate."""
    from symbolic.rank.bounds import bounds
    from symbolic.tensor.decompositions import grid_tensor
    from symbolic.identity.operator_laws import associativity, commutativity, pooled_fixed
    from symbolic.rank.matricization import matricize_array
    from symbolic.tensor.operators import operator
    from symbolic.rank.exact import exact_rank
    from symbolic.spec.network import load_spec
    from theorems.claims.catalog import get_claim
    from theorems.search.counterexample import parse_bound
    from theorems.universality.decide import decide_universality, universality_answer

    if not isinstance(res, dict) or set(res) - {"statement", "status", "certificate", "lower", "upper",
                                                "bounds"} - INFO:
        return False
    st, status = res.get("statement"), res.get("status")
    if status in ("tested", "inconclusive"):
        return res.get("certificate") is None and not {"lower", "upper", "bounds"} & set(res)
    typ = st["type"]
    if typ != "rank" and {"lower", "upper", "bounds"} & set(res):
        return False
    if typ == "rank":
        spec = load_spec(st["spec"])
        if status != "proved" or set(st) - {"type", "spec", "output", "rows", "partition"}:
            return False
        T = grid_tensor(spec, st["output"], engine="symbolic" if spec.is_symbolic else "exact")
        data = np.asarray(T.data)
        if spec.is_symbolic:  # a.e. rank >= lower iff some point has rank >= lower: the certificate's point
            pt = {sympy.Symbol(k): sympy.Rational(str(v)) for k, v in res["certificate"]["lower"]["point"].items()}
            data = np.vectorize(lambda e: sympy.sympify(e).xreplace(pt), otypes=[object])(data)
        A = matricize_array(data, tuple(st["rows"]))
        r = sympy.Matrix(A.tolist()).rank()
        return res["lower"] <= r <= res["upper"] and res["bounds"] == bounds(spec, st["rows"], st["output"])
    if typ == "law":
        decide = {"commutativity": commutativity, "associativity": associativity, "pooled_fixed": pooled_fixed}
        holds = decide[st["law"]](operator(st["activation"], st["pooling"])).holds
        return holds is not None and (status == "proved") == holds and status in ("proved", "refuted")
    if typ == "universality":
        fam = {k: v for k, v in st.items() if k != "type"}
        if "F" in fam or status not in ("proved", "refuted"):
            return False
        ans = universality_answer(decide_universality(**fam))
        return ans is not None and ans == (status == "proved")
    if typ == "rank_bound":
        fam, cert = st["family"], res["certificate"]
        spec = load_spec(cert["source"]["spec"])
        mine = {"architecture": spec.architecture, "N": spec.N, "M": spec.M, "activation": spec.activation.spec_name,
                "pooling": spec.pooling.name, "shared": spec.shared}
        mine.update({"Z": spec.Z} if spec.architecture == "shallow" else {"widths": list(spec.widths)})
        if status != "refuted" or any(fam.get(k) != v for k, v in mine.items()) or set(fam) - set(mine):
            return False
        A = matricize_array(np.asarray(grid_tensor(spec, 0).data), tuple(st["rows"]))
        e = parse_bound(st["bound"])
        vals = {"N": spec.N, "M": spec.M, "Z": mine.get("Z", 0)}
        return bool(exact_rank(A).rank > e.subs({x: vals[x.name] for x in e.free_symbols}))
    if typ == "depth":
        from tests.theorems.test_check_depth import depth_true

        return depth_true(res)
    if typ == "claim":
        cid, inst = st["claim"], st["instance"]
        import inspect

        check = get_claim(cid).check
        params = inspect.signature(check).parameters
        if cid == "laws":  # one instance, fixed by the claim
            return status == "proved" and inst == json.loads(json.dumps(check(seed=0).instance))
        if set(inst) - set(params) - {"F"}:  # F is chosen by the check from the seed
            return False
        return status == "proved" and check(**{k: v for k, v in inst.items() if k in params},
                                            seed=0).status.value == "proved"
    return False


def _true(ans, genuine_ans) -> bool:
    """The whole mutated answer still asserts only true things: results unchanged from the genuine
    answer are true (test (a)); every other one is judged by the oracle (cached per result)."""
    known = {json.dumps({k: v for k, v in r.items() if k not in INFO}, sort_keys=True)
             for r in genuine_ans["results"]}
    if set(ans) - {"convac", "command", "results", "summary"} or ans.get("convac") != 1:
        return False
    results = ans["results"]
    keys = [json.dumps({k: v for k, v in r.items() if k not in INFO}, sort_keys=True) for r in results]
    if len(set(keys)) != len(keys) or len({json.dumps(r["statement"], sort_keys=True)
                                           for r in results}) != len(results):
        return False
    if "summary" in ans:
        want = {s: sum(1 for r in results if r["status"] == s) for s in _OTHER["status"]}
        if ans["summary"] != dict(want, total=len(results)):
            return False
    for k, r in zip(keys, results):
        if k in known:
            continue
        if k not in _ORACLE:
            try:
                _ORACLE[k] = bool(_result_true(r))
            except Exception:  # noqa: BLE001 - a mutant the oracle cannot even read is not recognised as true
                _ORACLE[k] = False
        if not _ORACLE[k]:
            return False
    return True


def _sampled(ans, limit=12):
    """Every statement-level mutant, and at most ``limit`` certificate-internal mutants per result."""
    import random

    rng = random.Random(0)
    inner, outer = {}, []
    for desc, m, path in _mutants(ans):
        parts = desc.split("/")
        if len(parts) > 3 and parts[0] == "results" and parts[2] == "certificate":
            inner.setdefault(parts[1], []).append((desc, m))
        else:
            outer.append((desc, m))
    for group in inner.values():
        outer += rng.sample(group, min(limit, len(group)))
    return outer


def _alone(desc, m, ans):
    """A mutant of one result, in an envelope of that result alone (the kernel checks each result on its own;
    the other results are genuine and pass), so that a sweep's mutants do not each recheck the whole sweep.
    Mutants of the envelope itself (summary, command, the list of results) are checked whole."""
    parts = desc.split("/")
    if (parts[0] != "results" or len(parts) < 3 or not parts[1].isdigit() or not isinstance(m, dict)
            or not isinstance(m.get("results"), list) or len(m["results"]) != len(ans["results"])):
        return m
    return {"convac": m.get("convac"), "command": m.get("command"), "results": [m["results"][int(parts[1])]]}


@pytest.mark.parametrize("name", ["rank", "laws", "universality", "search", "verify", "variants"])
def test_mutants_are_rejected(genuine, name):
    ans = genuine[name]
    before = json.dumps(ans, sort_keys=True)
    accepted, n = [], 0
    for desc, m in _sampled(ans):
        n += 1
        m = _alone(desc, m, ans)
        if _accepted(m) and not _true(m, ans):
            accepted.append(desc)
    assert n > 20
    assert not accepted, f"{len(accepted)} of {n} mutants accepted: {accepted[:12]}"
    assert json.dumps(ans, sort_keys=True) == before  # the mutants share its unchanged parts


# ----------------------------------------------------------------------------- injection
INJECTIONS = ["__import__('os').system('touch {marker}')", "a.__class__", "(lambda: 1)()", "9**9**9",
              "x*9**9**9", "x+" * 500_000 + "x", "exec('import os')", "a[0]", "1.5", "globals()"]


@pytest.mark.parametrize("payload", INJECTIONS)
def test_injection_strings_are_refused(genuine, zygote, tmp_path, payload):
    marker = tmp_path / "pwned"
    payload = payload.replace("{marker}", str(marker))
    base = genuine["rank"]
    targets = [("results", 0, "statement", "partition"), ("results", 0, "statement", "spec", "activation"),
               ("results", 0, "statement", "spec", "weights", "output", 0, 0),
               ("results", 3, "certificate", "lower", "point", "o_0_0"), ("command",)]
    for t in targets[2:3] + targets[4:]:  # through the command line (a weight, and the envelope)
        m = _set(base, t, payload)
        f = tmp_path / "answer.json"
        f.write_text(json.dumps(m))
        p = zygote.run(["recheck", f], timeout=60)  # a real process (tests/forkserver.py)
        assert p["rc"] in (1, 2), (t, p["stdout"][-300:], p["stderr"][-300:])
        assert "Traceback" not in p["stderr"] and not marker.exists()
        assert p["cpu"] < 10, (t, p["cpu"])  # CPU seconds of the child (generous), never wall-clock
    for t in targets:  # the kernel itself refuses within a second
        t0 = time.process_time()
        assert not _accepted(_set(base, t, payload))
        assert time.process_time() - t0 < 5.0  # CPU seconds (generous)


# ----------------------------------------------------------------------------- the forgeries of issue 9
def _one(genuine, name, pred):
    ans = copy.deepcopy(genuine[name])
    ans["results"] = [r for r in ans["results"] if pred(r)][:1]
    ans.pop("summary", None)
    assert ans["results"] and _accepted(ans)
    return ans


def test_symbolic_quantifier_cannot_be_met_by_numeric_zero_weights(genuine):
    """A functional that vanishes on a network with numeric all-zero weights proves nothing."""
    ans = _one(genuine, "universality", lambda r: r["status"] == "refuted")
    src = ans["results"][0]["certificate"]["source"]["spec"]
    zero = {"hidden": [[[0] * src["M"]] * src["N"]], "output": [[0]]}
    for spec_change in ({"weights": zero}, {"weights": zero, "Z": None}):
        m = copy.deepcopy(ans)
        s = m["results"][0]["certificate"]["source"]["spec"]
        s.update({k: v for k, v in spec_change.items() if v is not None})
        s.pop("Z", None)
        assert not _accepted(m)


def test_universality_yes_from_literal_tensors_is_refused(genuine):
    ans = _one(genuine, "universality", lambda r: r["status"] == "proved")
    m = copy.deepcopy(ans)
    cert = m["results"][0]["certificate"]
    M, N = m["results"][0]["statement"]["M"], m["results"][0]["statement"]["N"]
    cert["source"]["stack"] = [{"tensor": {"shape": [M] * N, "entries": [int(i == j) for i in range(M**N)]}}
                               for j in range(M**N)]
    cert["certificate"]["prime"] = 2
    assert not _accepted(m)


def test_rank_certificate_cut_to_zero_is_refused(genuine):
    ans = _one(genuine, "rank", lambda r: r["lower"] >= 2)
    m = copy.deepcopy(ans)
    low = m["results"][0]["certificate"]["lower"]
    low.update(k=0, rows=[], cols=[])
    assert not _accepted(m)
    m["results"][0]["lower"] = 0  # with the stated answer cut too, it states the (true, weak) rank >= 0
    assert _accepted(m) and f"in [0, {m['results'][0]['upper']}] (" in recheck(m).lines[0].text


def test_statement_flips_of_the_issue_are_refused(genuine):
    flips = [("verify", lambda r: r["status"] == "proved", "status", "refuted"),
             ("variants", lambda r: r["status"] == "refuted", "status", "proved"),
             ("laws", lambda r: r["statement"] == {"type": "law", "activation": "square", "pooling": "sum",
                                                   "law": "associativity"}, "status", "proved"),
             ("universality", lambda r: True, "status", "refuted"),
             ("search", lambda r: True, "status", "proved")]
    for name, pred, key, value in flips:
        m = _one(genuine, name, pred)
        m["results"][0][key] = value
        assert not _accepted(m), name
    for name, field, value in (("search", "rank", 1), ("rank", "generic", {"lower": 1}), ("verify", "detail", "ok")):
        m = _one(genuine, name, lambda r: True)
        m["results"][0][field] = value  # a second copy of a fact, or an unchecked assertion
        assert not _accepted(m), (name, field)


def test_out_of_range_coefficients_and_rows_are_refused(genuine):
    ans = _one(genuine, "universality", lambda r: r["certificate"].get("kind") == "vanishing_functional")
    for bad in ([-1, 0], [0, 2], [0, 0, 0]):
        m = copy.deepcopy(ans)
        m["results"][0]["certificate"]["coefficients"][0][0] = bad
        assert not _accepted(m)
    ans = _one(genuine, "verify", lambda r: r["statement"].get("claim") == "depth.relu_max.term_bound")
    for rows in ([1], [0, 1], [0, 0], [-1]):
        m = copy.deepcopy(ans)
        m["results"][0]["certificate"]["rows"] = rows
        assert not _accepted(m)

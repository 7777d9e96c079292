"""Forger, round 4: a VALID certificate under a statement that names other parameters, or fewer.

Earlier rounds mutated certificates; this one mutates only the statement of a genuine answer (made by the
library: catalog claims, ``decide_*``, ``rank_answer``, ``rank_bound_answer``) and keeps its certificate:

1. every parameter the certificate's objects fix (architecture, N, M, Z, widths, window, patch order,
   activation, pooling, shared, F, output, rows, partitions) changed to another value: rejected;
2. an optional field removed: accepted only when its documented default (docs/answers.md, the kernel files'
   docstrings: widths M per layer, window 2, the identity patch order, unshared, r0 = M) is the value the
   certificate was made for; a required field removed: rejected; an absent optional field added with its
   default: accepted, with another value: rejected;
3. the statement recheck prints names what was checked: tests/kernel/test_forger_round4_texts.py.

With the kernel of 06c329e none of the mutations of 1 and 2 below was accepted: a mutation harness (every
field deleted, changed to neighbouring values, or an optional field added) over 202 genuine results, 43,904
mutated statements, found only documented defaults, weaker bounds, and laws and ranks the kernel re-derives
from the statement itself.  The printed rank statement of a symbolic network named neither its widths, Z,
sharing nor F (symbolic/kernel/rank.py ``describe``): fixed since, tested below.
"""

from __future__ import annotations

import copy
import functools
import json

import pytest

from symbolic.kernel.claim import INSTANCE
from theorems.claims.catalog import get_claim

from .forgers import assert_accepted, assert_rejected, cli, envelope, genuine, verdict

ACTIVATIONS = ("linear", "relu", "abs", "square", "tanh", "sigmoid", "leaky_relu:1/2", "leaky_relu:0")
POOLINGS = ("product", "max", "sum", "average")


# -- genuine answers ------------------------------------------------------------------------------------------------
@functools.cache
def _claim_json(cid: str, inst_json: str) -> str:
    r = get_claim(cid).check(**json.loads(inst_json), seed=0).result()
    assert r["status"] == "proved", r
    return json.dumps(r)


def claim(cid: str, **inst) -> dict:
    """A fresh copy of the genuine result of a catalog claim on an instance (its prover's answer)."""
    return json.loads(_claim_json(cid, json.dumps(inst, sort_keys=True)))


#: One or two cheap instances per catalog claim, shallow and deep where the claim has both.
CLAIM_CASES = (
    ("equivalence.shallow", dict(N=2, M=2, Z=2, activation="linear", pooling="product")),
    ("equivalence.deep", dict(N=4, M=2, window=2, patch_order=[2, 0, 3, 1], activation="relu", pooling="max")),
    ("equivalence.average", dict(N=2, M=2, architecture="shallow")),
    ("equivalence.average", dict(N=4, M=2, architecture="deep")),
    ("universality.convac", dict(N=2, M=2, architecture="shallow")),
    ("universality.convac", dict(N=4, M=2, architecture="deep")),
    ("universality.relu_max", dict(N=2, M=2, architecture="deep")),
    ("universality.relu_avg", dict(N=2, M=2, architecture="shallow")),
    ("universality.relu_avg", dict(N=4, M=2, architecture="deep")),
    ("sharing", dict(N=2, M=2, architecture="shallow", activation="linear", pooling="product")),
    ("sharing", dict(N=4, M=2, architecture="deep", activation="relu", pooling="max")),
    ("depth.convac.shallow_bound", dict(N=4, M=2, Z=2)),
    ("depth.convac.generic", dict(N=4, M=2)),
    ("depth.convac.generic", dict(N=4, M=3, widths=[2, 2])),
    ("depth.relu_max.term_bound", dict(N=4, M=2)),
    ("depth.relu_max.exists", dict(N=4, M=2)),
    ("depth.relu_max.exists", dict(N=4, M=3, r0=2)),
    ("depth.relu_max.incomplete", dict(N=4, M=2)),
    ("geometry", dict(N=4, M=2, window=2, patch_order="random")),
)


def _ids(cases):
    return [f"{c}-{'-'.join(f'{k}={v}' for k, v in sorted(i.items()))}" for c, i in cases]


# -- the documented defaults and the alternatives of every field -------------------------------------------------------
def _depth(N: int, w: int) -> int:
    L, size = 0, 1
    while size < N:
        size, L = size * w, L + 1
    return L


def documented_default(field: str, inst: dict):
    """The value an absent optional field means (docs/answers.md; the kernel files' docstrings)."""
    N, M, w = inst.get("N"), inst.get("M"), inst.get("window", 2)
    return {"widths": [M] * _depth(N, w) if N else None, "window": 2, "patch_order": list(range(N or 0)),
            "shared": False, "r0": M}.get(field, KeyError)


def alternatives(field: str, value, inst: dict) -> list:
    """Other values of a parameter: each names another network family, matrix, partition or F."""
    if isinstance(value, bool):
        return [not value]
    if field == "activation":
        return [a for a in ACTIVATIONS if a != value]
    if field in ("pooling",):
        return [p for p in POOLINGS if p != value]
    if field == "architecture":
        return [{"shallow": "deep", "deep": "shallow"}[value]]
    if field == "window":
        return [w for w in (2, 4) if w != value]
    if isinstance(value, int):
        return sorted({v for v in (value + 1, value - 1, 2 * value) if v >= 1 and v != value})
    if field in ("widths",):
        return [w for w in ([value[0] + 1] + value[1:], value[:-1] + [value[-1] + 1], [1] * len(value),
                            value[::-1], value + [value[-1]]) if w != value]
    if field == "patch_order":
        return [p for p in (value[::-1], value[1:] + value[:1]) if p != value]
    if field == "F":
        bumped = copy.deepcopy(value)
        bumped[0][0] = str(int(bumped[0][0]) + 1) if isinstance(bumped[0][0], str) else bumped[0][0] + 1
        return [bumped, [[int(i == j) for j in range(len(value))] for i in range(len(value))]]
    if field == "partitions":
        return [value[:-1], value[1:]] if len(value) > 1 else [value + ["0"]]
    raise AssertionError(f"no alternatives for {field}={value!r}")


def _statement_cases():
    """(case index, field, operation, value) for every field of every claim instance."""
    out = []
    for n, (cid, inst) in enumerate(CLAIM_CASES):
        st = claim(cid, **inst)["statement"]["instance"]
        required, optional = INSTANCE[cid]
        for field, value in st.items():
            out += [(n, field, "set", v) for v in alternatives(field, value, st)]
            out.append((n, field, "del", None))
        deep = cid.startswith(("equivalence.deep", "depth.convac.generic", "depth.relu_max.e", "depth.relu_max.i",
                               "geometry")) or st.get("architecture") == "deep"
        for field in optional:
            if field not in st and documented_default(field, st) is not KeyError and (
                    deep or field not in ("widths", "window", "patch_order")):
                out.append((n, field, "add", documented_default(field, st)))
    return out


def _case_id(c):
    n, field, op, v = c
    return f"{CLAIM_CASES[n][0]}#{n}-{field}-{op}-{json.dumps(v)}"


# -- 1 and 2: the claims' instances ---------------------------------------------------------------------------------
def test_genuine_claim_answers_pass():
    assert_accepted(envelope("verify", *(claim(c, **i) for c, i in CLAIM_CASES)))


@pytest.mark.parametrize("case", _statement_cases(), ids=_case_id)
def test_claim_statement_mutated(case):
    """Another value of a field: rejected.  A field removed: accepted only when the documented default is the
    value the certificate was made for.  An absent optional field added with its default: accepted."""
    n, field, op, value = case
    cid, inst = CLAIM_CASES[n]
    r = claim(cid, **inst)
    st = r["statement"]["instance"]
    required, optional = INSTANCE[cid]
    if op == "set":
        st[field] = value
        assert_rejected(envelope("verify", r), why=f"{cid}: {field} stated as {value!r}, checked at another value")
        return
    if op == "del":
        was = st.pop(field)
        if field in optional and was == documented_default(field, st | {field: was}):
            assert_accepted(envelope("verify", r))
        else:
            assert_rejected(envelope("verify", r), why=f"{cid}: {field}={was!r} removed (no default, or another)")
        return
    st[field] = value  # op == "add": the documented default, written out
    assert_accepted(envelope("verify", r))


@pytest.mark.parametrize("cid, inst, field, value", [
    ("equivalence.deep", dict(N=4, M=2, window=2, patch_order=[2, 0, 3, 1], activation="relu", pooling="max"),
     "shared", True),
    ("universality.convac", dict(N=4, M=2, architecture="deep"), "window", 4),
    ("sharing", dict(N=4, M=2, architecture="deep", activation="relu", pooling="max"), "window", 4),
    ("depth.convac.generic", dict(N=4, M=2), "widths", [1, 2]),
    ("depth.convac.generic", dict(N=4, M=2), "widths", [2, 1]),
    ("depth.relu_max.exists", dict(N=4, M=2), "r0", 1),
    ("depth.relu_max.incomplete", dict(N=4, M=2), "widths", [2, 1]),
    ("geometry", dict(N=4, M=2, window=2, patch_order="random"), "widths", [2, 1]),
])
def test_claim_optional_field_stated_with_another_value(cid, inst, field, value):
    r = claim(cid, **inst)
    r["statement"]["instance"][field] = value
    assert_rejected(envelope("verify", r), why=f"{cid}: {field}={value!r} added, the certificate is at the default")


# -- 1 and 2: the typed statements ----------------------------------------------------------------------------------
def _results(name):
    return genuine(name)["results"]


def _universality_cases():
    out = []
    for n, r in enumerate(_results("universality")):
        st = r["statement"]
        for field in ("architecture", "N", "M", "activation", "pooling", "shared"):
            out += [(n, field, v) for v in alternatives(field, st[field], st)]
        if st["architecture"] == "deep":
            out += [(n, "window", 4), (n, "patch_order", [0, 2, 1, 3])]  # blocks {0, 2}, {1, 3}: another tree
        out.append((n, "F", [[1, 1], [-5, -1]]))
    return out


@pytest.mark.parametrize("n, field, value", _universality_cases())
def test_universality_statement_names_another_family(n, field, value):
    r = _results("universality")[n]
    r["statement"][field] = value
    assert_rejected(envelope("check universality", r), why=f"universality with {field}={value!r}")


def test_universality_defaults_written_out_pass_and_removed_fields_fail():
    deep_results = [r for r in _results("universality") if r["statement"]["architecture"] == "deep"]
    assert deep_results
    for r in deep_results:
        st = r["statement"]
        st.update(window=2, patch_order=list(range(st["N"])))
        assert_accepted(envelope("check universality", r))
        for field in ("architecture", "N", "M", "activation", "pooling", "shared"):
            r2 = copy.deepcopy(r)
            del r2["statement"][field]
            assert_rejected(envelope("check universality", r2), why=f"universality without {field}")


def _search_result(**kw):
    from theorems.search.rank_bound import rank_bound_answer

    res = rank_bound_answer(examples=200, **kw)["results"]
    assert res[0]["status"] == "refuted", res
    return res[0]


@functools.cache
def _search_json():
    return json.dumps([_search_result(architecture="shallow", activation="relu", pooling="max", N=4, M=2,
                                      widths=(1,), partition="odd-even", bound="Z"),
                       _search_result(architecture="deep", activation="relu", pooling="max", N=4, M=2, widths=(1, 1),
                                      partition="odd-even", bound="r0")])


@pytest.mark.parametrize("n", [0, 1])
def test_rank_bound_family_fields(n):
    """A refuted bound "for every network of the family": the witness's family, field by field."""
    base = json.loads(_search_json())[n]
    assert_accepted(envelope("search", base))
    fam = base["statement"]["family"]
    size = "Z" if fam["architecture"] == "shallow" else "widths"
    for field in ("architecture", "N", "M", "activation", "pooling", "shared", size):
        for v in alternatives(field, fam[field], fam):
            r = copy.deepcopy(base)
            r["statement"]["family"][field] = v
            assert_rejected(envelope("search", r), why=f"rank_bound family {field}={v!r}")
        r = copy.deepcopy(base)
        del r["statement"]["family"][field]
        assert_rejected(envelope("search", r), why=f"rank_bound family without {field}")
    if fam["architecture"] == "deep":
        for field, v in (("window", 4), ("patch_order", [0, 2, 1, 3])):
            r = copy.deepcopy(base)
            r["statement"]["family"][field] = v
            assert_rejected(envelope("search", r), why=f"rank_bound family {field}={v!r}")
    r = copy.deepcopy(base)
    r["statement"]["rows"] = [0, 1]
    assert_rejected(envelope("search", r), why="rank_bound of other rows")


def _depth_results():
    return [r for name in ("depth_relu", "depth_linear") for r in genuine(name)["results"]
            if r["status"] in ("proved", "refuted")]


def _depth_cases():
    out = []
    for n, r in enumerate(_depth_results()):
        st = r["statement"]
        for field in ("activation", "pooling", "N", "M"):
            out += [(n, field, "set", v) for v in alternatives(field, st[field], st)]
        if st["part"] != "shallow_term_bound":
            widths = st.get("widths", [st["M"]] * _depth(st["N"], 2))
            out += [(n, "widths", "set", v) for v in alternatives("widths", widths, st)]
    return out


@pytest.mark.parametrize("n, field, op, value", _depth_cases())
def test_depth_statement_names_another_operator_or_size(n, field, op, value):
    r = _depth_results()[n]
    r["statement"][field] = value
    assert_rejected(envelope("check depth", r), why=f"depth {r['statement']['part']} with {field}={value!r}")


def test_depth_widths_absent_mean_M_per_layer():
    """A deep witness at widths (2, 1): its statement must name them (absent is refused: the part requires
    widths); a completeness answer made at (2, 1) without widths reads as (2, 2) and is refused."""
    from theorems import decide_depth

    res = [r for r in decide_depth("relu", "max", N=4, M=2, widths=[2, 1]).to_dict()["results"]
           if r["status"] in ("proved", "refuted")]
    assert_accepted(envelope("check depth", *res))
    for r in res:
        if r["statement"]["part"] == "shallow_term_bound":
            continue
        assert r["statement"]["widths"] == [2, 1]
        del r["statement"]["widths"]
        assert_rejected(envelope("check depth", r), why=f"{r['statement']['part']} at (2, 1) without widths")


@pytest.mark.parametrize("act, pool, law, holds", [
    ("relu", "max", "associativity", True), ("relu", "average", "associativity", False)])
def test_law_statement_of_another_operator_is_rechecked_not_inherited(act, pool, law, holds):
    """A law certificate fixes no operator: the kernel rebuilds both sides from the statement. Moving the
    certificate to an operator where the law does not hold (or holds) is rejected."""
    want = {"type": "law", "activation": act, "pooling": pool, "law": law}
    r = next(x for x in _results("laws") if x["statement"] == want)
    assert_accepted(envelope("check laws", r))
    other = {True: [("relu", "average"), ("tanh", "max")], False: [("relu", "max"), ("linear", "sum")]}[holds]
    for a, p in other:
        r2 = copy.deepcopy(r)
        r2["statement"].update(activation=a, pooling=p)
        assert_rejected(envelope("check laws", r2), why=f"{law} of {act}/{pool} stated for {a}/{p}")


def _rank_results():
    return _results("rank")


@pytest.mark.parametrize("n", range(4))
def test_rank_statement_output_rows_partition(n):
    """The output index and the partition label are the statement's; another output or a label of other
    rows is refused."""
    base = _rank_results()[n]
    st = base["statement"]
    for field, v in (("output", st["output"] + 1), ("partition", "halves" if st["rows"] != [0, 1] else "odd-even")):
        r = copy.deepcopy(base)
        r["statement"][field] = v
        assert_rejected(envelope("rank", r), why=f"rank with {field}={v!r}")


def test_rank_symbolic_statement_at_other_widths():
    """Almost all weights of a deep ConvAC of widths (2, 2): rank 4; stated at widths (1, 1) (rank 1): refused."""
    r = next(x for x in _rank_results() if x["statement"]["spec"].get("weights") == "symbolic")
    for w in ([1, 1], [2, 1], [1, 2]):
        r2 = copy.deepcopy(r)
        r2["statement"]["spec"]["widths"] = w
        assert_rejected(envelope("rank", r2), why=f"symbolic rank at widths {w}")


# -- 3 (symbolic/kernel/rank.py): the printed rank statement names the family ---------------------------------
@pytest.mark.parametrize("change, want", [({"widths": [2, 1]}, "widths"), ({"shared": True}, "shared"),
                                          ({"F": [[1, 1], [-5, -1]]}, "F=")])
def test_rank_text_names_a_symbolic_family(change, want):
    from symbolic.kernel.rank import describe

    st = copy.deepcopy(next(x for x in _rank_results()
                            if x["statement"]["spec"].get("weights") == "symbolic")["statement"])
    st["spec"].update(change)
    assert want in describe(st), describe(st)


def test_universality_F_of_the_realizations():
    """The realizations of ``universality.convac`` are made with the instance's F: as a ``universality``
    statement they pass with that F, and are refused with another F or none (absent F: identity nets)."""
    c = claim("universality.convac", N=2, M=2, architecture="shallow")
    F = c["statement"]["instance"]["F"]
    st = {"type": "universality", "architecture": "shallow", "N": 2, "M": 2, "activation": "linear",
          "pooling": "product", "shared": False, "F": F}
    r = {"statement": st, "status": "proved", "certificate": c["certificate"]["parts"][0]}
    assert_accepted(envelope("check universality", r))
    for other in alternatives("F", F, st) + [None]:
        r2 = copy.deepcopy(r)
        if other is None:
            del r2["statement"]["F"]
        else:
            r2["statement"]["F"] = other
        assert_rejected(envelope("check universality", r2), why=f"realizations with F={F} stated for F={other}")


def test_recheck_cli_refuses_a_statement_mutation_in_one_line():
    """Through ``convac recheck`` itself: exit 1 or 2, one line per result, no traceback."""
    r = claim("depth.convac.generic", N=4, M=3, widths=[2, 2])
    del r["statement"]["instance"]["widths"]  # checked at (2, 2), read as M per layer (3, 3)
    d = _depth_results()[1]
    d["statement"]["widths"] = [2, 1]
    for obj in (envelope("verify", r), envelope("check depth", d)):
        out = cli(obj)
        assert out["rc"] in (1, 2) and "Traceback" not in out["stdout"] + out["stderr"], out
        assert len(out["stdout"].splitlines()) <= 2, out["stdout"]


def test_rank_text_of_a_symbolic_shallow_net_names_Z():
    from symbolic.rank.pipeline import rank_answer, rank_result
    from symbolic.spec.network import shallow

    r = rank_result(rank_answer(shallow(N=4, M=2, Z=4, weights="symbolic"), "odd-even"))
    code, text = verdict(envelope("rank", r))
    assert code == 0 and "= 4" in text, text
    assert "Z=4" in text, text

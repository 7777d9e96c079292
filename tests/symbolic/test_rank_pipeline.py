"""symbolic.matricization_rank: the typed library call behind ``convac rank``."""

import json

import pytest

from symbolic import RankAnswer, matricization_rank
from symbolic.kernel.recheck import check_result
from symbolic.rank.exact import exact_rank
from symbolic.tensor.decompositions import grid_tensor
from symbolic.rank.matricization import matricize
from symbolic.spec.network import deep, shallow, spec_to_dict
from theorems.entry import main


@pytest.mark.parametrize("spec, partition", [
    (deep(N=4, M=3, widths=(3, 2), seed=0), "halves"),  # factors
    (deep(N=4, M=2, seed=1), "odd-even"),  # full rank, residues
    (deep(N=4, M=2, activation="relu", pooling="max", seed=2), "0,3"),  # exact
    (shallow(N=3, M=2, Z=1, seed=3), "0"),
])
def test_to_dict_is_the_cli_json_result(tmp_path, capsys, spec, partition):
    f = tmp_path / "spec.json"
    f.write_text(json.dumps(spec_to_dict(spec)))
    assert main(["rank", str(f), "-p", partition, "--json", "-q", "--seed", "3"]) == 0
    cli = json.loads(capsys.readouterr().out)["results"][0]
    r = matricization_rank(spec, partition, seed=3)
    lib = r.to_dict()
    cli.pop("seconds"), lib.pop("seconds")
    assert lib == cli
    assert isinstance(r, RankAnswer) and check_result(r.to_dict()).ok
    rows = r.details["rows"]
    assert r.rank == exact_rank(matricize(grid_tensor(spec), rows)).rank  # the second route
    assert r.lower <= r.rank <= r.upper and r.exact == (r.lower == r.upper)
    assert "RankAnswer(rank [A^0]" in repr(r) and "| rank |" in r._repr_markdown_()


def test_reads_spec_files_and_refuses_bad_input(tmp_path):
    spec = deep(N=4, M=2, seed=1)
    f = tmp_path / "spec.json"
    f.write_text(json.dumps(spec_to_dict(spec)))
    assert matricization_rank(str(f), "halves").to_dict() | {"seconds": 0} == \
        matricization_rank(spec, "halves").to_dict() | {"seconds": 0}
    with pytest.raises(Exception, match="engine='gauss'"):
        matricization_rank(spec, "halves", engine="gauss")
    with pytest.raises(Exception, match="output=3"):
        matricization_rank(spec, "halves", output=3)
    with pytest.raises(AttributeError):
        matricization_rank(spec, "halves").rank = 5  # frozen


def test_long_factor_entries_are_certificates_not_refusals():
    # a square activation doubles the bits per layer: at N=8 the column relations W of [A]_odd-even have entries
    # of more than 1000 digits (the limit of a spec number); they are certificate entries, bounded by the kernel's
    # limit (the route takes the multimodular bound when they would exceed the 1000 digits convac recheck reads,
    # so the relations are asked for here)
    from symbolic.rank.exact import exact_rank
    from symbolic.kernel.linalg import check_upper
    from symbolic.rank.matricization import matricize
    from symbolic.tensor.decompositions import grid_tensor

    s = deep(N=8, M=3, activation="square", pooling="max", seed=2)
    a = matricization_rank(s, "odd-even")
    assert (a.rank, a.exact, a.to_dict()["certificate"]["upper"]["kind"]) == (78, True, "multimodular")
    assert check_result(a.to_dict()).ok
    A = matricize(grid_tensor(s, 0, engine="exact"), "odd-even").matrix
    up = exact_rank(A, upper="column_span").certificate.upper.to_dict()
    assert max(len(str(x)) for row in up["W"] for x in row) > 1000
    assert check_upper(A, up) == 78

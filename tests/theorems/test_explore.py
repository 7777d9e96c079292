"""The explorer driven from Python, as a user's clicks would drive it: every number it shows is the
library's (and the command line's) certified answer; an oversized choice is refused and computes
nothing; the saved answer passes ``convac recheck``; the search runs, stops and loads its witness;
the badges run in a background job that can be cancelled, and their result equals the command
line's; a choice seen before is shown again without computing; the SVG pictures print the exact
values."""

import contextlib
import io
import json
import random
import time

import pytest

pytest.importorskip("ipywidgets", reason="the explorer needs the explore extra: pip install '.[test]'")

from symbolic import matricization_rank  # noqa: E402
from theorems import decide_depth, decide_laws, decide_universality, recheck  # noqa: E402
from theorems.cli.app import main  # noqa: E402
from theorems.explore import Explorer  # noqa: E402
from theorems.explore import model  # noqa: E402
from theorems.explore.jobs import Job  # noqa: E402


def _cli_rank(c: model.Choice, tmp_path) -> dict:
    """``convac spec ... > net.json && convac rank net.json --partition P --output y --json`` in-process."""
    spec = tmp_path / "net.json"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        argv = ["spec", c.architecture, "--N", str(c.N), "--M", str(c.M), "--activation", c.activation,
                "--pooling", c.pooling, "--seed", str(c.seed), "--Y", str(c.Y)]
        if c.architecture == "shallow":
            argv += ["--Z", str(c.widths[0])]
        elif c.widths:
            argv += ["--widths", ",".join(map(str, c.widths))]
        assert main(argv) == 0
    spec.write_text(out.getvalue())
    out = io.StringIO()
    part = c.partition if isinstance(c.partition, str) else ",".join(map(str, c.partition))
    with contextlib.redirect_stdout(out):
        assert main(["rank", str(spec), "--partition", part, "--output", str(c.output), "--json", "-q"]) == 0
    return json.loads(out.getvalue())["results"][0]


def _random_choice(rng: random.Random) -> model.Choice:
    arch = rng.choice(["shallow", "deep"])
    N = rng.choice([2, 4, 8]) if arch == "deep" else rng.randint(2, 6)
    M = rng.randint(1, 3) if N < 8 else rng.randint(1, 2)
    widths = (rng.randint(1, 3),) if arch == "shallow" else None
    if rng.random() < 0.5:
        part = rng.choice(["odd-even", "halves"])
    else:
        rows = sorted(rng.sample(range(N), rng.randint(1, N - 1)))
        part = tuple(rows)
    Y = rng.choice([1, 1, 2])
    return model.Choice(architecture=arch, N=N, M=M, widths=widths,
                        activation=rng.choice(["linear", "relu", "abs", "square", "leaky_relu:1/3"]),
                        pooling=rng.choice(model.POOLINGS), seed=rng.randint(0, 99), Y=Y, partition=part,
                        output=rng.randint(0, Y - 1))


def _set(ex, c: model.Choice):
    ex.set(architecture=c.architecture, N=c.N, M=c.M, Z=(c.widths or (c.M,))[0], widths="", activation=c.activation,
           pooling=c.pooling, weights="random", seed=c.seed, Y=c.Y, output=c.output, partition=c.partition)
    assert ex.wait(120, verdicts=False)


def test_twenty_random_choices_show_the_command_lines_numbers(ex, tmp_path):
    rng = random.Random(20)
    for _ in range(20):
        c = _random_choice(rng)
        _set(ex, c)
        assert ex.choice == c
        cli = _cli_rank(c, tmp_path)
        shown = ex.shown
        assert (shown["lower"], shown["upper"], shown["bounds"]) == (cli["lower"], cli["upper"], cli["bounds"]), c
        mine = {k: v for k, v in ex.views["result"].items() if k != "seconds"}
        assert mine == {k: v for k, v in cli.items() if k != "seconds"}, c  # the same statement and certificate
        if cli["lower"] == cli["upper"]:
            assert f"<span class='convac-rank-value'>{cli['lower']}</span>" in ex.rank_view.value


def test_controls_update_the_views(ex):
    ex.set(architecture="deep", N=4, M=2, activation="relu", pooling="max", weights="random", seed=3, Y=1,
           output=0, partition="odd-even")
    assert ex.wait(120, verdicts=False)
    first = ex.shown["rank"]
    ex.controls["M"].value = 3  # one control, as a click would set it
    assert ex.wait(120, verdicts=False)
    spec = model.build_spec(ex.choice)
    r = matricization_rank(spec, "odd-even")
    assert (ex.shown["rank"], ex.shown["bounds"]) == (r.rank, dict(r.bounds)) and ex.choice.M == 3
    assert f">{r.rank}</span>" in ex.rank_view.value and first != r.rank or first == r.rank
    # the partition by clicking modes: toggle mode 1 into the rows {0, 2} -> {0, 1, 2}
    ex._mode_buttons[1].value = True
    assert ex.wait(120, verdicts=False)
    assert ex.choice.partition == (0, 1, 2) and ex.controls["partition"].value == "custom"
    assert ex.shown["rank"] == matricization_rank(spec, [0, 1, 2]).rank
    # the shallow Z forced: ceil(rank [A]_odd-even / T)
    ex.set(partition="odd-even", activation="square", pooling="sum")
    assert ex.wait(120, verdicts=False)
    k = matricization_rank(model.build_spec(ex.choice), "odd-even").rank
    assert ex.shown["Z"] == -(-k // 2) and f">{ex.shown['Z']}</span>" in ex.z_view.value
    # the symbolic expansion at small N, the table of the grid tensor
    assert ex.latex_view.value.startswith("$$h_{0} =") and ex.tensor_view.value.count("<tr>") == 3**4 + 1


def test_badges_are_the_librarys_verdicts(ex):
    ex.set(architecture="deep", N=4, M=2, activation="relu", pooling="max", partition="odd-even")
    assert ex.wait(180)
    shown = ex.shown
    assert shown["laws"] == decide_laws("relu", "max").holds
    assert shown["universality"] == decide_universality(activation="relu", pooling="max", architecture="deep",
                                                       N=4, M=2).answer
    assert shown["depth"] == decide_depth("relu", "max", N=4, M=2).answer == "incomplete"
    assert "incomplete" in ex.badges_view.value and "box: Z_box = 1" in ex.badges_view.value


def test_leaky_relu_typed_in_and_a_bad_name_refused(ex):
    ex.set(activation="leaky_relu:1/10", pooling="sum", N=4, M=2, architecture="deep")
    assert ex.wait(120, verdicts=False) and ex.refused is None
    assert ex.shown["rank"] == matricization_rank(model.build_spec(ex.choice), "odd-even").rank
    ex.set(activation="maxout")
    assert "maxout" in ex.refused and ex.views is None


def test_an_oversized_choice_shows_the_refusal_and_computes_nothing(ex, monkeypatch):
    started = []
    monkeypatch.setattr("theorems.explore.app.Job", lambda *a, **k: started.append(a) or pytest.fail("a job started"))
    ex.set(architecture="shallow", N=26, M=2, Z=2, activation="relu", pooling="max", partition="odd-even")
    assert not started and ex.views is None
    msg = ex.refused
    assert msg == model.refusal(ex.choice) and msg.startswith("N=26, M=2") and "--max-entries" in msg
    assert "\n" not in msg and msg in ex._status.value.replace("&#x27;", "'")
    assert ex._views.layout.display == "none" and ex.shown == {"refused": msg}


def test_the_saved_answer_passes_recheck(ex, tmp_path):
    ex.set(architecture="deep", N=4, M=2, activation="relu", pooling="max", partition="halves", seed=0)
    assert ex.wait(180)
    path = ex.save(str(tmp_path / "answer.json"))
    a = json.loads(open(path).read())
    assert a["results"][0]["statement"]["type"] == "rank" and len(a["results"]) >= 5
    assert recheck(a).exit_code == 0
    assert main(["recheck", path]) == 0


def test_search_refutes_stops_and_opens_the_counterexample(ex):
    ex.set(architecture="shallow", N=4, M=2, Z=1, activation="relu", pooling="max", partition="odd-even")
    assert ex.wait(120, verdicts=False)
    ex.search("Z", budget=100, seed=0)
    assert ex.wait(120, verdicts=False, search=True)
    r = ex.search_result
    assert r["status"] == "refuted" and r["counterexample"]["rank"] == 2 and "refuted" in ex._search_out.value
    ex.open_counterexample()
    assert ex.wait(120, verdicts=False)
    assert ex.choice.weights == "given" and ex.shown["rank"] == 2
    # a long search, stopped at once: its process is killed and nothing is delivered
    ex.set(architecture="deep", N=8, M=2, activation="linear", pooling="product", weights="random")
    assert ex.wait(120, verdicts=False)
    ex.search("M^(N/2)", budget=100000)
    job = ex._jobs["search"]
    ex.stop_search()
    assert not job.running and job.state == "cancelled" and ex.search_result is None
    assert "stopped" in ex._search_out.value and ex._stop_btn.disabled is not False


def _sleep(seconds, progress=None):
    time.sleep(seconds)
    return seconds


def test_a_job_is_cancelled_at_once():
    done = []
    j = Job(_sleep, (60,), on_done=done.append)
    assert j.running
    j.cancel()
    assert j.wait(10) and j.state == "cancelled" and not done
    j = Job(_sleep, (0,), on_done=done.append)
    assert j.wait(30) and j.state == "done" and j.result == 0 and done == [j]


def test_explorer_opens_on_a_given_spec():
    from symbolic import deep

    s = deep(N=4, M=2, activation="abs", pooling="max", seed=5, low=-5, high=5)
    e = Explorer(s, pictures=False)
    try:
        assert e.wait(120, verdicts=False)
        assert e.choice.weights == "given" and e.shown["rank"] == matricization_rank(s, "odd-even").rank
    finally:
        e.close()


def _cli_json(argv) -> dict:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(argv + ["--json"]) in (0, 1)  # 1: inconclusive, still an answer
    return json.loads(out.getvalue())


def _no_seconds(x):
    if isinstance(x, dict):
        return {k: _no_seconds(v) for k, v in x.items() if k != "seconds"}
    if isinstance(x, list):
        return [_no_seconds(v) for v in x]
    return x


def test_badges_run_in_the_background_are_cancelled_and_equal_the_command_lines():
    e = Explorer(architecture="deep", N=4, M=2, activation="relu", pooling="max", pictures=False)
    try:
        assert e.wait(180)
        e.set(activation="abs", pooling="sum")  # a pair this explorer has not seen: its badges start now
        job = e._jobs["verdicts"]
        assert job.running and "computing" in e.badges_view.value
        assert e._badges_cancel.layout.display is None  # the cancel button is shown while they run
        assert e.wait(120, verdicts=False) and e.shown["rank"] is not None  # the views do not wait for them
        e.cancel_verdicts()
        assert job.state == "cancelled" and not job.running
        assert "cancelled" in e.badges_view.value and e._badges_run.layout.display is None
        assert e._badges_cancel.layout.display == "none"
        done = dict(e.verdicts or {})  # badges decided before the cancel stay; no other arrives
        time.sleep(0.5)
        assert dict(e.verdicts or {}) == done and len(done) < 3
        e.start_verdicts()  # the compute button
        assert e._jobs["verdicts"].running or len(e.verdicts or {}) == 3
        assert e.wait(300)
        v = e.verdicts
        assert set(v) == {"laws", "universality", "depth"} and "cancelled" not in e.badges_view.value
        assert e._badges_cancel.layout.display == "none" and e._badges_run.layout.display == "none"
        assert e._cancel_btn.layout.display == "none"  # nothing runs: no cancel button is offered
        common = ["--activation", "abs", "--pooling", "sum"]
        laws = _cli_json(["check", "laws"] + common)["results"]
        uni = _cli_json(["check", "universality"] + common + ["--architecture", "deep", "--N", "4", "--M", "2"])
        depth = _cli_json(["check", "depth"] + common + ["--N", "4", "--M", "2"])["results"]
        assert _no_seconds(v["laws"]["results"]) == _no_seconds(laws)
        assert _no_seconds(v["universality"]["results"]) == _no_seconds(uni["results"][:1])
        assert _no_seconds(v["depth"]["results"]) == _no_seconds(depth)
        assert e.shown["depth"] == decide_depth("abs", "sum", N=4, M=2).answer
    finally:
        e.close()


def test_a_choice_seen_before_is_shown_again_without_computing(ex, monkeypatch):
    ex.set(architecture="deep", N=4, M=2, activation="relu", pooling="max", weights="random", seed=7, Y=1,
           output=0, partition="odd-even")
    assert ex.wait(180)
    first = dict(ex.shown)
    ex.set(seed=8)
    assert ex.wait(180)
    started = []
    monkeypatch.setattr("theorems.explore.app.Job", lambda *a, **k: started.append(k.get("name")) or
                        pytest.fail(f"a {k.get('name')} job started"))
    ex.set(seed=7)  # back: the views and the badges of seed 7 come from the caches
    assert not started and ex.shown == first and ex.timings.get("views_cached") is True
    assert ex.timings.get("verdicts_cached") is True


def test_the_search_is_offered_for_a_deep_net_with_given_weights():
    from symbolic import deep

    s = deep(N=4, M=2, activation="relu", pooling="max", seed=5, low=-5, high=5)
    e = Explorer(s, pictures=False)
    try:
        assert e.wait(120, verdicts=False) and e.choice.weights == "given"
        assert not e._search_btn.disabled
        line = e._search_family.value
        assert "deep relu/max nets, N=4, M=2, widths=2,2" in line and "given weights are one network" in line
        e.search("r0", budget=100, seed=0)
        assert e.wait(180, verdicts=False, search=True)
        r = e.search_result
        assert r["status"] == "refuted" and r["family"]["architecture"] == "deep" and r["family"]["widths"] == [2, 2]
        assert r["counterexample"]["rank"] > 2
        e.open_counterexample()
        assert e.wait(120, verdicts=False) and e.shown["rank"] == r["counterexample"]["rank"]
    finally:
        e.close()


def test_svg_pictures_print_the_exact_values():
    from fractions import Fraction

    import numpy as np

    from symbolic import deep, grid_tensor, shallow
    from symbolic.rank.matricization import matricize
    from symbolic.tensor.circuit_graph import circuit
    from symbolic.tensor.grid import GridTensor
    from theorems.explore import draw

    t = grid_tensor(deep(N=4, M=2, activation="leaky_relu:1/3", pooling="average", seed=0, low=-5, high=5))
    svg = draw.matricization_svg(t, "odd-even")
    m = matricize(t, "odd-even")
    exact = [Fraction(int(x), m.denominator) for x in m.matrix.flat]
    assert any(x.denominator > 1 for x in exact)
    for x in exact:  # every entry printed exactly in its cell (16 cells)
        assert f">{draw.exact_text(x)}</text>" in svg
    big = max(abs(x) for x in exact)
    assert f">{draw.exact_text(big)}</text>" in svg  # the colour bar's end: the exact largest magnitude
    # entries far beyond a float: colours still drawn, the extremes printed exactly
    huge = GridTensor((2, 2), np.array([[10**400, -(10**400)], [3, 0]], dtype=object))
    svg = draw.tensor_svg(huge)
    assert f">{10**400}</text>" in svg and f">-{10**400}</text>" in svg
    # the circuit: one line per edge of the circuit graph; the printed weights are the spec's
    s = shallow(N=2, M=2, Z=1, activation="relu", pooling="max", weights={"hidden": [[[1, -1], [2, 0]]],
                                                                           "output": [[3]]})
    G = circuit(s)
    plain = draw.circuit_svg(G)
    assert plain.count("<line ") == G.number_of_edges()
    drawn = draw.spec_circuit_svg(s, weights=True)
    for w in ("-1", "2", "3"):
        assert f">{w}</text>" in drawn

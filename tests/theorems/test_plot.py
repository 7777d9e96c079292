"""Tests of theorems/present/plot/ (figures, renderings) and theorems/cli/plot.py (``convac plot ...``).

Figures are checked by what they state (titles, axis labels, tick labels, legend entries,
cell texts), not by pixels; files by existence, size and the PNG signature.
"""

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

pytest.importorskip("matplotlib", reason="the plotting tests need matplotlib (pip install 'convac[notebooks]')")

from symbolic.tensor.decompositions import grid_tensor  # noqa: E402
from symbolic.errors import BackendUnavailable, DomainError, ShapeError  # noqa: E402
from symbolic.spec.network import deep, dump_spec, load_spec, shallow  # noqa: E402
from symbolic.tensor.grid import GridTensor  # noqa: E402
from theorems.present import plot  # noqa: E402
from theorems.cli import main  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n"
RELU_MAX = {"architecture": "shallow", "N": 2, "M": 2, "activation": "relu", "pooling": "max",
            "weights": {"hidden": [[[1, -1], [2, 0]]], "output": [[3]]}}


def texts(ax):
    return [t.get_text() for t in ax.texts]


def legend_labels(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def assert_png(path: Path):
    assert path.exists() and path.stat().st_size > 1000
    assert path.read_bytes()[:8] == PNG


# ----------------------------------------------------------------------------- circuits
class TestDrawCircuit:
    def test_kinds_in_legend_and_columns(self):
        s = deep(N=4, M=2, activation="relu", pooling="max", seed=0, low=-5, high=5)
        fig = plot.draw_circuit(s)
        ax = fig.axes[0]
        labels = legend_labels(ax)
        assert len(labels) == 6
        assert "activation relu" in labels and "pooling max" in labels
        assert any(t.startswith("input patch") for t in labels)
        # column titles: one per topological generation, left to right
        for col in ("patches", "F", "conv 0", "max 0", "conv 1", "max 1", "output"):
            assert col in texts(ax)
        assert "deep relu/max network: N=4 patches, M=2 templates, widths=[2, 2], window=2" in ax.get_title()

    def test_weights_on_edges(self):
        fig = plot.draw_circuit(load_spec(RELU_MAX), weights=True)
        ax = fig.axes[0]
        shown = texts(ax)
        for w in ("1", "-1", "2", "0", "3"):
            assert w in shown
        labels = legend_labels(ax)
        assert {"weight > 0", "weight < 0", "weight = 0"} <= set(labels)
        assert "edge labels: weights" in ax.get_title()

    def test_symbolic_weights_and_graph_input(self):
        from symbolic.tensor.circuit_graph import circuit

        s = deep(N=4, M=2, widths=(1, 1), weights="symbolic")
        ax = plot.draw_circuit(s, weights=True).axes[0]
        assert "w0_1_0_1" in texts(ax) and "symbolic weight" in legend_labels(ax)
        ax = plot.draw_circuit(circuit(s), title="mine").axes[0]
        assert ax.get_title() == "mine"

    def test_layers_run_left_to_right(self):
        ax = plot.draw_circuit(shallow(N=3, M=2, Z=2, seed=1)).axes[0]
        # node markers are drawn kind by kind, in pipeline order: their mean x must increase
        xs = [c.get_offsets()[:, 0].mean() for c in ax.collections
              if c.__class__.__name__ == "PathCollection" and len(c.get_offsets())]
        assert len(xs) == 6 and xs == sorted(xs)


# ----------------------------------------------------------------------------- heatmaps
class TestHeatmaps:
    def test_index_convention_labelled(self):
        T = GridTensor.from_entries((2, 2, 2, 2), range(16))
        ax = plot.plot_matricization(T, "odd-even").axes[0]
        assert ax.get_ylabel() == "rows: modes I = (0, 2) as (d0, d2), row-major"
        assert ax.get_xlabel() == "columns: modes J = (1, 3) as (d1, d3), row-major"
        assert [t.get_text() for t in ax.get_yticklabels()] == ["(0, 0)", "(0, 1)", "(1, 0)", "(1, 1)"]
        # the cell texts are the exact entries, row by row: row (d0, d2), column (d1, d3)
        assert texts(ax) == ["0", "1", "4", "5", "2", "3", "6", "7", "8", "9", "12", "13", "10", "11", "14", "15"]
        assert ax.get_title().startswith("odd-even matricization")

    def test_rank_in_title_and_fractions(self):
        s = load_spec({"architecture": "shallow", "N": 2, "M": 2, "activation": "linear", "pooling": "product",
                       "weights": {"hidden": [[["1/2", 1], [1, 3]]], "output": [[1]]}})
        ax = plot.plot_matricization(s, [0], rank=True).axes[0]
        assert "rank 1 (exact, certified)" in ax.get_title()
        assert texts(ax) == ["1/2", "3/2", "1", "3"]

    def test_tensor_layouts(self):
        A = grid_tensor(load_spec(RELU_MAX))
        ax = plot.plot_tensor(A).axes[0]
        assert "grid tensor A[d0, d1]" in ax.get_title() and texts(ax) == ["6", "3", "6", "0"]
        v = GridTensor.from_entries((3,), [1, Fraction(-1, 3), 0])
        ax = plot.plot_tensor(v).axes[0]
        assert texts(ax) == ["1", "-1/3", "0"]

    def test_large_entries_not_printed(self):
        ax = plot.plot_tensor(deep(N=8, M=2, seed=0)).axes[0]
        assert texts(ax) == []  # 45-digit entries do not fit in their cells
        assert len(ax.get_yticklabels()) == 16

    def test_modular_and_refusals(self):
        s = deep(N=4, M=2, seed=0)
        ax = plot.plot_matricization(grid_tensor(s, engine="modular"), "halves").axes[0]
        assert "residues mod 67108859" in ax.get_title()
        with pytest.raises(DomainError, match="symbolic"):
            plot.plot_matricization(grid_tensor(shallow(N=2, M=2, weights="symbolic"), engine="symbolic"))
        with pytest.raises(ShapeError, match="out of range"):
            plot.plot_matricization(grid_tensor(s), "0,9")


# ----------------------------------------------------------------------------- rank growth
class TestRankGrowth:
    def test_exact_numbers(self):
        rows = plot.rank_growth_data(M=2, N_max=8)
        assert [r["N"] for r in rows] == [2, 4, 8]
        assert [r["convac"] for r in rows] == [2, 4, 16] == [r["target"] for r in rows]
        assert [r["relu_max"] for r in rows] == [2, 4, 16]
        # T = (N/2)(M - 1) + 1 (the kernel-checked term bound), Z >= ceil(rank / T): 2/2, 4/3, 16/5
        assert [r["term_bound"] for r in rows] == [2, 3, 5] and [r["relu_max_Z"] for r in rows] == [1, 2, 4]
        assert all(r["exact"] for r in rows)
        assert all(isinstance(k, int) for r in rows for k in r["relu_max_random"])

    def test_figure(self):
        rows = plot.rank_growth_data(M=3, N_max=4, random_seeds=1)
        assert [r["convac"] for r in rows] == [3, 9]
        fig = plot.plot_rank_growth(rows)
        left, right = fig.axes
        assert left.get_yscale() == right.get_yscale() == "log"
        assert "deep ConvAC, random weights" in legend_labels(left)
        assert "shallow ReLU/max: Z >= ceil(rank / T)" in legend_labels(right)
        assert left.get_ylabel() == "rank [A]_odd-even (exact, certified)"
        assert "M = 3" in fig.get_suptitle()

    @pytest.mark.parametrize("kw, match", [({"N_max": 6}, "power of 2"), ({"N_max": 32}, "2\\^20"),
                                           ({"M": 1}, "M=1"), ({"M": 3, "N_max": 16}, "entries")])
    def test_bad_arguments(self, kw, match):
        with pytest.raises(DomainError, match=match):
            plot.rank_growth_data(**kw)


# ----------------------------------------------------------------------------- the open box
def test_box_slice():
    from theorems.depth.claims import prove_relu_max_incomplete

    v = prove_relu_max_incomplete(N=4, M=2)
    d = plot.box_slice_data(v, resolution=5)
    assert d["x"] == "w0_0_0_0" and d["y"] == "w0_1_0_0"
    assert d["grid"] == [Fraction(k * 3, 2) for k in range(-2, 3)]
    # the points of the closed box sample: x in [1, 2] -> 3/2; y in [-2, -1] -> -3/2
    i, j = d["grid"].index(Fraction(3, 2)), d["grid"].index(Fraction(-3, 2))
    assert d["d0_only"][j][i] and d["ranks"][j][i] == 1
    ax = plot.plot_box_slice(v, data=d).axes[0]
    labels = legend_labels(ax)
    assert "the open box B of the certificate" in labels and "rank [A]_odd-even = 1" in labels
    with pytest.raises(DomainError, match="not a weight of the box"):
        plot.box_slice_data(v, "nope")
    with pytest.raises(DomainError, match="depth.relu_max.incomplete"):
        plot.box_slice_data({"kind": "other"})


def test_substitute():
    s = plot.substitute(shallow(N=2, M=2, Z=1, weights="symbolic"),
                        {"a_0_0_0": 1, "a_0_0_1": 2, "a_0_1_0": 3, "a_0_1_1": "1/2", "o_0_0": -1})
    assert grid_tensor(s).entries() == (-3, Fraction(-1, 2), -6, -1)  # -a^{0,0}_{d0} a^{0,1}_{d1}
    with pytest.raises(DomainError, match="does not become a number"):
        plot.substitute(shallow(N=2, M=2, Z=1, weights="symbolic"), {"a_0_0_0": 1})


# ----------------------------------------------------------------------------- renderings
class TestRenderings:
    def test_show_verdict(self):
        from theorems.universality.claims import prove_universality_relu_avg

        r = plot.show_verdict(prove_universality_relu_avg(N=2, M=2))
        md = r._repr_markdown_()
        assert md.startswith("**✅ proved**") and "`universality.relu_avg`" in md
        assert "$$\\varphi" in md and "re-checked by the trusted checker: **yes**" in md
        assert "proved" in str(r) and r._repr_latex_() is None

    def test_verdicts_table(self):
        from theorems.depth.claims import prove_relu_max_exists, prove_relu_max_term_bound

        md = plot.verdicts_table([prove_relu_max_term_bound(N=4, M=2),
                                  prove_relu_max_exists(N=4, M=2)])._repr_markdown_()
        lines = md.splitlines()
        assert lines[0].startswith("| claim |") and len(lines) == 4

    def test_show_search(self):
        from theorems.search.counterexample import Family, find_counterexample, rank_bound

        fam = Family(architecture="shallow", activation="relu", pooling="max", N=4, M=2, widths=(1,))
        md = plot.show_search(find_counterexample(rank_bound("odd-even", "Z"), fam, budget=60,
                                                  seed=0))._repr_markdown_()
        assert md.startswith("**❌ refuted**") and "```json" in md and "\\begin{gather*}" in md
        md = plot.show_search(find_counterexample(rank_bound("odd-even", "M*N/2"), fam, budget=10,
                                                  seed=0))._repr_markdown_()
        assert md.startswith("**❔ inconclusive**") and "not a proof" in md

    def test_latex(self):
        s = load_spec(RELU_MAX)
        r = plot.latex_expansion(s)
        assert r.latex == r"$$h_{0} = 3 \max\left(0, 2 f_{0}(x_{1}), f_{0}(x_{0}) - f_{1}(x_{0})\right)$$"
        sym = plot.latex_expansion(deep(N=4, M=2, widths=(1, 1), weights="symbolic"))
        assert "a^{0,3,0}_{1}" in sym.latex and "o^{0}_{0}" in sym.latex
        with pytest.raises(DomainError, match="out of range"):
            plot.latex_expansion(s, output=1)
        cp = plot.latex_decomposition(s).latex
        assert r"\begin{pmatrix}1\\-1\end{pmatrix} \otimes_g \begin{pmatrix}2\\0\end{pmatrix}" in cp
        ht = plot.latex_decomposition(deep(N=4, M=2, seed=0))
        assert r"\phi^{0,j,\gamma}" in ht.latex and "widths (2, 2)" in str(ht)


# ----------------------------------------------------------------------------- files and errors
def test_save(tmp_path):
    fig = plot.draw_circuit(load_spec(RELU_MAX))
    assert_png(Path(plot.save(fig, tmp_path / "c.png")))
    assert (tmp_path / "c.svg").exists() is False
    plot.save(fig, tmp_path / "c.svg")
    assert (tmp_path / "c.svg").read_text().lstrip().startswith("<?xml")
    with pytest.raises(DomainError, match="expected a .png, .svg or .pdf"):
        plot.save(fig, tmp_path / "c.jpg")
    with pytest.raises(DomainError, match="does not exist"):
        plot.save(fig, tmp_path / "no" / "c.png")


def test_missing_matplotlib(monkeypatch, tmp_path, capsys):
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib -> ImportError
    with pytest.raises(BackendUnavailable, match=r"pip install 'convac\[notebooks\]'"):
        plot.draw_circuit(load_spec(RELU_MAX))
    spec = tmp_path / "net.json"
    spec.write_text(json.dumps(RELU_MAX))
    assert main(["plot", "circuit", str(spec), "-o", str(tmp_path / "c.png")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip install 'convac[notebooks]'" in err


# ----------------------------------------------------------------------------- the command line
def console_script():
    exe = Path(sys.executable).parent / "convac"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "theorems.cli"]


@pytest.fixture
def spec_file(tmp_path):
    f = tmp_path / "net.json"
    f.write_text(dump_spec(deep(N=4, M=2, activation="relu", pooling="max", seed=0, low=-5, high=5)))
    return f


class TestCommandLine:
    def test_circuit_subprocess(self, spec_file, tmp_path):
        out = tmp_path / "circuit.png"
        r = subprocess.run(console_script() + ["plot", "circuit", str(spec_file), "--weights", "-o", str(out)],
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr
        assert r.stdout.startswith(f"wrote {out}: circuit of <Spec deep N=4")
        assert_png(out)

    @pytest.mark.parametrize("args", [["matricization", "{spec}", "--partition", "odd-even", "--rank"],
                                      ["matricization", "{spec}", "--partition", "0,3"],
                                      ["tensor", "{spec}"],
                                      ["rank-growth", "--N-max", "4", "--M", "2"],
                                      ["box", "--resolution", "5"]])
    def test_kinds(self, args, spec_file, tmp_path, capsys):
        out = tmp_path / "fig.png"
        assert main(["plot"] + [a.format(spec=spec_file) for a in args] + ["-o", str(out)]) == 0
        assert capsys.readouterr().out.splitlines()[-1].startswith(f"wrote {out}")
        assert_png(out)

    def test_rank_growth_json(self, tmp_path, capsys):
        out = tmp_path / "rg.png"
        assert main(["plot", "rank-growth", "--N-max", "4", "--json", "-o", str(out)]) == 0
        answer = json.loads(capsys.readouterr().out)
        assert answer["file"] == str(out) and [r["convac"] for r in answer["rows"]] == [2, 4]
        assert answer["rows"][0]["relu_max_Z"] == 1
        assert_png(out)

    def test_stdin(self, tmp_path):
        out = tmp_path / "t.png"
        r = subprocess.run(console_script() + ["plot", "tensor", "-", "-o", str(out)], input=json.dumps(RELU_MAX),
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr
        assert_png(out)

    @pytest.fixture
    def names(self, spec_file, tmp_path):
        bad = tmp_path / "bad.json"
        bad.write_text(json.dumps(dict(RELU_MAX, weights={"hidden": [[[1, -1], [2, 0]]], "output": [[1.5]]})))
        sym = tmp_path / "sym.json"
        sym.write_text(dump_spec(shallow(N=2, M=2, weights="symbolic")))
        return {"spec": spec_file, "missing": tmp_path / "none.json", "bad": bad, "symbolic": sym}

    def test_bad_spec_subprocess(self, names, tmp_path):
        out = tmp_path / "x.png"
        r = subprocess.run(console_script() + ["plot", "circuit", str(names["bad"]), "-o", str(out)],
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 2 and r.stdout == ""
        assert r.stderr.startswith("convac plot: weights.output[0][0]: ") and r.stderr.endswith("got 1.5\n")
        assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
        assert not out.exists()

    @pytest.mark.parametrize("args, message", [
        (["circuit", "{missing}"], "expected a readable JSON file"),
        (["circuit", "{bad}"], "weights.output"),
        (["matricization", "{spec}", "--partition", "0,9"], "mode 9 is out of range"),
        (["tensor", "{spec}", "--output", "3"], "out of range"),
        (["tensor", "{symbolic}"], "symbolic weights"),
        (["rank-growth", "--N-max", "6"], "power of 2"),
    ])
    def test_errors_one_line(self, args, message, names, tmp_path, capsys):
        out = tmp_path / "x.png"
        assert main(["plot"] + [a.format(**names) for a in args] + ["-o", str(out)]) == 2
        captured = capsys.readouterr()
        assert captured.out == "" and captured.err.count("\n") == 1
        assert message in captured.err and captured.err.startswith("convac plot: ")
        assert not out.exists()

    @pytest.mark.parametrize("out, message",
                             [("x.jpg", "expected a .png, .svg or .pdf"), ("no/x.png", "does not exist")])
    def test_bad_output_refused_first(self, out, message, tmp_path, capsys):
        assert main(["plot", "rank-growth", "-o", str(tmp_path / out)]) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1

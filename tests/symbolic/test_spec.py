"""Tests of symbolic/spec/network.py: loading, validation errors, constructors, serialisation, symbolic specs."""

import copy
import json
from fractions import Fraction

import pytest
import sympy
from hypothesis import given, settings

from symbolic.tensor.decompositions import grid_tensor, grid_tensors
from symbolic.errors import DomainError, SpecError
from symbolic.spec.network import FIELDS, Spec, deep, dump_spec, load_spec, shallow, spec_to_dict
from symbolic.spec.strategies import specs

SHALLOW = {"architecture": "shallow", "N": 2, "M": 2, "activation": "relu", "pooling": "max",
           "weights": {"hidden": [[[1, -1], [0, "1/2"]]], "output": [[3]]}}
# the example of spec-format.md
DEEP = {"architecture": "deep", "N": 4, "M": 2, "activation": "relu", "pooling": "max",
        "weights": {"layers": [[[[1, -2], [0, 1]], [[1, 1], [2, -1]], [[-1, 3], [1, 0]], [[2, 2], [1, -1]]],
                               [[[1, -1], [2, 1]], [["1/2", 1], [1, -3]]]],
                    "output": [[1, -1]]}}
LAYERS = DEEP["weights"]["layers"]


def _with(base, **changes):
    """A deep copy of ``base`` with fields changed; a value of ``...`` deletes the field."""
    d = copy.deepcopy(base)
    for k, v in changes.items():
        if v is ...:
            d.pop(k, None)
        else:
            d[k] = v
    return d


def _flat(x):
    if isinstance(x, tuple):
        return [y for z in x for y in _flat(z)]
    return [x]


# ----------------------------------------------------------------------------- loading
class TestLoad:
    def test_shallow_fields(self):
        s = load_spec(SHALLOW)
        assert (s.architecture, s.N, s.M, s.Z, s.Y, s.L) == ("shallow", 2, 2, 1, 1, 1)
        assert s.hidden == (((1, -1), (0, Fraction(1, 2))),)
        assert s.output == ((3,),)
        assert s.widths == (1,)
        assert s.F is None and s.representation == ((1, 0), (0, 1))
        assert s.order == (0, 1) and s.window == 2 and not s.shared
        assert s.hidden_vector(0, 1) == (0, Fraction(1, 2))
        assert repr(s) == "<Spec shallow N=2 M=2 relu/max Z=1, Y=1>"

    def test_deep_fields(self):
        s = load_spec(DEEP)
        assert (s.L, s.widths, s.Z, s.Y) == (2, (2, 2), 2, 1)
        assert s.layer_matrix(1, 1) == ((Fraction(1, 2), 1), (1, -3))
        assert repr(s) == "<Spec deep N=4 M=2 relu/max widths=(2, 2), window=2, Y=1>"

    def test_numbers_are_ints_or_fractions(self):
        s = load_spec(_with(SHALLOW, weights={"hidden": [[["4/2", "-3/4"], [" 5 ", "+1/3"]]], "output": [["-6/3"]]}))
        vals = _flat(s.all_weights())
        assert vals == [2, Fraction(-3, 4), 5, Fraction(1, 3), -2]
        assert [type(v) for v in vals] == [int, Fraction, int, Fraction, int]

    def test_sources(self, tmp_path):
        s = load_spec(SHALLOW)
        text = json.dumps(SHALLOW)
        f = tmp_path / "net.json"
        f.write_text(text)
        wrapped = tmp_path / "wrapped.json"
        wrapped.write_text(json.dumps({"spec": SHALLOW, "grid_tensor": {}}))
        assert load_spec(text) == s
        assert load_spec(f) == s
        assert load_spec(str(f)) == s
        assert load_spec(wrapped) == s
        assert load_spec(s) is s

    def test_spec_is_frozen(self):
        s = load_spec(SHALLOW)
        with pytest.raises(AttributeError):
            s.N = 3

    def test_equality_is_structural(self):
        assert load_spec(SHALLOW) == load_spec(copy.deepcopy(SHALLOW))
        assert load_spec(SHALLOW) != load_spec(_with(SHALLOW, activation="abs"))

    def test_defaults_written_explicitly(self):
        explicit = _with(DEEP, window=2, shared=False, F=None)
        assert load_spec(explicit) == load_spec(DEEP)
        ident = load_spec(_with(DEEP, F=[[1, 0], [0, 1]], patch_order=[0, 1, 2, 3]))
        assert grid_tensor(ident) == grid_tensor(load_spec(DEEP))

    def test_fields_constant(self):
        assert set(FIELDS) == {"architecture", "N", "M", "activation", "pooling", "F", "window", "patch_order",
                               "shared", "weights"}

    def test_shared(self):
        s = load_spec(_with(DEEP, shared=True, weights={"layers": [[[1, 2], [3, 4]], [[1, 1], [0, 1]]],
                                                         "output": [[1, 1]]}))
        assert s.shared and s.widths == (2, 2)
        assert s.layer_matrix(0, 3) == ((1, 2), (3, 4))
        sh = load_spec(_with(SHALLOW, shared=True, weights={"hidden": [[1, 2], [3, 4], [5, 6]], "output": [[1, 2, 3]]}))
        assert sh.Z == 3 and sh.hidden_vector(2, 1) == (5, 6)

    def test_window_and_patch_order(self):
        w3 = {"layers": [[[[1, 0]]] * 9, [[[1]]] * 3], "output": [[1]]}
        s = load_spec(_with(DEEP, N=9, window=3, patch_order=list(range(8, -1, -1)), weights=w3))
        assert s.window == 3 and s.L == 2 and s.order == tuple(range(8, -1, -1))

    def test_leaky_relu_slope(self):
        s = load_spec(_with(SHALLOW, activation="leaky_relu:2/20"))
        assert s.activation.slope == Fraction(1, 10)
        assert spec_to_dict(s)["activation"] == "leaky_relu:1/10"


# ----------------------------------------------------------------------------- errors
ERRORS = [
    # missing fields
    (_with(SHALLOW, N=...), r"^N: expected an int >= 1 \(the field is required\), got '<missing>'$"),
    (_with(SHALLOW, M=...), r"^M: .*required"),
    (_with(SHALLOW, architecture=...), r"^architecture: expected 'shallow' or 'deep', got '<missing>'$"),
    (_with(SHALLOW, activation=...), r"^activation: .*got '<missing>'"),
    (_with(SHALLOW, pooling=...), r"^pooling: .*got '<missing>'"),
    (_with(SHALLOW, weights=...), r"^weights: expected an object or the string 'symbolic', got '<missing>'"),
    (_with(SHALLOW, weights={"hidden": [[[1, 1], [1, 1]]]}), r"^weights\.output: .*required for a shallow network"),
    (_with(DEEP, weights={"output": [[1, 1]]}), r"^weights\.layers: .*required for a deep network"),
    # unknown fields
    (_with(SHALLOW, color="red"),
     r"^color: expected one of the fields architecture, N, M, .*, got an unknown field 'color'$"),
    (_with(SHALLOW, Z=2), r"^Z: expected one of the fields .*, got an unknown field 'Z'$"),
    # a misspelling gets the closest allowed word
    (_with(SHALLOW, activaton="relu"), r"^activaton: .*got an unknown field 'activaton'; did you mean 'activation'\?$"),
    (_with(SHALLOW, patch_ordr=[0, 1]), r"^patch_ordr: .*; did you mean 'patch_order'\?$"),
    (_with(SHALLOW, activation="reul"), r"^activation: .*got 'reul'; did you mean 'relu'\?$"),
    (_with(SHALLOW, pooling="maxx"), r"^pooling: .*got 'maxx'; did you mean 'max'\?$"),
    (_with(SHALLOW, architecture="deap"), r"^architecture: .*, got 'deap'; did you mean 'deep'\?$"),
    (_with(SHALLOW, weights={"hidden": [[[1, 1], [1, 1]]], "output": [[1]], "bias": [0]}),
     r"^weights\.bias: expected no such field for a shallow network; expected hidden and output"),
    (_with(DEEP, weights={"layers": LAYERS, "output": [[1, 1]], "hidden": []}), r"^weights\.hidden: .*deep network"),
    # architecture, sizes
    (_with(SHALLOW, architecture="wide"), r"^architecture: expected 'shallow' or 'deep', got 'wide'$"),
    (_with(SHALLOW, N=0), r"^N: expected an int >= 1 and <= 64, got 0$"),
    (_with(SHALLOW, N=65), r"^N: .*<= 64, got 65"),
    (_with(SHALLOW, N=2.0), r"^N: .*got 2\.0$"),
    (_with(SHALLOW, N=True), r"^N: .*got True$"),
    (_with(SHALLOW, M="2"), r"^M: .*got '2'$"),
    (_with(DEEP, N=6), r"^N: expected a power of window=2 for a deep network, got 6$"),
    (_with(DEEP, window=3), r"^N: expected a power of window=3 for a deep network, got 4$"),
    (_with(DEEP, window=1), r"^window: expected an int >= 2 and <= 64, got 1$"),
    (_with(DEEP, N=1, weights={"layers": [], "output": [[1]]}), r"^N: expected a power of window=2"),
    # positions, widths, layers
    (_with(DEEP, weights={"layers": [LAYERS[0], [[[1, -1], [2, 1]]] * 3], "output": [[1, -1]]}),
     r"^weights\.layers\[1\]: expected 2 positions \(N / w\^1 = 2\), got 3$"),
    (_with(DEEP, weights={"layers": [LAYERS[0][:3], LAYERS[1]], "output": [[1, -1]]}),
     r"^weights\.layers\[0\]: expected 4 positions \(N / w\^0 = 4\), got 3$"),
    (_with(DEEP, weights={"layers": LAYERS[:1], "output": [[1, -1]]}),
     r"^weights\.layers: expected 2 layers \(log_2 N = log_2 4\), got 1$"),
    (_with(DEEP, weights={"layers": [LAYERS[0], [[[1, -1, 0], [2, 1, 0]]] * 2], "output": [[1, -1]]}),
     r"^weights\.layers\[1\]\[0\]\[0\]: expected 2 entries \(r_0\), got 3$"),
    (_with(DEEP,
           weights={"layers": [[[[1, 0]], [[1, 0], [0, 1]], [[1, 0]], [[1, 0]]], LAYERS[1]], "output": [[1, -1]]}),
     r"^weights\.layers\[0\]\[1\]: expected 1 channels \(r_0\), got 2$"),
    (_with(DEEP, weights={"layers": LAYERS, "output": [[1, -1, 3]]}),
     r"^weights\.output\[0\]: expected 2 entries \(r_1\), got 3$"),
    (_with(SHALLOW, weights={"hidden": [[[1, -1, 2], [0, 1, 3]]], "output": [[3]]}),
     r"^weights\.hidden\[0\]\[0\]: expected 2 entries \(M\), got 3$"),
    (_with(SHALLOW, weights={"hidden": [[[1, -1]]], "output": [[3]]}),
     r"^weights\.hidden\[0\]: expected 2 positions \(N\), got 1$"),
    (_with(SHALLOW, weights={"hidden": [[[1, -1], [0, 1]]], "output": [[3, 4]]}),
     r"^weights\.output\[0\]: expected 1 entries \(Z\), got 2$"),
    (_with(SHALLOW, weights={"hidden": [[[1, -1], [0, 1]]], "output": []}),
     r"^weights\.output: expected a nonempty list of outputs \(Y\)"),
    (_with(SHALLOW, weights={"hidden": [], "output": [[1]]}),
     r"^weights\.hidden: expected a nonempty list of channels \(Z\)"),
    (_with(SHALLOW, weights=[1]), r"^weights: expected an object or the string 'symbolic', got \[1\]$"),
    (_with(SHALLOW, F=[[1, 0]]), r"^F: expected 2 rows \(M\), got 1$"),
    (_with(SHALLOW, F=[[1, 0], [0]]), r"^F\[1\]: expected 2 entries \(M\), got 1$"),
    # floats and other non-exact numbers, anywhere
    (_with(SHALLOW, F=[[1.5, 0], [0, 1]]), r"^F\[0\]\[0\]: expected an exact number .*floats are refused, got 1\.5$"),
    (_with(SHALLOW, F=[[1, 0], [0, 1.0]]), r"^F\[1\]\[1\]: .*floats are refused, got 1\.0$"),
    (_with(SHALLOW, weights={"hidden": [[[1.0, -1], [0, 1]]], "output": [[3]]}),
     r"^weights\.hidden\[0\]\[0\]\[0\]: .*floats are refused"),
    (_with(SHALLOW, weights={"hidden": [[[1, -1], [0, 1]]], "output": [[0.5]]}),
     r"^weights\.output\[0\]\[0\]: .*floats are refused, got 0\.5"),
    (_with(DEEP, weights={"layers": [LAYERS[0], [[[1, -1], [2, 1]], [[0.25, 1], [1, -3]]]], "output": [[1, -1]]}),
     r"^weights\.layers\[1\]\[1\]\[0\]\[0\]: .*floats are refused, got 0\.25"),
    (_with(SHALLOW, weights={"hidden": [[["1.5", -1], [0, 1]]], "output": [[3]]}),
     r"^weights\.hidden\[0\]\[0\]\[0\]: expected an exact number .*got '1\.5'"),
    (_with(SHALLOW, weights={"hidden": [[["1/0", -1], [0, 1]]], "output": [[3]]}), r"nonzero denominator, got '1/0'"),
    (_with(SHALLOW, weights={"hidden": [[[True, -1], [0, 1]]], "output": [[3]]}), r"not a boolean, got True"),
    (_with(SHALLOW, weights={"hidden": [[[None, -1], [0, 1]]], "output": [[3]]}),
     r"^weights\.hidden\[0\]\[0\]\[0\]: expected an exact number"),
    # patch orders
    (_with(DEEP, patch_order=[0, 1, 1, 3]), r"^patch_order: expected a permutation of 0\.\.3, got \[0, 1, 1, 3\]$"),
    (_with(DEEP, patch_order=[0, 1, 2]), r"^patch_order: expected a permutation of 0\.\.3"),
    (_with(DEEP, patch_order=[1, 2, 3, 4]), r"^patch_order: expected a permutation of 0\.\.3"),
    (_with(DEEP, patch_order=[0.0, 1, 2, 3]), r"^patch_order: expected a permutation"),
    (_with(DEEP, patch_order="0123"), r"^patch_order: expected a permutation"),
    # activations and poolings
    (_with(SHALLOW, activation="gelu"),
     r"^activation: expected one of linear, relu, .*, sigmoid, got 'gelu'; did you mean 'relu'\?$"),
    (_with(SHALLOW, activation="leaky_relu:0.1"), r"^activation: expected .*leaky_relu:p/q.*, got 'leaky_relu:0\.1'$"),
    (_with(SHALLOW, activation="leaky_relu:1e-1"), r"^activation: .*got 'leaky_relu:1e-1'$"),
    (_with(SHALLOW, activation="leaky_relu"), r"^activation: .*got 'leaky_relu'$"),
    (_with(SHALLOW, activation=3), r"^activation: .*got 3$"),
    (_with(SHALLOW, pooling="mean"), r"^pooling: expected one of product, max, sum, average, got 'mean'$"),
    (_with(SHALLOW, pooling=["max"]), r"^pooling: expected one of product, max, sum, average"),
    # shared, and deep-only fields
    (_with(SHALLOW, shared="yes"), r"^shared: expected true or false, got 'yes'$"),
    (_with(SHALLOW, shared=True), r"^weights\.hidden\[0\]\[0\]: expected an exact number .*got \[1, -1\]"),
    (_with(DEEP, shared=True), r"^weights\.layers\[0\]\[0\]\[0\]: expected an exact number .*got \[1, -2\]"),
    (_with(SHALLOW, shared=True, weights={"hidden": [[[1, -1, 0], [0, 1, 0]]], "output": [[3]]}),
     r"^weights\.hidden\[0\]: expected 2 entries \(M\), got 2|^weights\.hidden\[0\]\[0\]"),
    (_with(SHALLOW, window=2), r"^window: expected nothing: the field is for deep networks only, got 2$"),
    (_with(SHALLOW, patch_order=[1, 0]), r"^patch_order: expected nothing: the field is for deep networks only"),
    # symbolic extension fields
    (_with(DEEP, weights="symbolic", widths=[2]),
     r"^widths: expected a list of 2 positive ints \(r_0 \.\. r_1\), got \[2\]$"),
    (_with(DEEP, weights="symbolic", widths=[2, 0]), r"^widths: "),
    (_with(SHALLOW, weights="symbolic", Z=0), r"^Z: expected an int >= 1, got 0$"),
    (_with(SHALLOW, weights="symbolic", Y=0), r"^Y: expected an int >= 1, got 0$"),
    (_with(SHALLOW, weights="symbolic", F=[["a", "1.5"], [0, 1]]),
     r"^F\[0\]\[1\]: .*decimal \(float\) literals are refused"),
    (_with(SHALLOW, weights="numbers"), r"^weights: expected an object or the string 'symbolic', got 'numbers'$"),
]


@pytest.mark.parametrize("d, pattern", ERRORS, ids=[f"{i}:{p[:40]}" for i, (_, p) in enumerate(ERRORS)])
def test_spec_errors(d, pattern):
    with pytest.raises(SpecError, match=pattern) as info:
        load_spec(d)
    e = info.value
    assert "\n" not in str(e)
    assert isinstance(e, ValueError)
    assert str(e).startswith(e.field + ": expected ")


def test_spec_error_attributes():
    with pytest.raises(SpecError) as info:
        load_spec(_with(SHALLOW, pooling="mean"))
    assert (info.value.field, info.value.value) == ("pooling", "mean")
    assert "product" in info.value.expected


def test_json_and_file_errors(tmp_path):
    with pytest.raises(SpecError, match=r"^json: expected valid JSON, got expecting .* at line 1 column 9$"):
        load_spec('{"N": 2,')
    with pytest.raises(SpecError, match=r"^file: expected a readable JSON file"):
        load_spec(tmp_path / "missing.json")
    with pytest.raises(SpecError, match=r"^spec: expected a JSON object, got \[1, 2\]"):
        load_spec([1, 2])
    with pytest.raises(SpecError, match=r"^spec: expected a JSON object"):
        load_spec({"spec": 3})


def test_long_values_are_shortened():
    with pytest.raises(SpecError) as info:
        load_spec(_with(SHALLOW, architecture="x" * 500))
    assert len(str(info.value)) < 150 and str(info.value).endswith("...")


# ----------------------------------------------------------------------------- writing
class TestWrite:
    def test_round_trip_examples(self):
        for d in (SHALLOW, DEEP):
            s = load_spec(d)
            assert spec_to_dict(s) == d
            assert load_spec(dump_spec(s)) == s
            assert json.loads(dump_spec(s, indent=2)) == d
            assert s.to_dict() == d

    def test_defaults_are_dropped(self):
        d = spec_to_dict(load_spec(_with(DEEP, window=2, shared=False)))
        assert "window" not in d and "shared" not in d
        w3 = load_spec(_with(DEEP, N=9, window=3, shared=True, patch_order=[8, 7, 6, 5, 4, 3, 2, 1, 0],
                             weights={"layers": [[[1, 0]], [[1]]], "output": [["1/2"]]}))
        d3 = spec_to_dict(w3)
        assert (d3["window"], d3["shared"], d3["patch_order"]) == (3, True, [8, 7, 6, 5, 4, 3, 2, 1, 0])
        assert d3["weights"]["output"] == [["1/2"]]

    @settings(max_examples=30)
    @given(specs(max_entries=4096, max_N=16))
    def test_round_trip_drawn(self, s):
        d = spec_to_dict(s)
        assert load_spec(d) == s
        assert load_spec(dump_spec(s)) == s
        assert spec_to_dict(load_spec(d)) == d
        assert json.loads(json.dumps(d)) == d
        for x in _flat(s.all_weights()) + _flat(s.representation):
            assert type(x) in (int, Fraction)


# ----------------------------------------------------------------------------- constructors
class TestConstructors:
    def test_shallow_seeded(self):
        a = shallow(N=3, M=2, Z=4, activation="relu", pooling="max", seed=5)
        b = shallow(N=3, M=2, Z=4, activation="relu", pooling="max", seed=5)
        c = shallow(N=3, M=2, Z=4, activation="relu", pooling="max", seed=6)
        assert a == b and a != c
        assert (a.Z, len(a.hidden[0]), len(a.hidden[0][0])) == (4, 3, 2)
        assert all(-1000 <= x <= 1000 for x in _flat(a.all_weights()))

    def test_deep_seeded_ranges(self):
        s = deep(N=8, M=3, widths=(2, 3, 1), seed=0, low=-5, high=5, denominators=(1, 2), Y=2)
        assert s.widths == (2, 3, 1) and s.Y == 2 and s.L == 3
        vals = _flat(s.all_weights())
        assert all(-5 <= x <= 5 and Fraction(x).denominator in (1, 2) for x in vals)
        assert any(isinstance(x, Fraction) for x in vals)
        assert s == deep(N=8, M=3, widths=(2, 3, 1), seed=0, low=-5, high=5, denominators=(1, 2), Y=2)

    def test_deep_options(self):
        s = deep(N=9, M=2, window=3, patch_order=[1, 0, 2, 3, 4, 5, 6, 7, 8], shared=True, F=[[1, 1], [0, 1]], seed=1)
        assert (s.window, s.order[:2], s.shared, s.F) == (3, (1, 0), True, ((1, 1), (0, 1)))
        assert s.widths == (2, 2)

    def test_given_weights(self):
        assert shallow(N=2, M=2, Z=1, activation="relu", pooling="max",
                       weights=SHALLOW["weights"]) == load_spec(SHALLOW)
        assert deep(N=4, M=2, activation="relu", pooling="max", weights=DEEP["weights"]) == load_spec(DEEP)

    def test_constructor_errors(self):
        with pytest.raises(DomainError, match=r"N=6 is not a power of window=2"):
            deep(N=6, M=2)
        with pytest.raises(DomainError, match=r"widths=\(2,\): expected 2 widths"):
            deep(N=4, M=2, widths=(2,))
        with pytest.raises(DomainError, match=r"weights='ones'"):
            shallow(N=2, M=2, weights="ones")
        with pytest.raises(DomainError, match=r"low=3, high=1"):
            shallow(N=2, M=2, low=3, high=1)
        with pytest.raises(SpecError, match=r"^activation: .*'gelu'"):
            shallow(N=2, M=2, activation="gelu")


# ----------------------------------------------------------------------------- symbolic specs
def _substitute(sym: Spec, num: Spec) -> dict:
    """Map every weight symbol of ``sym`` to the weight at the same place in ``num``."""
    keys, vals = _flat(sym.all_weights()), _flat(num.all_weights())
    assert len(keys) == len(vals) and all(isinstance(k, sympy.Symbol) for k in keys)
    return {k: sympy.Rational(v.numerator, v.denominator) if isinstance(v, Fraction) else sympy.Integer(v)
            for k, v in zip(keys, vals)}


class TestSymbolic:
    def test_shallow_symbols(self):
        s = load_spec(_with(SHALLOW, weights="symbolic", Z=3, Y=2))
        assert s.symbolic_weights and s.is_symbolic
        assert (s.Z, s.Y) == (3, 2)
        assert s.hidden[2][1][0] == sympy.Symbol("a_2_1_0")
        assert s.output[1][2] == sympy.Symbol("o_1_2")
        assert load_spec(_with(SHALLOW, weights="symbolic")).Z == 2  # default Z = M
        sh = load_spec(_with(SHALLOW, weights="symbolic", shared=True))
        assert sh.hidden[1] == (sympy.Symbol("a_1_0"), sympy.Symbol("a_1_1"))

    def test_deep_symbols(self):
        s = load_spec(_with(DEEP, weights="symbolic", widths=[3, 1]))
        assert s.widths == (3, 1) and s.Y == 1
        assert s.layers[1][1][0][2] == sympy.Symbol("w1_1_0_2")
        assert s.output == ((sympy.Symbol("o_0_0"),),)
        assert load_spec(_with(DEEP, weights="symbolic")).widths == (2, 2)  # default r_l = M

    def test_round_trip(self):
        for d in (_with(SHALLOW, weights="symbolic", Z=3, Y=2),
                  _with(DEEP, weights="symbolic", widths=[3, 1], shared=True)):
            s = load_spec(d)
            assert spec_to_dict(s) == d
            assert load_spec(dump_spec(s)) == s

    def test_exact_engine_refuses_symbols(self):
        s = load_spec(_with(SHALLOW, weights="symbolic"))
        with pytest.raises(DomainError, match=r"engine='exact' needs numeric weights.*use engine='symbolic'"):
            grid_tensor(s)
        with pytest.raises(DomainError, match=r"engine='modular'"):
            grid_tensor(s, engine="modular")

    @pytest.mark.parametrize("arch, N, act, pool, shared", [
        ("shallow", 4, "relu", "max", False), ("shallow", 3, "linear", "product", True),
        ("shallow", 3, "abs", "average", False), ("shallow", 3, "leaky_relu:1/3", "max", False),
        ("deep", 4, "linear", "product", False), ("deep", 4, "relu", "sum", True), ("deep", 4, "relu", "max", False),
        ("deep", 4, "leaky_relu:1/3", "max", False), ("deep", 4, "square", "average", False),
        ("deep", 2, "abs", "max", True),
    ])
    def test_symbolic_tensor_matches_substitution(self, arch, N, act, pool, shared):
        """engine='symbolic' on symbols, then concrete weights substituted == engine='exact' on those weights."""
        common = dict(N=N, M=2, activation=act, pooling=pool, shared=shared, Y=2, F=[[1, "1/2"], [-1, 2]])
        if arch == "shallow":
            sym, num = shallow(Z=2, weights="symbolic", **common), shallow(Z=2, seed=3, low=-4, high=4,
                                                                           denominators=(1, 3), **common)
        else:
            widths = (2, 1) if N == 4 else (2,)
            sym = deep(widths=widths, weights="symbolic", **common)
            num = deep(widths=widths, seed=3, low=-4, high=4, denominators=(1, 3), **common)
        sub = _substitute(sym, num)
        S, A = grid_tensors(sym, engine="symbolic"), grid_tensors(num)
        for y in range(2):
            assert S[y].is_symbolic
            got = [e.xreplace(sub) for e in S[y].entries()]
            assert got == list(A[y].entries())

    def test_sympy_strings_with_symbols_in_F(self):
        """A spec whose F holds a symbol: every number is parsed by sympy, so "a+b" in the weights works."""
        d = _with(SHALLOW, activation="linear", pooling="product", F=[["f", 0], [0, 1]],
                  weights={"hidden": [[["a+b", 1], ["2*a", "1/2"]]], "output": [["c"]]})
        s = load_spec(d)
        a, b, c, f = sympy.symbols("a b c f")
        assert s.hidden[0][0][0] == a + b and s.hidden[0][1][1] == sympy.Rational(1, 2)
        assert s.is_symbolic
        A = grid_tensor(s, engine="symbolic")  # entries may be kept factored: compare expanded forms
        assert sympy.expand(A[0, 1] - c * f * (a + b) / 2) == 0
        assert sympy.expand(A[1, 0] - 2 * a * c * f) == 0

    def test_sympy_strings_in_weights(self):
        d = _with(SHALLOW, activation="linear", pooling="product",
                  weights={"hidden": [[["a+b", 1], [1, 1]]], "output": [["c"]]})
        s = load_spec(d)
        a, b, c = sympy.symbols("a b c")
        assert s.hidden[0][0][0] == a + b
        assert sympy.expand(grid_tensor(s, engine="symbolic")[0, 0] - (a + b) * c) == 0

    def test_sympy_decimal_refused(self):
        with pytest.raises(SpecError, match=r"decimal \(float\) literals are refused"):
            load_spec(_with(SHALLOW, F=[["x", "0.5"], [0, 1]]))

    def test_wrong_symbolic_size_field_refused(self):
        with pytest.raises(SpecError, match=r"^widths: "):
            load_spec(_with(SHALLOW, weights="symbolic", widths=[3]))


# ----------------------------------------------------------------------------- the Hypothesis strategy of specs
class TestStrategies:
    """symbolic/spec/strategies.py draws valid specs honouring its parameters (it has no test module of its own)."""

    @settings(max_examples=30)
    @given(specs(architecture="deep", activations=("relu", "leaky_relu:p/q"), poolings=("max", "average"), M=(2, 3),
                 windows=(3, 4), shared=False, F=True, patch_order=True, max_width=2, max_N=16, max_entries=10**5,
                 max_outputs=2, weight_range=(-3, 3), denominators=(1, 5)))
    def test_parameters_are_honoured(self, s):
        assert s.architecture == "deep" and s.activation.name in ("relu", "leaky_relu")
        assert s.pooling.name in ("max", "average") and s.M in (2, 3) and s.window in (3, 4)
        assert s.N in (3, 4, 9, 16) and s.M**s.N <= 10**5 and not s.shared
        assert s.F is not None and s.patch_order is not None and sorted(s.patch_order) == list(range(s.N))
        assert max(s.widths) <= 2 and 1 <= s.Y <= 2
        for x in _flat(s.all_weights()) + _flat(s.F):
            assert -3 <= x <= 3 and Fraction(x).denominator in (1, 5)

    @settings(max_examples=20)
    @given(specs(architecture="shallow", N=5, M=2, shared=True, F=False))
    def test_fixed_values(self, s):
        assert (s.architecture, s.N, s.M, s.shared, s.F) == ("shallow", 5, 2, True, None)

    @pytest.mark.parametrize("kwargs, pattern", [
        (dict(architecture="wide"), r"architecture='wide': 'wide' is not one of"),
        (dict(activations=("gelu",)), r"activations=\('gelu',\): activation='gelu'"),
        (dict(poolings=("mean",)), r"pooling='mean'"),
        (dict(M=0), r"M=0: expected ints >= 1"),
        (dict(windows=(1,)), r"windows=\(1,\): expected ints >= 2"),
        (dict(weight_range=(3, 1)), r"weight_range=\(3, 1\): expected ints with low <= high"),
        (dict(architecture="deep", N=6), r"no network fits"),
        (dict(N=10, M=2, max_entries=100), r"no network fits"),
        (dict(shared="yes"), r"shared='yes': expected True, False or None"),
        (dict(max_width=0), r"max_width=0"),
        (dict(activations=()), r"expected at least one option"),
    ])
    def test_bad_parameters(self, kwargs, pattern):
        with pytest.raises(DomainError, match=pattern):
            specs(**kwargs)

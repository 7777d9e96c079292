"""The golden examples in tests/data/examples/: every route must reproduce their grid tensors.

Each file holds ``{"spec": ..., "grid_tensor": {"shape", "entries"}, "ranks": ...}``,
computed independently of this code base (copied unchanged from the project's shared
examples, so that a plain clone tests itself). Routes checked: the decomposition with the
exact engine, ``convac grid --json`` (in-process and as a real console script), the
circuit's forward pass, and the modular engine against the exact tensor mod p; the
spec must also round-trip through :func:`spec_to_dict`. The JSON examples of
docs/spec-format.md must load, and the grid tensor it states must be the one computed.

Other tests reuse the examples through :data:`EXAMPLES` and :data:`FILES`.
"""

import json
import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from symbolic.tensor.circuit_graph import circuit, forward_tensor
from symbolic.tensor.decompositions import grid_tensor, grid_tensors
from symbolic.spec.network import load_spec, spec_to_dict
from symbolic.tensor.grid import GridTensor
from theorems.cli import main

ROOT = Path(__file__).resolve().parents[1]
#: The golden examples, inside the repository (never skipped: a missing file is a failure).
EXAMPLES = ROOT / "tests" / "data" / "examples"
FILES = sorted(EXAMPLES.glob("*.json"))
#: Where the examples were copied from, when a checkout of the shared files sits beside the repository.
SHARED_EXAMPLES = (ROOT / ".." / "shared" / "examples").resolve()
SPEC_FORMAT = ROOT / "docs" / "spec-format.md"

#: Defaults of spec-format.md: a field written with its default value may be dropped by spec_to_dict.
DEFAULTS = {"window": 2, "shared": False, "F": None}


def _ids(files):
    return [f.stem for f in files]


def _read(path):
    data = json.loads(path.read_text())
    return data["spec"], data["grid_tensor"]


def _expected(gt) -> GridTensor:
    return GridTensor.from_entries(gt["shape"], [Fraction(e) for e in gt["entries"]])


def _exact(entries):
    return [Fraction(e) for e in entries]


def _without_defaults(d: dict) -> dict:
    return {k: v for k, v in d.items() if not (k in DEFAULTS and v == DEFAULTS[k])}


def console_script():
    """The installed ``convac`` script beside the running interpreter, else ``python -m theorems.cli``."""
    exe = Path(sys.executable).parent / "convac"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "theorems.cli"]


def test_examples_are_present():
    assert len(FILES) >= 9, (EXAMPLES, [f.name for f in FILES])


def test_copies_match_shared_when_present():
    """The copies equal the shared originals when those sit beside the clone (a plain clone has none to compare)."""
    if not SHARED_EXAMPLES.is_dir():
        return
    originals = {f.name: f.read_bytes() for f in SHARED_EXAMPLES.glob("*.json")}
    assert {f.name: f.read_bytes() for f in FILES} == originals


def test_spec_format_examples_load():
    """Every JSON block of docs/spec-format.md is a valid spec; the grid tensor it states is the computed one."""
    text = SPEC_FORMAT.read_text(encoding="utf-8")
    blocks = re.findall(r"```json\n(.*?)```", text, re.S)
    specs = [load_spec(b) for b in blocks]
    assert len(specs) >= 4 and {s.architecture for s in specs} == {"shallow", "deep"}
    assert any(s.symbolic_weights for s in specs) and any(s.shared for s in specs)
    stated = json.loads(re.search(r'prints `(\{"shape".*?\})`', text).group(1))
    assert grid_tensor(specs[0]).to_dict() == stated


@pytest.mark.parametrize("path", FILES, ids=_ids(FILES))
class TestExample:
    def test_exact_engine(self, path):
        spec_d, gt = _read(path)
        s = load_spec(path)
        A = grid_tensor(s)
        assert list(A.shape) == gt["shape"]
        assert list(A.entries()) == _exact(gt["entries"])
        assert A == _expected(gt)
        assert load_spec(spec_d) == s  # from the dict as well as the file

    def test_cli_in_process(self, path, capsys):
        assert main(["grid", str(path), "--json"]) == 0
        out, err = capsys.readouterr()
        got = json.loads(out)
        _, gt = _read(path)
        assert got["shape"] == gt["shape"]
        assert _exact(got["entries"]) == _exact(gt["entries"])
        # ints stay JSON ints, non-integers are "p/q" strings
        for e in got["entries"]:
            assert isinstance(e, int) or ("/" in e and Fraction(e).denominator != 1)
        assert err == ""

    def test_round_trip(self, path):
        spec_d, _ = _read(path)
        s = load_spec(path)
        d = spec_to_dict(s)
        assert load_spec(d) == s
        assert _without_defaults(d) == _without_defaults(spec_d)
        assert json.loads(json.dumps(d)) == d  # plain JSON

    def test_forward_pass(self, path):
        _, gt = _read(path)
        s = load_spec(path)
        G = circuit(s)
        assert forward_tensor(G) == _expected(gt)
        assert list(forward_tensor(G).entries()) == _exact(gt["entries"])

    @pytest.mark.parametrize("p", [None, 101, 2147483647])
    def test_modular_engine(self, path, p):
        _, gt = _read(path)
        s = load_spec(path)
        (R,) = grid_tensors(s, engine="modular", modulus=p)
        A = _expected(gt)
        assert R.modulus == (p or 67108859)
        assert R == A.reduce_mod(R.modulus)
        assert R.data.dtype.kind == "i"


#: One shallow and one deep example for the real console script (the in-process test covers every file).
SCRIPT_FILES = [f for f in FILES if f.stem in ("shallow_relu_avg_N4_M3", "deep_relu_max_window3_N9_M2")]


@pytest.mark.parametrize("path", SCRIPT_FILES, ids=_ids(SCRIPT_FILES))
def test_cli_console_script(path):
    """The real console script in a subprocess."""
    r = subprocess.run(console_script() + ["grid", str(path), "--json"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    _, gt = _read(path)
    got = json.loads(r.stdout)
    assert got["shape"] == gt["shape"]
    assert _exact(got["entries"]) == _exact(gt["entries"])

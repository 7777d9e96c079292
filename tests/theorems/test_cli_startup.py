"""Start-up of the command line (issue 22): ``convac --help`` and ``convac --version`` import no subcommand module,
the one-line summaries they list are the ones the subcommands register, and answers record versions."""

import argparse
import json
import subprocess
import sys

import pytest

from symbolic.versions import versions
from theorems.cli import app


def _registered_help(name: str) -> str:
    sub = next(a for a in app.build_parser(name)._actions if isinstance(a, argparse._SubParsersAction))
    return next(a.help for a in sub._choices_actions if a.dest == name)


def test_summaries_are_the_registered_helps():
    assert {name: _registered_help(name) for name in app.SUMMARIES} == app.SUMMARIES


def test_help_imports_no_subcommand():
    code = ("import sys, contextlib, io\nfrom theorems.entry import main\n"
            "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
            "    try:\n        main(['--help'])\n    except SystemExit as e:\n        assert e.code == 0\n"
            "assert 'recheck' in out.getvalue() and 'explore' in out.getvalue()\n"
            "loaded = sorted(m for m in sys.modules if m.startswith('theorems.cli.') and m != 'theorems.cli.app')\n"
            "heavy = sorted(m for m in ('sympy', 'flint', 'networkx', 'numpy', 'theorems.claims.catalog')\n"
            "               if m in sys.modules)\n"
            "print(loaded, heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[] []"


def test_version(capsys):
    try:
        app.main(["--version"])
    except SystemExit as e:
        assert e.code == 0
    line = capsys.readouterr().out.strip()
    v = versions()
    assert line.startswith(f"convac {v['convac']} (python-flint {v['python-flint']}, sympy {v['sympy']}")


def test_answers_record_versions():
    from theorems.claims.verdict import answer

    a = json.loads(json.dumps(answer("check laws", [{"status": "proved"}])))
    assert a["versions"] == versions() and set(a["versions"]) == {"convac", "python-flint", "sympy", "hypothesis",
                                                                   "python"}


@pytest.mark.parametrize("command", sorted(app.SUMMARIES))
def test_subcommand_help_imports_no_domain_module_and_no_other_subcommand(command):
    # `convac CMD --help` imports CMD's module only (helpers such as theorems.cli.args may load), and CMD's module
    # imports its domain modules inside the command
    code = ("import sys, contextlib, io\nfrom theorems.entry import main\n"
            "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
            f"    try:\n        main([{command!r}, '--help'])\n"
            "    except SystemExit as e:\n        assert e.code == 0\n"
            f"assert 'usage: convac {command}' in out.getvalue(), out.getvalue()\n"
            "heavy = sorted(m for m in ('sympy', 'flint', 'networkx', 'theorems.claims.catalog', 'symbolic.kernel')\n"
            "               if m in sys.modules)\n"
            f"names = {sorted(app.SUMMARIES)}\n"
            "print(heavy, sorted(m for m in sys.modules if m.startswith('theorems.cli.') and m[13:] in names))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"[] {[f'theorems.cli.{command}']!r}"


def test_a_structured_rank_loads_neither_networkx_nor_sympy(tmp_path):
    """The structured route of a numeric ConvAC (kernel-verified) builds no circuit graph and reads no
    expression: networkx (about 0.1 s of start-up) and sympy (0.3 s) stay unloaded.  ``-X importtime`` lists
    every module imported, in the supervised child too (a fork keeps the flag)."""
    from symbolic.spec.network import deep, dump_spec

    spec = tmp_path / "deep.json"
    spec.write_text(dump_spec(deep(N=8, M=4, widths=(4, 4, 4), seed=0, low=-9, high=9)))
    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "theorems.cli", "rank", str(spec), "-p",
                          "odd-even", "--json", "-q"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    r = json.loads(out.stdout)["results"][0]
    assert (r["status"], r["certificate"]["certificate"]) == ("proved", "kronecker")
    loaded = {line.rsplit("|", 1)[1].strip() for line in out.stderr.splitlines() if line.startswith("import time:")}
    assert "symbolic.kernel.kronecker" in loaded  # the list covers the child that verified the answer
    assert not {m for m in loaded if m.split(".")[0] in ("networkx", "sympy")}

"""``convac recheck`` takes the limits and the time budget like every other command: its own flags, or the global
ones given before the subcommand (``convac --max-memory 8G recheck FILE``), which were once silently dropped."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from symbolic.rank.pipeline import matricization_rank
from symbolic.spec.network import deep
from theorems.claims.verdict import answer


@pytest.fixture(scope="module")
def big_answer(tmp_path_factory):
    """A structured rank answer of N=16, M=4 (65536 x 65536) whose kernel check needs about 4 MiB of vectors."""
    a = matricization_rank(deep(N=16, M=4, widths=(4, 4, 4, 4), seed=0), "halves", notes=lambda text: None).to_dict()
    path = tmp_path_factory.mktemp("recheck") / "rank.json"
    path.write_text(json.dumps(answer("rank", [a])))
    return path


def _convac(*argv):
    p = subprocess.run([sys.executable, "-m", "theorems.cli", *argv], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr.strip()


@pytest.mark.parametrize("argv", [("--max-memory", "1M", "recheck", "{}"), ("recheck", "--max-memory", "1M", "{}"),
                                  ("--max-memory", "8G", "recheck", "--max-memory", "1M", "{}")],
                         ids=["global", "own", "own wins"])
def test_the_memory_limit_reaches_the_kernel(big_answer, argv):
    rc, out, err = _convac(*[a.format(big_answer) for a in argv])
    assert rc == 2 and out == ""
    assert err.startswith("convac recheck: not re-checked: memory of the channel vectors") and "1,048,576 B" in err
    assert len(err.splitlines()) == 1


def test_a_global_limit_that_allows_the_work_is_kept(big_answer):
    rc, out, err = _convac("--max-memory", "1G", "recheck", str(big_answer))
    assert rc == 0 and out.splitlines()[-1] == "1 of 1 statements verified", err


@pytest.mark.parametrize("where", ["global", "own"])
def test_a_time_budget_stops_the_recheck_with_exit_3(big_answer, where):
    flags = ["--timeout", "0.001"]
    argv = flags + ["recheck", str(big_answer)] if where == "global" else ["recheck", *flags, str(big_answer)]
    rc, out, err = _convac(*argv)
    assert (rc, out, err) == (3, "", "convac recheck: stopped by --timeout after 0.001 s; nothing was verified")


@pytest.mark.parametrize("bad", ["0", "-1", "inf", "nan", "soon"])
def test_a_bad_time_budget_is_one_line_and_exit_2(big_answer, bad):
    rc, out, err = _convac("recheck", "--timeout", bad, str(big_answer))
    assert (rc, out) == (2, "") and err == f"convac recheck: --timeout {bad!r}: expected seconds, a finite number > 0"

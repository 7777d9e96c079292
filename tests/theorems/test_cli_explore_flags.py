"""``convac explore`` takes the limits and the time budget before or after the subcommand (once, a flag given
before it was reset by the subcommand's own default, and ``--timeout`` was ignored: the server ran until killed)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from theorems.cli.app import build_parser


@pytest.mark.parametrize("argv", [["--max-memory", "2G", "--max-entries", "2^20", "--timeout", "5", "explore"],
                                  ["explore", "--max-memory", "2G", "--max-entries", "2^20", "--timeout", "5"]],
                         ids=["before", "after"])
def test_limits_and_time_budget_reach_explore_from_either_side(argv):
    args = build_parser("explore").parse_args(argv)
    assert (args.max_memory, args.max_entries, args.timeout) == ("2G", "2^20", "5")


def test_without_flags_the_defaults_stay_the_runs():
    args = build_parser("explore").parse_args(["explore"])
    assert getattr(args, "timeout", None) is None and getattr(args, "max_memory", None) is None


def test_the_server_stops_at_its_time_budget_with_exit_3():
    p = subprocess.run([sys.executable, "-m", "theorems.cli", "--timeout", "3", "explore", "--no-browser", "--port",
                        "0"], capture_output=True, text=True, timeout=120)
    assert p.returncode == 3, p.stderr
    assert "(it stops after 3 s, or on Ctrl-C)" in p.stdout
    assert p.stderr.strip().splitlines()[-1] == "convac explore: stopped by --timeout after 3 s"

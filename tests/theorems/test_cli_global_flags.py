"""Every subcommand keeps ``--max-memory``, ``--max-entries`` and ``--timeout`` wherever they are given: before the
subcommand, after it, or after a nested one (``convac check depth``); a later value wins. Two subcommands once lost
the values given before them (``explore``: its own defaults reset them; ``recheck``: its stub passed on only the
words after it)."""

from __future__ import annotations

import pytest

from theorems.cli.app import SUMMARIES, build_parser

#: the least each subcommand needs to parse (nothing is run)
MINIMAL = {
    "spec": ["deep", "--N", "2", "--M", "2"],
    "grid": ["net.json"],
    "rank": ["net.json"],
    "verify": [],
    "show": ["laws"],
    "check": ["laws", "--activation", "relu", "--pooling", "max"],
    "search": ["rank-bound", "--architecture", "shallow", "--activation", "relu", "--pooling", "max", "--N", "4",
               "--M", "2", "--partition", "odd-even", "--bound", "Z"],
    "plot": ["circuit", "net.json", "-o", "c.png"],
    "explore": [],
}
FLAGS = ["--max-memory", "3G", "--max-entries", "2^21", "--timeout", "7"]
WANT = ("3G", "2^21", "7")


def _values(args):
    return getattr(args, "max_memory", None), getattr(args, "max_entries", None), getattr(args, "timeout", None)


def test_every_subcommand_is_covered():
    # recheck has its own parser: tests/theorems/test_cli_recheck_flags.py
    assert set(MINIMAL) == set(SUMMARIES) - {"recheck"}


#: the commands that take the flags after them too (``show`` computes nothing: only before it, as global flags)
AFTER = sorted(set(MINIMAL) - {"show"})


@pytest.mark.parametrize("command", sorted(MINIMAL))
def test_the_flags_are_kept_before_the_subcommand(command):
    assert _values(build_parser(command).parse_args(FLAGS + [command] + MINIMAL[command])) == WANT


@pytest.mark.parametrize("command", AFTER)
def test_the_flags_are_kept_after_the_subcommand(command):
    assert _values(build_parser(command).parse_args([command] + MINIMAL[command] + FLAGS)) == WANT


def test_show_takes_them_only_before_it(capsys):
    with pytest.raises(SystemExit) as e:
        build_parser("show").parse_args(["show", "laws"] + FLAGS)
    assert e.value.code == 2 and capsys.readouterr().err.strip().count("\n") == 0


@pytest.mark.parametrize("command", AFTER)
def test_a_later_value_wins_and_absent_flags_stay_absent(command):
    rest = MINIMAL[command]
    args = build_parser(command).parse_args(["--max-memory", "1G", command] + rest + ["--max-memory", "5G"])
    assert args.max_memory == "5G"
    assert _values(build_parser(command).parse_args([command] + rest)) == (None, None, None)

"""Issue 22: every command and subcommand's ``--help`` has a description, examples and help on every option,
and every example in it is a command line the parser accepts (so help never shows a flag that does not exist)."""

from __future__ import annotations

import argparse
import shlex

import pytest

from theorems.cli import recheck
from theorems.cli.app import SUMMARIES, build_parser


def _parsers():
    for cmd in SUMMARIES:
        if cmd == "recheck":
            yield "recheck", recheck.build_parser()
            continue
        root = build_parser(cmd)
        sub = next(a for a in root._actions if isinstance(a, argparse._SubParsersAction))
        stack = [(cmd, sub.choices[cmd])]
        while stack:
            path, p = stack.pop()
            yield path, p
            for a in p._actions:
                if isinstance(a, argparse._SubParsersAction):
                    stack.extend((f"{path} {name}", child) for name, child in a.choices.items())
    root = build_parser("explore")
    sub = next(a for a in root._actions if isinstance(a, argparse._SubParsersAction))
    yield "explore", sub.choices["explore"]


PARSERS = dict(_parsers())


def test_every_command_is_covered():
    assert {"check depth", "check universality", "check laws", "search rank-bound", "plot box", "recheck",
            "explore", "rank", "verify", "grid", "spec", "show"} <= set(PARSERS)


@pytest.mark.parametrize("path", sorted(PARSERS))
def test_description_examples_and_help_on_every_option(path):
    p = PARSERS[path]
    assert p.description and len(p.description) > 40, path
    assert p.epilog and "convac " in p.epilog and p.epilog.lstrip().startswith("example"), path
    for a in p._actions:
        if isinstance(a, argparse._HelpAction):
            continue
        assert a.help and a.help != argparse.SUPPRESS, (path, a.option_strings or a.dest)


def _examples(epilog: str):
    for line in epilog.splitlines():
        line = line.strip().removeprefix("example:").removeprefix("examples:").strip()
        for part in line.split("&&"):
            part = part.split(">")[0].split("#")[0].strip()
            if part.startswith("convac "):
                yield shlex.split(part)[1:]


@pytest.mark.parametrize("path", sorted(PARSERS))
def test_every_example_parses(path):
    for argv in _examples(PARSERS[path].epilog):
        if argv[0] == "recheck":
            recheck.build_parser().parse_args(argv[1:])
        else:
            build_parser(argv[0]).parse_args(argv)  # a wrong flag exits 2 here


def test_quiet_means_the_same_wherever_it_is_accepted():
    """-q/--quiet: no progress notes on stderr (rank, verify, search); recheck has no progress, so its -q keeps
    only the total line."""
    for path in ("rank", "verify", "search rank-bound", "recheck"):
        action = next(a for a in PARSERS[path]._actions if "--quiet" in a.option_strings)
        assert action.option_strings == ["--quiet", "-q"], path
        assert ("total line" if path == "recheck" else "no progress") in action.help, path

"""The ``convac`` command line: the parser, the subcommands (one module each) and the one error path.

Every subcommand prints a readable table or, with ``--json``, JSON. Bad input
exits with status 2 and one line on stderr, never a traceback."""

from __future__ import annotations

import argparse
import os
import signal
import sys

from symbolic.limits import limits_from_environment, set_limits
from symbolic.errors import ConvacError

__all__ = ["main", "build_parser"]


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2
        sys.stderr.write(f"convac: {message}\n")
        sys.exit(2)


#: The commands that compute: they (and their subcommands) take --max-memory and --max-entries.
_COMPUTING = ("spec", "grid", "rank", "verify", "check", "search", "plot")


_LIMITS_HELP = ("resource limits and time budget (checked before any work; see symbolic/cost.py; the environment "
                "variables CONVAC_MAX_MEMORY and CONVAC_MAX_ENTRIES give defaults)")


def _add_limit_flags(parser, suppress: bool = True, recurse: bool = True) -> None:
    """Add ``--max-memory`` and ``--max-entries`` to a parser and (``recurse``) to every subcommand parser below it."""
    default = argparse.SUPPRESS if suppress else None
    g = parser.add_argument_group("limits", _LIMITS_HELP)
    g.add_argument("--max-memory", default=default, metavar="SIZE",
                   help="memory one job may use, e.g. 8G or 500M (default 4G); larger work is refused at once")
    g.add_argument("--max-entries", default=default, metavar="N",
                   help="largest grid tensor, in entries, e.g. 2^26 (default 2^24 = 16,777,216)")
    g.add_argument("--timeout", default=default, metavar="SECONDS",
                   help="stop the work after this many seconds (exit status 3, saying where it was); default none")
    for action in parser._actions if recurse else ():
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                _add_limit_flags(child)


#: Each subcommand's one-line help, for ``convac --help`` without importing any subcommand (each module
#: registers the same line itself; tests/theorems/test_cli_startup.py keeps the two equal).
SUMMARIES = {
    "spec": "write a network spec (JSON) with random or symbolic weights",
    "grid": "the grid tensor of a network, exactly",
    "rank": "the exact, certified rank of a matricization of a network's grid tensor",
    "verify": "check the paper's claims on small instances, exactly, with certificates",
    "show": "a claim's statement, source, proof method and instances",
    "check": "decide laws, universality and depth efficiency for any activation and pooling, with certificates",
    "search": "search for counterexamples to conjectures (minimal, replayable, certified)",
    "plot": "draw a circuit, a grid tensor, a matricization or the rank-growth figure to a file",
    "recheck": "re-verify a saved --json answer with the small trusted kernel",
    "explore": "the interactive explorer in the browser (Voila; pip install 'convac[explore]')",
}


class _Version(argparse.Action):
    """``convac --version``: convac's version and those an answer depends on (symbolic.versions), then exit 0."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        from symbolic.versions import versions

        v = versions()
        sys.stdout.write(f"convac {v.pop('convac')} (" + ", ".join(f"{k} {x}" for k, x in v.items()) + ")\n")
        parser.exit(0)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The ``convac`` parser; given the ``command`` about to run, only that subcommand is registered
    (each registers itself; ``verify`` loads the whole catalog, 0.7 s, so a refusal comes at once).
    Without a known command (``convac --help``, ``convac --version``, a misspelled command) no subcommand
    module is imported: the subcommands are listed by their one-line :data:`SUMMARIES`."""
    p = _Parser(prog="convac", description="Exact, certified checks of convolutional arithmetic circuits and "
                "rectifier networks as generalized tensor decompositions (Cohen & Shashua, ICML 2016).")
    p.add_argument("--version", action=_Version, help="print convac's version (and python-flint's, sympy's, "
                   "hypothesis's, Python's) and exit")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    if command not in SUMMARIES:  # convac --help: list the subcommands, importing none of them (start-up < 0.5 s)
        for name, text in SUMMARIES.items():
            sub.add_parser(name, help=text)
        _add_limit_flags(p, suppress=False, recurse=False)
        return p
    _subcommand(command).register(sub)  # only the command that runs is imported (start-up of convac rank)
    _add_limit_flags(p, suppress=False, recurse=False)  # convac --max-memory 8G grid ... (before the command)
    for name in _COMPUTING:
        if name in sub.choices:
            _add_limit_flags(sub.choices[name])
    return p


def _subcommand(name: str):
    """The module of one subcommand, imported alone (static imports, which tests/test_layering.py reads)."""
    if name == "spec":
        from theorems.cli import spec

        return spec
    if name == "grid":
        from theorems.cli import grid

        return grid
    if name == "rank":
        from theorems.cli import rank

        return rank
    if name == "verify":
        from theorems.cli import verify

        return verify
    if name == "show":
        from theorems.cli import show

        return show
    if name == "check":
        from theorems.cli import check

        return check
    if name == "search":
        from theorems.cli import search

        return search
    if name == "plot":
        from theorems.cli import plot

        return plot
    if name == "recheck":
        from theorems.cli import recheck

        return recheck
    from theorems.cli import explore

    return explore


def main(argv=None) -> int:
    """Run one subcommand; every failure is one line on stderr (exit codes: README, *Exit codes*): 0 done,
    1 a result that is not proved (as each command documents) or a bug (``--debug`` shows its traceback),
    2 bad input, work that does not fit or cannot be written (ConvacError, MemoryError, RecursionError,
    OSError), 3 stopped by ``--timeout``, 130 on Ctrl-C (SIGINT), 143 on SIGTERM.

    The computing commands run in a child process (:func:`theorems.run.supervise.supervised`), so that
    ``--timeout``, Ctrl-C and SIGTERM stop them at once, python-flint calls included."""
    argv = sys.argv[1:] if argv is None else list(argv)
    debug = "--debug" in argv
    argv = [a for a in argv if a != "--debug"]
    # the subcommand: the first word that is not a flag nor the value of a global flag (convac --max-memory 8G grid)
    at = next((i for i, a in enumerate(argv) if not a.startswith("-") and not (
        i and argv[i - 1] in ("--max-memory", "--max-entries", "--timeout"))), None)
    command = None if at is None else argv[at]
    if at is not None and command == "recheck":  # the trusted path, the kernel only; flags before it are its own
        from theorems.cli.recheck import main as recheck_main

        return recheck_main(argv[:at] + argv[at + 1:])
    parser = build_parser(command)
    args = parser.parse_args(argv)
    from symbolic import limits as limits_mod

    saved = limits_mod._ACTIVE
    try:
        return _run(args, debug)
    finally:
        limits_mod._ACTIVE = saved  # the limits of this run only


def _run(args, debug: bool) -> int:
    """Validate the run's limits and time budget, then run the command (in a supervised child when it computes)."""
    from theorems.run.supervise import Interrupted, TimedOut, real_streams, supervised, validate_timeout

    def guarded(work) -> int:
        return _one_line_errors(args, debug, work)

    timeout = [None]

    def checks():
        # the limits are passed down as arguments (symbolic.limits.set_limits; forked processes inherit them):
        # the flags, else the environment's CONVAC_MAX_MEMORY / CONVAC_MAX_ENTRIES (read here, on the command
        # line only: the library never reads the environment), else the defaults
        env = limits_from_environment(os.environ)
        set_limits(env.max_memory, env.max_entries)
        set_limits(getattr(args, "max_memory", None), getattr(args, "max_entries", None))
        timeout[0] = validate_timeout(getattr(args, "timeout", None))
        return 0

    rc = guarded(checks)
    if rc:
        return rc
    if args.command not in _COMPUTING:
        return guarded(lambda: int(args.func(args) or 0))
    try:
        return supervised(lambda: guarded(lambda: int(args.func(args) or 0)), timeout=timeout[0],
                          label=f"convac {args.command}", capture=not real_streams())
    except TimedOut as e:
        _say(args, str(e))
        return e.exit_code
    except Interrupted as e:
        name = "SIGINT (Ctrl-C)" if e.signum == signal.SIGINT else signal.Signals(e.signum).name
        _say(args, f"interrupted by {name}; the work was stopped" + (f"; it was at: {e.where}" if e.where else ""))
        return e.exit_code
    except ConvacError as e:
        _say(args, str(e))
        return 2


def _say(args, msg: str) -> None:
    msg = str(msg).replace("\r", "\\r").replace("\n", "\\n")  # one line, whatever the input held
    try:
        sys.stderr.write(f"convac {args.command}: {msg[:2000]}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def _quiet_stdout() -> None:
    """Point a stdout that failed (a full disk, a closed pipe) at /dev/null: nothing more is lost, and the
    interpreter's last flush at exit cannot print a traceback."""
    try:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, sys.stdout.fileno())
        os.close(fd)
    except (AttributeError, ValueError, OSError):
        pass


def _one_line_errors(args, debug: bool, work) -> int:
    """``work()``'s exit status, every failure turned into one line on stderr."""
    try:
        rc = int(work() or 0)
        sys.stdout.flush()  # a full disk shows here, inside the one error path
        return rc
    except ConvacError as e:
        _say(args, str(e))
        return 2
    except MemoryError:
        _say(args, "out of memory; try a smaller network (see --help for limits)")
        return 2
    except RecursionError:
        _say(args, "the input is nested too deeply")
        return 2
    except KeyboardInterrupt:
        _say(args, "interrupted")
        return 130
    except BrokenPipeError:
        _quiet_stdout()
        return 0
    except OSError as e:  # a full disk, a device that refuses writes, a lost connection: one line, exit 2
        import errno

        writing = e.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EPIPE)
        if writing and e.filename is None:
            _quiet_stdout()
        where = f"{e.filename}: " if e.filename else "standard output: " if writing else ""
        _say(args, f"{where}{'cannot be written' if writing else 'failed'} ({e.strerror or e})")
        return 2
    except Exception as e:  # noqa: BLE001 - a bug: one line, the traceback only with --debug
        if debug:  # printed here: the work may run in a child process, whose traceback would be lost
            import traceback

            traceback.print_exc()
            return 1
        _say(args, f"internal error ({type(e).__name__}: {str(e)[:200]}); rerun with --debug for the traceback "
                   "and please report it")
        return 1

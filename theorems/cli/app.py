"""The ``convac`` command line: the parser, the subcommands (one module each) and the one error path.

Every subcommand prints a readable table or, with ``--json``, JSON. Bad input
exits with status 2 and one line on stderr, never a traceback."""

from __future__ import annotations

import argparse
import os
import sys

from symbolic.limits import ENV_MAX_ENTRIES, ENV_MAX_MEMORY, set_limits
from symbolic.errors import ConvacError

__all__ = ["main", "build_parser"]


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2
        sys.stderr.write(f"convac: {message}\n")
        sys.exit(2)


#: The commands that compute: they (and their subcommands) take --max-memory and --max-entries.
_COMPUTING = ("spec", "grid", "rank", "verify", "check", "search", "plot")


_LIMITS_HELP = ("resource limits (checked before any work; see symbolic/cost.py; also set by the environment "
                "variables CONVAC_MAX_MEMORY and CONVAC_MAX_ENTRIES)")


def _add_limit_flags(parser, suppress: bool = True, recurse: bool = True) -> None:
    """Add ``--max-memory`` and ``--max-entries`` to a parser and (``recurse``) to every subcommand parser below it."""
    default = argparse.SUPPRESS if suppress else None
    g = parser.add_argument_group("limits", _LIMITS_HELP)
    g.add_argument("--max-memory", default=default, metavar="SIZE",
                   help="memory one job may use, e.g. 8G or 500M (default 4G); larger work is refused at once")
    g.add_argument("--max-entries", default=default, metavar="N",
                   help="largest grid tensor, in entries, e.g. 2^26 (default 2^24 = 16,777,216)")
    for action in parser._actions if recurse else ():
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                _add_limit_flags(child)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The ``convac`` parser; given the ``command`` about to run, only that subcommand is registered
    (each registers itself; ``verify`` loads the whole catalog, 0.7 s, so a refusal comes at once)."""
    from . import check, grid, plot, rank, recheck, search, show, spec, verify

    modules = {"spec": spec, "grid": grid, "rank": rank, "verify": verify, "show": show, "check": check,
               "search": search, "plot": plot, "recheck": recheck}
    p = _Parser(prog="convac", description="Exact, certified checks of convolutional arithmetic circuits and "
                "rectifier networks as generalized tensor decompositions (Cohen & Shashua, ICML 2016).")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name, mod in modules.items():
        if command in modules and name != command:
            continue
        mod.register(sub)
    _add_limit_flags(p, suppress=False, recurse=False)  # convac --max-memory 8G grid ... (before the command)
    for name in _COMPUTING:
        if name in sub.choices:
            _add_limit_flags(sub.choices[name])
    return p


def main(argv=None) -> int:
    """Run one subcommand; every failure is one line on stderr: exit 2 for bad input or work that
    does not fit (ConvacError, MemoryError, RecursionError), 130 on Ctrl-C, 1 for a bug (``--debug``
    shows its traceback)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    debug = "--debug" in argv
    argv = [a for a in argv if a != "--debug"]
    if argv[:1] == ["recheck"]:  # the trusted path: loads the kernel only, not the provers
        from .recheck import main as recheck_main

        return recheck_main(argv[1:])
    command = next((a for a in argv if not a.startswith("-")), None)
    if argv and argv[0].startswith("-") and command is not None:  # convac --max-memory 8G grid ...: skip the value
        command = next((a for i, a in enumerate(argv) if not a.startswith("-") and not (
            i and argv[i - 1] in ("--max-memory", "--max-entries"))), None)
    parser = build_parser(command)
    args = parser.parse_args(argv)
    saved = {k: os.environ.get(k) for k in (ENV_MAX_MEMORY, ENV_MAX_ENTRIES)}
    try:
        # the limits reach library code (and worker processes) through the environment, for this run only
        set_limits(getattr(args, "max_memory", None), getattr(args, "max_entries", None))
        return int(args.func(args) or 0)
    except ConvacError as e:
        msg = str(e).replace("\r", "\\r").replace("\n", "\\n")  # one line, whatever the input held
        sys.stderr.write(f"convac {args.command}: {msg[:2000]}\n")
        return 2
    except MemoryError:
        sys.stderr.write(f"convac {args.command}: out of memory; try a smaller network (see --help for limits)\n")
        return 2
    except RecursionError:
        sys.stderr.write(f"convac {args.command}: the input is nested too deeply\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write(f"convac {args.command}: interrupted\n")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as e:  # noqa: BLE001 - a bug: one line, the traceback only with --debug
        if debug:
            raise
        sys.stderr.write(f"convac {args.command}: internal error ({type(e).__name__}: {str(e)[:200]}); "
                         "rerun with --debug for the traceback and please report it\n")
        return 1
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v

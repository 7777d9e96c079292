"""``convac recheck FILE``: re-verify a saved --json answer with the trusted kernel alone.

This module imports only the kernel (:mod:`symbolic.kernel`), so what ``recheck`` trusts is
the kernel's code and nothing else (a test counts its lines).  Exit 0 when every statement
is verified, 1 when one fails (naming the statement and the reason), 2 on malformed input.  The kernel
runs in a forked child that the command only waits for: Ctrl-C (130) and SIGTERM (143) stop it at once.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys

from symbolic.errors import ConvacError

USAGE = "convac recheck [-h] [--json] [--quiet] [--max-memory SIZE] [--max-entries N] [--timeout SECONDS] FILE"


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2
        sys.stderr.write(f"convac recheck: {message}\n")
        sys.exit(2)


def main(argv) -> int:
    args = build_parser().parse_args(argv)
    try:
        timeout = _seconds(args.timeout)
    except ValueError:
        sys.stderr.write(f"convac recheck: --timeout {str(args.timeout)[:40]!r}: expected seconds, a finite number "
                         "> 0\n")
        return 2
    return _interruptible(lambda: _check(args), timeout)


def _seconds(text):
    """``--timeout``: None, or seconds > 0 (a float: it bounds the wait, it decides nothing)."""
    if text is None:
        return None
    t = float(text)
    if not 0 < t < float("inf"):
        raise ValueError(text)
    return t


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``convac recheck`` (its own: the trusted path runs without the ``convac`` parser)."""
    p = _Parser(prog="convac recheck", description=(
        "Re-verify every statement of a saved --json answer of convac (rank, verify, verify --variants, check laws, "
        "check depth, "
        "check universality, search) with the small trusted kernel: each certificate must prove exactly the "
        "statement and status written beside it. Nothing in the file is evaluated. Exit 0 if all are verified, "
        "1 if one fails, 2 on malformed input."),
        epilog="example: convac rank net.json --json > rank.json && convac recheck rank.json")
    p.add_argument("file", help="the answer file, or - for standard input")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--quiet", "-q", action="store_true", help="print only the total line")
    p.add_argument("--max-memory", metavar="SIZE", default=os.environ.get("CONVAC_MAX_MEMORY"),
                   help="memory the kernel may use for one step, e.g. 8G (default 4G; env CONVAC_MAX_MEMORY); larger "
                        "work is refused before it starts")
    p.add_argument("--max-entries", metavar="N", default=os.environ.get("CONVAC_MAX_ENTRIES"),
                   help="largest forward pass, symbolic network or expansion the kernel takes on, e.g. 2^26 "
                        "(default 2^24; env CONVAC_MAX_ENTRIES)")
    p.add_argument("--timeout", metavar="SECONDS", default=None,
                   help="stop the recheck after this many seconds (exit status 3; nothing is verified); default none")
    return p


def _check(args) -> tuple:
    """(exit code, stdout text, stderr text) of the recheck: the kernel's work, in the child."""
    try:
        from symbolic.kernel.cost import Budget, parse_count, parse_size
        from symbolic.kernel.recheck import recheck_file

        budget = Budget(memory=parse_size(args.max_memory) if args.max_memory else Budget.memory,
                        entries=parse_count(args.max_entries) if args.max_entries else Budget.entries)
        report = recheck_file(args.file, budget=budget)
    except ConvacError as e:
        return 2, "", f"convac recheck: {e}\n"
    except (RecursionError, MemoryError) as e:
        return 2, "", f"convac recheck: {args.file}: too large or too deeply nested ({type(e).__name__})\n"
    text = json.dumps(report.to_dict()) if args.json else report.render()
    return report.exit_code, (text.splitlines()[-1] if args.quiet and not args.json else text) + "\n", ""


def _interruptible(work, timeout=None) -> int:
    """Run ``work`` in a forked child and print what it returns, so that Ctrl-C (exit 130), SIGTERM (exit 143)
    and ``timeout`` seconds (exit 3) stop the recheck at once, flint calls included: the parent only waits, and
    kills the child."""
    r, w = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: the kernel's work, its result through the pipe
        os.close(r)
        code = 1
        try:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            res = work()
            with os.fdopen(w, "w", encoding="utf-8", errors="backslashreplace") as f:
                f.write(json.dumps(res))
            code = 0
        finally:
            os._exit(code)
    os.close(w)
    caught = []

    def stop(signum, frame):
        caught.append(signum)
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGTERM, stop)
    old_int = signal.signal(signal.SIGINT, stop)  # explicitly: SIGINT may have been ignored when we started
    old_alarm = signal.signal(signal.SIGALRM, stop)
    if timeout is not None:
        signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        with os.fdopen(r, "r", encoding="utf-8") as f:
            data = f.read()
        os.waitpid(pid, 0)
    except KeyboardInterrupt:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        if signal.SIGALRM in caught:
            sys.stderr.write(f"convac recheck: stopped by --timeout after {timeout:g} s; nothing was verified\n")
            return 3
        term = signal.SIGTERM in caught
        sys.stderr.write(f"convac recheck: stopped by {'SIGTERM' if term else 'SIGINT'}; nothing was verified\n")
        return 143 if term else 130
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old_alarm)
        signal.signal(signal.SIGTERM, old)
        signal.signal(signal.SIGINT, old_int)
    if not data:
        sys.stderr.write("convac recheck: the checking process ended without an answer (killed, or out of memory)\n")
        return 2
    code, out, err = json.loads(data)
    try:
        sys.stderr.write(err)
        sys.stdout.write(out)
        sys.stdout.flush()
    except OSError as e:  # a full disk: one line, exit 2 (stdout pointed at /dev/null for the last flush)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.stderr.write(f"convac recheck: standard output: cannot be written ({e.strerror})\n")
        return 2
    return code


def register(sub) -> None:
    """Add ``convac recheck`` (its own parser: the trusted path runs without this one)."""
    rc = sub.add_parser("recheck", help="re-verify a saved --json answer with the small trusted kernel",
                        add_help=False)
    rc.add_argument("rest", nargs=argparse.REMAINDER)
    rc.set_defaults(func=lambda args: main(args.rest))

"""Real ``convac`` processes at fork speed, for the tests that run the command line many times.

A *zygote* process imports convac and its heavy libraries once (sympy, numpy, python-flint,
networkx); each command is then a fresh child forked from it that runs ``theorems.entry.main``
with its own standard input, output and error, under an address-space limit, and is measured
alone (``os.wait4`` gives the child's own peak RSS). A child costs milliseconds instead of the
second or more a new interpreter spends importing, so the hostile-input cases (issue 13) stay real
processes and the suite stays fast (issue 10: under 3 minutes on 2 cores).

>>> with Zygote() as z:
...     r = z.run(["grid", "-"], stdin_text="not json")
>>> r["rc"], r["stderr"].count("\\n"), r["stderr"].startswith("convac grid: stdin")
(2, 1, True)
"""

from __future__ import annotations

import json
import subprocess
import sys

ZYGOTE = r"""
import json, os, resource, signal, sys, time
import numpy, sympy, flint, networkx  # noqa: F401  (the heavy imports, once)
import theorems.entry, theorems.cli.app, symbolic.spec.network, symbolic.kernel.recheck  # noqa: F401
from theorems.cli import app
for name in ("check", "grid", "plot", "rank", "recheck", "search", "show", "spec", "verify"):
    __import__("theorems.cli." + name)
out = sys.stdout
for line in sys.stdin:
    req = json.loads(line)
    t = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child: one convac run
        try:
            fin = os.open(req["stdin"], os.O_RDONLY)
            fout = os.open(req["out"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            ferr = os.open(req["err"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            for fd, target in ((fin, 0), (fout, 1), (ferr, 2)):
                os.dup2(fd, target)
            sys.stdin = open(0, closefd=False)
            sys.stdout = open(1, "w", closefd=False)
            sys.stderr = open(2, "w", closefd=False)
            resource.setrlimit(resource.RLIMIT_AS, (req["limit"], req["limit"]))
            os.environ.update(req.get("env", {}))
            rc = theorems.entry.main(req["argv"])
            sys.stdout.flush(); sys.stderr.flush()
        except SystemExit as e:
            rc = e.code if isinstance(e.code, int) else 1
            sys.stdout.flush(); sys.stderr.flush()
        except BaseException:
            import traceback
            traceback.print_exc()
            sys.stderr.flush()
            rc = 99
        os._exit(rc if isinstance(rc, int) else 1)
    deadline, status, usage = t + req["timeout"], None, None
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        if time.perf_counter() > deadline:
            os.kill(pid, signal.SIGKILL)
            _, status, usage = os.wait4(pid, 0)
            status = None
            break
        time.sleep(0.002)
    rc = "timeout" if status is None else (os.waitstatus_to_exitcode(status))
    out.write(json.dumps({"rc": rc, "seconds": time.perf_counter() - t, "rss_mb": usage.ru_maxrss / 1024,
                          "cpu": usage.ru_utime + usage.ru_stime}) + "\n")
    out.flush()
"""


class Zygote:
    """A zygote process; :meth:`run` forks one ``convac`` run from it (see the module docstring)."""

    def __init__(self, cwd=None):
        self.proc = subprocess.Popen([sys.executable, "-c", ZYGOTE], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, cwd=cwd)
        import tempfile

        self.dir = tempfile.TemporaryDirectory(prefix="convac-zygote-")

    def run(self, argv, stdin_path: str = "/dev/null", *, stdin_text: str | None = None, timeout: float = 30.0,
            limit: int = 3 << 30, env: dict | None = None) -> dict:
        """Run ``convac ARGV`` in a forked child; returns rc, seconds (wall, for reports only), cpu (user + system
        seconds of the child and the processes it waited for: what tests bound), rss_mb (the peak), stdout, stderr."""
        import os

        if stdin_text is not None:
            stdin_path = os.path.join(self.dir.name, "stdin")
            with open(stdin_path, "w") as fh:
                fh.write(stdin_text)
        out, err = os.path.join(self.dir.name, "out"), os.path.join(self.dir.name, "err")
        req = {"argv": [str(a) for a in argv], "stdin": str(stdin_path), "out": out, "err": err,
               "timeout": timeout, "limit": limit, "env": env or {}}
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        assert line, "the zygote died"
        r = json.loads(line)
        with open(out, errors="replace") as fo, open(err, errors="replace") as fe:
            r["stdout"], r["stderr"] = fo.read(), fe.read()
        return r

    def close(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(timeout=30)
        self.dir.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def completed(r: dict):
    """A :meth:`Zygote.run` result shaped like ``subprocess.CompletedProcess`` (returncode, stdout, stderr)."""
    from types import SimpleNamespace

    return SimpleNamespace(returncode=r["rc"], stdout=r["stdout"], stderr=r["stderr"], seconds=r["seconds"],
                           rss_mb=r["rss_mb"])

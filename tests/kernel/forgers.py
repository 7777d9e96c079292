"""Helpers of the forger suites (tests/kernel/test_forger_*.py): genuine answers made by the library, the
verdict of the trusted kernel on an answer, and a resource-bounded run of ``convac recheck`` in a forked
child (RLIMIT_CPU and RLIMIT_AS: a forgery that makes the kernel work without end cannot stall the suite).

Every forgery must be rejected with exit 1 or 2, one line per result, no traceback; genuine answers pass.
"""

from __future__ import annotations

import copy
import functools
import json
import os
import resource
import signal
import sys
import tempfile
import time

from symbolic.kernel.parse import ParseError
from symbolic.kernel.recheck import recheck

CPU_LIMIT = 8           # seconds of CPU a forked recheck may use (the issue: "well inside 10 s")
MEM_LIMIT = 2 << 30     # address space of the forked recheck
RSS_LIMIT = 1 << 30     # peak resident memory a rejection may need (the issue: "under 1 GB")


@functools.cache
def _genuine_json() -> str:
    from symbolic.rank.pipeline import rank_answer, rank_result
    from symbolic.spec.network import deep, shallow
    from theorems.claims.catalog import CATALOG
    from theorems.claims.laws import laws_answer
    from theorems.search.rank_bound import rank_bound_answer
    from theorems.universality.decide import decide_universality, universality_json
    from theorems.claims.verdict import answer

    out = {}
    out["rank"] = answer("rank", [rank_result(rank_answer(s, p)) for s, p in (
        (deep(N=4, M=2, activation="relu", pooling="max", seed=1), "odd-even"),
        (deep(N=4, M=2, widths=(2, 1), seed=1), "halves"),
        (shallow(N=4, M=2, Z=1, activation="relu", pooling="sum", seed=2), "0,3"),
        (deep(N=4, M=2, weights="symbolic"), "odd-even"))])
    out["laws"] = answer("check laws", [r for a, p in (("relu", "max"), ("relu", "average"))
                                        for r in laws_answer(a, p)["results"]])
    out["universality"] = answer("check universality", [
        universality_json(decide_universality(activation=a, pooling=p, architecture=arch, N=N, M=2),
                          question="")["results"][0]
        for a, p, arch, N in (("abs", "max", "shallow", 2), ("relu", "average", "shallow", 2),
                              ("relu", "sum", "deep", 4), ("relu", "average", "deep", 4))])
    out["search"] = answer("search", rank_bound_answer(architecture="shallow", activation="relu", pooling="max", N=4,
                                                       M=2, widths=(1,), partition="odd-even", bound="Z",
                                                       examples=100)["results"])
    out["verify"] = answer("verify", [c.check(**c.instances("small")[0], seed=0).result() for c in CATALOG],
                           summary=True)
    from theorems import decide_depth

    for a, p in (("relu", "max"), ("linear", "product")):
        out[f"depth_{a}"] = decide_depth(a, p, N=4, M=2).to_dict()
    return json.dumps(out)


def genuine(name: str) -> dict:
    """A fresh copy of a genuine answer: rank, laws, universality, search, verify, depth_relu or depth_linear."""
    return json.loads(_genuine_json())[name]


def claim_result(cid: str) -> dict:
    """The genuine verify result of one catalog claim (its small instance)."""
    return next(r for r in genuine("verify")["results"] if r["statement"]["claim"] == cid)


def envelope(command: str, *results) -> dict:
    return {"convac": 1, "command": command, "results": [copy.deepcopy(r) for r in results]}


def verdict(obj):
    """(exit code, rendered report) of the kernel on an answer object, in process. Anything but a one-line
    ParseError escaping the kernel is a crash (a traceback in ``convac recheck``) and fails the test."""
    try:
        r = recheck(obj)
    except ParseError as e:
        assert "\n" not in str(e), str(e)
        return 2, str(e)
    text = r.render()
    assert len(text.splitlines()) == len(r.lines) + 1 + any(x.listed for x in r.lines), text
    return r.exit_code, text


def assert_rejected(obj, codes=(1, 2), why=""):
    code, text = verdict(obj)
    assert code in codes, f"ACCEPTED ({why}): exit {code}\n{text}"
    return text


def assert_accepted(obj):
    code, text = verdict(obj)
    assert code == 0, text
    return text


def run_limited(text, *, cpu=CPU_LIMIT, mem=MEM_LIMIT, wall=120.0) -> dict:
    """``convac recheck FILE`` on ``text`` (a str, bytes or an answer object) in a forked child under
    RLIMIT_CPU ``cpu`` s and RLIMIT_AS ``mem``: {rc, signal, stdout, stderr, cpu, rss}. ``wall`` only stops a
    child that neither works nor ends (never an assertion)."""
    if isinstance(text, dict):
        text = json.dumps(text)
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    with tempfile.TemporaryDirectory() as d:
        path, out, err = (os.path.join(d, n) for n in ("answer.json", "out", "err"))
        with open(path, "wb") as f:
            f.write(data)
        pid = os.fork()
        if pid == 0:  # the child: one recheck, under limits
            rc = 99
            try:
                for name, target in ((out, 1), (err, 2)):
                    os.dup2(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), target)
                resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
                resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
                sys.stdout, sys.stderr = open(1, "w", closefd=False), open(2, "w", closefd=False)
                from theorems.cli.recheck import main

                rc = main([path])
                sys.stdout.flush()
                sys.stderr.flush()
            except BaseException:  # noqa: BLE001 - a traceback is what the test looks for
                import traceback

                traceback.print_exc()
                sys.stderr.flush()
                rc = 99
            os._exit(rc if isinstance(rc, int) else 98)
        t0, status, usage = time.monotonic(), None, None
        while True:
            done, status, usage = os.wait4(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() - t0 > wall:
                os.kill(pid, signal.SIGKILL)
                _, status, usage = os.wait4(pid, 0)
                break
            time.sleep(0.02)
        with open(out, errors="replace") as f1, open(err, errors="replace") as f2:
            so, se = f1.read(), f2.read()
    sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    return {"rc": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None, "signal": sig, "stdout": so,
            "stderr": se, "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss * 1024}


def assert_refused_cheaply(obj, *, cpu=CPU_LIMIT):
    """Rejected (exit 1 or 2), one line per result, no traceback, within the CPU and memory budget."""
    r = run_limited(obj, cpu=cpu)
    msg = f"rc={r['rc']} signal={r['signal']} cpu={r['cpu']:.1f}s rss={r['rss'] >> 20} MB\n" \
          f"{r['stdout'][-600:]}\n{r['stderr'][-600:]}"
    assert r["signal"] is None and r["rc"] in (1, 2), msg
    assert "Traceback" not in r["stderr"] + r["stdout"], msg
    assert r["rc"] != 2 or r["stderr"].count("\n") <= 1 or r["stdout"], msg
    assert r["cpu"] < cpu and r["rss"] < RSS_LIMIT, msg
    return r


def cli(obj) -> dict:
    """A cheap real run of ``convac recheck`` (forked, bounded) for the exit code and the printed lines."""
    return run_limited(obj)

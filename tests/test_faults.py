"""Fault injection (issue 21): hostile files, time limits and signals, damaged and shared journals, killed
parents, oversized pools, full disks, overflowing weights and values that used to fail late.

Each case runs the real command line: forked from the zygote (tests/forkserver.py) when only its exit status
and output matter, as a separate process when a signal or a full disk is the point. Each must end with its
documented exit status (README, *Exit codes*: 2 bad input or refused, 3 stopped by --timeout, 130 SIGINT,
143 SIGTERM) and one line on stderr, without a traceback, losing and double-counting nothing. No test
asserts wall-clock time: CPU time is bounded (``wait4``), and the few waits are polls with generous deadlines.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time

import pytest

from symbolic.spec.network import deep, dump_spec, shallow

CLI = [sys.executable, "-c", "import sys; from theorems.entry import main; sys.exit(main())"]
CPU_SECONDS = 30.0  # generous: every refusal here costs well under a second of CPU


def one_line(r: dict, rc: int = 2, *needles) -> str:
    """Assert exit ``rc`` and exactly one line on stderr, no traceback, holding every needle."""
    err = r["stderr"]
    assert r["rc"] == rc, (r["rc"], err[-800:])
    assert err.count("\n") == 1 and err.startswith("convac"), err[-1500:]
    assert "Traceback" not in err, err
    for n in needles:
        assert n in err, (n, err)
    assert r.get("cpu", 0) < CPU_SECONDS, r.get("cpu")
    return err


def run(zygote, argv, **kw) -> dict:
    return zygote.run([str(a) for a in argv], timeout=kw.pop("timeout", 120.0), **kw)


def spawn(argv, **kw) -> dict:
    """``convac ARGV`` as a new process (for signals and full disks)."""
    p = subprocess.run(CLI + [str(a) for a in argv], capture_output=True, text=True, timeout=600, **kw)
    return {"rc": p.returncode, "stdout": p.stdout, "stderr": p.stderr}


@pytest.fixture
def small_spec(tmp_path):
    f = tmp_path / "s.json"
    f.write_text(dump_spec(shallow(N=2, M=2, seed=0)))
    return f


@pytest.fixture
def fifo(tmp_path):
    f = tmp_path / "fifo"
    os.mkfifo(f)
    return f


# ----------------------------------------------------------------------------- 1. unbounded reads
@pytest.mark.parametrize("argv", [
    ["grid", "{fifo}"], ["rank", "{fifo}"], ["recheck", "{fifo}"], ["grid", "/dev/zero"], ["recheck", "/dev/zero"],
    ["verify", "--only", "laws", "--journal", "/dev/zero"], ["verify", "--only", "laws", "--journal", "/dev/full"],
    ["verify", "--only", "laws", "--journal", "{fifo}"], ["verify", "--only", "laws", "--save", "{fifo}"],
    ["plot", "circuit", "{spec}", "-o", "{fifo}.png"],
], ids=lambda a: " ".join(a))
def test_fifos_and_devices_are_refused_at_once(zygote, tmp_path, fifo, small_spec, argv):
    os.mkfifo(str(fifo) + ".png")
    argv = [a.replace("{fifo}", str(fifo)).replace("{spec}", str(small_spec)) for a in argv]
    err = one_line(run(zygote, argv))
    assert "regular file" in err, err


def test_a_journal_larger_than_the_memory_limit_is_refused(zygote, tmp_path):
    j = tmp_path / "j.jsonl"
    with open(j, "wb") as fh:
        fh.truncate(3 << 20)  # 3 MiB of zeros, sparse
    one_line(run(zygote, ["verify", "--only", "laws", "--journal", j, "--max-memory", "2M"]), 2,
             "more than the memory limit")


# ----------------------------------------------------------------------------- 2. --timeout and signals
@pytest.fixture(scope="module")
def long_rank(tmp_path_factory):
    """A rank that passes every up-front check and then sits in python-flint for many minutes."""
    f = tmp_path_factory.mktemp("long") / "n.json"
    f.write_text(dump_spec(deep(N=8, M=6, activation="relu", pooling="max", seed=0)))
    return f


def test_timeout_stops_a_flint_rank_with_exit_3(zygote, long_rank):
    r = run(zygote, ["rank", long_rank, "--timeout", "3", "-q"])
    err = one_line(r, 3, "stopped by the time limit (--timeout 3)")
    assert "it was at:" in err
    assert r["cpu"] < 120  # the child was killed, not waited for: bounded CPU, never the 13 minutes of the rank


def _descendants(pid: int) -> set:
    """Every live process below ``pid`` (from /proc)."""
    kids, out = {}, set()
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kids.setdefault(ppid, []).append(int(d))
    todo = [pid]
    while todo:
        for k in kids.get(todo.pop(), ()):
            out.add(k)
            todo.append(k)
    return out


def _alive(pids) -> set:
    live = set()
    for p in pids:
        try:
            with open(f"/proc/{p}/stat") as fh:
                if fh.read().rsplit(")", 1)[1].split()[0] != "Z":
                    live.add(p)
        except OSError:
            pass
    return live


def _poll(cond, deadline: float, step: float = 0.1) -> bool:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(step)
    return cond()


@pytest.mark.parametrize("sig, rc, name", [(signal.SIGINT, 130, "SIGINT"), (signal.SIGTERM, 143, "SIGTERM")])
def test_a_signal_stops_a_flint_rank_and_its_child(long_rank, tmp_path, sig, rc, name):
    err_path = tmp_path / "err"
    with open(err_path, "w") as err:
        p = subprocess.Popen(CLI + ["rank", str(long_rank)], stdout=subprocess.DEVNULL, stderr=err)
    try:
        assert _poll(lambda: "exact rank" in err_path.read_text() or p.poll() is not None, 300), err_path.read_text()
        kids = _descendants(p.pid)
        assert kids, "the work runs in a child process"
        p.send_signal(sig)
        p.wait(timeout=60)  # a deadline only; it ends within a second
    finally:
        if p.poll() is None:
            p.kill()
    lines = err_path.read_text().splitlines()
    assert p.returncode == rc, lines
    assert lines[-1].startswith(f"convac rank: interrupted by {name}"), lines
    assert not any("Traceback" in x for x in lines)
    assert _poll(lambda: not _alive(kids), 10), _alive(kids)


@pytest.mark.parametrize("sig, rc, name", [(signal.SIGINT, 130, "SIGINT"), (signal.SIGTERM, 143, "SIGTERM")])
def test_a_signal_stops_a_long_recheck_and_its_child(tmp_path, sig, rc, name):
    """convac recheck runs the kernel in a forked child: a signal stops it at once, even when the process
    started with SIGINT ignored (as under nohup or a test runner's worker)."""
    law = {"statement": {"type": "law", "activation": "relu", "pooling": "average", "law": "associativity"},
           "status": "refuted", "certificate": {"kind": "counterexample", "point": {"a": 1, "b": 0, "c": 0}}}
    big = tmp_path / "big.json"  # many results: minutes of kernel work (each one checked, then refused as repeated)
    big.write_text(json.dumps({"convac": 1, "command": "check laws", "results": [law] * 100_000}))
    err_path = tmp_path / "err"
    with open(err_path, "w") as err:
        p = subprocess.Popen(CLI + ["recheck", str(big)], stdout=subprocess.DEVNULL, stderr=err,
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    try:
        assert _poll(lambda: _descendants(p.pid) or p.poll() is not None, 60)
        kids = _descendants(p.pid)
        assert kids and p.poll() is None, "the kernel runs in a child process"
        p.send_signal(sig)
        p.wait(timeout=60)  # a deadline only; it ends within a second or two
    finally:
        if p.poll() is None:
            p.kill()
    lines = err_path.read_text().splitlines()
    assert p.returncode == rc and lines == [f"convac recheck: stopped by {name}; nothing was verified"], lines
    assert _poll(lambda: not _alive(kids), 10), _alive(kids)


# ----------------------------------------------------------------------------- 3-5. journals
@pytest.fixture(scope="module")
def generic_journal(tmp_path_factory):
    """The journal lines of depth.convac.generic (5 instances; two differ only by widths filled in)."""
    from theorems.run.sweep import run_sweep

    j = tmp_path_factory.mktemp("gen") / "j.jsonl"
    rows = run_sweep("small", ["depth.convac.generic"], show_progress=False, journal=str(j))
    assert all(r["status"] == "proved" for r in rows)
    return j.read_text().splitlines()


def _answer(r):
    assert r["rc"] in (0, 1), r["stderr"]
    return json.loads(r["stdout"])


def test_a_duplicated_line_with_another_missing_is_refused(zygote, tmp_path, generic_journal):
    lines = [json.loads(x) for x in generic_journal]
    dup = next(n for n, x in enumerate(lines) if x["statement"]["instance"].get("widths") == [2, 2]
               and x["statement"]["instance"]["M"] == 3)
    gone = next(n for n, x in enumerate(lines) if x["statement"]["instance"].get("widths") == [3, 3])
    j = tmp_path / "j.jsonl"
    kept = [x for n, x in enumerate(generic_journal) if n != gone]
    j.write_text("\n".join(kept + [generic_journal[dup]]) + "\n")
    before = j.read_text()
    one_line(run(zygote, ["verify", "--only", "depth.convac.generic", "--journal", j]), 2,
             "which an earlier line answers already", "the same statement twice")
    assert j.read_text() == before  # nothing appended


def test_a_missing_line_is_computed_from_the_task_list(zygote, tmp_path, generic_journal):
    lines = [json.loads(x) for x in generic_journal]
    gone = next(n for n, x in enumerate(lines) if x["statement"]["instance"].get("widths") == [3, 3])
    j = tmp_path / "j.jsonl"
    j.write_text("\n".join(x for n, x in enumerate(generic_journal) if n != gone) + "\n")
    ans = _answer(run(zygote, ["verify", "--only", "depth.convac.generic", "--journal", j, "--json", "--quiet"]))
    keys = [json.dumps(r["statement"], sort_keys=True) for r in ans["results"]]
    assert len(keys) == len(set(keys)) == 5 and ans["summary"]["proved"] == 5
    assert sorted(json.loads(x)["statement"]["instance"].get("widths") == [3, 3] for x in j.read_text().splitlines()) \
        == [False] * 4 + [True]  # the missing task ran, once


def test_unproved_lines_are_retried(zygote, tmp_path, generic_journal):
    j = tmp_path / "j.jsonl"
    first = json.loads(generic_journal[0])
    unproved = [dict(first, status=s, certificate=None) for s in ("inconclusive", "tested")]
    j.write_text("".join(json.dumps(x) + "\n" for x in unproved) + "\n".join(generic_journal[1:]) + "\n")
    ans = _answer(run(zygote, ["verify", "--only", "depth.convac.generic", "--journal", j, "--json", "--quiet"]))
    assert [r["status"] for r in ans["results"]] == ["proved"] * 5
    journal = [json.loads(x) for x in j.read_text().splitlines()]
    assert len(journal) == 7 and journal[-1]["statement"] == first["statement"] and journal[-1]["status"] == "proved"
    again = _answer(run(zygote, ["verify", "--only", "depth.convac.generic", "--journal", j, "--json", "--quiet"]))
    assert again["results"] == ans["results"] or [r["statement"] for r in again["results"]] == \
        [r["statement"] for r in ans["results"]]
    assert len(j.read_text().splitlines()) == 7  # nothing left to run


def test_a_second_run_on_a_journal_in_use_is_refused(zygote, tmp_path):
    from theorems.run.sweep import open_journal

    j = tmp_path / "j.jsonl"
    with open_journal(str(j)):  # a run holding the journal
        one_line(run(zygote, ["verify", "--only", "laws", "--journal", j]), 2, "in use by another convac run")
    assert j.read_text() == ""
    r = run(zygote, ["verify", "--only", "laws", "--journal", j, "--quiet"])  # free again
    assert r["rc"] == 0, r["stderr"]


# ----------------------------------------------------------------------------- 6. orphans
def test_pool_workers_die_with_a_killed_parent(tmp_path):
    p = subprocess.Popen(CLI + ["verify", "--size", "medium", "--jobs", "2", "--quiet"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # the supervised child and its 2 pool workers
        assert _poll(lambda: len(_descendants(p.pid)) >= 3 or p.poll() is not None, 300)
        kids = _descendants(p.pid)
        assert p.poll() is None, "the sweep ended before its workers could be seen"
        p.kill()
        p.wait(timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
    assert _poll(lambda: not _alive(kids), 10), f"left running: {_alive(kids)}"


# ----------------------------------------------------------------------------- 7. caps
@pytest.mark.parametrize("argv", [["verify", "--jobs", "10000"], ["verify", "--workers", "10000"],
                                  ["search", "rank-bound", "--architecture", "shallow", "--activation", "relu",
                                   "--pooling", "max", "--N", "2", "--M", "2", "--Z", "1", "--partition", "odd-even",
                                   "--bound", "Z", "--jobs", "10000"]], ids=["jobs", "workers", "search-jobs"])
def test_pools_are_capped(zygote, argv):
    one_line(run(zygote, argv), 2, "10000: at most", "per core", "open-file limit")


# ----------------------------------------------------------------------------- 8. full disks and overflows
@pytest.fixture
def full_dir(tmp_path):
    """A folder with no space left: a 64 KiB tmpfs, filled (as root); else None (RLIMIT_FSIZE is used)."""
    d = tmp_path / "full"
    d.mkdir()
    mounted = os.geteuid() == 0 and subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(d)],
                                                   capture_output=True).returncode == 0
    if mounted:
        with open(d / "pad", "wb") as fh:
            try:
                fh.write(b"\0" * (1 << 20))
            except OSError:
                pass
    yield d, mounted
    if mounted:
        subprocess.run(["umount", "-l", str(d)], capture_output=True)


def _fsize_limit():
    """No file may grow past 0 bytes (and SIGXFSZ, inherited as ignored, turns into EFBIG)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


@pytest.mark.parametrize("argv, to_stdout, needle", [
    (["verify", "--only", "laws", "--json"], True, "standard output: cannot be written"),
    (["verify", "--only", "laws", "--quiet", "--journal", "{full}/j.jsonl"], False, "--journal"),
    (["verify", "--only", "laws", "--quiet", "--save", "{full}/s.json"], False, "--save"),
    (["plot", "circuit", "{spec}", "-o", "{full}/c.png"], False, "-o"),
    (["search", "rank-bound", "--architecture", "shallow", "--activation", "relu", "--pooling", "max", "--N", "4",
      "--M", "2", "--Z", "1", "--partition", "odd-even", "--bound", "Z", "--save", "{full}/ce.json"], False, "--save"),
    (["recheck", "--json", "{laws}"], True, "standard output: cannot be written"),
], ids=["stdout", "journal", "save", "plot", "search-save", "recheck-stdout"])
def test_a_full_disk_is_one_line(tmp_path, full_dir, small_spec, argv, to_stdout, needle):
    d, mounted = full_dir
    laws = tmp_path / "laws.json"
    if "{laws}" in argv:
        r = spawn(["verify", "--only", "laws", "--save", laws, "--quiet"])
        assert r["rc"] == 0, r["stderr"]
    argv = [a.replace("{full}", str(d)).replace("{spec}", str(small_spec)).replace("{laws}", str(laws)) for a in argv]
    kw = {} if mounted else {"preexec_fn": _fsize_limit}
    if to_stdout:
        with open(d / "out", "w") as out:
            p = subprocess.run(CLI + argv, stdout=out, stderr=subprocess.PIPE, text=True, timeout=600, **kw)
        r = {"rc": p.returncode, "stderr": p.stderr, "stdout": ""}
    else:
        r = spawn(argv, **kw)
    err = r["stderr"]
    if "search" in argv and r["rc"] == 1:  # no counterexample found: nothing was saved, nothing to fail
        return
    one_line(r, 2, needle, "cannot be written")
    assert "(No space left on device)" in err or "(File too large)" in err, err


@pytest.mark.parametrize("argv", [["grid", "{e}"], ["rank", "{e}"], ["plot", "tensor", "{e}", "-o", "{tmp}/e.png"]],
                         ids=["grid", "rank", "plot"])
def test_an_exp_1000_weight_is_one_line(zygote, tmp_path, argv):
    e = tmp_path / "e.json"
    e.write_text(json.dumps({"architecture": "shallow", "N": 2, "M": 2, "activation": "relu", "pooling": "max",
                             "weights": {"hidden": [[["exp(1000)", 0], [0, 1]]], "output": [[1]]}}))
    argv = [a.replace("{e}", str(e)).replace("{tmp}", str(tmp_path)) for a in argv]
    one_line(run(zygote, argv), 2, "exp(1000)")
    assert not (tmp_path / "e.png").exists()


# ----------------------------------------------------------------------------- 9-10. values checked up front
SEARCH = ["search", "rank-bound", "--architecture", "shallow", "--activation", "relu", "--pooling", "max",
          "--N", "2", "--M", "2", "--Z", "1", "--partition", "odd-even", "--bound", "Z"]


@pytest.mark.parametrize("argv, needle", [
    (["verify", "--seed", "-1"], "--seed"),
    (["rank", "{spec}", "--seed", "-1", "--json"], "--seed"),
    (SEARCH + ["--seed", "-1"], "--seed"),
    (["check", "universality", "--activation", "relu", "--pooling", "max", "--N", "2", "--M", "2", "--seed", "-1"],
     "--seed"),
    (SEARCH + ["--budget", "nan"], "--budget nan"),
    (SEARCH + ["--budget", "inf"], "--budget inf"),
    (["check", "universality", "--activation", "relu", "--pooling", "max", "--architecture", "deep", "--N", "4",
      "--M", "2", "--widths", "0,0"], "--widths"),
    (["grid", "{spec}", "--modulus", "4"], "--modulus 4: applies to --engine modular"),
    (["grid", "{spec}", "--modulus", "4", "--engine", "modular"], "--modulus 4: expected a prime"),
    (["verify", "--scheduler", "garbage://x"], "--scheduler 'garbage://x'"),
    (["grid", "{spec}", "--timeout", "inf"], "--timeout 'inf'"),
    (["grid", "{spec}", "--timeout", "-1"], "--timeout '-1'"),
], ids=lambda x: " ".join(x) if isinstance(x, list) else None)
def test_bad_values_are_refused_up_front(zygote, small_spec, argv, needle):
    argv = [a.replace("{spec}", str(small_spec)) for a in argv]
    one_line(run(zygote, argv), 2, needle)


def test_a_claim_named_twice_is_refused_before_anything_is_written(zygote, tmp_path):
    d = tmp_path / "d.json"
    one_line(run(zygote, ["verify", "--only", "laws", "laws", "--save", d]), 2, "--only: laws is named twice")
    assert not d.exists()


def test_large_limits_are_accepted_as_arguments(zygote):
    """--max-memory 1000G and --max-entries 2^50 used to fail with 'CONVAC_MAX_MEMORY: expected ...'."""
    r = run(zygote, ["verify", "--only", "laws", "--max-memory", "1000G", "--max-entries", "2^50", "--quiet"])
    assert r["rc"] == 0 and r["stderr"] == "", r["stderr"]
    from symbolic.limits import ENV_MAX_MEMORY, Limits, set_limits, use_limits

    with use_limits(None):
        assert set_limits("1000G", "2^50") == Limits(1000 << 30, 1 << 50)
        assert ENV_MAX_MEMORY not in os.environ


def test_the_environment_gives_the_command_line_its_default_limits(tmp_path):
    """CONVAC_MAX_ENTRIES is read by the command line only (the library takes ``limits=``); a flag wins."""
    f = tmp_path / "s.json"
    f.write_text(dump_spec(shallow(N=10, M=2, Z=1, seed=0)))
    env = dict(os.environ, CONVAC_MAX_ENTRIES="1000")
    one_line(spawn(["grid", f], env=env), 2, "the limit is 1,000 entries (--max-entries)")
    assert spawn(["grid", f, "--max-entries", "2^10"], env=env)["rc"] == 0
    one_line(spawn(["grid", f], env=dict(os.environ, CONVAC_MAX_ENTRIES="lots")), 2, "CONVAC_MAX_ENTRIES", "'lots'")


def test_a_timeout_as_a_library_argument():
    from theorems.run.supervise import TimedOut, supervised
    from theorems.run.sweep import run_sweep

    assert supervised(lambda: sum(range(10)), timeout=60) == 45
    rows = run_sweep("small", ["laws"], show_progress=False, timeout=600)
    assert [r["status"] for r in rows] == ["proved"]
    with pytest.raises(TimedOut, match="--timeout 0.2"):
        supervised(lambda: time.sleep(60), timeout=0.2)

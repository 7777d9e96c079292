"""``convac verify --journal``: results streamed as JSON lines, and a stopped run resumed (issue 13).

A run of ``--only laws sharing`` is stopped (its journal cut after a few results, the last line
cut in half; or the process killed), then rerun with the same journal: the answer holds every
result exactly once, equal to an uninterrupted run's (``seconds`` aside), and so does the journal.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

CLI = [sys.executable, "-c", "import sys; from theorems.entry import main; sys.exit(main())"]
ONLY = ["verify", "--only", "laws", "sharing"]


def convac(*args, timeout=300):
    return subprocess.run(CLI + [str(a) for a in args], capture_output=True, text=True, timeout=timeout)


def _plain(results):
    return [dict(r, seconds=None) for r in results]


def _bag(results):
    """The results as a multiset (a journal is written in the order results finish)."""
    return sorted(json.dumps(r, sort_keys=True) for r in _plain(results))


def _lines(path):
    return [json.loads(x) for x in path.read_text().splitlines()]


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    d = tmp_path_factory.mktemp("whole")
    j = d / "j.jsonl"
    r = convac(*ONLY, "--journal", j, "--json")
    assert r.returncode == 0, r.stderr
    ans = json.loads(r.stdout)
    assert _bag(_lines(j)) == _bag(ans["results"])  # the journal holds the answer's results, in finishing order
    return ans


def _check_resumed(ans, journal, expected):
    results = ans["results"]
    assert _plain(results) == _plain(expected["results"])
    statements = [json.dumps(r["statement"], sort_keys=True) for r in results]
    assert len(statements) == len(set(statements)) == len(expected["results"])  # each exactly once
    assert _bag(_lines(journal)) == _bag(expected["results"])
    assert ans["summary"] == expected["summary"]


def test_resume_after_a_cut_journal(tmp_path, uninterrupted):
    j = tmp_path / "j.jsonl"
    lines = [json.dumps(r) for r in uninterrupted["results"]]
    j.write_text("\n".join(lines[:3]) + "\n" + lines[3][: len(lines[3]) // 2])  # killed while writing line 4
    save = tmp_path / "answer.json"
    r = convac(*ONLY, "--journal", j, "--json", "--save", save)
    assert r.returncode == 0, r.stderr
    _check_resumed(json.loads(r.stdout), j, uninterrupted)
    _check_resumed(json.loads(save.read_text()), j, uninterrupted)
    q = convac("recheck", save)
    assert q.returncode == 0 and q.stdout.splitlines()[-1] == f"{len(lines)} of {len(lines)} statements verified"


def test_resume_after_a_kill(tmp_path, uninterrupted):
    j = tmp_path / "j.jsonl"
    p = subprocess.Popen(CLI + ONLY + ["--journal", str(j), "--quiet"], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    t = time.monotonic()
    while p.poll() is None and time.monotonic() - t < 120:
        if j.exists() and j.read_bytes().count(b"\n") >= 3:
            p.send_signal(signal.SIGKILL)
            break
        time.sleep(0.005)
    p.wait(timeout=60)
    r = convac(*ONLY, "--journal", j, "--json", "--jobs", "2")
    assert r.returncode == 0, r.stderr
    _check_resumed(json.loads(r.stdout), j, uninterrupted)


def test_ctrl_c_leaves_a_journal_that_resumes(tmp_path, uninterrupted):
    j = tmp_path / "j.jsonl"
    p = subprocess.Popen(CLI + ONLY + ["--journal", str(j), "--jobs", "2"], stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True, start_new_session=True)
    t = time.monotonic()
    while p.poll() is None and time.monotonic() - t < 120:
        if j.exists() and j.read_bytes().count(b"\n") >= 2:
            os.killpg(p.pid, signal.SIGINT)  # Ctrl-C reaches the whole process group
            break
        time.sleep(0.005)
    _, err = p.communicate(timeout=120)
    assert p.returncode in (0, 130), err
    if p.returncode == 130:
        assert err.splitlines()[-1].startswith("convac verify: interrupted by SIGINT")
    r = convac(*ONLY, "--journal", j, "--json")
    assert r.returncode == 0, r.stderr
    _check_resumed(json.loads(r.stdout), j, uninterrupted)


def test_a_journal_of_another_run_is_refused(tmp_path, uninterrupted):
    j = tmp_path / "j.jsonl"
    lines = [json.dumps(r) for r in uninterrupted["results"]]
    j.write_text("\n".join(lines[:3]) + "\n")
    r = convac(*ONLY, "--journal", j, "--seed", "1")
    assert r.returncode == 2 and r.stderr.count("\n") == 1, r.stderr
    assert "line 1: a result of seed 0, but this run has seed 1" in r.stderr
    r = convac("verify", "--only", "sharing", "--journal", j)
    assert r.returncode == 2 and "written by another sweep" in r.stderr and r.stderr.count("\n") == 1, r.stderr
    forged = [dict(uninterrupted["results"][0], status="refuted")] + uninterrupted["results"][1:3]
    j.write_text("".join(json.dumps(x) + "\n" for x in forged))
    r = convac(*ONLY, "--journal", j)
    assert r.returncode == 2 and "does not re-verify with the trusted kernel" in r.stderr, r.stderr
    j.write_text("not json\n" + lines[1] + "\n")
    r = convac(*ONLY, "--journal", j)
    assert r.returncode == 2 and r.stderr.startswith(f"convac verify: --journal {j}: line 1: not JSON"), r.stderr
    r = convac("verify", "--variants", "--journal", j)
    assert r.returncode == 2 and "not to --variants" in r.stderr


def test_run_sweep_journal_in_process(tmp_path, uninterrupted):
    from theorems.run.sweep import run_sweep

    j = tmp_path / "j.jsonl"
    lines = [json.dumps(r) for r in uninterrupted["results"]]
    j.write_text("\n".join(lines[:5]) + "\n")
    rows = run_sweep("small", ["laws", "sharing"], jobs=1, seed=0, show_progress=False, journal=str(j))
    assert _plain([r["result"] for r in rows]) == _plain(uninterrupted["results"])
    assert [r["detail"] for r in rows[:5]] == ["from the journal, re-verified by the trusted kernel"] * 5

"""Sweeps on dask (issue 12), on a real LocalCluster: the same answer as one process, every result exactly once,
even when a worker is killed in the middle of the run, and a Ctrl-C'd embedded run resumed from its journal.

dask[distributed] is in the 'test' extra: these tests run in CI, never skipped.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from theorems.run.executors import ExecutorChoice
from theorems.run.sweep import run_sweep

#: About 0.5-1 s per task on one core: long enough to kill a worker while it works.
ONLY = ["universality.convac", "universality.relu_max"]
CLI = [sys.executable, "-c", "import sys; from theorems.entry import main; sys.exit(main())"]


def _plain(results):
    return [dict(r, seconds=None) for r in results]


def _keys(results):
    return [json.dumps(r["statement"], sort_keys=True) for r in results]


@pytest.fixture(scope="module")
def reference():
    """The answer of one process (the default executor), in catalog order."""
    return [r["result"] for r in run_sweep("small", ONLY, show_progress=False)]


@pytest.fixture(scope="module")
def cluster():
    import logging

    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                      silence_logs=logging.ERROR) as c, Client(c, set_as_default=False) as client:
        yield c, client


def test_a_killed_worker_loses_no_result_and_duplicates_none(tmp_path, reference, cluster):
    c, client = cluster
    client.wait_for_workers(2, timeout=60)
    j = tmp_path / "j.jsonl"
    killed = {}

    def kill_one_worker():  # the first worker found working on a task of the sweep is killed
        t = time.monotonic()
        pids = client.run(os.getpid)
        while time.monotonic() - t < 60:
            busy = [(a, keys) for a, keys in sorted(client.processing().items()) if keys and a in pids]
            if busy:
                addr, keys = busy[0]
                os.kill(pids[addr], signal.SIGKILL)
                killed.update(pid=pids[addr], processing=len(keys))
                return
            time.sleep(0.01)

    th = threading.Thread(target=kill_one_worker)
    th.start()
    rows = run_sweep("small", ONLY, show_progress=False, journal=str(j),
                     executor=ExecutorChoice("dask", scheduler=c.scheduler_address))
    th.join(timeout=60)
    assert killed.get("pid") and killed["processing"] >= 1  # the worker died in the middle of a task
    results = [r["result"] for r in rows]
    assert _plain(results) == _plain(reference)  # the same answer, in catalog order
    assert all(r["status"] == "proved" for r in results)
    lines = [json.loads(x) for x in j.read_text().splitlines()]
    assert sorted(_keys(lines)) == sorted(_keys(reference))  # the journal: each result exactly once
    assert len(set(_keys(lines))) == len(lines) == len(reference)


def test_an_interrupted_embedded_run_resumes_from_its_journal(tmp_path, reference):
    j = tmp_path / "j.jsonl"
    args = ["verify", "--only", *ONLY, "--executor", "dask", "--workers", "2", "--journal", str(j)]
    p = subprocess.Popen(CLI + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                         start_new_session=True)
    t = time.monotonic()
    while p.poll() is None and time.monotonic() - t < 120:
        if j.exists() and j.read_bytes().count(b"\n") >= 2:
            os.killpg(p.pid, signal.SIGINT)  # Ctrl-C reaches the whole process group, the cluster's too
            break
        time.sleep(0.01)
    _, err = p.communicate(timeout=120)
    assert p.returncode == 130, err  # interrupted, not finished
    assert err.splitlines()[-1].startswith("convac verify: interrupted by SIGINT"), err
    before = [json.loads(x) for x in j.read_text().splitlines()]
    if len(before) == len(reference):  # every task (milliseconds each) finished before Ctrl-C landed: the run
        # still ended as interrupted (above); resume from the journal's first two lines, as a partial one
        j.write_text("".join(x + "\n" for x in j.read_text().splitlines()[:2]))
        before = before[:2]
    assert 2 <= len(before) < len(reference)
    r = subprocess.run(CLI + args + ["--json", "--quiet"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    ans = json.loads(r.stdout)
    assert _plain(ans["results"]) == _plain(reference)  # the full answer, as if never interrupted
    lines = [json.loads(x) for x in j.read_text().splitlines()]
    assert lines[:len(before)] == before  # the journal was kept, and only completed
    assert sorted(_keys(lines)) == sorted(_keys(reference)) and len(set(_keys(lines))) == len(lines)


def test_a_search_on_the_cluster_is_the_search_of_its_shards(cluster):
    from theorems.search.counterexample import Family, find_counterexample, rank_bound

    c, _ = cluster
    fam = Family(architecture="shallow", activation="relu", pooling="max", N=4, M=2, widths=(1,))
    conj = rank_bound("odd-even", "Z")
    on_dask = find_counterexample(conj, fam, budget=40, seed=2,
                                  executor=ExecutorChoice("dask", scheduler=c.scheduler_address))
    here = find_counterexample(conj, fam, budget=40, seed=2, shards=on_dask.budget["shards"])  # one process
    assert on_dask.budget["shards"] == 2 and on_dask.status == here.status == "refuted"
    a, b = on_dask.to_dict(), here.to_dict()
    a.pop("seconds"), b.pop("seconds")
    assert a == b  # reproducible from the seed: the same shards, the same winner, shrunk and certified alike

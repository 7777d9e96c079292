"""Executors (theorems/run/executors.py): the same results whatever runs the tasks, longest first, one-line errors,
and dask an optional extra that nothing imports unless it is chosen."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings, strategies as st

from symbolic.errors import ConvacError, DomainError
from theorems.run.executors import ExecutorChoice, choose_executor, longest_first, open_executor


def _cube(x):
    return x ** 3


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-10**6, 10**6), max_size=12), st.randoms(use_true_random=False))
def test_serial_runs_longest_first_and_returns_every_result_once(xs, rnd):
    costs = [rnd.random() for _ in xs]
    with open_executor(choose_executor(jobs=1)) as ex:
        out = list(ex.run(_cube, xs, costs=costs))
    assert [i for i, _ in out] == sorted(range(len(xs)), key=lambda i: (-costs[i], i))  # the order of starts
    assert sorted(out) == [(i, x * x * x) for i, x in enumerate(xs)]  # the results, by a second route


def test_a_process_pool_gives_the_same_results_and_runs_closures():
    xs = list(range(-20, 20))
    k = 7
    with open_executor(choose_executor(jobs=2)) as ex:
        assert ex.slots == 2
        out = dict(ex.run(lambda x: x * k + 1, xs, costs=[abs(x) for x in xs]))  # a closure: handed over by fork
    assert out == {i: x * 7 + 1 for i, x in enumerate(xs)}


def test_stopping_early_stops_the_pool():
    import time

    with open_executor(choose_executor(jobs=2)) as ex:
        t = time.monotonic()
        runs = ex.run(time.sleep, [0.0] + [30.0] * 3, costs=[1, 0, 0, 0])
        assert next(runs) == (0, None)
        runs.close()  # the two sleeping processes are terminated, not waited for
    assert time.monotonic() - t < 10


def test_longest_first_is_a_stable_sort_by_decreasing_cost():
    costs = [3, 1, 3, 2, 0]
    order = longest_first(costs)
    assert sorted(order) == list(range(5))
    assert [costs[i] for i in order] == sorted(costs, reverse=True)
    assert order.index(0) < order.index(2)


@pytest.mark.parametrize("kwargs, message", [
    (dict(executor="threads"), "--executor 'threads': expected one of processes, dask"),
    (dict(executor="processes", scheduler="tcp://h:1"), "--scheduler tcp://h:1: runs on a dask cluster"),
    (dict(executor="processes", workers=2), "--workers 2: applies to --executor dask"),
    (dict(executor="dask", jobs=3), "--jobs 3: applies to --executor processes"),
    (dict(workers=2, scheduler="tcp://h:1"), "--workers 2: the cluster at --scheduler tcp://h:1 has its own workers"),
    (dict(jobs=0), "--jobs 0: expected an int >= 1"),
    (dict(executor="dask", workers=0), "--workers 0: expected an int >= 1"),
    (dict(scheduler=""), "--scheduler '': expected an address"),
])
def test_bad_choices_are_refused_in_one_line(kwargs, message):
    with pytest.raises(DomainError) as e:
        choose_executor(**kwargs)
    assert str(e.value).startswith(message) and "\n" not in str(e.value)


def test_choices():
    assert choose_executor() == ExecutorChoice("processes", 1)
    assert choose_executor(scheduler="tcp://h:8786") == ExecutorChoice("dask", 1, None, "tcp://h:8786")
    assert choose_executor(workers=3) == ExecutorChoice("dask", 1, 3)
    assert choose_executor("dask").workers >= 1


def test_a_missing_dask_is_one_line_naming_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed raises ImportError
    with pytest.raises(ConvacError) as e:
        open_executor(choose_executor("dask", workers=1))
    assert str(e.value) == "--executor dask: dask.distributed is not installed; pip install 'convac[dask]'"


def test_an_absent_scheduler_is_one_line(monkeypatch):
    import theorems.run.executors

    monkeypatch.setattr(theorems.run.executors, "CONNECT_TIMEOUT", 1.0)
    with pytest.raises(ConvacError) as e:
        open_executor(choose_executor(scheduler="tcp://127.0.0.1:9"))
    msg = str(e.value)
    assert msg.startswith("--scheduler tcp://127.0.0.1:9: no dask scheduler answers there") and "\n" not in msg


def test_nothing_in_the_core_imports_dask():
    code = ("import sys, theorems, theorems.api, theorems.run.sweep, theorems.search.counterexample, "
            "theorems.run.executors, theorems.cli.app\n"
            "from theorems.cli.app import main\n"
            "rc = main(['verify', '--only', 'laws', '--quiet'])\n"
            "print(rc, sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.stdout.splitlines()[-1] == "0 []", r.stdout + r.stderr


def test_the_cli_refuses_bad_executor_flags_in_one_line():
    cli = [sys.executable, "-c", "import sys; from theorems.entry import main; sys.exit(main())"]
    r = subprocess.run(cli + ["verify", "--executor", "processes", "--workers", "2"], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "--workers 2: applies to --executor dask" in r.stderr
    assert r.stdout == ""


def _die(x):
    import os
    import signal

    if x == 1:
        os.kill(os.getpid(), signal.SIGKILL)  # a worker killed (out of memory, say) in the middle of a task
    return x


def test_a_dead_pool_process_is_one_line():
    with pytest.raises(ConvacError) as e:
        with open_executor(choose_executor(jobs=2)) as ex:
            list(ex.run(_die, [0, 1, 2], costs=[0, 1, 0]))
    assert str(e.value).startswith("a worker process died") and "--journal" in str(e.value)

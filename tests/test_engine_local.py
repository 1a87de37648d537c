import time

from engine_tasks import double, hang, raise_value_error, segfault

from openautoglm.engine.local import LocalExecutor, Task
from openautoglm.models.base import Resources


def test_results_come_back_and_failures_are_isolated() -> None:
    with LocalExecutor(cpus=2) as ex:
        for i in range(3):
            ex.submit(Task(f"ok{i}", double, (i,)))
        ex.submit(Task("raises", raise_value_error))
        ex.submit(Task("segfault", segfault))
        ex.submit(Task("hangs", hang, (60,), timeout_s=1.5))
        results = {r.key: r for r in ex.wait_all()}
    assert {results[f"ok{i}"].value for i in range(3)} == {0, 2, 4}
    assert results["raises"].status == "failed" and "bad trial" in results["raises"].error
    assert results["segfault"].status == "crashed"
    assert results["hangs"].status == "timeout" and results["hangs"].seconds < 30


def test_a_task_asking_for_all_cores_runs_alone() -> None:
    with LocalExecutor(cpus=2) as ex:
        ex.submit(Task("small", hang, (0.5,)))
        ex.submit(Task("big", hang, (0.1,), resources=Resources(cpus=2)))
        assert ex.free_cpus == 1  # big waits for small to finish
        results = ex.wait_all()
    assert {r.key for r in results} == {"small", "big"}


def test_cancel_kills_running_tasks() -> None:
    ex = LocalExecutor(cpus=1)
    ex.submit(Task("long", hang, (60,)))
    ex.submit(Task("queued", hang, (60,)))
    start = time.monotonic()
    killed = ex.cancel()
    assert [r.key for r in killed] == ["long"] and not ex.busy
    assert time.monotonic() - start < 10

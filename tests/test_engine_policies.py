import time
from pathlib import Path

import psutil
import pytest
from engine_tasks import crash_once, double, hold_memory, raise_value_error

from openautoglm.engine.local import LocalExecutor, Task
from openautoglm.engine.monitor import Monitor
from openautoglm.engine.scheduler import (
    AuctionPolicy,
    FifoPolicy,
    History,
    RoundRobinPolicy,
    ScoreWeights,
    WorkerView,
    score,
)
from openautoglm.plan.dag import RetryPolicy
from openautoglm.resources import Resources


def _workers() -> list[WorkerView]:
    return [
        WorkerView("slow", cpus=2, memory_mb=4000, free_cpus=2, free_memory_mb=4000, speed=1.0),
        WorkerView("fast", cpus=2, memory_mb=8000, free_cpus=2, free_memory_mb=8000, speed=3.0),
    ]


class _Item:
    def __init__(self, key: str, kind: str, cpus: float = 1, memory_mb: int = 1000) -> None:
        self.key, self.kind, self.resources = key, kind, Resources(cpus, memory_mb)


def test_score_weighs_free_cores_and_memory_and_refuses_what_does_not_fit() -> None:
    slow, fast = _workers()
    request = Resources(cpus=1, memory_mb=2000)
    assert score(fast, request) > score(slow, request)  # more memory left over
    assert score(slow, request, ScoreWeights(cpu=1, memory=0)) == pytest.approx(0.5)
    assert score(slow, Resources(cpus=1, memory_mb=9000)) == float("-inf")


def test_fifo_blocks_behind_a_head_that_fits_nowhere() -> None:
    queue = [_Item("big", "x", memory_mb=50_000), _Item("small", "x")]
    assert FifoPolicy().assign(queue, _workers()) == []
    assert [w for _, w in FifoPolicy().assign(queue[1:], _workers())] == ["fast"]


def test_round_robin_takes_workers_in_turn() -> None:
    queue = [_Item(str(i), "x") for i in range(4)]
    assert [w for _, w in RoundRobinPolicy().assign(queue, _workers())] == [
        "slow", "fast", "slow", "fast",
    ]  # fmt: skip


def test_auction_gives_the_longest_step_to_the_cheapest_bidder() -> None:
    history = History(alpha=1.0)
    history.record("long", 90.0)
    history.record("short", 3.0)
    queue = [_Item("a", "short"), _Item("b", "long")]
    assigned = dict(AuctionPolicy(history=history).assign(queue, _workers()))
    assert assigned == {1: "fast", 0: "fast"}  # the fast worker has room for both
    workers = _workers()
    workers[1].free_cpus = 1  # room for one step only on the fast worker
    assigned = dict(AuctionPolicy(history=history).assign(queue, workers))
    assert assigned == {1: "fast", 0: "slow"}


def test_history_is_an_ewma_in_speed_one_seconds() -> None:
    history = History(alpha=0.5, default_s=7.0)
    assert history.expected("new") == 7.0
    history.record("k", 10.0)
    history.record("k", 20.0, speed=2.0)  # 20 s on a double-speed worker = 40 s at speed 1
    assert history.expected("k") == 25.0


def test_a_crashed_task_is_retried_per_its_policy(tmp_path: Path) -> None:
    with LocalExecutor(cpus=1) as ex:
        retry = RetryPolicy(count=1, backoff_s=0.1, on=("crashed",))
        ex.submit(Task("flaky", crash_once, (str(tmp_path / "m"),), retry=retry))
        ex.submit(Task("error", raise_value_error, retry=retry))
        results = {r.key: r for r in ex.wait_all()}
    assert results["flaky"].ok and results["flaky"].value == 42
    assert results["flaky"].attempts == 2
    assert results["error"].status == "failed" and results["error"].attempts == 1  # not retried
    assert ex.counts["retried"] == 1 and ex.counts["failed"] == 1


@pytest.mark.parametrize("policy", ["fifo", "round_robin", "auction"])
def test_every_policy_runs_every_task(policy: str) -> None:
    with LocalExecutor(cpus=2, policy=policy) as ex:
        for i in range(6):
            ex.submit(Task(f"t{i}", double, (i,), kind="double"))
        values = sorted(r.value for r in ex.wait_all())
    assert values == [0, 2, 4, 6, 8, 10]


def test_concurrency_drops_under_memory_pressure_and_recovers() -> None:
    available = psutil.virtual_memory().available / 2**20
    if available < 5000:
        pytest.skip("needs about 5 GB of free memory")
    events: list[dict] = []
    monitor = Monitor(
        max_parallel=2, low_memory_mb=available - 2000, critical_memory_mb=100,
        hysteresis_mb=300, on_change=events.append,
    )  # fmt: skip
    with LocalExecutor(cpus=2, monitor=monitor) as ex:
        ex.submit(Task("hog", hold_memory, (3000, 4.0), Resources(cpus=1, memory_mb=100)))
        for i in range(4):
            ex.submit(Task(f"small{i}", hold_memory, (10, 1.5), Resources(cpus=1, memory_mb=100)))
        results = ex.wait_all()
        for i in range(4):  # cores sit idle now that the hog is gone: the limit comes back
            ex.submit(Task(f"after{i}", hold_memory, (10, 1.0), Resources(cpus=1, memory_mb=100)))
        results += ex.wait_all()
    assert all(r.ok for r in results)
    lowered = [e for e in events if e["to"] < e["from"]]
    assert lowered and "memory pressure" in lowered[0]["reason"]
    raised = [e for e in events if e["to"] > e["from"]]
    assert raised and "idle" in raised[-1]["reason"] and monitor.limit == 2
    assert time.time() - events[0]["t"] < 120

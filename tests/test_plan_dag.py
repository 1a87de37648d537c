import threading
import time
from pathlib import Path

import pytest

from openautoglm import (
    BundleError,
    ClarificationNeeded,
    DataError,
    OpenAutoGLMError,
    RunLocked,
    SearchFailed,
)
from openautoglm.engine.state import RunState
from openautoglm.engine.steps import StepTimeout, run_plan
from openautoglm.errors import is_retryable
from openautoglm.plan.dag import Plan, PlanError, RetryPolicy, Step
from openautoglm.resources import Resources


def _step(name: str, *deps: str, **kw) -> Step:
    return Step(name, lambda r, n=name: [n, sorted(r)], deps, **kw)


def test_levels_group_independent_steps() -> None:
    plan = Plan(
        [
            _step("load"),
            _step("profile", "load"),
            _step("featurize", "load"),
            _step("search", "profile", "featurize"),
        ]
    )
    assert plan.levels() == [["load"], ["featurize", "profile"], ["search"]]
    assert plan.order().index("search") == 3
    rows = plan.describe()
    assert [r["level"] for r in rows] == [0, 1, 1, 2]
    assert rows[-1]["inputs"] == ["profile", "featurize"]


@pytest.mark.parametrize("strategy", ["serial", "pipeline", "dag"])
def test_every_strategy_passes_dependency_results(strategy: str) -> None:
    results = run_plan(Plan([_step("a"), _step("b", "a"), _step("c", "a", "b")]), strategy)
    assert results["b"] == ["b", ["a"]] and results["c"] == ["c", ["a", "b"]]


def test_dag_runs_independent_steps_together_and_serial_does_not() -> None:
    def plan() -> Plan:
        active, peak = [0], [0]
        lock = threading.Lock()

        def work(r: dict) -> int:
            with lock:
                active[0] += 1
                peak[0] = max(peak[0], active[0])
            time.sleep(0.2)
            with lock:
                active[0] -= 1
            return peak[0]

        return Plan([Step("a", lambda r: 0), Step("b", work, ("a",)), Step("c", work, ("a",))])

    assert max(run_plan(plan(), "dag")[k] for k in "bc") == 2
    assert max(run_plan(plan(), "serial")[k] for k in "bc") == 1


def test_cycle_is_named() -> None:
    with pytest.raises(PlanError, match=r"cycle among steps \['a', 'b'\]"):
        Plan([_step("a", "b"), _step("b", "a"), _step("c")])
    with pytest.raises(PlanError, match=r"cycle among steps \['x', 'y', 'z'\]"):
        Plan([_step("x", "z"), _step("y", "x"), _step("z", "y"), _step("after", "x")])


def test_missing_input_and_duplicates_are_named() -> None:
    with pytest.raises(PlanError, match="'b' depends on unknown step"):
        Plan([_step("b", "nope")])
    with pytest.raises(PlanError, match=r"share a name: \['a'\]"):
        Plan([_step("a"), _step("a")])


def test_a_failing_step_is_retried_per_its_policy_then_reported(tmp_path: Path) -> None:
    calls = []

    def flaky(r: dict) -> str:
        calls.append(time.monotonic())
        if len(calls) < 3:
            raise OSError("disk hiccup")
        return "ok"

    state = RunState(tmp_path / "state.db")
    plan = Plan([Step("flaky", flaky, retry=RetryPolicy(count=2, backoff_s=0.05))])
    assert run_plan(plan, state=state)["flaky"] == "ok"
    assert state.step("flaky")["attempts"] == 3 and calls[2] - calls[1] >= 0.1  # backoff doubles
    with pytest.raises(ZeroDivisionError) as info:
        run_plan(Plan([Step("bad", lambda r: 1 / 0, retry=RetryPolicy(1, 0.01))]), state=state)
    assert "'bad' failed after 2 attempt(s)" in info.value.__notes__[0]
    assert state.step("bad")["status"] == "failed" and "ZeroDivision" in state.step("bad")["error"]
    with pytest.raises(DataError, match="bad input"):  # input errors are not retried
        run_plan(Plan([Step("input", _bad_input, retry=RetryPolicy(3, 0.01))]), state=state)
    assert state.step("input")["attempts"] == 1


def _bad_input(r: dict) -> None:
    raise DataError("bad input")


def test_retry_follows_the_errors_own_word_not_its_builtin_type(tmp_path: Path) -> None:
    class Flaky(OpenAutoGLMError, ValueError):  # a ValueError that says it may pass next time
        retryable = True

    calls: list[int] = []

    def once_flaky(r: dict) -> str:
        calls.append(1)
        if len(calls) == 1:
            raise Flaky("endpoint busy")
        return "ok"

    state = RunState(tmp_path / "state.db")
    plan = Plan([Step("call", once_flaky, retry=RetryPolicy(2, 0.01))])
    assert run_plan(plan, state=state)["call"] == "ok" and len(calls) == 2
    assert is_retryable(OSError("disk")) and not is_retryable(KeyboardInterrupt())
    for error in (DataError, BundleError, ClarificationNeeded, RunLocked, SearchFailed):
        assert issubclass(error, OpenAutoGLMError)


def test_a_step_past_its_timeout_fails() -> None:
    plan = Plan([Step("slow", lambda r: time.sleep(5), timeout_s=0.2)])
    started = time.monotonic()
    with pytest.raises(StepTimeout):
        run_plan(plan)
    assert time.monotonic() - started < 3


def test_finished_steps_are_restored_not_rerun(tmp_path: Path) -> None:
    runs = []

    def counted(name: str):
        def fn(r: dict) -> dict:
            runs.append(name)
            return {"n": len(runs)}

        return fn

    def plan(fail: bool) -> Plan:
        def last(r: dict) -> int:
            if fail:
                raise RuntimeError("killed")
            return r["b"]["n"]

        keep = {"persist": lambda v: v, "restore": lambda p, r: p}
        return Plan(
            [Step("a", counted("a"), **keep), Step("b", counted("b"), ("a",), **keep),
             Step("c", last, ("b",))]
        )  # fmt: skip

    state = RunState(tmp_path / "state.db")
    with pytest.raises(RuntimeError, match="killed"):
        run_plan(plan(fail=True), state=state)
    assert runs == ["a", "b"]
    assert run_plan(plan(fail=False), state=state)["c"] == 2
    assert runs == ["a", "b"]  # a and b came back from state.db


def _peak_plan(cpus: tuple[float, ...]) -> tuple[Plan, list[int]]:
    """Independent steps asking for ``cpus`` cores each; the list records the peak overlap."""
    active, peak = [0], [0]
    lock = threading.Lock()

    def work(r: dict) -> None:
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.2)
        with lock:
            active[0] -= 1

    steps = [Step(f"s{i}", work, resources=Resources(cpus=c)) for i, c in enumerate(cpus)]
    return Plan(steps), peak


@pytest.mark.parametrize("strategy", ["pipeline", "dag"])
def test_steps_run_together_only_while_their_cores_fit(strategy: str) -> None:
    plan, peak = _peak_plan((1, 1, 1, 1))
    run_plan(plan, strategy, cpus=2)
    assert peak == [2]
    plan, peak = _peak_plan((1, 1, 1, 1))
    run_plan(plan, strategy)  # no cores given: no limit, as before
    assert peak == [4]


def test_a_step_larger_than_the_run_runs_alone() -> None:
    plan, peak = _peak_plan((1, 8, 1))
    results = run_plan(plan, "dag", cpus=2)
    assert set(results) == {"s0", "s1", "s2"} and peak == [2]  # s0 with s2; s1 alone
    plan, peak = _peak_plan((8, 8))
    run_plan(plan, "dag", cpus=2)
    assert peak == [1]
    with pytest.raises(ValueError, match="cpus must be positive"):
        run_plan(plan, cpus=0)


def test_a_step_is_retried_only_for_the_endings_its_policy_names() -> None:
    calls: list[int] = []

    def fails(r: dict) -> None:
        calls.append(1)
        raise RuntimeError("flaky")

    only_timeouts = RetryPolicy(2, 0.01, on=("timeout",))
    with pytest.raises(RuntimeError):
        run_plan(Plan([Step("a", fails, retry=only_timeouts)]))
    assert len(calls) == 1
    with pytest.raises(RuntimeError):
        run_plan(Plan([Step("a", fails, retry=RetryPolicy(2, 0.01))]))
    assert len(calls) == 1 + 3
    assert RetryPolicy(1, on=("crashed",)).allows(1, "crashed")
    assert not RetryPolicy(1, on=("crashed",)).allows(2, "crashed")
    assert not RetryPolicy(1, on=("crashed",)).allows(1, "failed")

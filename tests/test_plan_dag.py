import pytest

from openautoglm.plan.dag import Plan, PlanError, Step


def _step(name: str, *deps: str) -> Step:
    return Step(name, lambda r, n=name: [n, sorted(r)], deps)


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


def test_run_passes_dependency_results() -> None:
    results = Plan([_step("a"), _step("b", "a")]).run()
    assert results["b"] == ["b", ["a"]]


def test_cycle_is_named() -> None:
    with pytest.raises(PlanError, match=r"cycle among steps \['a', 'b'\]"):
        Plan([_step("a", "b"), _step("b", "a")])


def test_missing_dependency_is_named() -> None:
    with pytest.raises(PlanError, match="'b' depends on unknown"):
        Plan([_step("b", "nope")])

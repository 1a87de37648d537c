import pytest
from pydantic import ValidationError

from openautoglm.spec import TaskSpec, parse_duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("300", 300), ("90s", 90), ("5m", 300), ("1h30m", 5400), ("2 min", 120), (45, 45)],
)
def test_parse_duration(text: str | int, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["five minutes", "5x", "m5"])
def test_parse_duration_rejects_unknown_forms(text: str) -> None:
    with pytest.raises(ValueError, match="cannot read the duration"):
        parse_duration(text)


def test_spec_round_trips_json(tmp_path) -> None:
    spec = TaskSpec(dataset_path="news.csv", labels=["科技", "体育"], metric="f1_macro")
    spec.to_json(tmp_path / "spec.json")
    assert TaskSpec.from_json(tmp_path / "spec.json") == spec


def test_spec_rejects_duplicate_labels() -> None:
    with pytest.raises(ValidationError, match="duplicates"):
        TaskSpec(dataset_path="x.csv", labels=["a", "a"])


def test_a_target_above_one_is_refused_unless_the_metric_is_an_error() -> None:
    assert TaskSpec(dataset_path="x.csv", metric="rmse", target_score=2.5).target_score == 2.5
    assert TaskSpec(dataset_path="x.csv", metric="mae", target_score=40).target_score == 40
    for metric in ("accuracy", "pearson", "f1_micro"):
        with pytest.raises(ValidationError, match="give it as a fraction"):
            TaskSpec(dataset_path="x.csv", metric=metric, target_score=90)
    with pytest.raises(ValidationError):
        TaskSpec(dataset_path="x.csv", metric="rmse", target_score=0)

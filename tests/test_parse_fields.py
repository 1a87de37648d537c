"""One source for TaskSpec's fields: the parser's field list, the LLM's schema and to_spec."""

import json
from typing import Any

import pytest
from pydantic import ValidationError

from openautoglm.parse import FIELD_NAMES, ParseResult, fields, parse_description
from openautoglm.parse.examples import EXAMPLES
from openautoglm.parse.llm import LLMFields
from openautoglm.parse.prompts import SYSTEM, build_messages
from openautoglm.spec import Budget, Constraints, TaskSpec

#: every field a parse speaks, set away from its default: a field added to TaskSpec, Budget or
#: Constraints fails `test_the_sample_sets_every_parse_field` until it is set here too
SAMPLE = TaskSpec(
    task_type="text_pair_classification",
    dataset_path="train.csv",
    test_path="test.csv",
    text_column=["q1", "q2"],
    label_column="same",
    labels=["yes", "no"],
    label_map={"0": "no", "1": "yes"},
    metric="f1_macro",
    budget=Budget(time_s=600.0, max_trials=20),
    target_score=0.9,
    constraints=Constraints(max_latency_ms=10.0, max_model_mb=50.0),
)


def test_parse_fields_are_taskspec_leaves_minus_the_documented_exceptions() -> None:
    leaves = set(fields.spec_leaves())
    assert {"budget.time_s", "constraints.max_model_mb", "seed"} <= leaves  # nested ones too
    assert fields.NOT_PARSED <= leaves, "NOT_PARSED names a field TaskSpec no longer has"
    assert set(fields.RENAMED) <= leaves - fields.NOT_PARSED
    assert set(fields.FLAT_PATHS.values()) == leaves - fields.NOT_PARSED
    assert FIELD_NAMES == tuple(fields.FLAT_PATHS)
    assert fields.NOT_ASKED <= set(FIELD_NAMES)


def test_the_sample_sets_every_parse_field() -> None:
    flat, defaults = fields.flatten(SAMPLE), fields.flatten(TaskSpec(dataset_path="x"))
    left_default = [name for name in FIELD_NAMES if flat[name] == defaults[name]]
    assert not left_default, f"set {left_default} in SAMPLE so the tests below cover them"


def test_every_parse_field_reaches_the_spec() -> None:
    result = ParseResult(description="")
    for name, value in fields.flatten(SAMPLE).items():
        result.set(name, value, "words", 1.0)
    assert result.to_spec() == SAMPLE
    assert set(result.flat()) == set(FIELD_NAMES)  # what `autoglm parse --json` prints


def test_the_prompt_shows_the_llm_exactly_the_asked_fields() -> None:
    system = build_messages("news.csv", LLMFields.model_json_schema(), k_examples=0)[0]["content"]
    before, after = SYSTEM.split("{schema}")
    schema = json.loads(system.removeprefix(before).removesuffix(after))
    assert list(schema["properties"]) == [n for n in FIELD_NAMES if n not in fields.NOT_ASKED]
    assert schema["additionalProperties"] is False


def test_the_llm_answer_takes_every_asked_field_of_a_spec() -> None:
    answer = {n: v for n, v in fields.flatten(SAMPLE).items() if n not in fields.NOT_ASKED}
    assert LLMFields.model_validate(answer).model_dump() == answer


@pytest.mark.parametrize("name", [n for n in FIELD_NAMES if n not in fields.NOT_ASKED])
@pytest.mark.parametrize("value", [0, -1, 0.5, 1.5, 20, "x", ["a"]])
def test_the_llm_answer_has_the_spec_constraints(name: str, value: Any) -> None:
    # a target above 1 is refused only for bounded metrics, a check across fields that the
    # spec makes later; with an error metric the field's own constraint (> 0) is what is left
    context = {"dataset_path": "d", "metric": "rmse"} if name == "target_score" else {}
    in_spec = _valid(
        lambda: TaskSpec.model_validate(
            fields.unflatten({"dataset_path": "d", **context, name: value})
        )
    )
    assert _valid(lambda: LLMFields.model_validate({name: value})) == in_spec


def test_the_llm_answer_refuses_unknown_fields() -> None:
    with pytest.raises(ValidationError, match="extra"):
        LLMFields.model_validate({"budget": {"time_s": 60}})


@pytest.mark.parametrize(("text", "answer"), EXAMPLES, ids=lambda v: str(v)[:30])
def test_the_few_shot_answers_follow_the_schema(text: str, answer: dict) -> None:
    LLMFields.model_validate(answer)


def test_defaults_are_the_spec_defaults() -> None:
    assert fields.DEFAULTS == {"task_type": "text_classification", "metric": "accuracy"}
    assert fields.number_type("max_trials") is int and fields.number_type("labels") is None


def test_answers_take_the_type_the_spec_declares(tmp_path) -> None:
    answers = {
        "max_trials": "20",
        "max_model_mb": "50",
        "time_budget_s": "5m",
        "metric": "f1_macro",
    }
    result = parse_description("classify news.csv", tmp_path, answers=answers)
    got = {name: result.value(name) for name in answers}
    assert got == {"max_trials": 20, "max_model_mb": 50.0, "time_budget_s": 300.0,
                   "metric": "f1_macro"}  # fmt: skip
    assert type(got["max_trials"]) is int and type(got["max_model_mb"]) is float


def test_two_leaves_with_one_flat_name_are_refused() -> None:
    with pytest.raises(TypeError, match="both flatten to 'limit'"):
        fields._flat_paths(["budget.limit", "constraints.limit"])


def _valid(validate: Any) -> bool:
    try:
        validate()
    except ValidationError:
        return False
    return True

"""The rule parser on the parser corpus: task descriptions written apart from the rules.

The development half (tests/parser_corpus/dev.jsonl) is what the rules were developed on: every
stated field must come out right and no unstated one may be set. The evaluation half
(eval.jsonl) is never read case by case while the rules are changed; here only its aggregate
accuracy is checked, so that a regression shows without pointing at a case to tune on.
"""

import json
import math
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from openautoglm.parse import ClarificationNeeded, ParseResult, parse_description
from openautoglm.parse.clauses import states_a_constraint
from openautoglm.parse.numbers import find_durations

CORPUS = Path(__file__).resolve().parent / "parser_corpus"
FIELDS = (
    "task_type", "dataset_path", "test_path", "text_column", "label_column", "labels", "metric",
    "time_budget_s", "max_trials", "target_score", "max_latency_ms", "max_model_mb",
)  # fmt: skip
#: the share of stated fields the evaluation half must keep: the measured level (1092/1160 =
#: 94.1% when the rules were last changed), so that a regression fails
EVAL_FLOOR = 0.94
#: the target (issue 14), not reached yet: raise EVAL_FLOOR to it once it is
EVAL_TARGET = 0.95
_FILE = re.compile(r"\.(?:csv|tsv|txt|jsonl?|parquet|xlsx?|gz|zip)\b|\bFILE\b", re.I)
_BUDGET = re.compile(
    r"\b(?:minutes?|mins?|hours?|seconds?|secs?|ms|MB|GB|trials?|latency|budget)\b|分钟|小时|毫秒|"
    r"秒钟|兆|试验|延迟|预算",
    re.I,
)


def _cases(split: str) -> list[dict[str, Any]]:
    path = CORPUS / f"{split}.jsonl"
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


@cache
def _parsed(split: str, tmp: str) -> list[tuple[dict[str, Any], ParseResult]]:
    """Each case with its parse by the entry the CLI uses (no data under ``tmp``)."""
    out = []
    for case in _cases(split):
        try:
            result = parse_description(case["text"], base_dir=tmp)
        except ClarificationNeeded as question:  # no data file named: the rest still counts
            assert question.partial is not None
            result = question.partial
        out.append((case, result))
    return out


@pytest.fixture(scope="module")
def empty_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("no_data"))


def _same(expected: Any, got: Any) -> bool:
    if isinstance(expected, list) or isinstance(got, list):
        return isinstance(got, list) and [str(x) for x in expected] == [str(x) for x in got]
    if isinstance(expected, int | float) and not isinstance(expected, bool):
        return isinstance(got, int | float) and math.isclose(expected, got, rel_tol=1e-6)
    return expected == got


def _read(result: ParseResult, name: str) -> Any:
    """The value the words gave a field (None for an unset field, a default or a question)."""
    item = result.fields.get(name)
    return None if item is None or item.source == "default" else item.value


def test_every_development_case_parses_with_its_stated_fields_and_nothing_else(
    empty_dir: str,
) -> None:
    wrong, spurious = {}, {}
    for case, result in _parsed("dev", empty_dir):
        for name in FIELDS:
            got = _read(result, name)
            if name in case["expect"] and not _same(case["expect"][name], got):
                wrong[f"{case['id']}:{name}"] = (case["expect"][name], got)
            elif name not in case["expect"] and got is not None:
                spurious[f"{case['id']}:{name}"] = got
    assert wrong == {} and spurious == {}


def _eval_accuracy(empty_dir: str) -> tuple[int, int]:
    """Right and stated fields over the evaluation half (the aggregate only: the evaluation
    half is not to be tuned on case by case)."""
    right = stated = 0
    for case, result in _parsed("eval", empty_dir):
        for name, expected in case["expect"].items():
            stated += 1
            right += _same(expected, _read(result, name))
    return right, stated


def test_the_evaluation_half_keeps_its_accuracy_on_stated_fields(empty_dir: str) -> None:
    right, stated = _eval_accuracy(empty_dir)
    assert stated > 1000 and right / stated >= EVAL_FLOOR, f"{right}/{stated} stated fields"


@pytest.mark.xfail(reason="issue 14's target of 95% is not reached yet (94.1%)", strict=False)
def test_the_evaluation_half_reaches_the_target_accuracy(empty_dir: str) -> None:
    right, stated = _eval_accuracy(empty_dir)
    assert right / stated >= EVAL_TARGET, f"{right}/{stated} stated fields"


@pytest.mark.parametrize("split", ["dev", "eval"])
def test_no_label_is_a_setting_a_budget_or_a_file(split: str, empty_dir: str) -> None:
    bad = 0
    for _, result in _parsed(split, empty_dir):
        for label in _read(result, "labels") or []:
            bad += bool(
                states_a_constraint(label, strict=True)
                or find_durations(label)
                or _BUDGET.search(label)
                or _FILE.search(label)
            )
    assert bad == 0, f"{bad} labels state a setting, a budget or a file"

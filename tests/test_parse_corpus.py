"""The rule parser on the parser corpus: task descriptions written apart from the rules.

The development half (tests/parser_corpus/dev.jsonl) is what the rules were developed on: every
stated field must come out right and no unstated one may be set. A second development set
(dev2.jsonl), written independently after the first round of rules, measured how they generalise
and was then developed on too: its known misses are listed below, each with why it is left, and
no other field may go wrong nor an unstated one be set. The evaluation half
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
#: the share of stated fields the evaluation half must keep: the measured level (1101/1160 =
#: 94.9% when the rules were last changed, after the dev2 round), so that a regression fails
EVAL_FLOOR = 0.949
#: dev2's share of right stated fields when the rules were last changed (1342/1379 = 97.3%)
DEV2_FLOOR = 0.973
#: dev2's known misses ("id:field"), each idiosyncratic or beyond a general rule of the grammar
DEV2_KNOWN_MISSES = {
    "zh2-010:labels": "一类、二类、三类 read as counts: the count rule cannot tell them apart",
    "zh2-034:labels": "the values (A、B、C) are restated in brackets after the display names",
    "zh2-061:text_column": "判断 claim 和 evidence 的关系: a pair named only inside the question",
    "zh2-089:text_column": "判断 sent_a 是否能推出 sent_b: a pair named only inside the question",
    "zh2-091:label_column": "A 列和 B 列分别是 X 和 Y: roles given 'respectively'",
    "en2-008:text_column": "'premise and hypothesis columns plus gold_label': plus joins a third",
    "en2-008:label_column": "as above",
    "en2-008:labels": "as above: the values follow gold_label, read as a text",
    "en2-009:labels": "'X if …, Y if …, otherwise Z': each class in its own conditional clause",
    "en2-011:labels": "'or neither (neutral)': the class is the word in brackets",
    "en2-017:text_column": "roles described in brackets in free prose ('(the actual text)')",
    "en2-017:label_column": "as above",
    "en2-017:labels": "as above: a wrong label column hides the first class",
    "en2-021:label_column": "'several fields at once': fields as topics, not columns",
    "en2-021:labels": "as above",
    "en2-023:task_type": "'the sheet has a Text column': sheet read as a second text column",
    "en2-023:text_column": "as above",
    "en2-026:text_column": "misspelt column words (colum, labl colum)",
    "en2-026:label_column": "as above",
    "en2-040:label_column": "'answer in column entails': answer taken for a column name",
    "en2-047:labels": "classes only in brackets after prose: same product (match) or (no_match)",
    "en2-048:text_column": "'Column 'texto' has the review': the role in a plain noun",
    "en2-048:label_column": "as above",
    "en2-057:labels": "'Relevant or Not Relevant to a disaster': the last class runs into prose",
    "en2-059:labels": "'positive class is X, negative class is Y': one class per clause",
    "en2-061:task_type": "'the first text column is post, the second is reply': ordinals",
    "en2-061:text_column": "as above",
    "en2-067:labels": "'as Fraud if …, Legit otherwise': classes in conditional clauses",
    "en2-078:task_type": "'Query col: query, title col: product_title': role-then-name pairs",
    "en2-078:text_column": "as above (the arrow guess is kept under 0.8)",
    "en2-078:label_column": "as above",
    "en2-083:test_path": "'X for training and Y for evaluation' after 'Files:'",
    "en2-093:text_column": "'given question and answer columns': plain words, asked",
    "en2-105:text_column": "'Wine reviews → points': plain words around an arrow (kept under 0.8)",
    "en2-106:labels": "quoted multi-word classes with 'for the' inside",
    "en2-107:text_column": "'utterances in swda.csv column 'utt'': the file between role and name",
    "en2-107:label_column": "as above",
}
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


def test_the_second_development_set_misses_only_its_known_fields(empty_dir: str) -> None:
    right = stated = 0
    wrong, spurious = {}, {}
    for case, result in _parsed("dev2", empty_dir):
        for name in FIELDS:
            got = _read(result, name)
            if name in case["expect"]:
                stated += 1
                if _same(case["expect"][name], got):
                    right += 1
                elif f"{case['id']}:{name}" not in DEV2_KNOWN_MISSES:
                    wrong[f"{case['id']}:{name}"] = (case["expect"][name], got)
            elif got is not None:
                spurious[f"{case['id']}:{name}"] = got
    assert wrong == {} and spurious == {}
    assert right / stated >= DEV2_FLOOR, f"{right}/{stated} stated fields"


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


@pytest.mark.xfail(reason="issue 14's target of 95% is not reached yet (94.9%)", strict=False)
def test_the_evaluation_half_reaches_the_target_accuracy(empty_dir: str) -> None:
    right, stated = _eval_accuracy(empty_dir)
    assert right / stated >= EVAL_TARGET, f"{right}/{stated} stated fields"


@pytest.mark.parametrize("split", ["dev", "dev2", "eval"])
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

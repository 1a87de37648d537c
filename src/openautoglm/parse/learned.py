"""The parser's learned stage: the task type and the columns, re-read over the rules' reading.

Two small linear models fitted on the parser corpus (:mod:`openautoglm.parse.train_models`, shipped
as ``parser_models.json``) take the rules' reading as features and decide the task type and the
text and label columns. Their probability is the field's confidence, so a reading they are unsure
of becomes a question like any other. Everything else stays as the rules read it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from openautoglm.parse.column_model import RuleColumns, candidates, read_columns
from openautoglm.parse.linear_model import SparseLinearModel
from openautoglm.parse.reading import RuleReading
from openautoglm.parse.result import ASK_BELOW
from openautoglm.parse.task_model import task_features
from openautoglm.spec import is_pair_task

MODELS_PATH = Path(__file__).with_name("parser_models.json")
#: the task model's class for "the words state no task" (the data decides it)
NO_TASK = "none"
#: the models' probabilities are right about as often as they say from this level up; below it
#: they are overconfident (cross-checked on the corpus files), so lower readings are shrunk to
#: at most 0.75 and the least likely (under 0.15) fall under the parser's question threshold
TRUSTED = 0.9
#: with no task words the rules leave the task to the data; the model overrules that only
#: when it is this sure (the data's own evidence is better than a weak guess from the words)
UNSTATED_TASK = 0.95
#: the confidence of a column the data file's header holds, at least
IN_HEADER = 0.6
_REGRESSION = ("text_regression", "text_pair_regression")


@dataclass
class ParserModels:
    """The task-type and column-role models, and what they were fitted on."""

    task: SparseLinearModel
    columns: SparseLinearModel
    meta: dict[str, Any] = field(default_factory=dict)

    def refine(self, reading: RuleReading, header: Iterable[str] | None = None) -> None:
        """Replace the rules' task type and columns in ``reading.result`` by the models' reading."""
        task = self._task(reading)
        result = reading.result
        if task in _REGRESSION:
            result.fields.pop("labels", None)
        elif reading.label_list is not None and "labels" not in result.fields:
            found = reading.label_list
            result.set("labels", found.items, "words", found.confidence, found.evidence)
        self._columns(reading, task is not None and is_pair_task(task), header)

    def _task(self, reading: RuleReading) -> str | None:
        result = reading.result
        rule = result.fields.get("task_type")
        feats = task_features(
            reading.text, rule.value if rule else None, rule.confidence if rule else 0.0
        )
        proba = self.task.proba(feats)
        task, p = max(proba.items(), key=lambda kv: kv[1])
        if task == NO_TASK or (rule is None and p < UNSTATED_TASK):
            result.fields.pop("task_type", None)
            return None
        evidence = rule.evidence if rule and rule.value == task else "learned from the wording"
        result.set("task_type", task, "words", calibrated(p), evidence)
        return task

    def _columns(self, reading: RuleReading, pair: bool, header: Iterable[str] | None) -> None:
        result = reading.result
        rules = RuleColumns(
            result.value("text_column"), result.value("label_column"), reading.classes
        )
        found = candidates(reading.masked, reading.mentions, rules)
        seen = read_columns(self.columns, found, pair, header)
        texts = seen.text if isinstance(seen.text, list) else [seen.text]
        if (
            seen.label is None
            and "label_column" in result.fields
            and result.value("label_column") in texts
        ):
            result.fields.pop("label_column")  # the rules' label is one of the texts
        for name, value, p in (
            ("text_column", seen.text, seen.text_confidence),
            ("label_column", seen.label, seen.label_confidence),
        ):
            before = result.fields.get(name)
            if value is None:
                continue
            if isinstance(value, list) and before is not None and isinstance(before.value, list):
                if set(value) == set(before.value):  # the rules know which side is first
                    value = before.value
            kept = before is not None and before.value == value
            evidence = before.evidence if kept and before else "learned from the wording"
            confidence = calibrated(p)
            incomplete = pair and name == "text_column" and not isinstance(value, list)
            if header is not None and not incomplete:  # the file's columns: only the role is read
                confidence = max(confidence, IN_HEADER)
            if confidence < ASK_BELOW and before is None:
                continue  # no word reads as this column: the data decides, no question asked
            result.set(name, value, "words", confidence, evidence)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: both models and the metadata."""
        return {"meta": self.meta, "task": self.task.to_dict(), "columns": self.columns.to_dict()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ParserModels:
        """The models :meth:`to_dict` wrote."""
        return cls(
            SparseLinearModel.from_dict(data["task"]),
            SparseLinearModel.from_dict(data["columns"]),
            dict(data.get("meta", {})),
        )


def calibrated(p: float) -> float:
    """The confidence of a reading the models give probability ``p``.

    Example:
        >>> calibrated(0.95), calibrated(0.6), calibrated(0.1)
        (0.95, 0.65, 0.483)
    """
    if p >= TRUSTED:
        return round(p, 3)
    return round(0.45 + 0.3 * p / TRUSTED, 3)


@cache
def load_models(path: Path = MODELS_PATH) -> ParserModels | None:
    """The shipped models (read once), or None when the file is absent: the rules alone."""
    if not path.exists():
        return None
    return ParserModels.from_dict(json.loads(path.read_text(encoding="utf-8")))

"""TaskSpec: the one contract every part of Open-AutoGLM speaks."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

TaskType = Literal[
    "auto",  # detected from the data when it is read (see data/task_choice.py)
    "text_classification",
    "multilabel_classification",
    "text_pair_classification",
    "text_regression",
    "text_pair_regression",
]
Metric = Literal[
    "accuracy", "f1_macro", "f1_weighted", "log_loss",  # single-label and pair classification
    "f1_micro", "f1_samples", "subset_accuracy", "hamming_loss",  # multilabel (with f1_macro)
    "pearson", "spearman", "r2", "rmse", "mae",  # regression
]  # fmt: skip
Language = Literal["zh", "en", "mixed"]

SUPPORTED_TASK_TYPES: tuple[str, ...] = (
    "auto", "text_classification", "multilabel_classification", "text_pair_classification",
    "text_regression", "text_pair_regression",
)  # fmt: skip
#: what a task predicts: one class, a set of labels, or a number
TASK_OUTPUTS: dict[str, str] = {
    "text_classification": "classes", "text_pair_classification": "classes",
    "multilabel_classification": "multilabel", "text_regression": "regression",
    "text_pair_regression": "regression",
}  # fmt: skip
#: the metrics that apply to each output, the default first
OUTPUT_METRICS: dict[str, tuple[str, ...]] = {
    "classes": ("accuracy", "f1_macro", "f1_weighted", "log_loss"),
    "multilabel": ("f1_micro", "f1_macro", "f1_samples", "subset_accuracy", "hamming_loss"),
    "regression": ("pearson", "spearman", "r2", "rmse", "mae"),
}


class Budget(BaseModel):
    """How much the run may spend: wall time, trials, memory."""

    time_s: float | None = Field(default=None, gt=0)
    max_trials: int | None = Field(default=None, gt=0)
    memory_mb: int | None = Field(default=None, gt=0)


class Constraints(BaseModel):
    """Limits the delivered model must respect."""

    max_latency_ms: float | None = Field(default=None, gt=0)
    max_model_mb: float | None = Field(default=None, gt=0)
    language: Language | None = None


class TaskSpec(BaseModel):
    """What to build: task type, data, columns, labels, metric, budget and constraints.

    Example:
        >>> TaskSpec(dataset_path="news.csv", labels=["科技", "体育"]).metric
        'accuracy'
    """

    task_type: TaskType = "text_classification"
    dataset_path: str
    test_path: str | None = None
    text_column: str | list[str] | None = None  # two columns for the text-pair tasks
    label_column: str | None = None
    labels: list[str] | None = None
    label_map: dict[str, str] | None = None  # label value in the data -> name (ids to names)
    metric: Metric = "accuracy"
    budget: Budget = Field(default_factory=Budget)
    # next to the budget: reaching it ends the search early. The parser's flat field list and
    # the LLM's answer schema follow this declaration order (parse/fields.py)
    target_score: float | None = Field(default=None, gt=0)  # ≤ 1 unless an error (_target_in_range)
    constraints: Constraints = Field(default_factory=Constraints)
    test_size: float = Field(default=0.2, gt=0, lt=1)
    seed: int = 0
    # Classes with fewer training rows than this (rows of dataset_path after cleaning and
    # de-duplication, before any holdout) are dropped with a note instead of failing the run.
    min_class_rows: int | None = Field(default=None, ge=1)

    @field_validator("labels")
    @classmethod
    def _labels_unique(cls, labels: list[str] | None) -> list[str] | None:
        if labels is None:
            return None
        labels = [str(label).strip() for label in labels if str(label).strip()]
        if len(set(labels)) != len(labels):
            raise ValueError(f"labels contain duplicates: {labels}")
        return labels or None

    @model_validator(mode="after")
    def _target_in_range(self) -> TaskSpec:
        # scores and correlations end at 1; errors and losses (RMSE of prices) do not
        unbounded = ("rmse", "mae", "log_loss")
        if self.target_score is not None and self.metric not in unbounded and self.target_score > 1:
            raise ValueError(
                f"target_score {self.target_score} is above 1, the best {self.metric} there is; "
                "give it as a fraction (0.9 for 90%)"
            )
        return self

    @field_validator("text_column")
    @classmethod
    def _one_or_more_columns(cls, value: str | list[str] | None) -> str | list[str] | None:
        if isinstance(value, list):
            value = [str(v) for v in value if str(v).strip()]
            return value[0] if len(value) == 1 else (value or None)
        return value

    def to_json(self, path: str | Path) -> None:
        """Write the spec as indented JSON."""
        Path(path).write_text(self.model_dump_json(indent=2), encoding="utf-8")

    @classmethod
    def from_json(cls, path: str | Path) -> TaskSpec:
        """Read a spec written by `to_json`."""
        return cls.model_validate(json.loads(Path(path).read_text(encoding="utf-8")))


def task_output(task_type: str) -> str:
    """ "classes", "multilabel" or "regression": what ``task_type`` predicts.

    Example:
        >>> task_output("text_pair_regression")
        'regression'
    """
    if task_type not in TASK_OUTPUTS:
        raise ValueError(f"no output for task type {task_type!r}; known: {list(TASK_OUTPUTS)}")
    return TASK_OUTPUTS[task_type]


def is_pair_task(task_type: str) -> bool:
    """Whether the task reads two texts a row."""
    return task_type.startswith("text_pair_")


def task_metric(task_type: str, metric: str) -> tuple[str, str | None]:
    """The metric the search optimises for the task, and a note when it is not ``metric``.

    "accuracy" (the default) means micro-F1 for multilabel and Pearson r for regression;
    a metric that does not apply to the task raises ValueError naming those that do.

    Example:
        >>> task_metric("multilabel_classification", "accuracy")[0]
        'f1_micro'
    """
    allowed = OUTPUT_METRICS[task_output(task_type)]
    if metric in allowed:
        return metric, None
    if metric == "accuracy":
        return allowed[0], (
            f"metric: {allowed[0]} (the default for {task_type}; metric= chooses one of "
            f"{', '.join(allowed)})"
        )
    raise ValueError(
        f"metric {metric!r} does not apply to {task_type}; use one of {', '.join(allowed)}"
    )


_UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hr": 3600}


def parse_duration(value: float | int | str | None) -> float | None:
    """Seconds from a number or a string such as ``"300"``, ``"5m"``, ``"1h30m"`` or ``"90s"``.

    Example:
        >>> parse_duration("1h30m")
        5400.0
    """
    if value is None or isinstance(value, int | float):
        return None if value is None else float(value)
    text = value.strip().lower().replace(" ", "")
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    parts = re.findall(r"(\d+(?:\.\d+)?)([a-z]+)", text)
    if (
        not parts
        or "".join(n + u for n, u in parts) != text
        or any(u not in _UNITS for _, u in parts)
    ):
        raise ValueError(f"cannot read the duration {value!r}; use e.g. 300, '300s', '5m' or '1h'")
    return float(sum(float(n) * _UNITS[u] for n, u in parts))

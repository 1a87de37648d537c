"""The task type from the words, the label list and the columns the description names.

Evidence, strongest first: the task named ("regression", "多标签", "classification"); the columns
(two text columns besides the label make a pair task); the label list (a list of classes is a
classification task unless several may apply); cue words for each type (gazetteers in
:mod:`openautoglm.parse.lexicon`). A number to predict with no label list is a regression.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from openautoglm.evaluate.task_metrics import REGRESSION_METRICS
from openautoglm.parse.lexicon import (
    CLASS_NOUNS,
    CLASSIFY,
    MULTILABEL_CUES,
    PAIR_CUES,
    PREDICT,
    RANGE,
    REGRESSION_CUES,
    YES_NO,
)

#: metrics only label sets have (macro and micro F1 are also those of single labels)
_MULTILABEL_ONLY = ("f1_samples", "subset_accuracy", "hamming_loss")
# not "a logistic regression got 0.81": a classifier's name
_EXPLICIT_REGRESSION = re.compile(r"(?<!logistic )\bregression\b|\bregressors?\b|回归", re.I)
# "当成分类做（不是回归）", "classification, NOT regression", "multi-class, not multi-label":
# a task named to be ruled out
_NOT_REGRESSION = re.compile(
    r"(?:不是|不要|不做|别做|不当|而不是|而非|\bnot\b|\bno\b|\brather than\b|\binstead of\b)\s*"
    r"(?:a\s+)?(?:回归|regression|multi[- ]?label|多标签)",
    re.I,
)
_EXPLICIT_MULTILABEL = re.compile(r"multi[- ]?label|多标签", re.I)
_EXPLICIT_CLASSIFICATION = re.compile(
    r"\bclassif\w*|\bclassifier\b|\bcategori[sz]\w*|二分类|多分类|分类|分成|分为|分到|分入|归到|归入|归类|"
    r"\bas\s+(?:a\s+)?class(?:es)?\b",  # "predict the star rating 1-5 as a class"
    re.I,
)


@dataclass
class TaskWords:
    """The task type, how sure the words make it, and the phrase it rests on."""

    task: str | None
    confidence: float
    evidence: str | None


def first_cue(patterns: list[str], text: str) -> str | None:
    """The first phrase of ``text`` one of ``patterns`` matches."""
    for pattern in patterns:
        match = re.search(pattern, text, re.I)
        if match:
            return match.group(0)
    return None


def pair_words(text: str) -> str | None:
    """Words that say the task compares or joins two texts."""
    return first_cue(PAIR_CUES, text)


def regression_words(text: str) -> str | None:
    """Words that say a number is predicted: a quantity, a score, a range of values."""
    cue = first_cue(REGRESSION_CUES, text)
    if cue:
        return cue
    match = RANGE.search(text)
    return match.group(0) if match else None


def task_type(
    text: str,
    has_labels: bool,
    pair_columns: bool,
    pair_evidence: str | None,
    metrics: list[tuple[int, int, str, float]] | None = None,
) -> TaskWords:
    """The task type the words, the labels and the columns state (task None when unstated)."""
    named = {metric: text[start:end] for start, end, metric, _ in reversed(metrics or [])}
    text = _NOT_REGRESSION.sub(lambda m: " " * len(m[0]), text)
    multi = first_cue(MULTILABEL_CUES, text) or next(
        (named[m] for m in _MULTILABEL_ONLY if m in named), None
    )
    explicit_reg = _EXPLICIT_REGRESSION.search(text)
    if multi and not explicit_reg:
        sure = 0.9 if _EXPLICIT_MULTILABEL.search(text) else 0.85
        return TaskWords("multilabel_classification", sure, multi)
    # "Spearman 相关性" names a metric, not two texts that relate
    plain = text
    for start, end, _, _ in metrics or []:
        plain = plain[:start] + " " * (end - start) + plain[end:]
    pair_cue = pair_words(plain)
    pair = pair_columns or pair_cue is not None
    reg = explicit_reg.group(0) if explicit_reg else None
    weak_reg = False
    if reg is None and not has_labels:
        # an error or a correlation is measured on numbers: "RMSE", "皮尔逊"
        reg = next((named[m] for m in REGRESSION_METRICS if m in named), None)
    if reg is None and not has_labels:
        reg = regression_words(text)
        if reg and _EXPLICIT_CLASSIFICATION.search(text):
            reg = None  # "classify …" with a score word: the words ask for classes
        if (
            reg is None
            and not _EXPLICIT_CLASSIFICATION.search(text)
            and not CLASS_NOUNS.search(text)
            and not named  # "预测绩效等级 … weighted-F1": a metric of classes, no value
        ):
            predict = PREDICT.search(text)  # "predict X" with no classes anywhere: a value
            reg, weak_reg = (predict.group(0), True) if predict else (None, False)
    if pair:
        evidence = pair_evidence if pair_columns else pair_cue
        if reg:
            return TaskWords("text_pair_regression", 0.85, f"{evidence}; {reg}")
        sure = 0.9 if pair_columns and pair_cue else 0.8
        return TaskWords("text_pair_classification", sure, evidence)
    if reg:
        sure = 0.9 if explicit_reg else 0.6 if weak_reg else 0.8
        return TaskWords("text_regression", sure, reg)
    classify = CLASSIFY.search(text)
    if classify:
        return TaskWords("text_classification", 0.9, classify.group(0))
    if has_labels:
        return TaskWords("text_classification", 0.8, "a list of classes")
    question = YES_NO.search(text)
    if question:  # one text asked about: a yes/no class (a pair is read from its columns)
        return TaskWords("text_classification", 0.75, question.group(0).strip())
    if metrics:  # accuracy, F1, log loss: metrics of classes
        start, end, _, _ = metrics[0]
        return TaskWords("text_classification", 0.7, text[start:end])
    # no task words at all ("posts.csv, flair in `flair`"): the data decides (task "auto")
    return TaskWords(None, 0.0, None)

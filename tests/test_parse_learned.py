"""The parser's learned stage: the linear model container, the column reader, the shipped models."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from openautoglm.parse.column_model import RuleColumns, candidates, read_columns
from openautoglm.parse.learned import MODELS_PATH, load_models
from openautoglm.parse.linear_model import SparseLinearModel
from openautoglm.parse.rules import RuleParser
from openautoglm.parse.train_models import TASK_C, corpus_digest, role

CORPUS = Path(__file__).resolve().parent / "parser_corpus"
#: the evaluation sets the learned stage must never be fitted on
HELD_OUT = (
    "eval5.jsonl", "eval6.jsonl", "eval7.jsonl", "eval8.jsonl", "eval9.jsonl", "eval10.jsonl",
    "eval11.jsonl", "eval12.jsonl", "eval13.jsonl", "eval14.jsonl", "eval15.jsonl",
    "eval16.jsonl", "eval17.jsonl", "eval18.jsonl",
)  # fmt: skip

ROWS = [{"a": 1.0, "b": 0.5}, {"a": 0.2}, {"b": 1.0, "c": 1.0}, {"c": 0.7, "a": 0.1}] * 3
Y3 = ["x", "y", "z", "x"] * 3


@pytest.mark.parametrize("labels", [Y3, ["x", "y", "y", "x"] * 3])
def test_the_sparse_model_gives_scikit_learns_probabilities(labels: list[str]) -> None:
    ours = SparseLinearModel.fit(ROWS, labels, C=2.0, min_count=1)
    vectorizer = DictVectorizer()
    X = vectorizer.fit_transform(ROWS)
    theirs = LogisticRegression(C=2.0, max_iter=5000).fit(X, labels).predict_proba(X)
    got = np.array([[ours.proba(row)[c] for c in sorted(set(labels))] for row in ROWS])
    np.testing.assert_allclose(got, theirs, atol=1e-6)


def test_the_sparse_model_survives_json_and_drops_rare_features() -> None:
    model = SparseLinearModel.fit([*ROWS, {"rare": 1.0}], [*Y3, "y"], min_count=2)
    assert "rare" not in model.weights
    back = SparseLinearModel.from_dict(json.loads(json.dumps(model.to_dict())))
    for row in ROWS:
        for c, p in model.proba(row).items():
            assert back.proba(row)[c] == pytest.approx(p, abs=1e-3)


def test_the_shipped_models_were_fitted_on_this_corpus_and_never_on_the_evaluation_set() -> None:
    meta = json.loads(MODELS_PATH.read_text(encoding="utf-8"))["meta"]
    assert not set(HELD_OUT) & set(meta["corpus"]) and meta["task_c"] == TASK_C
    files = [CORPUS / name for name in meta["corpus"]]
    # a corpus edit without refitting (python -m openautoglm.parse.train_models ...) fails here
    assert corpus_digest(files) == meta["corpus"]


def test_the_learned_stage_reads_columns_the_rules_misread() -> None:
    text = ("Match report classification: which game phase does each paragraph describe (early "
            "game, mid game, late game)? paragraphs.csv, text column 'para_text', label column "
            "'phase'. budget: 25 minutes; trials: 15")  # fmt: skip
    rules = RuleParser(models=None).parse(text).flat()
    assert rules["task_type"] == "text_pair_classification" and rules.get("text_column") is None
    learned = RuleParser().parse(text).flat()
    assert learned["task_type"] == "text_classification"
    assert (learned["text_column"], learned["label_column"]) == ("para_text", "phase")
    assert learned["labels"] == ["early game", "mid game", "late game"]


def _read(text: str, pair: bool, header: list[str] | None = None):  # noqa: ANN202
    reading = RuleParser(models=None).read(text)
    value = reading.result.value
    found = candidates(
        reading.masked, reading.mentions,
        RuleColumns(value("text_column"), value("label_column"), reading.classes),
    )  # fmt: skip
    models = load_models()
    assert models is not None
    return read_columns(models.columns, found, pair, header)


def test_two_names_in_a_pair_task_are_its_two_texts_and_no_label() -> None:
    seen = _read("判断 nli.jsonl 中两句话（premise 和 hypothesis）之间是蕴含、中立还是矛盾", True)
    assert seen.text == ["premise", "hypothesis"] and seen.label is None


def test_a_header_limits_the_columns_to_those_of_the_file() -> None:
    text = (
        "sort mails.csv into spam or ham: the text is in subject or in body, I forget which; "
        "label column kind"
    )
    assert _read(text, False).text == "body"
    seen = _read(text, False, header=["subject", "kind"])
    assert seen.text == "subject" and seen.label == "kind"


def test_a_pair_task_with_one_text_named_is_asked_not_guessed() -> None:
    result = RuleParser().parse(
        "判断 pairs.csv 里两句话是否意思相同，句子在 content 列，标签列 same"
    )
    assert "text_column" not in result.fields
    assert [q.field for q in result.questions] == ["text_column"]
    assert result.value("label_column") == "same"


def test_roles_come_from_the_expected_reading() -> None:
    expect = {"text_column": ["a", "b"], "label_column": "y"}
    assert [role(n, expect) for n in ("a", "b", "y", "z")] == ["text", "text", "label", "none"]

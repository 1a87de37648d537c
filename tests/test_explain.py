"""Explanations: exact linear contributions, LIME for neural members, bad input, the CLI."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import dataset, make_texts
from scipy.special import expit, softmax
from typer.testing import CliRunner

from openautoglm.api import RunResult
from openautoglm.cli import app
from openautoglm.explain import ExplainError, Explanation, top_features
from openautoglm.explain.explainer import EXACT_MAX_CHARS
from openautoglm.explain.lime_text import MAX_CHARS as LIME_MAX_CHARS
from openautoglm.explain.linear import combine, is_linear, member_terms
from openautoglm.models.catalog import build_candidate
from openautoglm.models.ensemble import WeightedEnsemble
from openautoglm.registry import signing
from openautoglm.registry.bundle import TextClassifier
from openautoglm.search.portfolio import CHINESE

SPORTS_TEXT = "梅西打进制胜球"
#: characters and jieba words of SPORTS_TEXT that are sports evidence (not the name's 西 alone)
SPORTS_EVIDENCE = {"球", "胜", "制胜", "制胜球", "打进", "进", "梅西", "进球", "胜球"}


@pytest.fixture(autouse=True)
def no_signing_key(monkeypatch) -> None:
    # a key in the developer's environment would make the saved test bundles signed
    monkeypatch.delenv(signing.KEY_ENV, raising=False)


def _english(n_per_class: int = 20) -> tuple[list[str], np.ndarray, list[str]]:
    frame = make_texts(n_per_class)
    codes = frame.label.astype("category")
    return frame.text.tolist(), codes.cat.codes.to_numpy(), list(codes.cat.categories)


@pytest.fixture(scope="module")
def english() -> TextClassifier:
    """A two-member linear ensemble (LR + complement NB) on separable English topics."""
    texts, y, labels = _english()
    members = [build_candidate(f, {}, "en").fit(texts, y) for f in ("tfidf_lr", "complement_nb")]
    return TextClassifier(WeightedEnsemble(members, [2.0, 1.0]), labels)


@pytest.fixture(scope="module")
def news_zh() -> TextClassifier:
    """Complement NB + character LR on the shared Chinese news set (the portfolio's configs)."""
    frame = pd.read_csv(dataset("news_zh") / "train.csv")
    codes = frame.label.astype("category")
    y, labels = codes.cat.codes.to_numpy(), list(codes.cat.categories)
    configs = [c for c in CHINESE if c[0] in ("complement_nb", "tfidf_lr")][:2]
    members = [build_candidate(f, p, "zh").fit(frame.text.tolist(), y) for f, p in configs]
    return TextClassifier(WeightedEnsemble(members, [0.5, 0.5]), labels)


# ------------------------------------------------------------------ exact, per member
@pytest.mark.parametrize("n_classes", [3, 2])
def test_lr_contributions_plus_intercept_equal_its_decision_function(n_classes: int) -> None:
    texts, y, _ = _english()
    keep = y < n_classes
    texts, y = [t for t, k in zip(texts, keep, strict=True) if k], y[keep]
    member = build_candidate("tfidf_lr", {"C": 4.0}, "en").fit(texts, y)
    for text in ["the coach and the team scored", "a new chip for the cloud", "zzz unseen"]:
        terms = member_terms(member, text)
        decision = member.classifier_.decision_function(member.featurizer_.transform([text]))[0]
        if n_classes == 2:  # sklearn gives the positive class's log-odds; the other is minus it
            decision = np.array([-decision, decision])
        got = terms.intercepts + terms.contributions.sum(axis=1)
        np.testing.assert_allclose(got, decision, atol=1e-6, rtol=0)
        # every n-gram of the text that the model knows has a term, and only those
        assert len(terms.features) == member.featurizer_.transform([text]).nnz


@pytest.mark.parametrize("n_classes", [3, 2])
def test_other_linear_families_reproduce_what_they_compute(n_classes: int) -> None:
    texts, y, _ = _english()
    keep = y < n_classes
    texts, y = [t for t, k in zip(texts, keep, strict=True) if k], y[keep]
    text = "the coach and the team scored a goal"
    for family in ("complement_nb", "nbsvm", "tfidf_svm"):
        member = build_candidate(family, {}, "en").fit(texts, y)
        assert is_linear(member)
        scores = member_terms(member, text).scores()
        if n_classes == 2:  # one log-odds z for the second label, -z for the first
            assert scores[0] == pytest.approx(-scores[1])
        X = member.featurizer_.transform([text])
        clf = member.classifier_
        if family == "complement_nb":  # softmax of the centred joint log-likelihood
            np.testing.assert_allclose(softmax(scores), clf.predict_proba(X)[0], atol=1e-9)
        elif family == "nbsvm":  # one-vs-rest log-odds, NB ratio folded into coef_
            expected = (X @ clf.coef_.T)[0] + clf.intercept_
            np.testing.assert_allclose(scores[-len(expected) :], expected, atol=1e-5)
        else:  # the folds' calibrated one-vs-rest log-odds, averaged
            folds = []
            for fold in clf.calibrated_classifiers_:
                svm = np.atleast_1d(fold.estimator.decision_function(X)[0])
                pairs = zip(fold.calibrators, svm, strict=True)
                folds.append([-(c.a_ * s + c.b_) for c, s in pairs])
            folds = np.array(folds)
            np.testing.assert_allclose(scores[-folds.shape[1] :], folds.mean(axis=0), atol=1e-6)
            # and the model's probabilities are the folds' (normalised) sigmoids of those
            per_fold = expit(folds)
            if n_classes == 2:
                proba = [1 - per_fold.mean(), per_fold.mean()]
            else:
                proba = (per_fold / per_fold.sum(axis=1, keepdims=True)).mean(axis=0)
            np.testing.assert_allclose(proba, clf.predict_proba(X)[0], atol=1e-9)


def test_ensemble_explanation_is_the_weighted_sum_of_its_members(english) -> None:
    text = "the coach and the team scored a goal"
    members, weights = english.model.members, english.model.weights / english.model.weights.sum()
    combined = combine(members, weights, text, len(english.labels))
    expected = sum(
        w * member_terms(m, text).scores() for m, w in zip(members, weights, strict=True)
    )
    np.testing.assert_allclose([combined.score(i) for i in range(3)], expected, atol=1e-9)
    found = english.explain(text, top_labels=3, n_features=3)
    assert found.method == "exact" and found.predicted == "sports"
    assert [lab.label for lab in found.labels][0] == "sports" and len(found.labels) == 3
    for label in found.labels:  # listed weights + the rest + intercept add up to the score
        listed = sum(w.weight for w in label.supporting + label.opposing)
        assert label.intercept + listed + label.rest == pytest.approx(label.score, abs=1e-9)
        assert len(label.supporting) <= 3 and all(w.weight > 0 for w in label.supporting)
        assert all(w.weight < 0 for w in label.opposing)
    top = found.labels[0].supporting[0]
    assert any(word in top.feature for word in ("coach", "team", "goal", "scored")), top
    probabilities = english.predict_proba([text])[0]
    assert found.labels[0].probability == pytest.approx(probabilities.max())


# ------------------------------------------------------------------ a real Chinese model
def test_sports_sentence_is_explained_by_sports_characters(news_zh) -> None:
    found = news_zh.explain(SPORTS_TEXT, top_labels=2, n_features=5)
    assert found.method == "exact" and found.predicted == "体育"
    top = found.labels[0]
    assert top.label == "体育" and top.supporting[0].feature in SPORTS_EVIDENCE, top.supporting
    # and the same characters count against the runner-up
    against = {w.feature for w in found.labels[1].opposing}
    assert against & SPORTS_EVIDENCE


def test_lime_on_chinese_splits_jieba_words_or_characters(news_zh) -> None:
    words = news_zh.explain(SPORTS_TEXT, method="lime", num_samples=200, n_features=5)
    assert words.method == "lime" and words.num_samples == 200
    features = {w.feature for w in words.labels[0].supporting + words.labels[0].opposing}
    assert features <= {"梅西", "打进", "制胜球", "制胜", "球"} and features
    assert words.labels[0].supporting[0].feature in SPORTS_EVIDENCE
    chars = news_zh.explain(SPORTS_TEXT, method="lime", num_samples=200, unit="char")
    assert all(len(w.feature) == 1 for w in chars.labels[0].supporting)
    assert {w.kind for w in chars.labels[0].supporting} == {"char"}


def test_global_top_features_of_sports_are_sports_ngrams(news_zh) -> None:
    found = top_features(news_zh, n_features=10)
    assert set(found.labels) == set(news_zh.labels)
    sports = {w.feature for w in found.labels["体育"]}
    assert sports & {"赛", "球", "队", "冠", "比赛", "足球", "篮球", "球员"}, sports
    assert all(w.weight > 0 for w in found.labels["体育"])
    assert all(w.weight < 0 for w in found.against["体育"])


# ------------------------------------------------------------------ LIME, non-linear members
@pytest.fixture(scope="module")
def with_fasttext() -> TextClassifier:
    pytest.importorskip("torch", reason="the fasttext family needs torch (the nn extra)")
    texts, y, labels = _english(30)
    small = {"buckets": 2**12, "dim": 16, "epochs": 8, "lr": 3e-2}
    fasttext = build_candidate("fasttext", small, "en").fit(texts, y)
    lr = build_candidate("tfidf_lr", {}, "en").fit(texts, y)
    return TextClassifier(WeightedEnsemble([fasttext, lr], [0.5, 0.5]), labels)


def test_lime_explains_an_ensemble_with_a_neural_member(with_fasttext) -> None:
    assert not is_linear(with_fasttext.model.members[0])
    text = "the coach and the team scored a goal today"
    found = with_fasttext.explain(text, num_samples=100, n_features=4)
    assert found.method == "lime" and found.num_samples == 100
    assert found.predicted == "sports" and any("fasttext" in note for note in found.notes)
    assert found.labels[0].supporting[0].feature in {"coach", "team", "goal", "scored"}
    assert found.seconds < 10
    with pytest.raises(ExplainError, match="method='lime'"):
        with_fasttext.explain(text, method="exact")


# ------------------------------------------------------------------ bad input
def test_empty_text_is_a_clear_error(english) -> None:
    for empty in ["", "   \n\t"]:
        with pytest.raises(ExplainError, match="nothing to explain"):
            english.explain(empty)


@pytest.mark.parametrize("value", [None, 42, ["a text"], b"bytes"])
def test_a_non_string_is_a_type_error(english, value) -> None:
    with pytest.raises(TypeError, match="str"):
        english.explain(value)


def test_bad_options_are_named(english) -> None:
    with pytest.raises(ExplainError, match="top_labels"):
        english.explain("a goal", top_labels=0)
    with pytest.raises(ExplainError, match="n_features"):
        english.explain("a goal", n_features=-1)
    with pytest.raises(ExplainError, match="method"):
        english.explain("a goal", method="shap")
    assert len(english.explain("a goal", top_labels=99).labels) == 3  # capped at the labels


def test_text_without_known_ngrams_explains_with_the_intercept_only(english) -> None:
    found = english.explain("ωψξ", n_features=3)
    label = found.labels[0]
    assert label.score == pytest.approx(label.intercept + label.rest)


def test_lime_on_a_text_without_words_says_there_is_nothing_to_weigh(english) -> None:
    found = english.explain("!!! ???", method="lime")
    assert found.num_samples == 0 and not found.labels[0].supporting
    assert any("nothing to weigh" in note for note in found.notes)


@pytest.mark.parametrize("method", ["exact", "lime"])
def test_a_100k_character_text_is_cut_and_finishes_quickly(news_zh, method) -> None:
    frame = pd.read_csv(dataset("news_zh") / "test.csv")
    text = ("".join(frame.text) * 100)[:100_000]
    start = time.perf_counter()
    found = news_zh.explain(text, method=method, n_features=3)
    assert time.perf_counter() - start < 15  # ~1.5 s on an idle core; others share this one
    limit = EXACT_MAX_CHARS if method == "exact" else LIME_MAX_CHARS
    assert found.truncated and found.explained_chars == limit and found.text_chars == 100_000
    assert any(f"first {limit:,} of 100,000" in note for note in found.notes)
    assert found.labels[0].supporting


# ------------------------------------------------------------------ API and CLI
def test_run_result_explain_delegates_to_its_model(english) -> None:
    result = RunResult.__new__(RunResult)  # a finished run's result, without running one
    result.model = english
    found = result.explain("a new chip for the cloud", top_labels=1, n_features=2)
    assert isinstance(found, Explanation) and found.predicted == "tech"
    assert found == english.explain("a new chip for the cloud", 1, 2).model_copy(
        update={"seconds": found.seconds}
    )


def test_cli_explain_json_and_table(news_zh, tmp_path: Path) -> None:
    run = tmp_path / "run"
    news_zh.save(run / "model")  # a run folder: explain finds its model/ bundle
    out = CliRunner().invoke(app, ["explain", str(run), SPORTS_TEXT, "--json", "--n-features", "3"])
    assert out.exit_code == 0, out.output
    payload = json.loads(out.stdout)
    assert payload["method"] == "exact" and payload["predicted"] == "体育"
    assert payload["labels"][0]["supporting"][0]["feature"] in SPORTS_EVIDENCE
    assert len(payload["labels"]) == 2 and len(payload["labels"][0]["supporting"]) <= 3
    table = CliRunner().invoke(app, ["explain", str(run / "model"), SPORTS_TEXT])
    assert table.exit_code == 0 and "体育" in table.stdout and "against" in table.stdout


def test_cli_explain_errors_name_flags(english, tmp_path: Path) -> None:
    path = english.save(tmp_path / "m")
    empty = CliRunner().invoke(app, ["explain", str(path), "  "])
    assert empty.exit_code == 2 and "nothing to explain" in " ".join(empty.output.split())
    bad = CliRunner().invoke(app, ["explain", str(path), "a goal", "--top-labels", "0"])
    assert bad.exit_code == 2 and "--top-labels" in bad.output and "top_labels" not in bad.output
    missing = CliRunner().invoke(app, ["explain", str(tmp_path / "nope"), "a goal"])
    assert missing.exit_code == 2 and "does not exist" in " ".join(missing.output.split())


def test_cli_explains_a_neural_ensemble_with_lime(with_fasttext, tmp_path: Path) -> None:
    path = with_fasttext.save(tmp_path / "m")
    text = "the coach and the team scored a goal"
    args = ["explain", str(path), text, "--json", "--num-samples", "60"]
    out = CliRunner().invoke(app, args)
    assert out.exit_code == 0, out.output
    payload = json.loads(out.stdout)
    assert payload["method"] == "lime" and payload["num_samples"] == 60
    exact = CliRunner().invoke(app, ["explain", str(path), text, "--method", "exact"])
    message = " ".join(exact.output.split())
    assert exact.exit_code == 2 and "--method lime" in message and "fasttext" in message


# ------------------------------------------------------------------ the hashed student family
@pytest.mark.parametrize("language", ["en", "zh"])
def test_hashed_lr_contributions_reproduce_its_logits_and_name_ngrams_of_the_text(language):
    if language == "en":
        texts, y, labels = _english()
        text = "the coach and the team scored the goal"
    else:
        texts = ["梅西打进制胜球", "球队赢得比赛", "新款手机发布", "芯片性能提升", "比赛进球"] * 4
        y, labels, text = np.array([0, 0, 1, 1, 0] * 4), ["体育", "科技"], "梅西进球赢得比赛"
    member = build_candidate("hashed_lr", {"min_df": 1}, language).fit(texts, y)
    assert is_linear(member)
    terms = member_terms(member, text)
    got = terms.intercepts + terms.contributions.sum(axis=1)
    np.testing.assert_allclose(got, member.decision_function([text])[0], atol=1e-5, rtol=0)
    normalised = " ".join(text.lower().split())
    for kind, name in terms.features:  # each column is named by n-grams of this text
        assert kind in ("word", "char")
        assert all(part in normalised for part in name.split(" / "))
    found = TextClassifier(WeightedEnsemble([member], [1.0]), labels).explain(text)
    assert found.method == "exact" and found.predicted == ("sports" if language == "en" else "体育")


def test_global_features_leave_a_hashed_member_out_and_say_why(english) -> None:
    texts, y, labels = _english()
    hashed = build_candidate("hashed_lr", {"min_df": 1}, "en").fit(texts, y)
    mixed = TextClassifier(WeightedEnsemble([*english.model.members, hashed], [1, 1, 1]), labels)
    found = top_features(mixed, 3)
    assert any("hashed_lr" in note and "cannot be listed" in note for note in found.notes)
    alone = TextClassifier(WeightedEnsemble([hashed], [1.0]), labels)
    with pytest.raises(ExplainError, match="no linear member with a vocabulary"):
        top_features(alone, 3)

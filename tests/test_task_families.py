"""The families of the multilabel, pair and regression tasks: contract, scores, persistence."""

import random
from pathlib import Path

import numpy as np
import pytest

from openautoglm.data.pairs import join_pair, split_pair
from openautoglm.evaluate import thresholds
from openautoglm.evaluate.task_scoring import task_score
from openautoglm.evaluate.thresholds import LabelThresholds, tune_thresholds
from openautoglm.models.catalog import build_candidate, families_for, family_class, torch_available
from openautoglm.models.multilabel import MultiLabelOvR
from openautoglm.search.settings import search_splits, search_strata
from openautoglm.search.trial import TrialJob, run_trial

_WORDS = "cat dog bird fish tree car road sun moon star".split()


def _texts(n: int = 90, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choices(_WORDS, k=5)) for _ in range(n)]


def _multilabel(texts: list[str]) -> np.ndarray:
    y = np.array([["cat" in t, "dog" in t, False] for t in texts], dtype=np.int8)
    y[0, 2] = 1  # a label seen once
    return y


def _pairs(texts: list[str]) -> tuple[list[str], np.ndarray]:
    pairs = [join_pair(t, t if i % 2 else texts[(i + 7) % len(texts)]) for i, t in enumerate(texts)]
    return pairs, np.arange(len(texts)) % 2


def _regression(texts: list[str]) -> np.ndarray:
    return np.array([t.count("cat") + 0.5 * t.count("sun") for t in texts])


def _cases() -> list[tuple[str, str]]:
    sparse = [("tfidf_lr", "multilabel"), ("tfidf_svm", "multilabel"), ("tfidf_ridge", "reg"),
              ("tfidf_svr", "reg"), ("pair_lr", "pair"), ("pair_ridge", "pair_reg"),
              ("tfidf_lr", "pair")]  # fmt: skip
    neural = [("frozen_encoder", "multilabel"), ("encoder_ridge", "reg"),
              ("biencoder_lr", "pair"), ("biencoder_ridge", "pair_reg"),
              ("encoder_gbr", "reg"), ("encoder_gbr", "pair_reg")]  # fmt: skip
    return sparse + (neural if torch_available() else [])


def _data(kind: str) -> tuple[list[str], np.ndarray]:
    texts = _texts()
    if kind == "multilabel":
        return texts, _multilabel(texts)
    if kind == "reg":
        return texts, _regression(texts)
    pairs, y = _pairs(texts)
    return pairs, (y.astype(float) if kind == "pair_reg" else y)


@pytest.mark.parametrize(("family", "kind"), _cases())
def test_each_family_learns_its_task_and_reloads_identically(tmp_path: Path, family, kind):
    texts, y = _data(kind)
    model = build_candidate(family, {}, "en").fit(texts[:70], y[:70])
    scores = model.predict_scores(texts[70:])
    width = y.shape[1] if y.ndim == 2 else (1 if y.dtype.kind == "f" else 2)
    assert scores.shape == (20, width) and np.isfinite(scores).all()
    model.save(tmp_path / "m")
    again = family_class(family).load(tmp_path / "m")
    assert np.allclose(again.predict_scores(texts[70:]), scores)
    if kind in ("reg", "pair_reg"):
        with pytest.raises(TypeError, match="use predict"):
            model.predict_proba(texts[:1])
        assert np.corrcoef(model.predict(texts[70:]), y[70:])[0, 1] > 0.5
    elif kind == "multilabel":
        assert scores[:, 0][y[70:, 0] == 1].mean() > scores[:, 0][y[70:, 0] == 0].mean()


def test_families_declare_their_tasks_and_the_search_samples_only_those() -> None:
    assert families_for("en", ["tfidf_lr", "tfidf_ridge", "nbsvm"], 3,
                        "multilabel_classification") == ["tfidf_lr"]  # fmt: skip
    assert families_for("zh", ["pair_lr", "tfidf_ridge", "pair_ridge"], 2,
                        "text_pair_regression") == ["tfidf_ridge", "pair_ridge"]  # fmt: skip
    assert "pair_lr" not in families_for("en", None, 2, "text_classification")


def test_one_vs_rest_survives_labels_never_and_always_seen() -> None:
    from sklearn.svm import LinearSVC

    X = np.random.default_rng(0).random((30, 4))
    Y = np.zeros((30, 3), dtype=int)
    Y[:, 1], Y[0, 2] = 1, 1  # label 0 never, label 1 always, label 2 once
    proba = MultiLabelOvR(LinearSVC(), min_rows=3).fit(X, Y).predict_proba(X)
    assert proba.shape == (30, 3)
    assert np.allclose(proba[:, 0], 0) and np.allclose(proba[:, 1], 1)


def test_thresholds_are_tuned_per_label_and_round_trip(tmp_path: Path) -> None:
    y = np.array([[1, 0], [1, 0], [0, 1], [0, 0]])
    proba = np.array([[0.3, 0.1], [0.25, 0.2], [0.1, 0.9], [0.05, 0.3]])
    tuned = tune_thresholds(y, proba)
    assert np.array_equal(tuned.apply(proba), y)
    tuned.write(tmp_path)
    assert np.array_equal(LabelThresholds.read(tmp_path).apply(proba), y)
    never = tune_thresholds(np.zeros((4, 1)), proba[:, :1])  # a label no row has never fires
    assert never.apply(np.ones((1, 1))).sum() == 0


def test_thresholds_counted_in_label_chunks_match_one_pass(monkeypatch) -> None:
    rng = np.random.default_rng(0)
    y = rng.random((500, 30)) < 0.15
    boost = rng.uniform(0.05, 0.6, y.shape[1])  # labels unlike each other in separability
    proba = np.clip(boost * y + (1 - boost) * rng.random(y.shape) ** 2, 0, 1)
    whole = tune_thresholds(y, proba)
    monkeypatch.setattr(thresholds, "CHUNK_CELLS", 500 * 47 * 4)  # 4 labels a chunk
    chunked = tune_thresholds(y, proba)
    assert np.array_equal(whole.thresholds, chunked.thresholds)
    assert whole.at_least_one == chunked.at_least_one
    assert len(set(whole.thresholds)) > 3  # tuned per label, not one value for all


def test_scores_rank_models_for_every_task() -> None:
    y = np.array([1.0, 2.0, 3.0, 4.0])
    assert task_score("text_regression", "rmse", y, y[:, None]) == 0
    assert task_score("text_regression", "rmse", y, y[:, None] + 1) < 0  # errors: negated
    assert task_score("text_regression", "pearson", y, (2 * y)[:, None]) == pytest.approx(1)
    multi = np.array([[1, 0], [0, 1]] * 10)
    assert task_score("multilabel_classification", "f1_micro", multi, multi * 0.8) == 1.0


def test_splits_are_stratified_for_label_matrices_and_targets() -> None:
    y = _multilabel(_texts(60))
    folds, (fit, val) = search_splits(y, seed=0, task_type="multilabel_classification")
    assert all(y[v, 0].sum() > 0 for _, v in folds) and len(val) < len(fit)
    target = np.linspace(0, 1, 60)
    folds, _ = search_splits(target, 0, "text_regression")
    assert all(abs(target[v].mean() - 0.5) < 0.1 for _, v in folds)
    assert search_strata(y).shape == (60,)


def test_a_trial_cross_validates_a_pair_family(tmp_path: Path) -> None:
    texts, y = _pairs(_texts(60))
    folds, holdout = search_splits(y, 0, "text_pair_classification")
    where = str(tmp_path / "cache"), str(tmp_path / "t")
    job = TrialJob(0, "pair_lr", {}, texts, y, folds, holdout, "en", "accuracy", *where,
                   task_type="text_pair_classification")  # fmt: skip
    outcome = run_trial(job)
    assert outcome.score > 0.9 and np.load(outcome.oof_path).shape == (60, 2)
    assert split_pair(texts[0])[0] in texts[0]


@pytest.mark.parametrize(("family", "kind"), _cases())
def test_a_sampled_configuration_builds_and_fits(family: str, kind: str) -> None:
    import optuna

    from openautoglm.search.space import FamilyTrial

    trial = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=7)).ask()
    params = family_class(family).search_space(FamilyTrial(trial, family, "en"))
    assert {f"{family}.{k}" for k in params} == set(trial.params)  # every value reaches it
    texts, y = _data(kind)
    model = build_candidate(family, params, "en").fit(texts[:60], y[:60])
    assert len(model.predict_scores(texts[60:])) == len(texts) - 60


@pytest.mark.nn
@pytest.mark.skipif(not torch_available(), reason="torch absent")
@pytest.mark.parametrize("kind", ["multilabel", "reg", "pair"])
def test_finetuning_trains_a_head_for_each_task(tmp_path: Path, kind: str) -> None:
    texts, y = _data(kind)
    fast = {"epochs": 1, "batch_size": 16, "max_length": 16}
    model = build_candidate("finetune", fast, "en").fit(texts[:60], y[:60])
    scores = model.predict_scores(texts[60:])
    assert scores.shape == (30, {"multilabel": 3, "reg": 1, "pair": 2}[kind])
    model.save(tmp_path / "m")
    assert np.allclose(family_class("finetune").load(tmp_path / "m").predict_scores(texts[60:]),
                       scores, atol=1e-5)  # fmt: skip
    if kind == "multilabel":
        assert ((scores >= 0) & (scores <= 1)).all()
    if kind == "reg":
        assert model.predict(texts[60:]).shape == (30,)
        with pytest.raises(TypeError, match="use predict"):
            model.predict_proba(texts[:1])

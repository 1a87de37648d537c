import numpy as np
import optuna
import pytest
from conftest import make_texts

from openautoglm.models.catalog import build_candidate, families_for, family_class
from openautoglm.models.ensemble import WeightedEnsemble, greedy_selection
from openautoglm.search.space import suggest_config

SPARSE = ["tfidf_lr", "tfidf_svm", "nbsvm", "complement_nb"]


@pytest.fixture(scope="module")
def data() -> tuple[list[str], np.ndarray]:
    frame = make_texts(30)
    return frame.text.tolist(), frame.label.astype("category").cat.codes.to_numpy()


@pytest.mark.parametrize("family", SPARSE)
def test_sparse_family_learns_and_round_trips(family: str, data, tmp_path) -> None:
    texts, y = data
    model = build_candidate(family, {}, "en").fit(texts, y)
    proba = model.predict_proba(texts)
    assert proba.shape == (len(texts), 3)
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert (proba.argmax(axis=1) == y).mean() > 0.9
    model.save(tmp_path / family)
    again = family_class(family).load(tmp_path / family)
    assert np.allclose(again.predict_proba(texts), proba)


def test_chinese_texts_are_segmented_and_learned(tmp_path) -> None:
    texts = [
        "梅西打进制胜球",
        "球队赢得联赛冠军",
        "教练宣布首发阵容",
        "新款芯片发布",
        "人工智能公司融资",
        "手机系统更新上线",
    ] * 5
    y = np.array([0, 0, 0, 1, 1, 1] * 5)
    model = build_candidate("tfidf_lr", {}, "zh", str(tmp_path)).fit(texts, y)
    assert (model.predict(texts) == y).all()
    assert (tmp_path / "tokens-zh.json").is_file()  # segmentation went through the run cache


@pytest.mark.parametrize("family", SPARSE)
def test_search_space_builds_a_valid_model(family: str, data) -> None:
    texts, y = data
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=1))
    trial = study.ask()
    chosen, params = suggest_config(trial, [family])
    assert set(trial.params) >= {f"{family}.{name}" for name in params}
    model = build_candidate(chosen, params, "en").fit(texts, y)
    assert model.predict_proba(texts[:5]).shape == (5, 3)


def test_families_for_language() -> None:
    assert "frozen_encoder" not in families_for("zh")
    assert families_for("en", ["tfidf_lr", "nbsvm"]) == ["tfidf_lr", "nbsvm"]
    assert families_for("en", ["tfidf_lr", "nbsvm"], n_classes=77) == ["tfidf_lr"]


def test_greedy_selection_prefers_the_better_member() -> None:
    y = np.array([0, 1, 0, 1, 0, 1])
    good = np.eye(2)[y] * 0.8 + 0.1
    bad = np.eye(2)[1 - y] * 0.8 + 0.1
    weights, score = greedy_selection([bad, good], y, lambda t, p: (p.argmax(1) == t).mean())
    assert weights[1] == 1.0 and score == 1.0


def test_greedy_selection_ignores_rows_a_member_did_not_predict() -> None:
    y = np.array([0, 1, 0, 1])
    partial = np.full((4, 2), np.nan)
    partial[:2] = np.eye(2)[y[:2]]
    weights, score = greedy_selection(
        [partial, np.eye(2)[y]], y, lambda t, p: (p.argmax(1) == t).mean()
    )
    assert score == 1.0 and np.isclose(weights.sum(), 1.0)


def test_weighted_ensemble_round_trips(data, tmp_path) -> None:
    texts, y = data
    members = [build_candidate(f, {}, "en").fit(texts, y) for f in ("tfidf_lr", "complement_nb")]
    ensemble = WeightedEnsemble(members, [0.7, 0.3])
    ensemble.save(tmp_path / "ens")
    assert np.allclose(
        WeightedEnsemble.load(tmp_path / "ens").predict_proba(texts), ensemble.predict_proba(texts)
    )

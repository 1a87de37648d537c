import numpy as np
import optuna
import pandas as pd
import pytest
from conftest import make_texts

from openautoglm.models.catalog import build_candidate, families_for, family_class
from openautoglm.models.ensemble import WeightedEnsemble, greedy_selection
from openautoglm.search.space import suggest_config

SPARSE = ["tfidf_lr", "tfidf_svm", "nbsvm", "complement_nb"]


def _codes(frame: pd.DataFrame) -> np.ndarray:
    return frame.label.astype("category").cat.codes.to_numpy()


@pytest.fixture(scope="module")
def data() -> tuple[list[str], np.ndarray]:
    frame = make_texts(30)
    return frame.text.tolist(), _codes(frame)


@pytest.fixture(scope="module")
def held_out(data) -> tuple[list[str], np.ndarray]:
    """Rows of another seed, none of them a training text."""
    frame = make_texts(10, seed=1)
    frame = frame[~frame.text.isin(data[0])]
    return frame.text.tolist(), _codes(frame)


@pytest.mark.parametrize("family", SPARSE)
def test_sparse_family_learns_and_round_trips(family: str, data, held_out, tmp_path) -> None:
    texts, y = data
    test_texts, test_y = held_out
    model = build_candidate(family, {}, "en").fit(texts, y)
    proba = model.predict_proba(test_texts)
    assert proba.shape == (len(test_texts), 3)
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert (proba.argmax(axis=1) == test_y).mean() > 0.9
    model.save(tmp_path / family)
    again = family_class(family).load(tmp_path / family)
    assert np.allclose(again.predict_proba(test_texts), proba)


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
    # unseen texts made of words (not whole texts) seen in training
    unseen = ["梅西赢得冠军", "教练宣布球队阵容", "芯片公司融资", "人工智能手机发布"]
    assert (model.predict(unseen) == [0, 0, 1, 1]).all()
    assert (tmp_path / "tokens-zh.jsonl").is_file()  # segmentation went through the run cache


def test_set_cache_reaches_the_fitted_featurizer(data, tmp_path) -> None:
    texts, y = data
    model = build_candidate("complement_nb", {}, "zh").fit(texts[:30], y[:30])
    model.set_cache(str(tmp_path))
    assert model.featurizer_.get_params()["word__tokens__cache_dir"] == str(tmp_path)
    model.predict(["梅西赢得冠军"])
    assert (tmp_path / "tokens-zh.jsonl").is_file()
    model.set_cache(None)
    assert (
        model.cache_dir is None
        and model.featurizer_.get_params()["word__tokens__cache_dir"] is None
    )


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


@pytest.mark.parametrize(
    ("language", "params"),
    [
        ("en", {"word_ngram_max": 2, "char_ngram_min": 2, "char_ngram_max": 4}),
        ("zh", {"word_ngram_max": 0, "char_ngram_min": 1, "char_ngram_max": 3}),
        ("zh", {"word_ngram_max": 2, "char_ngram_min": 1, "char_ngram_max": 0}),
    ],
)
def test_transform_views_is_the_unions_transform(language: str, params: dict) -> None:
    from openautoglm.models.sparse_features import ngram_featurizer, transform_views

    texts = (
        ["梅西打进制胜球", "央行宣布降息", "新款手机发布", "球队赢得冠军"]
        if language == "zh"
        else make_texts(20).text.tolist()
    )
    union = ngram_featurizer(language, **params).fit(texts)
    for batch in (texts, texts[:1], ["完全没见过的字 unseen words"]):
        expected, got = union.transform(batch), transform_views(union, batch)
        assert got.format == "csr" and got.dtype == expected.dtype
        assert got.shape == expected.shape and (got != expected).nnz == 0

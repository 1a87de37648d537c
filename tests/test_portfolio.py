"""The warm-start portfolio and the single-view featurisers it relies on."""

import numpy as np
import optuna
import pytest

from openautoglm.models.catalog import build_candidate, family_class
from openautoglm.models.sparse_features import fitted_views, ngram_featurizer
from openautoglm.search.portfolio import CHINESE, warm_starts
from openautoglm.search.space import suggest_config

ZH_TEXTS = ["梅西打进制胜球", "球队赢得联赛冠军", "新款芯片发布", "人工智能公司融资"] * 6
ZH_Y = np.array([0, 0, 1, 1] * 6)


@pytest.mark.parametrize(("word", "char"), [(0, 3), (2, 0)])
def test_a_view_can_be_switched_off(word: int, char: int) -> None:
    union = ngram_featurizer("zh", word_ngram_max=word, char_ngram_min=1, char_ngram_max=char)
    union.fit(ZH_TEXTS)
    word_view, char_view = fitted_views(union)
    assert (word_view is None) == (word == 0) and (char_view is None) == (char == 0)
    assert union.transform(["梅西赢得冠军"]).shape[0] == 1


def test_both_views_off_is_refused() -> None:
    with pytest.raises(ValueError, match="word view, the char view or both"):
        ngram_featurizer("zh", word_ngram_max=0, char_ngram_max=0)


@pytest.mark.parametrize(("family", "params"), [w for w in CHINESE if w[1]])
def test_chinese_portfolio_round_trips_and_lies_in_the_space(family, params, tmp_path) -> None:
    model = build_candidate(family, params, "zh", str(tmp_path / "cache")).fit(ZH_TEXTS, ZH_Y)
    model.set_cache(str(tmp_path / "cache"))
    model.save(tmp_path / "m")
    again = family_class(family).load(tmp_path / "m")
    assert np.allclose(again.predict_proba(ZH_TEXTS[:4]), model.predict_proba(ZH_TEXTS[:4]))
    # enqueued as the sampler's parameters, the define-by-run space gives them back unchanged
    (warm,) = [w for w in warm_starts("zh", [family]) if w.params == params]
    study = optuna.create_study()
    study.enqueue_trial(warm.sampler_params())
    chosen, suggested = suggest_config(study.ask(), [family], language="zh")
    assert (chosen, suggested) == (family, params)


def test_english_portfolio_keeps_family_defaults() -> None:
    starts = warm_starts("en", ["complement_nb", "tfidf_lr", "finetune"])
    assert [(w.family, w.params) for w in starts] == [("tfidf_lr", {}), ("complement_nb", {})]


def test_chinese_space_never_switches_both_views_off() -> None:
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    for _ in range(60):
        _, params = suggest_config(study.ask(), ["tfidf_lr"], language="zh")
        assert params["word_ngram_max"] > 0 or params["char_ngram_max"] > 0
        if params["char_ngram_max"]:
            assert params["char_ngram_min"] <= params["char_ngram_max"]


def test_a_parent_run_s_best_configurations_are_tried_first(tiny_csv, tmp_path) -> None:
    from openautoglm import AutoTask
    from openautoglm.search.portfolio import best_configurations

    parent = AutoTask(dataset_path=tiny_csv, run_dir=tmp_path / "parent", n_jobs=1,
                      families=["complement_nb", "tfidf_lr"]).run(max_trials=3)  # fmt: skip
    chosen = best_configurations(parent.run_dir, k=2)
    scores = {(r.family, str(r.params)): r.score for r in parent.leaderboard.itertuples()}
    assert 1 <= len(chosen) <= 2
    assert scores[(chosen[0][0], str(chosen[0][1]))] == parent.leaderboard.score.max()
    weird = ("complement_nb", {"alpha": 0.77, "char_ngram_max": 3, "char_ngram_min": 2,
                               "min_df": 1, "norm": True, "sublinear_tf": False,
                               "word_ngram_max": 1})  # fmt: skip
    families = ["complement_nb", "tfidf_lr"]
    child = AutoTask(dataset_path=tiny_csv, run_dir=tmp_path / "child", n_jobs=1,
                     families=families, warm_start=[weird]).run(max_trials=1)  # fmt: skip
    first = child.leaderboard.sort_values("trial").iloc[0]
    assert (first.family, first.params) == weird
    assert best_configurations(tmp_path / "nowhere") == []

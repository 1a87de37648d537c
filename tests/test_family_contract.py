"""Every model family follows the scikit-learn estimator contract.

In the spirit of scikit-learn's ``parametrize_with_checks``: one set of checks, run on each
family of the catalogue. scikit-learn's own checks are run where they apply; those that feed
numeric matrices to ``fit`` do not (the families take raw texts). The fitting checks here are
single-label classification's; the families of the other tasks are fitted in
test_task_families.py.
"""

from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import optuna
import pytest
from conftest import make_texts
from sklearn.base import clone, is_classifier
from sklearn.exceptions import NotFittedError
from sklearn.utils import estimator_checks
from sklearn.utils.validation import check_is_fitted

from openautoglm.models.base import Candidate
from openautoglm.models.catalog import NEURAL_FAMILIES, all_families, build_candidate, family_class

_NEURAL_READY = all(importlib.util.find_spec(name) for name in ("torch", "sentence_transformers"))

#: sizes that only cost time, shrunk so neural families fit in seconds on tiny data
_FAST = {
    "fasttext": {"dim": 16, "buckets": 2**12, "epochs": 1},
    "finetune": {"epochs": 1, "batch_size": 16, "max_length": 16},
}

#: every family's defaults before the estimator refactor: they must not drift
_DEFAULTS: dict[str, dict[str, Any]] = {
    **{
        name: {
            "word_ngram_max": 2,
            "char_ngram_min": 2,
            "char_ngram_max": 5,
            "sublinear_tf": True,
            "min_df": 1,
            **own,
        }
        for name, own in {
            "tfidf_lr": {"C": 8.0, "class_weight": None, "seed": 0},
            "tfidf_svm": {"C": 0.5, "class_weight": None, "seed": 0},
            "nbsvm": {"C": 4.0, "alpha": 1.0, "seed": 0},
            "complement_nb": {"alpha": 0.3, "norm": False},
        }.items()
    },
    "fasttext": {
        "language": "en",
        "dim": 64,
        "epochs": 10,
        "lr": 1e-2,
        "buckets": 2**18,
        "word_bigrams": True,
        "ngram_max": 5,
        "dropout": 0.2,
        "batch_size": 64,
        "seed": 0,
    },
    "frozen_encoder": {"encoder": "all-MiniLM-L6-v2", "C": 1.0, "seed": 0},
    "tfidf_ridge": {
        "word_ngram_max": 2,
        "char_ngram_min": 2,
        "char_ngram_max": 5,
        "sublinear_tf": True,
        "min_df": 2,
        "alpha": 3.0,
    },
    "tfidf_svr": {
        "word_ngram_max": 2,
        "char_ngram_min": 2,
        "char_ngram_max": 5,
        "sublinear_tf": True,
        "min_df": 2,
        "C": 0.1,
        "epsilon": 0.1,
        "seed": 0,
    },
    "pair_lr": {
        "word_ngram_max": 1,
        "char_ngram_min": 2,
        "char_ngram_max": 4,
        "sublinear_tf": True,
        "min_df": 1,
        "with_sides": False,
        "similarity_weight": 3.0,
        "C": 4.0,
        "seed": 0,
    },
    "pair_ridge": {
        "word_ngram_max": 1,
        "char_ngram_min": 2,
        "char_ngram_max": 4,
        "sublinear_tf": True,
        "min_df": 1,
        "with_sides": False,
        "similarity_weight": 3.0,
        "alpha": 3.0,
    },
    **{
        name: {"encoder": "all-MiniLM-L6-v2", "C": 1.0, "seed": 0}
        for name in ("encoder_ridge", "biencoder_lr", "biencoder_ridge")
    },
    "hashed_lr": {"language": "en", "C": 8.0, "max_features": 100_000, "min_df": 2},
    "encoder_gbr": {
        "encoder": "all-MiniLM-L6-v2",
        "learning_rate": 0.08,
        "max_leaf_nodes": 31,
        "l2_regularization": 1.0,
        "max_iter": 400,
        "seed": 0,
    },
    "finetune": {
        "encoder": "all-MiniLM-L6-v2",
        "epochs": 3,
        "lr": 1.2e-4,
        "batch_size": 32,
        "max_length": None,
        "weight_decay": 0.01,
        "warmup_ratio": 0.06,
        "seed": 0,
        "precision": "auto",
        "max_time_s": None,
    },
}

# the scikit-learn checks that do not call fit on numeric data
_SKLEARN_CHECKS = (
    "check_no_attributes_set_in_init",
    "check_get_params_invariance",
    "check_set_params",
    "check_parameters_default_constructible",
    "check_estimator_cloneable",
    "check_estimator_repr",
    "check_mixin_order",
    "check_do_not_raise_errors_in_init_or_set_params",
    "check_valid_tag_types",
    "check_estimator_tags_renamed",
)


def _family(name: str) -> Any:
    if name not in NEURAL_FAMILIES:
        return pytest.param(name, id=name)
    skip = pytest.mark.skipif(not _NEURAL_READY, reason="torch/sentence-transformers absent")
    return pytest.param(name, id=name, marks=[pytest.mark.nn, skip])


FAMILIES = [_family(name) for name in all_families()]
#: the families of single-label classification, which the fitting checks below train
CLASSIFIERS = [
    _family(name) for name in all_families() if "text_classification" in family_class(name).tasks
]


@pytest.fixture(scope="module", autouse=True)
def _one_torch_thread():
    if not _NEURAL_READY:
        yield
        return
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(1)  # deterministic and fair on a shared machine
    yield
    torch.set_num_threads(previous)


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    """Tiny training rows and held-out rows (another seed) of three classes."""
    train, test = make_texts(10, seed=0), make_texts(4, seed=1)
    codes = {label: i for i, label in enumerate(sorted(train.label.unique()))}
    return {
        "texts": train.text.tolist(),
        "y": train.label.map(codes).to_numpy(),
        "test": test.text.tolist(),
    }


@pytest.fixture(scope="module")
def fitted(data) -> dict[str, Candidate]:
    """One fitted model per family, shared by the checks of this module (fitted on demand)."""

    class Fitted(dict):
        def __missing__(self, family: str) -> Candidate:
            model = build_candidate(family, _FAST.get(family, {}), "en")
            assert model.fit(data["texts"], data["y"]) is model  # fit returns self
            self[family] = model
            return model

    return Fitted()


def _context_free(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if k not in ("cache_dir", "language")}


@pytest.mark.parametrize("family", FAMILIES)
def test_defaults_are_unchanged(family: str) -> None:
    params = family_class(family)().get_params()
    assert _context_free(params) == _context_free(_DEFAULTS[family])


@pytest.mark.parametrize("check", _SKLEARN_CHECKS)
@pytest.mark.parametrize("family", FAMILIES)
def test_sklearn_estimator_checks(family: str, check: str) -> None:
    cls = family_class(family)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # scikit-learn reports some failures as warnings
        getattr(estimator_checks, check)(cls.__name__, cls())


@pytest.mark.parametrize("family", CLASSIFIERS)
def test_fit_learns_classes(family: str, fitted, data) -> None:
    model = fitted[family]
    assert is_classifier(model)
    check_is_fitted(model)
    assert np.array_equal(model.classes_, np.arange(3)) and model.n_classes_ == 3


@pytest.mark.parametrize("family", CLASSIFIERS)
def test_predict_proba_on_held_out_rows(family: str, fitted, data) -> None:
    model = fitted[family]
    proba = model.predict_proba(data["test"])
    assert proba.shape == (len(data["test"]), 3)
    assert np.allclose(proba.sum(axis=1), 1.0) and (proba >= 0).all()
    assert np.array_equal(model.predict(data["test"]), model.classes_[proba.argmax(axis=1)])


@pytest.mark.parametrize("family", CLASSIFIERS)
def test_save_load_gives_identical_probabilities(family: str, fitted, data, tmp_path: Path) -> None:
    model = fitted[family]
    model.save(tmp_path / family)
    loaded = family_class(family).load(tmp_path / family)
    assert np.array_equal(loaded.predict_proba(data["test"]), model.predict_proba(data["test"]))
    assert np.array_equal(loaded.classes_, model.classes_)
    # everything but the run's cache folder is saved
    assert loaded.get_params() == {**model.get_params(), **_no_cache(model)}


def _no_cache(model: Candidate) -> dict[str, Any]:
    return {"cache_dir": None} if "cache_dir" in model.get_params() else {}


@pytest.mark.parametrize("family", CLASSIFIERS)
def test_clone_is_unfitted_with_the_same_params(family: str, fitted) -> None:
    model = fitted[family]
    copy = clone(model)
    assert copy.get_params() == model.get_params()
    with pytest.raises(NotFittedError):
        check_is_fitted(copy)
    assert not any(name.endswith("_") and not name.startswith("_") for name in vars(copy))


@pytest.mark.parametrize("family", FAMILIES)
def test_set_cache_points_the_model_at_a_run_cache(family: str, tmp_path: Path) -> None:
    model = family_class(family)()
    model.set_cache(str(tmp_path))
    expected = str(tmp_path) if "cache_dir" in model.get_params() else None
    assert model.get_params().get("cache_dir") == expected


@pytest.mark.parametrize("family", CLASSIFIERS)
def test_search_space_sampled_by_a_real_trial_builds_and_fits(family: str, data) -> None:
    trial = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=7)).ask()
    params = family_class(family).search_space(trial)
    assert set(params) == set(trial.params)  # every sampled value reaches the model
    model = build_candidate(family, params, "en")
    assert {k: model.get_params()[k] for k in params} == params
    model.set_params(**_FAST.get(family, {}))
    model.fit(data["texts"], data["y"])
    assert model.predict_proba(data["test"]).shape == (len(data["test"]), 3)

"""Uncertainty: temperature scaling, ECE, conformal sets, abstaining, spread, MC dropout, and
what a run fits and stores in its bundle."""

import json
import math

import numpy as np
import pandas as pd
import pytest
from conftest import dataset, make_texts
from scipy.special import softmax

import openautoglm
from openautoglm import AutoTask
from openautoglm.models.catalog import build_candidate
from openautoglm.models.ensemble import WeightedEnsemble
from openautoglm.registry.bundle import BundleError, TextClassifier
from openautoglm.uncertainty import (
    UNCERTAINTY_FILE,
    ConformalCalibrator,
    UncertaintyError,
    UncertaintyModel,
    expected_calibration_error,
    finite_sample_quantile,
    fit_abstain_threshold,
    fit_temperature,
    fit_uncertainty,
    mc_dropout_proba,
    probability_variance,
    scale_proba,
    supports_mc_dropout,
    vote_disagreement,
)
from openautoglm.uncertainty.abstain import accuracy_when_abstaining
from openautoglm.uncertainty.conformal import coverage_and_size, text_uniforms


def _sampled(n: int, n_classes: int, rng: np.random.Generator, scale: float = 2.0):
    """True probabilities and labels drawn from them: a perfectly calibrated model."""
    proba = softmax(rng.normal(0.0, scale, size=(n, n_classes)), axis=1)
    y = np.array([rng.choice(n_classes, p=p) for p in proba])
    return proba, y


# ------------------------------------------------------------------ calibration
def test_temperature_sharpens_near_uniform_naive_bayes_probabilities() -> None:
    # complement NB (normalised weights): the right label ahead by a log-probability gap of
    # ~1e-5, so every probability is 0.25 to four decimals
    rng = np.random.default_rng(0)
    y = rng.integers(0, 4, 2000)
    logits = rng.normal(0.0, 2e-6, size=(2000, 4))
    logits[np.arange(2000), y] += 1e-5
    proba = softmax(logits, axis=1)
    temperature = fit_temperature(np.log(proba), y)
    assert temperature < 1e-4
    scaled = scale_proba(proba, temperature)
    assert expected_calibration_error(scaled, y) < 0.05 < expected_calibration_error(proba, y)


def test_ece_of_known_cases() -> None:
    proba = np.tile([0.8, 0.2], (10, 1))
    assert expected_calibration_error(proba, np.array([0] * 8 + [1] * 2)) == pytest.approx(0.0)
    assert expected_calibration_error(proba, np.zeros(10, int)) == pytest.approx(0.2)
    # two bins: 0.9-confident rows all right (gap 0.1), 0.6-confident rows half right (0.1)
    proba = np.array([[0.9, 0.1]] * 4 + [[0.6, 0.4]] * 2)
    assert expected_calibration_error(proba, np.array([0, 0, 0, 0, 0, 1])) == pytest.approx(0.1)


def test_temperature_scaling_lowers_ece_of_an_overconfident_model() -> None:
    rng = np.random.default_rng(0)
    logits = rng.normal(0.0, 1.5, size=(4000, 5))
    y = np.array([rng.choice(5, p=p) for p in softmax(logits, axis=1)])
    overconfident = softmax(3.0 * logits, axis=1)  # the true logits, sharpened three times
    fit, test = slice(0, 2000), slice(2000, None)
    temperature = fit_temperature(np.log(overconfident[fit]), y[fit])
    assert temperature == pytest.approx(3.0, rel=0.15)
    before = expected_calibration_error(overconfident[test], y[test])
    after = expected_calibration_error(scale_proba(overconfident[test], temperature), y[test])
    assert before > 0.1 and after < before / 3
    # the top label never changes
    assert np.array_equal(
        scale_proba(overconfident, temperature).argmax(1), overconfident.argmax(1)
    )


# -------------------------------------------------------------------- conformal
def test_finite_sample_quantile_is_the_ceil_rank() -> None:
    scores = np.arange(1, 20) / 20  # n = 19: ceil(20 * 0.9) = 18th smallest
    assert finite_sample_quantile(scores[::-1], 0.1) == pytest.approx(0.9)
    assert finite_sample_quantile(np.arange(1, 9) / 10, 0.1) == math.inf  # 9 * 0.9 > 8


@pytest.mark.parametrize("method", ["aps", "raps"])
@pytest.mark.parametrize("randomized", [False, True])
def test_conformal_coverage_on_exchangeable_data(method: str, randomized: bool) -> None:
    rng = np.random.default_rng(1)
    alpha, coverages, sizes = 0.1, [], []
    for _ in range(100):
        proba, y = _sampled(600, 8, rng)
        u = rng.uniform(size=len(y)) if randomized else None
        cal = ConformalCalibrator.fit(
            proba[:300], y[:300], method, alpha, u=None if u is None else u[:300]
        )
        sets = cal.sets(proba[300:], alpha, None if u is None else u[300:])
        coverage, size = coverage_and_size(sets, y[300:])
        coverages.append(coverage)
        sizes.append(size)
    # the guarantee is on the mean over draws of calibration and test data
    assert np.mean(coverages) >= 1 - alpha - 0.01
    if randomized:  # randomised scores are close to exact, not just conservative
        assert np.mean(coverages) <= 1 - alpha + 0.03
    assert np.mean(sizes) < 8


def test_randomised_sets_cover_about_one_minus_alpha_even_for_an_accurate_model() -> None:
    # a model right on ~97% of rows: sets that always hold the top label would cover >= 0.97
    rng = np.random.default_rng(3)
    proba, y = _sampled(8000, 5, rng, scale=12.0)
    assert (proba.argmax(axis=1) == y).mean() > 0.93
    u = rng.uniform(size=len(y))
    cal = ConformalCalibrator.fit(proba[:4000], y[:4000], "aps", 0.1, u=u[:4000])
    exact = cal.sets(proba[4000:], 0.1, u[4000:])
    coverage, _ = coverage_and_size(exact, y[4000:])
    assert 0.88 <= coverage <= 0.92
    assert any(len(s) == 0 for s in exact)  # the only way to cover 90% and not 97%
    kept = cal.sets(proba[4000:], 0.1, u[4000:], nonempty=True)
    assert all(len(s) >= 1 for s in kept)
    assert coverage_and_size(kept, y[4000:])[0] >= (proba[4000:].argmax(axis=1) == y[4000:]).mean()


def test_raps_sets_are_no_larger_than_aps_on_a_peaked_distribution() -> None:
    # the true label on top (or next to it) of a peak, over a long tail of noise labels
    rng = np.random.default_rng(0)
    n_rows, n_classes = 2000, 100
    y = rng.integers(0, n_classes, n_rows)
    logits = rng.normal(0.0, 1.0, size=(n_rows, n_classes))
    logits[np.arange(n_rows), y] += 4.0
    proba = softmax(logits, axis=1)
    u = rng.uniform(size=n_rows)
    sizes = {}
    for method in ("aps", "raps"):
        cal = ConformalCalibrator.fit(proba[:1000], y[:1000], method, 0.1, u=u[:1000])
        sets = cal.sets(proba[1000:], 0.1, u[1000:])
        coverage, sizes[method] = coverage_and_size(sets, y[1000:])
        assert coverage >= 0.9
    assert sizes["raps"] <= sizes["aps"]
    assert sizes["raps"] < 0.9 * sizes["aps"]  # the penalty does cut the tail


@pytest.mark.parametrize("alpha", [0.0, 1.0, -0.1, 1.5, float("nan"), "x"])
def test_alpha_outside_the_open_unit_interval_is_refused(alpha) -> None:
    with pytest.raises(ValueError, match=r"alpha must be .*\(0, 1\)"):
        finite_sample_quantile(np.arange(10.0), alpha)
    cal = ConformalCalibrator.fit(np.eye(3)[[0, 1, 2] * 5] * 0.7 + 0.1, np.array([0, 1, 2] * 5))
    with pytest.raises(UncertaintyError, match="alpha"):
        cal.sets(np.full((2, 3), 1 / 3), alpha)


def test_text_uniforms_are_per_text_and_in_the_open_interval() -> None:
    u = text_uniforms(["a", "b", "a", ""])
    assert u[0] == u[2] and u[0] != u[1] and ((u > 0) & (u < 1)).all()


# ---------------------------------------------------------------------- abstain
def test_abstain_threshold_reaches_the_target_precision() -> None:
    rng = np.random.default_rng(3)
    confidence = rng.uniform(0.3, 1.0, 5000)
    correct = rng.uniform(size=5000) < confidence  # calibrated: P(right) = confidence
    rule = fit_abstain_threshold(confidence, correct, target_precision=0.9)
    answered = confidence >= rule.threshold
    assert rule.reached and correct[answered].mean() >= 0.9
    assert rule.coverage == pytest.approx(answered.mean())
    # the lowest such threshold: one step lower and precision falls under the target
    lower = confidence < rule.threshold
    next_row = np.argmax(np.where(lower, confidence, -1))
    with_next = answered | (np.arange(5000) == next_row)
    assert correct[with_next].mean() < 0.9
    assert not rule.abstain(np.array([rule.threshold]))[0]


def test_unreachable_precision_is_reported_not_hidden() -> None:
    rule = fit_abstain_threshold(np.linspace(0, 1, 100), np.zeros(100, bool), 0.9)
    assert not rule.reached and rule.precision == 0.0


def test_abstaining_on_the_most_uncertain_rows_gains_accuracy() -> None:
    correct = np.array([1, 1, 1, 1, 1, 1, 1, 1, 0, 0], dtype=bool)
    uncertainty = np.array([0.1] * 8 + [0.9, 0.8])
    out = accuracy_when_abstaining(correct, uncertainty, share=0.2)
    assert out == {"accuracy": 0.8, "accuracy_kept": 1.0, "gain": pytest.approx(0.2), "dropped": 2}


# ----------------------------------------------------------------------- spread
def test_spread_of_agreeing_and_disagreeing_members() -> None:
    a = np.array([[0.9, 0.1], [0.5, 0.5]])
    b = np.array([[0.1, 0.9], [0.5, 0.5]])
    assert probability_variance([a, a]) == pytest.approx([0.0, 0.0])
    assert probability_variance([a, b]) == pytest.approx([0.32, 0.0])  # 2 classes x 0.4**2
    assert vote_disagreement([a, b], [3, 1]) == pytest.approx([0.25, 0.0])
    assert np.isnan(probability_variance([a])).all() and np.isnan(vote_disagreement([a])).all()


# ------------------------------------------------------------------- MC dropout
@pytest.fixture(scope="module")
def small_models():
    frame = make_texts(20)
    y = frame.label.astype("category").cat.codes.to_numpy()
    labels = list(frame.label.astype("category").cat.categories)
    texts = frame.text.tolist()
    linear = build_candidate("tfidf_lr", {}, "en").fit(texts, y)
    models = {"labels": labels, "texts": texts, "y": y, "tfidf_lr": linear}
    if _has_torch():
        params = {"dim": 16, "epochs": 3, "buckets": 2**12, "dropout": 0.5}
        models["fasttext"] = build_candidate("fasttext", params, "en").fit(texts, y)
        no_dropout = {**params, "dropout": 0.0}
        models["fasttext_p0"] = build_candidate("fasttext", no_dropout, "en").fit(texts, y)
    return models


def _has_torch() -> bool:
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def test_mc_dropout_on_a_torch_member(small_models) -> None:
    if "fasttext" not in small_models:
        pytest.skip("torch is not installed")
    member, texts = small_models["fasttext"], small_models["texts"][:12]
    before = member.predict_proba(texts)
    result = mc_dropout_proba(member, texts, passes=8, seed=0)
    assert result.mean_proba.shape == before.shape
    assert (result.variance > 0).any() and (result.mutual_information >= 0).all()
    assert np.allclose(result.mean_proba.sum(1), 1.0)
    again = mc_dropout_proba(member, texts, passes=8, seed=0)
    assert np.array_equal(again.variance, result.variance)  # seeded: repeatable
    assert np.array_equal(member.predict_proba(texts), before)  # dropout is off again after


def test_which_members_support_mc_dropout(small_models) -> None:
    assert not supports_mc_dropout(small_models["tfidf_lr"])
    with pytest.raises(ValueError, match="does not support MC dropout"):
        mc_dropout_proba(small_models["tfidf_lr"], ["x"])
    if "fasttext" in small_models:
        assert supports_mc_dropout(small_models["fasttext"])
        assert not supports_mc_dropout(small_models["fasttext_p0"])  # dropout rate 0


# --------------------------------------------------- fitted model and the bundle
def _classifier(small_models, with_uncertainty: bool = True) -> TextClassifier:
    members = [small_models["tfidf_lr"]]
    if "fasttext" in small_models:
        members.append(small_models["fasttext"])
    model = WeightedEnsemble(members, [0.6, 0.4][: len(members)])
    fitted = None
    if with_uncertainty:
        proba = model.predict_proba(small_models["texts"])
        fitted = fit_uncertainty(proba, small_models["y"], target_precision=0.9)
    return TextClassifier(model, small_models["labels"], {}, fitted)


def test_uncertainty_survives_a_bundle_round_trip(small_models, tmp_path) -> None:
    clf = _classifier(small_models)
    texts = ["a new chip for the cloud", "spicy soup for dinner", "the coach and the team"]
    clf.save(tmp_path / "m")
    manifest = json.loads((tmp_path / "m" / "manifest.json").read_text())
    assert UNCERTAINTY_FILE in manifest["files"]  # hashed like every other file
    loaded = openautoglm.load(tmp_path / "m")
    assert loaded.uncertainty.to_json() == clf.uncertainty.to_json()
    assert loaded.predict_set(texts) == clf.predict_set(texts)
    assert loaded.predict_set(texts, alpha=0.5, method="aps") == clf.predict_set(
        texts, alpha=0.5, method="aps"
    )
    # the default call is unchanged; uncertainty=True adds to it
    plain = loaded.predict_proba(texts)
    rich = loaded.predict_proba(texts, uncertainty=True, mc_passes=4)
    assert isinstance(plain, np.ndarray) and np.array_equal(rich.raw_proba, plain)
    assert rich.predicted == loaded.predict(texts)
    assert np.allclose(rich.proba, loaded.uncertainty.calibrate(plain))
    frame = rich.to_frame()
    assert len(frame) == 3 and {"entropy", "spread_variance", "mc_variance", "abstain"} <= set(
        frame.columns
    )
    assert np.array_equal(rich.abstain, rich.max_proba < loaded.uncertainty.abstain.threshold)
    if "fasttext" in small_models:
        assert rich.mc_dropout_members == ["fasttext"] and not np.isnan(rich.mc_variance).any()
        assert not np.isnan(rich.spread_variance).any()


def test_an_edited_uncertainty_file_is_refused(small_models, tmp_path) -> None:
    _classifier(small_models).save(tmp_path / "m")
    path = tmp_path / "m" / UNCERTAINTY_FILE
    payload = json.loads(path.read_text())
    payload["temperature"] = 0.01
    path.write_text(json.dumps(payload))
    with pytest.raises(BundleError, match=UNCERTAINTY_FILE):
        openautoglm.load(tmp_path / "m")


def test_a_bundle_without_uncertainty_still_loads(small_models, tmp_path) -> None:
    _classifier(small_models, with_uncertainty=False).save(tmp_path / "m")
    loaded = openautoglm.load(tmp_path / "m")
    assert loaded.uncertainty is None
    rich = loaded.predict_proba(["spicy soup"], uncertainty=True, mc_passes=0)
    assert np.array_equal(rich.proba, rich.raw_proba) and not rich.abstain.any()
    assert np.isnan(rich.mc_variance).all() and rich.mc_dropout_members == []
    with pytest.raises(UncertaintyError, match="no conformal calibration"):
        loaded.predict_set(["spicy soup"])


def test_predict_set_refuses_a_bad_alpha(small_models) -> None:
    clf = _classifier(small_models)
    for alpha in (0, 1, 2.0):
        with pytest.raises(UncertaintyError, match="alpha"):
            clf.predict_set(["spicy soup"], alpha=alpha)
    assert clf.predict_set([], alpha=0.2) == []


def test_uncertainty_model_json_round_trip() -> None:
    rng = np.random.default_rng(4)
    proba, y = _sampled(300, 4, rng)
    proba[::50] = np.nan  # rows with no held-out prediction are left out
    fitted = fit_uncertainty(proba, y, max_scores=100)
    assert fitted.oof["rows"] == 294 and len(fitted.conformal["aps"].scores) == 100
    again = UncertaintyModel.from_json(json.loads(json.dumps(fitted.to_json())))
    assert again.to_json() == fitted.to_json()
    assert again.quantile(0.2) <= again.quantile(0.1)


# ----------------------------------------------------------------- end to end
def test_tiny_run_stores_uncertainty_in_its_bundle(tiny_csv, tmp_path) -> None:
    result = AutoTask(
        dataset_path=tiny_csv, run_dir=tmp_path / "run", n_jobs=2, families=["tfidf_lr"]
    ).run(max_trials=1)
    report = json.loads((tmp_path / "run" / "metrics.json").read_text())["metrics"]["uncertainty"]
    assert {"ece_before", "ece_after", "temperature", "aps", "raps", "abstain"} <= set(report)
    assert report["calibration_rows"] == 96  # every training row has an out-of-fold prediction
    model = openautoglm.load(tmp_path / "run")
    assert model.uncertainty.to_json() == result.model.uncertainty.to_json()
    texts = ["a new chip for the cloud", "spicy soup for dinner"]
    assert model.predict_set(texts) == result.predict_set(texts)
    assert all(  # sets may be empty; a set that is not starts with the predicted label
        s[0] == p for s, p in zip(model.predict_set(texts), model.predict(texts), strict=True) if s
    )
    kept = model.predict_set(texts, nonempty=True)
    assert [s[0] for s in kept] == model.predict(texts)
    assert result.predict_proba(texts, uncertainty=True).predicted == ["tech", "food"]


@pytest.mark.slow
def test_run_fits_and_stores_uncertainty(tmp_path) -> None:
    folder = dataset("trec")
    result = AutoTask(
        dataset_path=folder / "train.csv",
        test_path=folder / "test.csv",
        run_dir=tmp_path / "run",
        n_jobs=2,
        families=["complement_nb", "tfidf_lr"],
    ).run(max_trials=2)
    saved = json.loads((tmp_path / "run" / "metrics.json").read_text())["metrics"]["uncertainty"]
    assert saved["ece_after"] <= saved["ece_before"]
    test = pd.read_csv(folder / "test.csv")
    model = openautoglm.load(tmp_path / "run")
    sets = model.predict_set(test.text.tolist())
    coverage = np.mean([label in s for label, s in zip(test.label, sets, strict=True)])
    # 0.9 asked; trec's test split is easier than its training rows, so a little above
    assert 0.85 <= coverage <= 0.98
    assert np.mean([len(s) for s in sets]) < len(model.labels) / 2  # sets say something
    assert coverage == pytest.approx(saved[model.uncertainty.method]["coverage"])
    assert result.predict_set(test.text.tolist()[:20]) == sets[:20]
    assert model.predict_set(test.text.tolist()[:20], alpha=0.3) != sets[:20]  # smaller sets

"""Distillation: the loss, bad inputs, students on a real dataset, ONNX, and constraints."""

from __future__ import annotations

import math
import random
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from openautoglm.distill.augment import augment, span_swap, token_dropout  # noqa: E402
from openautoglm.distill.errors import DistillError  # noqa: E402
from openautoglm.distill.loss import (  # noqa: E402
    check_hyperparameters,
    distillation_loss,
    distillation_loss_numpy,
)
from tests.conftest import dataset, make_texts  # noqa: E402


def test_loss_on_known_numbers() -> None:
    # teacher p = (0.7, 0.2, 0.1), student logits (1, 0, -1), label 0, T = 2, alpha = 0.5
    t, alpha = 2.0, 0.5
    q = [p ** (1 / t) for p in (0.7, 0.2, 0.1)]
    q = [v / sum(q) for v in q]
    s = [math.exp(z / t) for z in (1.0, 0.0, -1.0)]
    s = [v / sum(s) for v in s]
    kl = sum(a * math.log(a / b) for a, b in zip(q, s, strict=True))
    ce = -math.log(math.exp(1.0) / (math.exp(1.0) + 1.0 + math.exp(-1.0)))
    expected = alpha * kl * t * t + (1 - alpha) * ce
    assert expected == pytest.approx(0.2075782, abs=1e-6)  # by hand: 0.5*4*0.001889 + 0.5*0.40761
    got = distillation_loss(
        torch.tensor([[1.0, 0.0, -1.0]], dtype=torch.float64),
        torch.tensor([[0.7, 0.2, 0.1]], dtype=torch.float64),
        torch.tensor([0]),
        t,
        alpha,
    )
    assert float(got) == pytest.approx(expected, rel=1e-9)


def test_closed_form_gradient_matches_autograd() -> None:
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(6, 4))
    teacher = rng.dirichlet(np.ones(4), size=6)
    labels = np.array([0, 3, -1, 2, -1, 1])  # -1: rows only the teacher labelled
    value, grad = distillation_loss_numpy(logits, teacher, labels, 3.0, 0.7)
    z = torch.tensor(logits, requires_grad=True)
    loss = distillation_loss(z, torch.tensor(teacher), torch.tensor(labels), 3.0, 0.7)
    loss.backward()
    assert value == pytest.approx(loss.item(), rel=1e-9)
    np.testing.assert_allclose(grad, z.grad.numpy(), rtol=1e-7, atol=1e-12)


@pytest.mark.parametrize("alpha", [0, 1, 1.5, -0.2, float("nan")])
def test_alpha_outside_open_interval_is_refused(alpha: float) -> None:
    with pytest.raises(DistillError, match="alpha must lie strictly between 0 and 1"):
        check_hyperparameters(4.0, alpha)


@pytest.mark.parametrize("temperature", [0, -1, float("inf")])
def test_temperature_must_be_positive(temperature: float) -> None:
    with pytest.raises(DistillError, match="temperature must be a positive number"):
        check_hyperparameters(temperature, 0.7)


def test_augmentations_keep_the_tokens() -> None:
    rng = random.Random(0)
    tokens = "the quick brown fox jumps over the lazy dog".split()
    swapped = span_swap(tokens, rng)
    assert sorted(swapped) == sorted(tokens) and swapped != tokens
    dropped = token_dropout(tokens, rng, p=0.5)
    assert 0 < len(dropped) < len(tokens) and all(t in tokens for t in dropped)
    new, source = augment(["梅西打进制胜球", "国产手机发布新款芯片"], "zh", per_text=2, unit="char")
    assert new and all(s in (0, 1) for s in source)
    assert all(set(t) <= set("梅西打进制胜球国产手机发布新款芯片") for t in new)


def _single_linear_teacher():
    from openautoglm.models.catalog import build_candidate
    from openautoglm.models.ensemble import WeightedEnsemble
    from openautoglm.registry.bundle import TextClassifier

    frame = make_texts(20)
    y = frame.label.astype("category").cat.codes.to_numpy()
    model = build_candidate("tfidf_lr", {"C": 1.0}, "en").fit(frame.text.tolist(), y)
    labels = list(frame.label.astype("category").cat.categories)
    return TextClassifier(WeightedEnsemble([model], [1.0]), labels), frame, y


def test_single_linear_teacher_and_bad_target_are_refused(tmp_path) -> None:
    from openautoglm.distill.distiller import TrainingData, distill

    teacher, frame, y = _single_linear_teacher()
    data = TrainingData(frame.text.tolist(), y, frame.text.tolist(), y, teacher.labels, "en")
    with pytest.raises(DistillError, match="already a single linear model"):
        distill(teacher, data, "linear", 4, 0.7, out=tmp_path / "s")
    with pytest.raises(DistillError, match="target must be one of"):
        distill(teacher, data, "bert", 4, 0.7, out=tmp_path / "s")
    with pytest.raises(DistillError, match="alpha"):
        distill(teacher, data, "fasttext", 4, 1.0, out=tmp_path / "s")
    assert not (tmp_path / "s").exists()  # refused before anything was written


def test_pick_prefers_accuracy_within_limits_and_warns_otherwise() -> None:
    from openautoglm.distill.constraints import Option, pick
    from openautoglm.spec import Constraints, TaskSpec

    spec = TaskSpec(dataset_path="x.csv", constraints=Constraints(max_latency_ms=5, max_model_mb=2))
    teacher = Option("teacher", None, 0.90, 12.0, 40.0, 0.91)  # type: ignore[arg-type]
    member = Option("member", None, 0.88, 4.0, 3.0, 0.89)  # type: ignore[arg-type]
    linear = Option("student linear", None, 0.86, 1.0, 1.5, 0.87)  # type: ignore[arg-type]
    fast = Option("student fasttext", None, 0.87, 0.5, 1.9, 0.86)  # type: ignore[arg-type]
    chosen, why, warning = pick([teacher, member, linear, fast], spec)
    assert chosen is fast and warning is None and "within the constraints" in why
    tight = TaskSpec(dataset_path="x.csv", constraints=Constraints(max_model_mb=1.0))
    chosen, why, warning = pick([teacher, member, linear, fast], tight)
    assert chosen is linear and "size_mb over by 0.5" in warning and "best effort" in why
    loose = TaskSpec(dataset_path="x.csv", constraints=Constraints(max_latency_ms=100))
    assert pick([teacher, member], loose)[0] is teacher


@pytest.fixture(scope="module")
def news_run(tmp_path_factory):
    from openautoglm import AutoTask

    folder = dataset("news_zh")
    task = AutoTask(
        dataset_path=folder / "train.csv",
        test_path=folder / "test.csv",
        run_dir=tmp_path_factory.mktemp("news") / "run",
        n_jobs=1,
        families=["complement_nb", "tfidf_lr", "fasttext"],
    )
    return task.run(max_trials=3)


@pytest.mark.slow
@pytest.mark.parametrize("target", ["linear", "fasttext"])
def test_student_agrees_saves_loads_and_exports(news_run, target: str) -> None:
    import onnxruntime as ort

    import openautoglm
    from openautoglm.distill.onnx_export import fasttext_inputs

    student = news_run.distill(target=target, temperature=4, alpha=0.7)
    assert student.metrics["agreement_with_teacher"] >= 0.85
    lineage = openautoglm.load(student.path).info["distillation"]
    assert lineage["temperature"] == 4 and lineage["alpha"] == 0.7
    assert len(lineage["teacher"]["manifest_sha256"]) == 64
    texts = news_run._output.data.test_texts[:50]
    loaded = openautoglm.load(student.path)
    assert loaded.predict(texts) == student.predict(texts)
    member = loaded.model.members[0]
    session = ort.InferenceSession(str(student.path / lineage["onnx"]["file"]))
    if target == "fasttext":
        scores = session.run(None, fasttext_inputs(member, texts))[0]
    else:
        features = member.featurizer_.transform(texts).toarray().astype(np.float32)
        scores = session.run(None, {"features": features})[0]
    assert [loaded.labels[i] for i in scores.argmax(axis=1)] == loaded.predict(texts)
    # calibrated on its own validation split: a student handed back can give sets too
    assert loaded.uncertainty is not None
    assert loaded.uncertainty.oof["rows"] == lineage["validation"]["rows"]
    sets = loaded.predict_set(texts, alpha=0.1)
    assert len(sets) == len(texts) and all(set(s) <= set(loaded.labels) for s in sets)
    assert loaded.predict_proba(texts, uncertainty=True).proba.shape == (50, len(loaded.labels))


@pytest.mark.slow
def test_impossible_constraints_deliver_the_closest_model_with_a_warning(tmp_path) -> None:
    from openautoglm import AutoTask
    from openautoglm.distill.constraints import ConstraintWarning
    from openautoglm.spec import Constraints, TaskSpec

    folder = dataset("news_zh")
    spec = TaskSpec(
        dataset_path=str(folder / "train.csv"),
        test_path=str(folder / "test.csv"),
        constraints=Constraints(max_model_mb=0.05),
    )
    task = AutoTask(
        spec=spec, run_dir=tmp_path / "run", n_jobs=1, families=["complement_nb", "tfidf_lr"]
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = task.run(max_trials=2, time_budget=60)
    assert any(issubclass(w.category, ConstraintWarning) for w in caught)
    card = result.model_card
    assert "best effort" in card["reason"] and "size_mb over by" in card["reason"]
    names = [c["model"] for c in card["candidates"]]
    assert any(n.startswith("student") for n in names)  # students were tried
    smallest = min(card["candidates"], key=lambda c: c["size_mb"])
    assert card["chosen"] == smallest["model"]  # size is the only limit: closest = smallest
    import openautoglm

    assert (
        openautoglm.load(tmp_path / "run").info["metrics"]["model_card"]["chosen"]
        == (card["chosen"])
    )

"""The HTTP service answering multilabel, regression and text-pair models (a real server)."""

from __future__ import annotations

import json

import httpx
import numpy as np
import pytest
from serve_helpers import new_port, serve_command, start_server
from sqlalchemy import select
from sqlalchemy.orm import Session

from openautoglm.db.engine import open_engine
from openautoglm.db.schema import PredictionRow
from openautoglm.evaluate.thresholds import LabelThresholds
from openautoglm.models.catalog import build_candidate
from openautoglm.models.ensemble import WeightedEnsemble
from openautoglm.registry.bundle import TextClassifier
from openautoglm.registry.model_registry import Registry
from openautoglm.serve.api_keys import create_key
from openautoglm.uncertainty import fit_uncertainty

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

SPORT, TECH = "goal match team win", "chip phone cloud code"


def _multilabel(path):
    texts = [SPORT, TECH, f"{SPORT} {TECH}", "team win", "phone code", "match chip"] * 4
    y = np.array([[1, 0], [0, 1], [1, 1], [1, 0], [0, 1], [1, 1]] * 4)
    model = build_candidate("tfidf_lr", {"C": 10.0}, "en").fit(texts, y)
    info = {"task_type": "multilabel_classification", "test_hash": "t", "data_hash": "d"}
    thresholds = LabelThresholds(np.array([0.5, 0.5]))
    return TextClassifier(WeightedEnsemble([model], [1.0]), ["sport", "tech"], info,
                          thresholds=thresholds).save(path)  # fmt: skip


def _regression(path):
    texts = ["great lovely superb", "awful bad terrible", "fine okay", "lovely great"] * 5
    y = np.array([4.5, 1.2, 3.0, 4.4] * 5)
    model = build_candidate("tfidf_ridge", {}, "en").fit(texts, y)
    info = {"task_type": "text_regression", "test_hash": "t", "data_hash": "d"}
    return TextClassifier(WeightedEnsemble([model], [1.0]), [], info).save(path)


def _pairs(path):
    from openautoglm.data.pairs import join_pair

    same = [("a cat sat", "a cat sat down"), ("red car", "the red car")]
    other = [("a cat sat", "stock prices fell"), ("red car", "blue ocean wave")]
    texts = [join_pair(a, b) for a, b in (same + other) * 5]
    y = np.array([1, 1, 0, 0] * 5)
    model = build_candidate("pair_lr", {}, "en").fit(texts, y)
    info = {"task_type": "text_pair_classification", "text_column": ["q1", "q2"],
            "test_hash": "t", "data_hash": "d"}  # fmt: skip
    clf = TextClassifier(WeightedEnsemble([model], [1.0]), ["different", "same"], info)
    held_out = [("a dog ran", "a dog ran off"), ("a dog ran", "rain in spain")] * 10
    y_held = np.array([1, 0] * 10)
    y_held[::5] = 1 - y_held[::5]  # some mistakes, so the calibration is not degenerate
    clf.uncertainty = fit_uncertainty(clf.predict_proba(held_out), y_held)
    return clf.save(path)


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """One server per model kind, on one SQLite registry."""
    root = tmp_path_factory.mktemp("tasks")
    url = f"sqlite:///{root / 'registry.db'}"
    registry = Registry(url, root / "store")
    key_file = root / "keys.txt"
    keys = {scope: create_key(key_file, [scope], scope) for scope in ("predict", "feedback")}
    env = {"OPENAUTOGLM_REGISTRY_URL": url, "OPENAUTOGLM_BUNDLE_STORE": str(root / "store")}
    running = {}
    for name, build in (("tags", _multilabel), ("score", _regression), ("para", _pairs)):
        registry.register(build(root / name), name)
        registry.promote(name, 1)
        running[name] = start_server(serve_command(name, key_file, new_port()), env, keys)
    running["url"] = url
    yield running
    for name in ("tags", "score", "para"):
        running[name].kill()


def _post(server, path: str, body: dict, scope: str = "predict") -> httpx.Response:
    return httpx.post(f"{server.url}{path}", json=body, headers=server.headers(scope), timeout=30)


def _logged(url: str, ids: list[str]) -> dict[str, PredictionRow]:
    engine = open_engine(url)
    with Session(engine) as session:
        rows = session.scalars(select(PredictionRow).where(PredictionRow.id.in_(ids))).all()
    engine.dispose()
    return {row.id: row for row in rows}


def _wait_logged(url: str, ids: list[str]) -> dict[str, PredictionRow]:
    import time

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = _logged(url, ids)
        if len(found) == len(ids):
            return found
        time.sleep(0.2)
    raise AssertionError(f"only {len(_logged(url, ids))} of {len(ids)} predictions were logged")


def test_multilabel_model_answers_label_lists_and_per_label_probabilities(servers) -> None:
    answer = _post(servers["tags"], "/v1/predict", {"texts": [SPORT, TECH, f"{SPORT} {TECH}"]})
    assert answer.status_code == 200, answer.text
    predictions = answer.json()["predictions"]
    assert [p["labels"] for p in predictions] == [["sport"], ["tech"], ["sport", "tech"]]
    for p in predictions:
        assert set(p) == {"id", "label", "confidence", "probabilities", "labels"}
        assert set(p["probabilities"]) == {"sport", "tech"}
        assert p["confidence"] == max(p["probabilities"].values())
    logged = _wait_logged(servers["url"], [p["id"] for p in predictions])
    assert json.loads(logged[predictions[2]["id"]].label) == ["sport", "tech"]


def test_regression_model_answers_numbers_and_logs_them_without_a_confidence(servers) -> None:
    answer = _post(servers["score"], "/v1/predict", {"texts": ["lovely great superb", "awful"]})
    assert answer.status_code == 200, answer.text
    predictions = answer.json()["predictions"]
    assert all(set(p) == {"id", "value"} for p in predictions)
    assert predictions[0]["value"] > 3.5 > 2.5 > predictions[1]["value"]
    logged = _wait_logged(servers["url"], [p["id"] for p in predictions])
    row = logged[predictions[0]["id"]]
    assert float(row.label) == pytest.approx(predictions[0]["value"]) and row.confidence is None


def test_pair_model_reads_pairs_and_refuses_single_texts(servers) -> None:
    pairs = [["a cat sat", "a cat sat down"], ["red car", "blue ocean wave"]]
    answer = _post(servers["para"], "/v1/predict", {"pairs": pairs, "uncertainty": False})
    assert answer.status_code == 200, answer.text
    predictions = answer.json()["predictions"]
    assert [p["label"] for p in predictions] == ["same", "different"]
    sure = _post(servers["para"], "/v1/predict", {"pairs": pairs, "uncertainty": True,
                                                  "set_alpha": 0.1})  # fmt: skip
    assert sure.status_code == 200, sure.text
    for p, raw in zip(sure.json()["predictions"], predictions, strict=True):
        assert p["probabilities"] == raw["probabilities"]  # the raw numbers, unchanged
        assert {"calibrated_confidence", "abstain", "prediction_set"} <= set(p["uncertainty"])
    wrong = _post(servers["para"], "/v1/predict", {"texts": ["a cat sat"]})
    assert wrong.status_code == 422
    assert (
        'para v1 is a text_pair_classification model: it reads text pairs; send "pairs"'
        in (wrong.json()["detail"])
    )
    # a correction of a pair names its prediction; the logged text is the joined pair
    fixed = _post(servers["para"], "/v1/feedback",
                  {"prediction_id": predictions[1]["id"], "label": "same"}, "feedback")  # fmt: skip
    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["predicted_label"] == "different"
    bare = _post(servers["para"], "/v1/feedback", {"text": "a cat", "label": "same"}, "feedback")
    assert bare.status_code == 422 and "name the prediction_id" in bare.json()["detail"]


@pytest.mark.parametrize(
    ("name", "body", "says"),
    [
        ("tags", {"texts": ["goal"], "uncertainty": True},
         "uncertainty: is for single-label and pair classification; tags v1 is a multilabel"),
        ("score", {"texts": ["fine"], "explain": True},
         "explain: explanations are for single-text classification; score v1 is a text_regr"),
        ("score", {"pairs": [["a", "b"]]}, "pairs: score v1 is a text_regression model"),
        ("para", {"pairs": [["a", "x" * 1_000_000]]}, "pairs[0][1]: 1,000,000 characters"),
    ],
)  # fmt: skip
def test_options_a_task_lacks_are_refused_by_name(servers, name: str, body: dict, says: str):
    answer = _post(servers[name], "/v1/predict", body)
    assert answer.status_code == 422 and says in answer.json()["detail"], answer.text


def test_corrections_of_multilabel_and_regression_models_are_refused(servers) -> None:
    for name in ("tags", "score"):
        answer = _post(
            servers[name], "/v1/feedback", {"text": "goal", "label": "sport"}, "feedback"
        )
        assert answer.status_code == 422
        assert (
            "corrections are taken for single-label and pair classification"
            in (answer.json()["detail"])
        )

"""The HTTP service, started for real on a loopback port, on SQLite and on PostgreSQL."""

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

import httpx
import numpy as np
import pytest
from conftest import make_texts, save_test_bundle
from serve_helpers import new_port, serve_command, start_server

from openautoglm.db.engine import open_engine
from openautoglm.feedback.store import FeedbackStore
from openautoglm.registry.bundle import TextClassifier, load_bundle
from openautoglm.registry.model_registry import Registry
from openautoglm.serve.api_keys import create_key
from openautoglm.uncertainty import fit_uncertainty

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

PREDICTION_KEYS = {"id", "label", "confidence", "probabilities"}
UNCERTAINTY_KEYS = {"calibrated_confidence", "entropy", "ensemble_spread", "abstain"}


def save_calibrated_bundle(path):
    """A two-member test bundle (so the ensemble spread is a number) whose uncertainty is fitted
    on held-out texts with one label in six wrong, so that temperature, sets and the abstain
    rule are not degenerate (on perfect held-out predictions the temperature goes to ~0)."""
    first = load_bundle(save_test_bundle(path / "a", 0.8))
    second = load_bundle(save_test_bundle(path / "b", 0.8, seed=2))
    model = type(first.model)([*first.model.members, *second.model.members], [1.0, 1.0])
    clf = TextClassifier(model, first.labels, first.info)
    held_out = make_texts(30, seed=7)
    y = np.array([clf.labels.index(label) for label in held_out.label])
    y[::6] = (y[::6] + 1) % len(clf.labels)
    clf.uncertainty = fit_uncertainty(clf.predict_proba(held_out.text.tolist()), y)
    return clf.save(path / "calibrated")


@pytest.fixture
def served(database_url, tmp_path):
    """A registered model 'm' (v1 in production, calibrated; v2 in staging, not) served with
    three keys."""
    registry = Registry(database_url, tmp_path / "store")
    registry.register(save_calibrated_bundle(tmp_path / "v1"), "m")
    registry.register(save_test_bundle(tmp_path / "v2", 0.9, seed=1), "m")
    registry.promote("m", 1)
    key_file = tmp_path / "keys.txt"
    keys = {
        scope: create_key(key_file, [scope], scope) for scope in ("predict", "feedback", "admin")
    }
    env = {
        "OPENAUTOGLM_REGISTRY_URL": database_url,
        "OPENAUTOGLM_BUNDLE_STORE": str(tmp_path / "store"),
    }
    server = start_server(serve_command("m", key_file, new_port(), "--poll-s", "0.5"), env, keys)
    server.registry = registry
    server.cwd = tmp_path  # schemathesis keeps a cache in its working folder
    yield server
    server.kill()


def test_predict_returns_labels_probabilities_ids_and_version(served) -> None:
    texts = ["goal for the team", "a new chip in the cloud", "spicy soup recipe"]
    answer = httpx.post(f"{served.url}/v1/predict", json={"texts": texts}, headers=served.headers())
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["model"], body["version"]) == ("m", 1)
    assert [p["label"] for p in body["predictions"]] == ["sports", "tech", "food"]
    assert len({p["id"] for p in body["predictions"]}) == 3
    for p in body["predictions"]:
        assert sum(p["probabilities"].values()) == pytest.approx(1.0)
        assert p["confidence"] == max(p["probabilities"].values())


TEXTS = ["goal for the team", "a new chip in the cloud", "spicy soup recipe", "the a today",
         "goal chip soup"]  # fmt: skip


def predict(served, **body) -> dict:
    answer = httpx.post(f"{served.url}/v1/predict", json=body, headers=served.headers(), timeout=60)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_plain_requests_get_no_new_keys_and_the_same_raw_numbers(served) -> None:
    plain = predict(served, texts=TEXTS)
    assert set(plain) == {"model", "version", "predictions"}
    assert all(set(p) == PREDICTION_KEYS for p in plain["predictions"])
    off = predict(served, texts=TEXTS, uncertainty=False, explain=False, explain_features=3)
    assert all(set(p) == PREDICTION_KEYS for p in off["predictions"])
    both = predict(served, texts=TEXTS, uncertainty=True, set_alpha=0.1, explain=True)
    for answer in (off, both):
        for new, old in zip(answer["predictions"], plain["predictions"], strict=True):
            # the raw probabilities, bit for bit, whatever else was asked for
            assert (new["label"], new["confidence"], new["probabilities"]) == (
                old["label"], old["confidence"], old["probabilities"]
            )  # fmt: skip
    assert all(
        set(p) == PREDICTION_KEYS | {"uncertainty", "explanation"} for p in both["predictions"]
    )


def test_uncertainty_and_prediction_sets(served) -> None:
    body = predict(served, texts=TEXTS, uncertainty=True)
    labels = set(body["predictions"][0]["probabilities"])
    for p in body["predictions"]:
        u = p["uncertainty"]
        assert set(u) == UNCERTAINTY_KEYS  # no set without set_alpha
        assert 1 / len(labels) <= u["calibrated_confidence"] <= 1
        assert 0 <= u["entropy"] <= np.log(len(labels)) + 1e-9
        assert isinstance(u["abstain"], bool)
        assert isinstance(u["ensemble_spread"], float) and u["ensemble_spread"] >= 0
    calibrated = [p["uncertainty"]["calibrated_confidence"] for p in body["predictions"]]
    # the abstain rule is one threshold on the calibrated confidence
    abstained = [c for c, p in zip(calibrated, body["predictions"], strict=True)
                 if p["uncertainty"]["abstain"]]  # fmt: skip
    answered = [c for c, p in zip(calibrated, body["predictions"], strict=True)
                if not p["uncertainty"]["abstain"]]  # fmt: skip
    assert abstained and answered and max(abstained) < min(answered)
    sets = {}
    for alpha in (0.5, 0.3, 0.1, 0.01):
        answer = predict(served, texts=TEXTS, uncertainty=True, set_alpha=alpha)
        sets[alpha] = [p["uncertainty"]["prediction_set"] for p in answer["predictions"]]
        for found in sets[alpha]:
            assert set(found) <= labels and len(set(found)) == len(found)
    for alpha_sets in sets.values():  # most probable first: the calibrated top is the label
        for found, p in zip(alpha_sets, body["predictions"], strict=True):
            assert found[:1] in ([], [p["label"]])
    for looser, stricter in ((0.5, 0.3), (0.3, 0.1), (0.1, 0.01)):
        for a, b in zip(sets[looser], sets[stricter], strict=True):
            assert set(a) <= set(b)  # a smaller alpha never gives a smaller set
    assert [] in sets[0.5]  # randomised sets can be empty at a loose alpha
    assert all(len(s) == len(labels) for s in sets[0.01])
    assert sum(map(len, sets[0.1])) > sum(map(len, sets[0.5]))


def test_explanations_name_features_of_the_text(served) -> None:
    texts = TEXTS[:3]
    body = predict(served, texts=texts, explain=True, explain_features=3)
    for text_, p in zip(texts, body["predictions"], strict=True):
        assert set(p) == PREDICTION_KEYS | {"explanation"}
        explanation = p["explanation"]
        assert explanation["method"] == "exact"  # linear members: read off exactly
        assert explanation["predicted"] == p["label"]
        assert [x["label"] for x in explanation["labels"]][:1] == [p["label"]]
        assert len(explanation["labels"]) == 2  # the prediction and its runner-up
        assert explanation["labels"][0]["probability"] == pytest.approx(p["confidence"])
        top = explanation["labels"][0]
        assert top["supporting"] and len(top["supporting"]) <= 3 and len(top["opposing"]) <= 3
        for feature in top["supporting"] + top["opposing"]:
            assert feature["feature"].strip() in text_, feature
        assert top["supporting"][0]["feature"] in text_.split()  # a topic word leads


def test_keys_and_scopes(served) -> None:
    body = {"texts": ["goal"]}
    assert httpx.post(f"{served.url}/v1/predict", json=body).status_code == 401
    wrong = {"Authorization": "Bearer agk_not-a-key"}
    assert httpx.post(f"{served.url}/v1/predict", json=body, headers=wrong).status_code == 401
    correction = {"text": "goal", "label": "sports"}
    refused = httpx.post(
        f"{served.url}/v1/feedback", json=correction, headers=served.headers("predict")
    )
    assert refused.status_code == 403 and "may not feedback" in refused.json()["detail"]
    ok = httpx.post(
        f"{served.url}/v1/feedback", json=correction, headers=served.headers("feedback")
    )
    assert ok.status_code == 200
    assert (
        httpx.post(
            f"{served.url}/v1/predict", json=body, headers=served.headers("admin")
        ).status_code
        == 200
    )
    key_file = served.args[served.args.index("--api-key-file") + 1]
    assert served.keys["predict"] not in open(key_file).read()  # only hashes are stored


BAD_REQUESTS = [
    (b"{bad json", 422, "not valid JSON"),
    (json.dumps({"texts": [1, "a"]}).encode(), 422, "texts[0]: Input should be a valid string"),
    (json.dumps({"texts": "goal"}).encode(), 422, "texts: Input should be a valid list"),
    (json.dumps({"texts": []}).encode(), 422, "texts: List should have at least 1 item"),
    (json.dumps({"text": ["goal"]}).encode(), 422, "text: is not a field of this request"),
    (json.dumps({}).encode(), 422, "send either texts (a list of strings) or, for a text-pair"),
    (json.dumps({"texts": ["a"], "pairs": [["a", "b"]]}).encode(), 422, "not both"),
    (
        json.dumps({"pairs": [["a", "b"]]}).encode(),
        422,
        "pairs: m v1 is a text_classification model: it reads single texts",
    ),
    (json.dumps({"pairs": [["a"]]}).encode(), 422, "pairs[0]"),
    (json.dumps({"texts": ["x" * 1_000_000]}).encode(), 422, "texts[0]: 1,000,000 characters"),
    (json.dumps({"texts": ["x" * 100] * 30_000}).encode(), 413, "over the limit"),
    (json.dumps({"texts": ["goal"], "version": 7}).encode(), 404, "no version 7"),
    (
        json.dumps({"texts": ["goal"], "uncertainty": True, "version": 2}).encode(),
        409,
        "m v2 has no calibration",
    ),
    (
        json.dumps({"texts": ["goal"], "uncertainty": True, "set_alpha": 0}).encode(),
        422,
        "set_alpha: Input should be greater than 0",
    ),
    (
        json.dumps({"texts": ["goal"], "uncertainty": True, "set_alpha": 1}).encode(),
        422,
        "set_alpha: Input should be less than 1",
    ),
    (
        json.dumps({"texts": ["goal"], "set_alpha": 0.1}).encode(),
        422,
        'set_alpha: prediction sets are part of the uncertainty; also send "uncertainty": true',
    ),
    (
        json.dumps({"texts": ["goal"] * 17, "explain": True}).encode(),
        422,
        "the limit is 16 texts per request with explanations",
    ),
    (
        json.dumps({"texts": ["goal", " "], "explain": True}).encode(),
        422,
        "texts[1]: is empty (or only whitespace)",
    ),
    (
        json.dumps({"texts": ["goal"], "explain": True, "explain_features": 51}).encode(),
        422,
        "explain_features: Input should be less than or equal to 50",
    ),
]


def test_bad_requests_get_clear_errors_and_the_server_keeps_serving(served) -> None:
    for content, code, says in BAD_REQUESTS:
        answer = httpx.post(f"{served.url}/v1/predict", content=content, headers=served.headers())
        assert answer.status_code == code, answer.text
        assert says in answer.json()["detail"]
        good = httpx.post(
            f"{served.url}/v1/predict", json={"texts": ["goal"]}, headers=served.headers()
        )
        assert good.status_code == 200


def test_feedback_is_validated_joined_and_deduplicated(served, database_url) -> None:
    headers = served.headers("feedback")
    predicted = httpx.post(
        f"{served.url}/v1/predict", json={"texts": ["goal for the team"]}, headers=served.headers()
    ).json()["predictions"][0]
    joined = httpx.post(
        f"{served.url}/v1/feedback",
        headers=headers,
        json={"prediction_id": predicted["id"], "label": "food"},
    )
    assert joined.status_code == 200 and joined.json()["predicted_label"] == "sports"
    again = httpx.post(
        f"{served.url}/v1/feedback",
        headers=headers,
        json={"prediction_id": predicted["id"], "label": "food"},
    ).json()
    assert again == {**joined.json(), "duplicate": True}
    unknown = httpx.post(
        f"{served.url}/v1/feedback", headers=headers, json={"text": "x", "label": "music"}
    )
    assert (
        unknown.status_code == 422
        and "allowed: ['food', 'sports', 'tech']" in unknown.json()["detail"]
    )
    added = httpx.post(
        f"{served.url}/v1/feedback",
        headers=headers,
        json={"text": "a new song", "label": "music", "new_class": True},
    )
    assert added.status_code == 200
    missing = httpx.post(
        f"{served.url}/v1/feedback",
        headers=headers,
        json={"prediction_id": "nope", "label": "food"},
    )
    assert missing.status_code == 422 and "prediction_id" in missing.json()["detail"]
    rows = FeedbackStore(open_engine(database_url)).corrections("m")
    assert [(r.text, r.label, r.predicted_label, r.new_class) for r in rows] == [
        ("goal for the team", "food", "sports", False),
        ("a new song", "music", None, True),
    ]


def test_models_metrics_and_a_hot_swap_without_a_failed_request(served) -> None:
    failures, versions, stop = [], set(), threading.Event()

    def load() -> None:
        with httpx.Client() as client:
            while not stop.is_set():
                answer = client.post(
                    f"{served.url}/v1/predict", json={"texts": ["goal"]}, headers=served.headers()
                )
                if answer.status_code != 200:
                    failures.append(answer.status_code)
                else:
                    versions.add(answer.json()["version"])

    clients = [threading.Thread(target=load) for _ in range(4)]
    for client in clients:
        client.start()
    served.registry.promote("m", 2, force=True)
    deadline = time.monotonic() + 30
    while 2 not in versions and time.monotonic() < deadline:
        time.sleep(0.1)
    stop.set()
    for client in clients:
        client.join()
    assert failures == [] and versions == {1, 2}
    models = httpx.get(f"{served.url}/v1/models", headers=served.headers()).json()
    assert models["serving"] == 2
    assert [(v["version"], v["stage"]) for v in models["versions"]] == [
        (1, "archived"),
        (2, "production"),
    ]
    metrics = httpx.get(f"{served.url}/metrics").text
    assert 'autoglm_model_version{model="m"} 2.0' in metrics
    assert 'autoglm_model_swaps_total{model="m"} 1.0' in metrics
    assert 'autoglm_http_requests_total{code="200",method="POST",path="/v1/predict"}' in metrics
    assert "autoglm_predict_batch_texts_bucket" in metrics


def test_acknowledged_feedback_survives_kill_9(served, database_url) -> None:
    acknowledged, stop = [], threading.Event()

    def post() -> None:
        with httpx.Client() as client:
            for i in range(100_000):
                if stop.is_set():
                    return
                try:
                    answer = client.post(
                        f"{served.url}/v1/feedback",
                        headers=served.headers("feedback"),
                        json={"text": f"text {i}", "label": "food"},
                        timeout=5,
                    )
                except httpx.TransportError:
                    return
                if answer.status_code == 200:
                    acknowledged.append(answer.json()["id"])

    sender = threading.Thread(target=post)
    sender.start()
    while len(acknowledged) < 30:
        time.sleep(0.05)
    served.kill(signal.SIGKILL)
    stop.set()
    sender.join()
    restarted = start_server(served.args, served.env, served.keys)
    try:
        rows = FeedbackStore(open_engine(database_url)).corrections("m")
        stored = [r.id for r in rows]
        assert set(acknowledged) <= set(stored)
        assert len({r.text for r in rows}) == len(rows)  # nothing stored twice
        again = httpx.post(
            f"{restarted.url}/v1/feedback",
            headers=served.headers("feedback"),
            json={"text": "text 0", "label": "food"},
        ).json()
        assert again["duplicate"] is True
    finally:
        restarted.kill()


def test_bad_settings_fail_at_start_with_a_message(tmp_path, database_url) -> None:
    key_file = tmp_path / "keys.txt"
    create_key(key_file, ["predict"])
    env = {
        "OPENAUTOGLM_REGISTRY_URL": database_url,
        "OPENAUTOGLM_BUNDLE_STORE": str(tmp_path / "s"),
    }
    cases = [
        (serve_command("nope", key_file, new_port()), env, "no model named 'nope'"),
        (
            serve_command("m", tmp_path / "missing.txt", new_port()),
            env,
            "missing.txt does not exist",
        ),
        (
            serve_command("m", key_file, new_port()),
            {"OPENAUTOGLM_REGISTRY_URL": "postgresql+psycopg://x@127.0.0.1:1/none"},
            "cannot reach the database",
        ),
    ]
    for args, extra, says in cases:
        done = subprocess.run(
            args, env={**os.environ, **extra}, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 2, done.stdout + done.stderr
        assert says in " ".join((done.stdout + done.stderr).split())


def test_schemathesis_finds_no_server_error(served) -> None:
    st = shutil.which("st", path=os.path.dirname(sys.executable))
    if st is None:
        pytest.skip("schemathesis is not installed (dev extra)")
    auth = f"Authorization: Bearer {served.keys['admin']}"
    done = subprocess.run(
        [st, "run", f"{served.url}/openapi.json", "-H", auth, "--checks", "not_a_server_error",
         "--max-examples", "50", "--seed", "1", "-w", "1"],
        capture_output=True, text=True, timeout=600, cwd=served.cwd,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:]
    assert "No issues found" in done.stdout, done.stdout[-3000:]

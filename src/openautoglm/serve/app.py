"""The FastAPI application: predict, feedback, models, health, readiness and metrics."""

from __future__ import annotations

import json
import logging
import math
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, Any

import numpy as np
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool

from openautoglm.data.pairs import join_pair
from openautoglm.explain.result import ExplainError, Explanation
from openautoglm.feedback.store import Correction, FeedbackStore, text_hash
from openautoglm.registry.bundle import TextClassifier
from openautoglm.registry.model_registry import Registry, RegistryError
from openautoglm.registry.task_io import label_lists
from openautoglm.serve.api_keys import ApiKey, find_key, read_keys
from openautoglm.serve.body_limit import BodyLimit
from openautoglm.serve.json_body import JsonBody
from openautoglm.serve.metrics import ServiceMetrics
from openautoglm.serve.model_holder import ModelHolder, ServedModel
from openautoglm.serve.prediction_log import LoggedPrediction, PredictionLog
from openautoglm.serve.request_metrics import RequestMetrics
from openautoglm.serve.schemas import (
    MAX_EXPLAIN_TEXTS,
    ErrorResponse,
    FeedbackRequest,
    FeedbackResponse,
    ModelInfo,
    ModelsResponse,
    Prediction,
    PredictionUncertainty,
    PredictRequest,
    PredictResponse,
)
from openautoglm.serve.settings import ServeSettings
from openautoglm.serve.validation_errors import describe_validation_error
from openautoglm.spec import is_pair_task, task_output
from openautoglm.uncertainty.predict import UncertainPrediction

_log = logging.getLogger(__name__)
#: batches up to this size are predicted on the event loop itself
INLINE_TEXTS = 16
_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 404, 413, 422)
}
_NOT_CALIBRATED: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorResponse, "description": "uncertainty=true for a version that was "
          "never calibrated (trained before uncertainty existed, or saved outside a run)"}
}  # fmt: skip
#: labels an explanation covers: the predicted one and its runner-up, so that it says why this
#: label rather than the next (the contrast a reviewer needs); it costs about the same as one
#: label (exact: a lookup per label; LIME scores one set of perturbed texts for all labels)
EXPLAIN_LABELS = 2


class Service:
    """Everything a request needs, built once per worker process."""

    def __init__(self, settings: ServeSettings) -> None:
        self.settings = settings
        self.keys = read_keys(settings.api_key_file)
        self.registry = Registry(settings.registry_url, settings.store)
        self.metrics = ServiceMetrics()
        self.holder = ModelHolder(self.registry, settings.name, settings.poll_s, self._swapped)
        self.metrics.model_version.labels(settings.name).set(self.holder.current.version)
        self.feedback = FeedbackStore(self.registry.engine)
        self.predictions = PredictionLog(self.registry.engine)

    def _swapped(self, served: ServedModel) -> None:
        self.metrics.model_version.labels(served.name).set(served.version)
        self.metrics.swaps.labels(served.name).inc()

    def close(self) -> None:
        self.holder.stop()
        self.predictions.close()


def create_app(settings: ServeSettings) -> FastAPI:
    """The service for ``settings.name``; fails at once on a bad key file, registry or model."""
    service = Service(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        service.holder.start()
        yield
        service.close()

    app = FastAPI(title="Open-AutoGLM", version="1", lifespan=lifespan, responses=_ERRORS)
    app.state.service = service
    app.add_middleware(JsonBody)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestMetrics, metrics=service.metrics)  # outermost: counts 413s too
    _add_error_handlers(app)
    _add_routes(app, service)
    return app


def app_from_env() -> FastAPI:
    """Factory for uvicorn worker processes (settings come from the environment)."""
    return create_app(ServeSettings.from_env())


def _require(scope: str):
    async def check(request: Request) -> ApiKey:  # async: no thread hop for a hash lookup
        service: Service = request.app.state.service
        header = request.headers.get("authorization", "")
        scheme, _, presented = header.partition(" ")
        if scheme.lower() != "bearer" or not presented.strip():
            raise HTTPException(401, "missing API key: send 'Authorization: Bearer <key>'",
                                headers={"WWW-Authenticate": "Bearer"})  # fmt: skip
        key = find_key(service.keys, presented.strip())
        if key is None:
            raise HTTPException(401, "unknown API key", headers={"WWW-Authenticate": "Bearer"})
        if not key.allows(scope):
            raise HTTPException(403, f"this API key may not {scope}; it has {sorted(key.scopes)}")
        return key

    return check


def _add_routes(app: FastAPI, service: Service) -> None:
    settings = service.settings

    @app.post("/v1/predict", response_model=PredictResponse, responses=_NOT_CALIBRATED)
    async def predict(
        body: PredictRequest, _key: Annotated[ApiKey, Depends(_require("predict"))]
    ) -> PredictResponse:
        """Predictions for a batch of texts (or pairs), with an id per prediction: a label and
        probabilities, a label list (multilabel) or a number (regression); on request a
        classification also carries its uncertainty (and a conformal set) and an explanation."""
        _check_inputs(body, settings)
        served = _served(service, body.version)
        _check_task(body, served)
        _check_options(body)
        if body.uncertainty:
            _check_calibrated(served)
        inputs = body.inputs
        if len(inputs) <= INLINE_TEXTS:  # a millisecond: a thread hop would cost as much
            scored = _score(served.classifier, body)
        else:  # a large batch must not hold the event loop (health checks, other requests)
            scored = await run_in_threadpool(_score, served.classifier, body)
        explanations: list[Explanation | None] = [None] * len(inputs)
        if body.explain:  # LIME takes up to seconds a text: never on the event loop
            explanations = await run_in_threadpool(
                _explain, served.classifier, body.texts or [], body.explain_features
            )
        service.metrics.batch_size.observe(len(inputs))
        predictions, logged = [], []
        for i, item in enumerate(inputs):
            prediction = scored.prediction(i, served.classifier.labels, explanations[i])
            predictions.append(prediction)
            shown = item if isinstance(item, str) else join_pair(*item)
            logged.append(LoggedPrediction(prediction.id, served.name, served.version,
                                           text_hash(shown), shown, scored.logged_label(prediction),
                                           prediction.confidence))  # fmt: skip
        service.predictions.log(logged)
        return PredictResponse(model=served.name, version=served.version, predictions=predictions)

    @app.post("/v1/feedback", response_model=FeedbackResponse)
    def feedback(
        body: FeedbackRequest, _key: Annotated[ApiKey, Depends(_require("feedback"))]
    ) -> FeedbackResponse:
        """Store a correction; answered only after it is committed."""
        correction = _correction(service, body)
        receipt = service.feedback.add(settings.name, correction)
        outcome = "duplicate" if receipt.duplicate else "stored"
        service.metrics.feedback.labels(settings.name, outcome).inc()
        return FeedbackResponse(id=receipt.id, duplicate=receipt.duplicate, model=settings.name,
                                predicted_label=correction.predicted_label)  # fmt: skip

    @app.get("/v1/models", response_model=ModelsResponse)
    def models(_key: Annotated[ApiKey, Depends(_require("predict"))]) -> ModelsResponse:
        """The served model's registered versions and the one answering now."""
        versions = [
            ModelInfo(name=v.name, version=v.version, stage=v.stage, labels=v.labels,
                      metrics={k: m for k, m in v.metrics.items() if not isinstance(m, dict)})
            for v in service.registry.versions(settings.name)
        ]  # fmt: skip
        return ModelsResponse(serving=service.holder.current.version, versions=versions)

    @app.post("/v1/admin/reload", response_model=ModelsResponse)
    def reload(key: Annotated[ApiKey, Depends(_require("admin"))]) -> ModelsResponse:
        """Swap to the production version now instead of at the next poll."""
        service.holder.refresh()
        return models(key)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        """The process answers."""
        return {"status": "ok"}

    @app.get("/readyz")
    def readyz() -> JSONResponse:
        """A model is loaded and the database answers."""
        try:
            with service.registry.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as exc:
            return JSONResponse({"status": "unavailable", "detail": str(exc)[:200]}, 503)
        return JSONResponse({"status": "ready", "model": settings.name,
                             "version": service.holder.current.version})  # fmt: skip

    @app.get("/metrics")
    def metrics() -> Response:
        """Prometheus metrics."""
        return Response(service.metrics.exposition(), media_type=service.metrics.content_type)


def _check_inputs(body: PredictRequest, settings: ServeSettings) -> None:
    """The batch size, and each text's (or each side's) length and storability."""
    inputs = body.inputs
    field = "texts" if body.texts is not None else "pairs"
    if len(inputs) > settings.max_batch:
        raise HTTPException(422, f"{field}: {len(inputs):,} in one request; the limit is "
                                 f"{settings.max_batch:,} (split the batch)")  # fmt: skip
    for i, item in enumerate(inputs):
        sides = [(f"{field}[{i}]", item)] if isinstance(item, str) else [
            (f"{field}[{i}][{j}]", side) for j, side in enumerate(item)
        ]  # fmt: skip
        for name, value in sides:
            if len(value) > settings.max_text_chars:
                raise HTTPException(422, f"{name}: {len(value):,} characters; the limit is "
                                         f"{settings.max_text_chars:,}")  # fmt: skip
            _check_storable(value, name)


def _check_task(body: PredictRequest, served: ServedModel) -> None:
    """Pairs for a pair model, texts for the others; uncertainty and explanations only where
    the task has them."""
    task = served.classifier.task_type
    name = f"{served.name} v{served.version}"
    if is_pair_task(task) and body.texts is not None:
        raise HTTPException(422, f"texts: {name} is a {task} model: it reads text pairs; "
                                 'send "pairs": [["first", "second"], ...]')  # fmt: skip
    if not is_pair_task(task) and body.pairs is not None:
        raise HTTPException(422, f"pairs: {name} is a {task} model: it reads single texts; "
                                 'send "texts": ["..."]')  # fmt: skip
    if body.uncertainty and task_output(task) != "classes":
        raise HTTPException(422, f"uncertainty: is for single-label and pair classification; "
                                 f"{name} is a {task} model")  # fmt: skip
    if body.explain and task != "text_classification":
        raise HTTPException(422, f"explain: explanations are for single-text classification; "
                                 f"{name} is a {task} model")  # fmt: skip


def _check_options(body: PredictRequest) -> None:
    if body.set_alpha is not None and not body.uncertainty:
        raise HTTPException(422, 'set_alpha: prediction sets are part of the uncertainty; also '
                                 'send "uncertainty": true')  # fmt: skip
    if not body.explain:
        return
    texts = body.texts or []
    if len(texts) > MAX_EXPLAIN_TEXTS:
        raise HTTPException(422, f"texts: {len(texts):,} texts with explain=true; the limit "
                                 f"is {MAX_EXPLAIN_TEXTS} texts per request with explanations "
                                 "(split the batch)")  # fmt: skip
    for i, item in enumerate(texts):
        if not item.strip():
            raise HTTPException(422, f"texts[{i}]: is empty (or only whitespace): nothing "
                                     "to explain; drop it or leave explain out")  # fmt: skip


def _check_calibrated(served: ServedModel) -> None:
    """409, not 422: the request is valid and would succeed on a calibrated version; what
    stands in the way is the state of the version asked for, which the client can change
    (ask another version, or retrain and promote one), the case RFC 9110 gives 409 for."""
    if served.classifier.uncertainty is None:
        raise HTTPException(409, f"uncertainty: {served.name} v{served.version} has no "
                                 "calibration (it was trained before uncertainty existed, or "
                                 "saved outside a run); retrain it with AutoTask.run (autoglm run "
                                 "or autoglm retrain) and promote the new version, or ask a "
                                 "calibrated one with \"version\"")  # fmt: skip


@dataclass
class _Scored:
    """A batch's raw outputs (probabilities, or numbers for regression), plus the multilabel
    label lists, and the uncertainty and sets when they were asked for."""

    raw: np.ndarray
    uncertain: UncertainPrediction | None = None
    sets: list[list[str]] | None = None
    label_lists: list[list[str]] | None = None
    regression: bool = False

    def prediction(self, i: int, labels: list[str], explanation: Explanation | None) -> Prediction:
        """Row ``i`` as the response's prediction."""
        if self.regression:
            return Prediction(id=str(uuid.uuid4()), value=float(self.raw[i]))
        row = self.raw[i]
        best = int(row.argmax())
        return Prediction(
            id=str(uuid.uuid4()),
            label=labels[best],
            confidence=float(row[best]),
            probabilities={label: float(p) for label, p in zip(labels, row, strict=True)},
            labels=None if self.label_lists is None else self.label_lists[i],
            uncertainty=self.uncertainty(i),
            explanation=explanation,
        )

    @staticmethod
    def logged_label(prediction: Prediction) -> str:
        """What the prediction log keeps as a prediction's label: the label, the JSON list of
        labels (multilabel) or the number (regression)."""
        if prediction.value is not None:
            return repr(prediction.value)
        if prediction.labels is not None:
            return json.dumps(prediction.labels, ensure_ascii=False)
        return str(prediction.label)

    def uncertainty(self, i: int) -> PredictionUncertainty | None:
        if self.uncertain is None:
            return None
        spread = float(self.uncertain.spread_variance[i])
        return PredictionUncertainty(
            calibrated_confidence=float(self.uncertain.max_proba[i]),
            entropy=float(self.uncertain.entropy[i]),
            ensemble_spread=spread if math.isfinite(spread) else None,  # NaN: one member
            abstain=bool(self.uncertain.abstain[i]),
            prediction_set=None if self.sets is None else self.sets[i],
        )


def _score(classifier: TextClassifier, body: PredictRequest) -> _Scored:
    inputs = body.inputs
    output = task_output(classifier.task_type)
    if output == "regression":
        return _Scored(np.asarray(classifier.predict(inputs), dtype=np.float64), regression=True)
    if output == "multilabel":
        proba = classifier.predict_proba(inputs)
        return _Scored(proba, label_lists=label_lists(proba, classifier.labels,
                                                       classifier.thresholds))  # fmt: skip
    if not body.uncertainty:
        return _Scored(classifier.predict_proba(inputs))
    # raw_proba is bit-identical to predict_proba(texts): label, confidence and probabilities
    # stay the raw ones; no MC dropout (passes of a neural member per text: too slow to serve)
    uncertain = classifier.predict_proba(inputs, uncertainty=True, mc_passes=0)
    sets = None
    if body.set_alpha is not None:
        sets = classifier.predict_set(inputs, alpha=body.set_alpha, method=None)
    return _Scored(uncertain.raw_proba, uncertain, sets)


def _explain(classifier: TextClassifier, texts: list[str], n_features: int) -> list[Explanation]:
    """One explanation a text, in one worker thread (a LIME batch holds one thread, not 16)."""
    explanations = []
    for i, item in enumerate(texts):
        try:
            explanations.append(classifier.explain(item, EXPLAIN_LABELS, n_features, "auto"))
        except ExplainError as exc:
            raise HTTPException(422, f"texts[{i}]: cannot be explained: {exc}") from None
    return explanations


def _check_storable(value: str, field: str) -> None:
    """Texts are logged and stored: refuse what no database can keep, naming the field."""
    if "\x00" in value:
        raise HTTPException(422, f"{field}: contains a NUL character (\\u0000)")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise HTTPException(422, f"{field}: is not valid Unicode (a lone surrogate)") from None


def _served(service: Service, version: int | None) -> ServedModel:
    try:
        return service.holder.version(version)
    except RegistryError as exc:
        raise HTTPException(404, f"version: {exc}") from None


def _correction(service: Service, body: FeedbackRequest) -> Correction:
    current = service.holder.current
    labels, task = current.classifier.labels, current.classifier.task_type
    if task_output(task) != "classes":
        raise HTTPException(422, f"label: corrections are taken for single-label and pair "
                                 f"classification models; {current.name} is a {task} "
                                 "model (add the right answers to its training data and "
                                 "retrain)")  # fmt: skip
    if is_pair_task(task) and body.prediction_id is None:
        raise HTTPException(422, "prediction_id: a text-pair model's corrections name the "
                                 "prediction_id /v1/predict gave the pair")  # fmt: skip
    _check_storable(body.label, "label")
    if body.text is not None:
        _check_storable(body.text, "text")
    if body.label not in labels and not body.new_class:
        name = service.settings.name
        raise HTTPException(422, f"label: {body.label!r} is not a label of {name} (allowed: "
                                 f"{labels}); send new_class=true to add a class")  # fmt: skip
    if body.prediction_id is None:
        if not body.text:
            raise HTTPException(422, "text: send the text, or the prediction_id it was given")
        return Correction(body.text, body.label, new_class=body.label not in labels)
    logged = service.predictions.get(body.prediction_id)
    if logged is None or logged.name != service.settings.name:
        raise HTTPException(422, f"prediction_id: no prediction {body.prediction_id!r} of "
                                 f"{service.settings.name} was logged")  # fmt: skip
    if body.text is not None and text_hash(body.text) != logged.input_hash:
        raise HTTPException(422, "text: differs from the text of that prediction_id")
    return Correction(logged.text, body.label, logged.id, logged.label, logged.version,
                      new_class=body.label not in labels)  # fmt: skip


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": describe_validation_error(exc.errors())}, 422)

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> JSONResponse:
        _log.exception("unhandled error on %s", request.url.path)
        return JSONResponse({"detail": "internal error; the server log has the details"}, 500)
